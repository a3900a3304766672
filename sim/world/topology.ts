/**
 * Where the users are: access networks under ISPs, and the VPN provider's exit servers.
 * A vantage's scope follows from it (observers/observer.ts, `VANTAGES`): a local-network
 * observer sees the users of one access network, an ISP its subscribers, a VPN exit's
 * upstream the users of that exit, mixed.
 *
 * The placement is data in the experiment (`topology`): named ISPs, access networks of a
 * kind (home or office Wi-Fi, public hotspot, mobile carrier) each under one ISP with a
 * relative weight (its share of the messaging users) and a number of bystanders (devices
 * there that do not run the messenger: the negatives of service identification), and
 * optionally the number of VPN exits the VPN users share. Users are dealt to networks
 * and exits from the experiment's `topology` stream, so arms share one placement.
 *
 * Without a `topology` the experiment keeps the earlier world: one scope holding every
 * user, one VPN exit per user (a per-user tunnel), no bystanders.
 *
 * @example
 * topologySchema.parse({
 *   isps: ["fiber-co", "cable-co"],
 *   networks: [
 *     { name: "home-1", kind: "home-wifi", isp: "fiber-co", weight: 4 },
 *     { name: "cafe", kind: "hotspot", isp: "cable-co", weight: 1, bystanders: 20 },
 *   ],
 *   vpn: { exits: 4 },
 * });
 */
import { z } from "zod";

export const NETWORK_KINDS = ["home-wifi", "office-wifi", "hotspot", "mobile"] as const;
export type NetworkKind = (typeof NETWORK_KINDS)[number];

const nameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._-]+$/, "expected letters, digits, '.', '_' or '-'");

export const accessNetworkSchema = z
  .object({
    name: nameSchema.describe("the network's name (an observer's `scope` at the local vantage)"),
    kind: z.enum(NETWORK_KINDS).describe("home or office Wi-Fi, a public hotspot, or a mobile carrier's radio network"),
    isp: nameSchema.describe("the ISP this network's traffic goes through (one of `isps`)"),
    weight: z.number().positive().max(1e6).default(1).describe("relative share of the messaging users placed here"),
    bystanders: z.number().int().min(0).max(100_000).default(0).describe("devices on this network that do not run the messenger (service identification's negatives)"),
  })
  .strict();

export const topologySchema = z
  .object({
    isps: z.array(nameSchema).min(1).max(1000).describe("the ISPs (an observer's `scope` at the isp vantage)"),
    networks: z.array(accessNetworkSchema).min(1).max(100_000).describe("access networks; users are dealt to them by weight"),
    vpn: z
      .object({
        exits: z.number().int().min(1).max(100_000).describe("VPN exit servers; the VPN's users are dealt to them evenly (an observer's `scope` at the vpn-exit vantage is `exit-<k>`)"),
      })
      .strict()
      .optional()
      .describe("the VPN provider's exits (used when transport.vpn is set)"),
  })
  .strict();

export type TopologySpec = z.infer<typeof topologySchema>;
export type AccessNetworkSpec = z.infer<typeof accessNetworkSchema>;

/**
 * Where each user landed. Arrays are indexed by user (messaging users only); bystanders
 * are counted per network and numbered after the users, network by network.
 */
export interface Placement {
  readonly users: number;
  /** Bystanders in all networks together. */
  readonly bystanders: number;
  readonly isps: readonly string[];
  readonly networks: readonly AccessNetworkSpec[];
  /** network[u]: index into `networks`. */
  readonly network: Int32Array;
  /** isp[u]: index into `isps`. */
  readonly isp: Int32Array;
  /** exit[u]: the VPN exit user u shares, or −1 without a VPN. */
  readonly exit: Int32Array;
  readonly exits: number;
  /** bystanderNetwork[b]: the network of bystander b (device id users + b). */
  readonly bystanderNetwork: Int32Array;
}
