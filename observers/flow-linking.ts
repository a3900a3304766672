/**
 * Flow linking — the `flow-link` task: do these two connections come from the same
 * device? A proxy hop that carries messaging and media on separate paths (separate proxy
 * addresses and connections) is meant to stop the services tying one person's media to
 * their messages. The attacker ties them back by address when it can, and otherwise by
 * timing: an attachment is uploaded when its message is sent, and downloaded when its
 * pointer arrives, so a media flow starts at a moment the same device's messaging
 * connection carried a message — the flow-correlation idea of Murdoch & Danezis
 * ("Low-Cost Traffic Analysis of Tor", IEEE S&P 2005: unrelated streams linked back to
 * one initiator by timing) and Nasr, Bahramali, Houmansadr ("DeepCorr: Strong Flow
 * Correlation Attacks on Tor Using Deep Learning", CCS 2018), here on flow boundaries
 * instead of packet series.
 *
 * Flows: the vantage's `flow` records, merged by handle (the earliest start, the latest
 * end, the first visible name, address and port, the device when every record agrees).
 * Each is classed by what it shows (meta-service.ts): the messenger's messaging, media
 * or calls by a visible name or a dedicated address; `other` by a visible name of
 * another site (left out: the attacker reads that it is not the messenger's); `unknown`
 * when both are hidden (a CDN front, a proxy, a tunnel: it could be either side).
 *
 * Candidates (the rule): every pair of a bulk-side flow (media, calls or unknown) and a
 * messaging-side flow (messaging or unknown), two distinct handles, whose spans come
 * within `windowSeconds` of each other (b.time ≤ a.end + window and a.time ≤ b.end +
 * window). Two unknown flows make one pair, not two.
 *
 * Score, from what the vantage shows, in tiers that never overlap:
 * - both flows' devices told apart (device ≥ 0): the same device → tier +2, different
 *   devices → −2 (the vantage reads the device's own address);
 * - else by sender address: a flow's sender addresses are its source and, for a tunnel
 *   to a VPN server (WireGuard's port 51820), that server's address too, since the
 *   tunnel's traffic leaves the provider from it (the attacker knows the provider's exit
 *   addresses). A shared sender address → +1 (it may be a VPN exit or proxy several
 *   devices share: only a hint), both known and none shared → −1 (different exits or
 *   paths);
 * - else 0;
 * plus a timing term in [0, 1]: with d_in the distance from one flow's start to the
 * other's span (0 inside it) and d_edge the distance from that start to the nearest end
 * of the other's span, ½/(1 + d_in/τ) + ½/(1 + d_edge/τ), τ = `timeScaleSeconds`, the
 * larger of the two ways round. A media upload that starts inside the same device's
 * messaging connection, or opens it, scores near 1; a flow of a device that was silent
 * then scores low. Score = 4·tier + timing.
 *
 * Cases and labels: a pair is positive when `Labels.flowOwner` names the same device
 * for both handles, negative when it names two different devices, and left out when it
 * names none for either (a handle covering several devices' flows: the lab cannot say).
 * Each case carries the two owners as its users (`usersPerCase` 2; owners are device
 * ids, bystanders included, so the run's bootstrap weights must cover every device) and
 * the later start as its time. Beyond `maxNegatives` negatives a seeded uniform sample
 * (reservoir, stream `negatives` of the observer's rng) is kept; positives all are.
 *
 * Vantage: any that carries flows. At the access network or ISP a device's flows share
 * its address and linking is certain; at the messaging server behind a proxy split, or at
 * a shared VPN exit's upstream, addresses are shared and only timing is left. Sees each
 * flow's start, end, bytes and whatever name, addresses and port the policy leaves
 * visible. Cannot see inside a flow (the messages and their times), which device is
 * behind a shared exit or proxy address, flows that pass elsewhere.
 *
 * @example
 * const obs = definition.create(definition.schema.parse({ windowSeconds: 10 }), ctx);
 * for (const r of records) obs.meta!.record(r);
 * obs.score(labels); // pairs of flows: same device or not
 */
import { z } from "zod";
import type { Labels } from "./labels.ts";
import type { MetaRecord } from "./meta-record.ts";
import { catalogueParams, MetaLog, ServiceCatalogue, type RecordClass } from "./meta-service.ts";
import type { Observer, ObserverContext, ObserverDefinition, Tap, TaskScores } from "./observer.ts";
import { seconds, type Micros } from "../sim/core/time.ts";

const schema = z
  .object({
    windowSeconds: z.number().min(0).max(86_400).meta({ unit: "seconds" }).default(10).describe("largest gap between two flows' spans for them to be a candidate pair, seconds"),
    timeScaleSeconds: z.number().positive().max(3600).meta({ unit: "seconds" }).default(1).describe("timing scale τ: a start this far from the other flow's span or edge halves that part of the timing term, seconds"),
    maxNegatives: z.number().int().positive().meta({ unit: "pairs" }).default(1_000_000).describe("keep at most this many negative pairs (seeded uniform sample), pairs"),
    ...catalogueParams,
  })
  .strict();

export type FlowLinkingParams = z.infer<typeof schema>;

/** Packets carry no flow boundaries here: this observer's packet tap ignores them. */
const NO_PACKETS: Tap = { packet: () => {} };

/** One connection as the vantage delimits it. */
export interface SeenFlow {
  readonly handle: number;
  time: Micros;
  end: Micros;
  device: number;
  name: string | null;
  src: string | null;
  dst: string | null;
  port: number | null;
  bytesUp: number;
  bytesDown: number;
}

/** The `flow` records merged by handle, in order of start (then handle). */
export function seenFlows(records: readonly MetaRecord[]): SeenFlow[] {
  const byHandle = new Map<number, SeenFlow>();
  for (const r of records) {
    if (r.kind !== "flow") continue;
    const f = byHandle.get(r.flow);
    if (f === undefined) {
      byHandle.set(r.flow, { handle: r.flow, time: r.time, end: r.end, device: r.device, name: r.name, src: r.src, dst: r.dst, port: r.port, bytesUp: r.bytesUp, bytesDown: r.bytesDown });
      continue;
    }
    f.time = Math.min(f.time, r.time);
    f.end = Math.max(f.end, r.end);
    if (f.device !== r.device) f.device = -1;
    f.name ??= r.name;
    f.src ??= r.src;
    f.dst ??= r.dst;
    f.port ??= r.port;
    f.bytesUp += r.bytesUp;
    f.bytesDown += r.bytesDown;
  }
  return [...byHandle.values()].sort((a, b) => a.time - b.time || a.handle - b.handle);
}

const BULK = 1;
const MESSAGING = 2;

/** Which sides of a pair a class may take: bulk (media, calls), messaging, both (unknown), none (other). */
function sides(cls: RecordClass): number {
  if (cls === "media" || cls === "calls") return BULK;
  if (cls === "messaging") return MESSAGING;
  if (cls === "unknown") return BULK | MESSAGING;
  return 0;
}

/** Timing term of `a`'s start against `b`'s span, in [0, 1]. */
function startAgainst(a: SeenFlow, b: SeenFlow, tau: number): number {
  const t = a.time;
  const dIn = t < b.time ? b.time - t : t > b.end ? t - b.end : 0;
  const dEdge = Math.min(Math.abs(t - b.time), Math.abs(t - b.end));
  return 0.5 / (1 + dIn / tau) + 0.5 / (1 + dEdge / tau);
}

/** WireGuard's port: a flow to it is a tunnel to a VPN server, whose traffic leaves the provider from that server's address. */
const WIREGUARD_PORT = 51820;

/** +1 when `a` and `b` share a sender address, −1 when both have one and share none, 0 when either has none. */
function senderTier(a: SeenFlow, b: SeenFlow): number {
  const tunnelA = a.port === WIREGUARD_PORT ? a.dst : null;
  const tunnelB = b.port === WIREGUARD_PORT ? b.dst : null;
  if ((a.src === null && tunnelA === null) || (b.src === null && tunnelB === null)) return 0;
  const shared = (x: string | null) => x !== null && (x === b.src || x === tunnelB);
  return shared(a.src) || shared(tunnelA) ? 1 : -1;
}

/** The score of a candidate pair (see the file header). */
export function pairScore(a: SeenFlow, b: SeenFlow, tau: number): number {
  const tier = a.device >= 0 && b.device >= 0 ? (a.device === b.device ? 2 : -2) : senderTier(a, b);
  return 4 * tier + Math.max(startAgainst(a, b, tau), startAgainst(b, a, tau));
}

class FlowLinking implements Observer {
  readonly tap = NO_PACKETS;
  readonly meta: MetaLog;
  private readonly catalogue: ServiceCatalogue;
  private readonly window: Micros;
  private readonly tau: Micros;

  constructor(
    private readonly p: FlowLinkingParams,
    private readonly ctx: ObserverContext,
  ) {
    this.meta = new MetaLog(ctx.start, ctx.end);
    this.catalogue = new ServiceCatalogue(p);
    this.window = seconds(p.windowSeconds);
    this.tau = seconds(p.timeScaleSeconds);
    if (this.tau < 1) throw new RangeError(`flow-linking: timeScaleSeconds = ${p.timeScaleSeconds} is below 1 µs`);
  }

  score(labels: Labels): TaskScores {
    if (labels.flowOwner === undefined) throw new Error("flow-linking: the labels do not answer the flow-link task (Labels.flowOwner is missing)");
    const flows = seenFlows(this.meta.records);
    const side = flows.map((f) => sides(this.catalogue.classOf(f)));
    const owner = flows.map((f) => labels.flowOwner!(f.handle));
    const pos: number[] = [];
    const pu: number[] = [];
    const pt: number[] = [];
    const negCap = this.p.maxNegatives;
    const neg: number[] = [];
    const nu: number[] = [];
    const nt: number[] = [];
    const rng = this.ctx.rng.child("negatives");
    let negSeen = 0;
    // sweep in order of start: `open` holds the earlier flows whose span reaches within the window of the current start
    let open: number[] = [];
    for (let i = 0; i < flows.length; i++) {
      const a = flows[i];
      if (side[i] === 0) continue;
      open = open.filter((j) => flows[j].end + this.window >= a.time);
      for (const j of open) {
        const pairable = ((side[i] & BULK) !== 0 && (side[j] & MESSAGING) !== 0) || ((side[i] & MESSAGING) !== 0 && (side[j] & BULK) !== 0);
        if (!pairable || owner[i] < 0 || owner[j] < 0) continue;
        const s = pairScore(a, flows[j], this.tau);
        if (owner[i] === owner[j]) {
          pos.push(s);
          pu.push(owner[j], owner[i]);
          pt.push(a.time);
          continue;
        }
        negSeen++;
        let slot = neg.length;
        if (slot >= negCap) {
          slot = rng.int(0, negSeen);
          if (slot >= negCap) continue;
        } else {
          neg.push(0);
          nu.push(0, 0);
          nt.push(0);
        }
        neg[slot] = s;
        nu[2 * slot] = owner[j];
        nu[2 * slot + 1] = owner[i];
        nt[slot] = a.time;
      }
      open.push(i);
    }
    return {
      task: "flow-link",
      positives: Float64Array.from(pos),
      negatives: Float64Array.from(neg),
      usersPerCase: 2,
      positiveUsers: Int32Array.from(pu),
      negativeUsers: Int32Array.from(nu),
      positiveTimes: Float64Array.from(pt),
      negativeTimes: Float64Array.from(nt),
    };
  }
}

export const definition: ObserverDefinition<FlowLinkingParams> = {
  name: "flow-linking",
  summary: "ties a device's media and messaging connections together: by source address where the vantage shows one, else by a media flow starting while (or as) a messaging connection carries a message",
  citation: "Murdoch & Danezis, Low-Cost Traffic Analysis of Tor, IEEE S&P 2005; Nasr, Bahramali, Houmansadr, DeepCorr: Strong Flow Correlation Attacks on Tor Using Deep Learning, CCS 2018",
  task: "flow-link",
  vantage: "server",
  vantages: ["local", "isp", "vpn-provider", "vpn-exit", "server", "global"],
  sees: "each connection's start, end and bytes, and the name (SNI), source and destination addresses and port its vantage leaves visible",
  cannotSee: "what a connection carries or when its messages pass, which device sits behind a shared VPN exit or proxy address, connections that pass elsewhere",
  schema,
  create: (p, ctx) => new FlowLinking(p, ctx),
};
