/**
 * The built-in population exposure runs use: who the users are and where they sit. One
 * concept: a small, mixed world in which every vantage of the issue has something to see.
 *
 * - Three ISPs: `fiber-co` (the home and office lines), `cable-co` (the café's line and a
 *   few homes) and `mobile-co` (a mobile carrier).
 * - Access networks: six home Wi-Fi networks (two bystander devices each: the other
 *   devices of the household that do not run the messenger), an office Wi-Fi (15
 *   bystanders), a public hotspot in a café (25 bystanders) and the carrier's radio
 *   network (20 bystanders near the users: an assumption standing for the cell's other
 *   subscribers). The messaging users are dealt to them by weight (homes 2 each, office
 *   3, café 6, mobile 4, by sim/world/topology.ts `placeUsers`): of 48 users about 23 on
 *   the homes (4 on each), 6 in the office, 11 in the café and 8 on mobile — the café is
 *   busy so that its local observer has enough users to score.
 * - A VPN provider with four exit servers, shared by its users (dealt evenly).
 * - The default conversation mix (1:1 messaging, groups, voice calls, idle background).
 *
 * Sizes: `FULL` (what `chaff exposure` runs by default: 60 users, 30 simulated minutes)
 * and `CI` (48 users, 20 minutes: the committed baselines and `test/sim/exposure/posture.test.ts`); `--users`
 * and `--duration` override either.
 */
import type { TopologySpec } from "../world/topology.ts";

export interface ExposurePopulation {
  users: number;
  durationSeconds: number;
  seed: number;
  /** Bootstrap resamples for the intervals. */
  resamples: number;
}

/** What `chaff exposure` runs without --users / --duration. */
export const FULL: ExposurePopulation = { users: 60, durationSeconds: 1800, seed: 13, resamples: 500 };
/** The size of the committed baselines and the CI check (`test/sim/exposure/posture.test.ts`). */
export const CI: ExposurePopulation = { users: 48, durationSeconds: 1200, seed: 13, resamples: 400 };

/** The local scopes exposure runs observe: the café's hotspot and one home network. */
export const HOTSPOT = "cafe-hotspot";
export const HOME = "home-1";
/** The ISP scope exposure runs observe (the one carrying the homes and the office). */
export const ISP = "fiber-co";
/** The VPN exit whose upstream exposure runs observe. */
export const EXIT = "exit-0";

/**
 * The topology of the built-in population (independent of its size: users are dealt by
 * weight); the VPN's exits only when the policy uses a VPN.
 */
export function exposureTopology(vpn: boolean): TopologySpec {
  const homes = Array.from({ length: 6 }, (_, i) => ({ name: `home-${i + 1}`, kind: "home-wifi" as const, isp: i < 4 ? "fiber-co" : "cable-co", weight: 2, bystanders: 2 }));
  return {
    isps: ["fiber-co", "cable-co", "mobile-co"],
    networks: [
      ...homes,
      { name: "office", kind: "office-wifi", isp: "fiber-co", weight: 3, bystanders: 15 },
      { name: HOTSPOT, kind: "hotspot", isp: "cable-co", weight: 6, bystanders: 25 },
      { name: "mobile", kind: "mobile", isp: "mobile-co", weight: 4, bystanders: 20 },
    ],
    ...(vpn ? { vpn: { exits: 4 } } : {}),
  };
}

/** The default conversation mix (as sim/experiment/builtin/default.json). */
export const CONVERSATIONS = [{ model: "messaging" }, { model: "group" }, { model: "voice-call" }, { model: "background" }];
