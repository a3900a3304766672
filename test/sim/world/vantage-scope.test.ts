/**
 * What each vantage instance sees (sim/world/vantage-taps.ts under a placement from
 * sim/world/topology.ts), on a small constructed world: pairs of users exchanging
 * messages, placed on two access networks under two ISPs and, with a VPN, on VPN exits.
 * The answers are known from the placement: a scoped tap sees exactly its users' packets,
 * a shared exit's upstream the union of its users' core-link packets.
 */
import { describe, expect, it } from "vitest";
import { definition as none } from "../../../shapers/none.ts";
import type { Tap } from "../../../observers/observer.ts";
import { UNLIMITED } from "../../../sim/engine/budget.ts";
import type { ConversationContext, ConversationModel } from "../../../sim/world/conversation.ts";
import { networkSchema, planNetwork } from "../../../sim/world/network.ts";
import { buildPopulation } from "../../../sim/world/population.ts";
import { stream } from "../../../sim/core/rng.ts";
import { SECOND, type Micros } from "../../../sim/core/time.ts";
import { UP, type Direction } from "../../../sim/core/kinds.ts";
import { placeUsers, scopeUsers, topologySchema, type Placement } from "../../../sim/world/topology.ts";
import { Transport, transportSchema } from "../../../sim/world/transport.ts";
import { TYPE_CODE } from "../../../sim/world/truth.ts";
import { World, type TapPlacement } from "../../../sim/world/world.ts";
import type { VantageName } from "../../../observers/observer.ts";

const USERS = 8;

/** User 2k writes to 2k+1 every second (sizes vary), staggered by pair, for 20 s. */
class Chatter implements ConversationModel {
  private conv: number[] = [];
  start(ctx: ConversationContext): void {
    for (let k = 0; k < USERS / 2; k++) {
      this.conv.push(ctx.truth.conversations.add("direct", 2 * k, 2 * k + 1, 0));
      ctx.wakeAt(k * 37_000 + 1000, k);
    }
  }
  onWake(now: Micros, token: number, ctx: ConversationContext): void {
    const k = token % (USERS / 2);
    const round = Math.floor(token / (USERS / 2));
    ctx.send(now, 2 * k, 2 * k + 1, TYPE_CODE.text, 200 + 1500 * ((round + k) % 5), this.conv[k]);
    if (round < 20) ctx.wakeAt(now + SECOND, token + USERS / 2);
  }
  onDelivered(): void {}
}

type Seen = [endpoint: number, time: number, size: number, dir: Direction];

class Recorder implements Tap {
  readonly seen: Seen[] = [];
  packet(endpoint: number, time: Micros, size: number, dir: Direction): void {
    this.seen.push([endpoint, time, size, dir]);
  }
  of(u: number): Seen[] {
    return this.seen.filter((s) => s[0] === u);
  }
}

const topology = topologySchema.parse({
  isps: ["fiber", "cable"],
  networks: [
    { name: "home", kind: "home-wifi", isp: "fiber", weight: 1 },
    { name: "cafe", kind: "hotspot", isp: "cable", weight: 1 },
  ],
  vpn: { exits: 2 },
});

/** Runs the chatter world with recording taps at the given vantages and scopes. */
function run(vpn: boolean, placement: Placement | undefined, taps: { vantage: VantageName; scope?: string }[]): Recorder[] {
  const recorders = taps.map(() => new Recorder());
  const placements: TapPlacement[] = taps.map((t, i) => ({
    vantage: t.vantage,
    tap: recorders[i],
    scope: placement ? scopeUsers(placement, t.vantage, t.scope) : null,
  }));
  new World({
    seed: 3,
    duration: 30 * SECOND,
    population: buildPopulation({ users: USERS, contactsPerUser: 1 }, stream(3, "population")),
    models: [{ name: "chatter", model: new Chatter() }],
    transport: new Transport(transportSchema.parse(vpn ? { vpn: {} } : {})),
    network: planNetwork(networkSchema.parse({})),
    device: { name: "none", definition: none, params: {}, budget: UNLIMITED },
    server: { name: "none", definition: none, params: {}, budget: UNLIMITED },
    taps: placements,
    placement,
  }).run();
  return recorders;
}

const byTime = (a: Seen, b: Seen) => a[1] - b[1] || a[3] - b[3] || a[2] - b[2] || a[0] - b[0];

describe("scoped taps", () => {
  it("a local tap on one network receives its users' packets and nobody else's", () => {
    const p = placeUsers(topology, USERS, false, stream(3, "topology"));
    const [all, cafe, cable] = run(false, p, [{ vantage: "local" }, { vantage: "local", scope: "cafe" }, { vantage: "isp", scope: "cable" }]);
    const onCafe = new Set(Array.from({ length: USERS }, (_, u) => u).filter((u) => p.network[u] === 1));
    expect(onCafe.size).toBe(4);
    expect(cafe.seen.length).toBeGreaterThan(0);
    expect(cafe.seen.every((s) => onCafe.has(s[0]))).toBe(true);
    // exactly the unscoped tap's packets of those users, in the same order
    expect(cafe.seen).toEqual(all.seen.filter((s) => onCafe.has(s[0])));
    for (const u of onCafe) expect(cafe.of(u).length).toBeGreaterThan(0);
    // the cafe is the cable ISP's only network here, so the ISP sees the same users
    expect(new Set(cable.seen.map((s) => s[0]))).toEqual(onCafe);
  });

  it("a shared VPN exit's upstream gives each user the union of the exit's users' core-link packets, in time order", () => {
    const p = placeUsers(topology, USERS, true, stream(3, "topology"));
    const [exit, provider, exit1] = run(true, p, [{ vantage: "vpn-exit" }, { vantage: "vpn-provider" }, { vantage: "vpn-exit", scope: "exit-1" }]);
    for (let u = 0; u < USERS; u++) {
      const mates = Array.from({ length: USERS }, (_, v) => v).filter((v) => p.exit[v] === p.exit[u]);
      expect(mates.length).toBe(4);
      const expected = mates.flatMap((v) => provider.of(v)).map((s): Seen => [u, s[1], s[2], s[3]]);
      const got = exit.of(u);
      expect([...got].sort(byTime)).toEqual(expected.sort(byTime));
      for (const dir of [0, 1]) {
        const times = got.filter((s) => s[3] === dir).map((s) => s[1]);
        for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1]);
      }
      // scoped to exit-1: only exit 1's users, each with the same mixed stream
      expect(exit1.of(u)).toEqual(p.exit[u] === 1 ? got : []);
    }
  });

  it("with one user per exit the exit's upstream is the old per-user core-link view", () => {
    const perUser = placeUsers({ ...topology, vpn: undefined }, USERS, true, stream(3, "topology"));
    expect(perUser.exits).toBe(USERS);
    const [exit, provider] = run(true, perUser, [{ vantage: "vpn-exit" }, { vantage: "vpn-provider" }]);
    const [old] = run(true, undefined, [{ vantage: "vpn-exit" }]);
    expect(exit.seen.length).toBeGreaterThan(0);
    expect(exit.seen).toEqual(old.seen);
    expect(exit.seen).toEqual(provider.seen);
    expect(exit.seen.some((s) => s[3] === UP)).toBe(true);
  });
});
