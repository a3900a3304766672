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
import type { VantageName } from "../../observers/observer.ts";
import type { Rng } from "../core/rng.ts";
import { InputError, showValue, unknownName } from "../core/validation.ts";

export const NETWORK_KINDS = ["home-wifi", "office-wifi", "hotspot", "mobile"] as const;
export type NetworkKind = (typeof NETWORK_KINDS)[number];

const nameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._-]+$/, "expected letters, digits, '.', '_' or '-'");

/** Bystanders over all networks together, at most. */
export const MAX_BYSTANDERS = 100_000;

export const accessNetworkSchema = z
  .object({
    name: nameSchema.describe("the network's name (an observer's `scope` at the local vantage)"),
    kind: z.enum(NETWORK_KINDS).describe("home or office Wi-Fi, a public hotspot, or a mobile carrier's radio network"),
    isp: nameSchema.describe("the ISP this network's traffic goes through (one of `isps`)"),
    weight: z.number().positive().max(1e6).default(1).describe("relative share of the messaging users placed here"),
    bystanders: z.number().int().min(0).max(MAX_BYSTANDERS).default(0).describe("devices on this network that do not run the messenger (service identification's negatives)"),
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
  .strict()
  .superRefine((t, ctx) => {
    // each network's bound alone would allow 10^10 devices: the placement and the metadata
    // world allocate per device before any other limit is checked
    let total = 0;
    for (const n of t.networks) total += n.bystanders;
    if (total > MAX_BYSTANDERS) ctx.addIssue({ code: "custom", path: ["networks"], message: `bystanders add up to ${total}; expected at most ${MAX_BYSTANDERS} over all networks` });
  });

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

/** The network and ISP name every user is on when the experiment has no `topology`. */
export const WHOLE_WORLD = "all";

/** The implicit single network of an experiment without a `topology`. */
const WHOLE_NETWORK: AccessNetworkSpec = { name: WHOLE_WORLD, kind: "home-wifi", isp: WHOLE_WORLD, weight: 1, bystanders: 0 };

/**
 * Deals `users` messaging users to networks and VPN exits, deterministically from `rng`
 * (the experiment's `topology` stream).
 *
 * - Networks: each gets its largest-remainder quota of `users` by weight (the floor of
 *   users·w/W, then one more to the largest remainders, ties to the earlier network);
 *   which users land where is a seeded shuffle of those slots (`rng.child("networks")`),
 *   so a user's index says nothing about its network. The ISP follows from the network.
 * - VPN exits (only with `vpn`): `topology.vpn.exits` exits, the users dealt evenly in a
 *   seeded order (`rng.child("exits")`): exit sizes differ by at most one. Without
 *   `topology` or without `topology.vpn`, one exit per user (exit u = user u: the old
 *   per-user tunnel).
 * - Without `topology`: one network and one ISP (both named "all") holding every user,
 *   no bystanders.
 */
export function placeUsers(spec: TopologySpec | undefined, users: number, vpn: boolean, rng: Rng): Placement {
  if (!Number.isInteger(users) || users < 0) throw new InputError(`population.users = ${showValue(users)}: expected a whole number ≥ 0`);
  const networks = spec ? spec.networks : [WHOLE_NETWORK];
  const isps = spec ? spec.isps : [WHOLE_WORLD];
  const ispIndex = new Map(isps.map((name, i) => [name, i]));
  const network = new Int32Array(users);
  const isp = new Int32Array(users);
  if (networks.length > 1) {
    const slots = quotaSlots(networks.map((n) => n.weight), users);
    shuffle(slots, rng.child("networks"));
    network.set(slots);
  }
  for (let u = 0; u < users; u++) {
    const i = ispIndex.get(networks[network[u]].isp);
    if (i === undefined) {
      throw new InputError(unknownName("ISP", `topology.networks[${network[u]}].isp`, networks[network[u]].isp, isps));
    }
    isp[u] = i;
  }
  const exit = new Int32Array(users).fill(-1);
  let exits = 0;
  if (vpn) {
    if (spec?.vpn) {
      exits = spec.vpn.exits;
      const order = new Int32Array(users);
      for (let u = 0; u < users; u++) order[u] = u;
      shuffle(order, rng.child("exits"));
      for (let i = 0; i < users; i++) exit[order[i]] = i % exits;
    } else {
      exits = users;
      for (let u = 0; u < users; u++) exit[u] = u;
    }
  }
  let bystanders = 0;
  for (const n of networks) bystanders += n.bystanders;
  const bystanderNetwork = new Int32Array(bystanders);
  for (let i = 0, b = 0; i < networks.length; i++) {
    for (let k = 0; k < networks[i].bystanders; k++) bystanderNetwork[b++] = i;
  }
  return { users, bystanders, isps, networks, network, isp, exit, exits, bystanderNetwork };
}

/** Network index per slot: largest-remainder quotas of `total` by `weights`, in network order. */
function quotaSlots(weights: readonly number[], total: number): Int32Array {
  let sum = 0;
  for (const w of weights) sum += w;
  const quota = weights.map((w) => Math.floor((total * w) / sum));
  let left = total - quota.reduce((a, b) => a + b, 0);
  const byRemainder = weights
    .map((w, i) => ({ i, r: (total * w) / sum - quota[i] }))
    .sort((a, b) => b.r - a.r || a.i - b.i);
  for (let k = 0; left > 0; k++, left--) quota[byRemainder[k].i]++;
  const slots = new Int32Array(total);
  for (let i = 0, s = 0; i < quota.length; i++) for (let k = 0; k < quota[i]; k++) slots[s++] = i;
  return slots;
}

/** Fisher–Yates in place. */
function shuffle(a: Int32Array, rng: Rng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(0, i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}

/** The exit scope name of exit `k` ("exit-<k>"). */
export function exitName(k: number): string {
  return `exit-${k}`;
}

/** Index of the access network called `name`; an `InputError` naming `where` when there is none. */
export function networkIndex(p: Placement, name: string, where = "scope"): number {
  const i = p.networks.findIndex((n) => n.name === name);
  if (i < 0) throw new InputError(unknownName("access network", where, name, p.networks.map((n) => n.name)));
  return i;
}

/** Index of the ISP called `name`; an `InputError` naming `where` when there is none. */
export function ispIndex(p: Placement, name: string, where = "scope"): number {
  const i = p.isps.indexOf(name);
  if (i < 0) throw new InputError(unknownName("ISP", where, name, p.isps));
  return i;
}

/** Index k of the exit called "exit-<k>"; an `InputError` naming `where` unless 0 ≤ k < `exits`. */
export function exitIndex(exits: number, name: string, where = "scope"): number {
  const m = /^exit-(0|[1-9][0-9]*)$/.exec(name);
  const k = m ? Number(m[1]) : -1;
  if (k < 0 || k >= exits) {
    const expected = exits > 0 ? `expected exit-<k> with 0 ≤ k < ${exits} (topology.vpn.exits, or one exit per user without it)` : "this experiment has no VPN exits (set transport.vpn)";
    throw new InputError(`${where} = ${showValue(name)}: ${expected}`);
  }
  return k;
}

/**
 * What `scope` names at `vantage`: the placement field it selects on (`network` at
 * `local`, `isp` at `isp`, `exit` at `vpn-exit`) and the index there; null when the
 * observer has no scope (every instance at once, colluding). An `InputError` naming
 * `where` for an unknown name, or for a scope at a vantage with one instance (`server`,
 * `global`, `vpn-provider`).
 */
export function scopeIndex(p: Placement, vantage: VantageName, scope: string | undefined, where = "scope"): { readonly by: "network" | "isp" | "exit"; readonly k: number } | null {
  if (scope === undefined) return null;
  if (vantage === "local") return { by: "network", k: networkIndex(p, scope, where) };
  if (vantage === "isp") return { by: "isp", k: ispIndex(p, scope, where) };
  if (vantage === "vpn-exit") return { by: "exit", k: exitIndex(p.exits, scope, where) };
  throw new InputError(`${where} = ${showValue(scope)}: the ${vantage} vantage has one instance and takes no scope (scopes exist at local, isp and vpn-exit)`);
}

/**
 * The users a vantage instance sees: 1 for each user in `scope`, or null when the
 * observer has no scope or the vantage has no instances (`scopeIndex`).
 */
export function scopeUsers(p: Placement, vantage: VantageName, scope: string | undefined, where = "scope"): Uint8Array | null {
  const s = scopeIndex(p, vantage, scope, where);
  if (s === null) return null;
  const of = p[s.by];
  const mask = new Uint8Array(p.users);
  for (let u = 0; u < p.users; u++) mask[u] = of[u] === s.k ? 1 : 0;
  return mask;
}
