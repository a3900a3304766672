/**
 * Event-based detector — Bahramali, Houmansadr, Soltani, Goeckel, Towsley, "Practical
 * Traffic Analysis Attacks on Secure Messaging Applications", NDSS 2020 (arXiv
 * 2005.00508), observer O1 of reference/traffic-and-adversaries.md §1.2–1.3.
 *
 * Rule: extract events (bursts) per user and direction (bursts.ts). For pair {A, B} the
 * "channel" side is A's uplink events and the "user" side B's downlink events. A
 * channel event (t, s) is matched when some user event (t', s') has |t' − t| ≤ Δ and
 * |s' − s| ≤ Γ; the directed score is the matched ratio k / n. The pair's score
 * combines A → B and B → A (mean by default). That is `pairing: "up-down"`, the paper's
 * rule; the other pairings (direction-pairing.ts) match A's uplink events against B's
 * uplink events, downlink against downlink, or all of A's events against all of B's
 * (each direction's bursts merged in time order), both ways and combined, and the
 * default `strongest` takes per pair the largest of the four ratios, each standardized
 * over all pairs. Two presets:
 *
 * | preset | gap | packets | bursts | Δ | Γ | matching | n |
 * |---|---|---|---|---|---|---|---|
 * | `paper` [S: Kurz 2023 quoting the paper] | 0.5 s | all | > 500 B (assumption: drop chatter "typically under 500 bytes") | 3 s | 10,000 B absolute ("10 KB", read as 10^4) | any | #channel events |
 * | `code` [C: IMProxy event_based_detector.ipynb] | 1 s | > 40 B | > 1500 B | 15 s, nearest | 25% of the channel event's size | each user event once | min(#channel, #user) |
 *
 * The code searches Δ outward in 1 s steps up to 15 s and takes the nearest match; this
 * takes the nearest unmatched user event within 15 s, which is the same match up to
 * ties inside one 1 s ring. Every preset value can be overridden. When either side has
 * no events the directed score is 0 (the code excludes windows with no events on
 * either side; here the whole run is one window, so nothing is excluded).
 *
 * @example
 * const obs = definition.create(definition.schema.parse({ preset: "code" }), ctx);
 * const scores = obs.score(labels); // matched ratios of every pair
 */
import { z } from "zod";
import { BurstExtractor } from "./bursts.ts";
import type { Observer, ObserverContext, ObserverDefinition, TaskScores } from "./observer.ts";
import type { Labels } from "./labels.ts";
import { pairTaskParam } from "./pair-task-param.ts";
import { linkTaskSampled, linkTaskTerms } from "./link-task.ts";
import { pairingPairScore, pairingScratch } from "./pair-block.ts";
import { pairKernel } from "./pair-kernels.ts";
import { pairingParam, pairingPlan, pairingStreams, scaleUsersParam, STREAM_TOTAL, STREAM_UP, type StreamIndex } from "./direction-pairing.ts";
import type { Micros } from "../sim/core/time.ts";
import { seconds } from "../sim/core/time.ts";
import { DOWN, UP } from "../sim/core/kinds.ts";

export interface MatchRule {
  /** Time tolerance Δ, µs. */
  readonly delta: Micros;
  /** Size tolerance Γ: bytes when `relative` is false, a fraction of the channel event's size when true. */
  readonly gamma: number;
  readonly relative: boolean;
  /** Each user event can match at most one channel event; take the nearest. */
  readonly exclusive: boolean;
  /** Ratio denominator: the channel side's event count, or the smaller of the two counts. */
  readonly denominator: "channel" | "min";
}

export const EVENT_PRESETS = {
  paper: { gapSeconds: 0.5, minPacket: 0, minBurst: 500, deltaSeconds: 3, gamma: 10_000, gammaRelative: false, exclusive: false, denominator: "channel" },
  code: { gapSeconds: 1, minPacket: 40, minBurst: 1500, deltaSeconds: 15, gamma: 0.25, gammaRelative: true, exclusive: true, denominator: "min" },
} as const;

export const eventMatchingSchema = z
  .object({
    preset: z.enum(["paper", "code"]).default("paper").describe("parameter set: the NDSS paper's or the released code's"),
    gapSeconds: z.number().positive().max(60).meta({ unit: "seconds" }).optional().describe("largest gap inside a burst, seconds (overrides the preset)"),
    minPacket: z.number().int().min(0).meta({ unit: "bytes" }).optional().describe("ignore packets of this many bytes or fewer (overrides the preset)"),
    minBurst: z.number().int().min(0).meta({ unit: "bytes" }).optional().describe("bursts of this many bytes or fewer are not events (overrides the preset)"),
    deltaSeconds: z.number().positive().max(600).meta({ unit: "seconds" }).optional().describe("time tolerance Δ, seconds (overrides the preset)"),
    gamma: z.number().positive().meta({ unit: "bytes or fraction" }).optional().describe("size tolerance Γ, bytes or fraction: bytes, or a fraction of the event's size when gammaRelative (overrides the preset)"),
    gammaRelative: z.boolean().optional().describe("read gamma as a fraction of each event's size instead of bytes (overrides the preset)"),
    exclusive: z.boolean().optional().describe("each user event matches at most once"),
    denominator: z.enum(["channel", "min"]).optional().describe("the matched share's denominator: channel (the first user's event count) or min (the smaller of the two counts) (overrides the preset)"),
    maxEvents: z.number().int().min(1).max(1_000_000).meta({ unit: "events" }).default(512).describe("event slots per user and direction, bounded memory (events)"),
    combine: z.enum(["mean", "max"]).default("mean").describe("how the scores of A → B and B → A make the pair's score: their mean or the larger"),
    pairing: pairingParam,
    scaleUsers: scaleUsersParam,
    maxNegatives: z.number().int().positive().meta({ unit: "pairs" }).default(2_000_000).describe("keep at most this many negative pairs (seeded sample)"),
    sampleNegatives: z.number().int().positive().meta({ unit: "pairs" }).optional().describe("score only this many random negative pairs (no ranks), for large populations"),
    block: z.number().int().min(4).max(1024).meta({ unit: "rows" }).default(64).describe("rows per cache block of the all-pairs scorer"),
    task: pairTaskParam,
  })
  .strict();

export type EventMatchingParams = z.infer<typeof eventMatchingSchema>;

/** The preset's values with the explicit overrides applied. */
export function resolveEventParams(p: EventMatchingParams) {
  const base = EVENT_PRESETS[p.preset];
  const rule: MatchRule = {
    delta: seconds(p.deltaSeconds ?? base.deltaSeconds),
    gamma: p.gamma ?? base.gamma,
    relative: p.gammaRelative ?? base.gammaRelative,
    exclusive: p.exclusive ?? base.exclusive,
    denominator: p.denominator ?? base.denominator,
  };
  if (rule.relative && rule.gamma > 10) throw new RangeError(`event-matching: gamma = ${rule.gamma} as a fraction of the event size, expected at most 10`);
  return {
    gap: seconds(p.gapSeconds ?? base.gapSeconds),
    minPacket: p.minPacket ?? base.minPacket,
    minBurst: p.minBurst ?? base.minBurst,
    rule,
  };
}

/**
 * The matched ratio of `nA` channel events (times `tA`, sizes `sA` from `oa`) against `nB`
 * user events (`tB`, `sB` from `ob`), both in time order. `used` is scratch of at least
 * `nB` bytes.
 */
export function matchEvents(
  tA: Float64Array,
  sA: Float64Array,
  oa: number,
  nA: number,
  tB: Float64Array,
  sB: Float64Array,
  ob: number,
  nB: number,
  rule: MatchRule,
  used: Uint8Array,
): number {
  if (nA === 0 || nB === 0) return 0;
  const { delta, gamma, relative, exclusive } = rule;
  if (exclusive) used.fill(0, 0, nB);
  let lo = 0;
  let matched = 0;
  for (let i = 0; i < nA; i++) {
    const t = tA[oa + i];
    const s = sA[oa + i];
    const tol = relative ? gamma * s : gamma;
    while (lo < nB && tB[ob + lo] < t - delta) lo++;
    let best = -1;
    let bestDt = Infinity;
    for (let j = lo; j < nB && tB[ob + j] <= t + delta; j++) {
      if (exclusive && used[j] === 1) continue;
      if (Math.abs(sB[ob + j] - s) > tol) continue;
      const dt = Math.abs(tB[ob + j] - t);
      if (dt < bestDt) {
        bestDt = dt;
        best = j;
        if (!exclusive) break;
      }
    }
    if (best >= 0) {
      matched++;
      if (exclusive) used[best] = 1;
    }
  }
  return matched / (rule.denominator === "min" ? Math.min(nA, nB) : nA);
}

/**
 * The matched ratio of A's uplink events (channel side) against B's downlink events
 * (user side). `used` is scratch of at least `maxEvents` bytes.
 */
export function matchRatio(ev: BurstExtractor, a: number, b: number, rule: MatchRule, used: Uint8Array): number {
  return matchEvents(ev.time, ev.size, ev.offset(a, UP), ev.count(a, UP), ev.time, ev.size, ev.offset(b, DOWN), ev.count(b, DOWN), rule, used);
}

/**
 * Each user's events in three series (direction-pairing.ts): uplink, downlink, and both
 * together (the two directions' events merged in time order; a burst stays the burst of
 * its own direction). Built once the extractor is finished.
 */
export class EventSeries {
  readonly users: number;
  readonly maxEvents: number;
  private readonly ev: BurstExtractor;
  private readonly totalTime: Float64Array;
  private readonly totalSize: Float64Array;
  private readonly totalCount: Int32Array;

  constructor(ev: BurstExtractor) {
    this.ev = ev;
    this.users = ev.users;
    this.maxEvents = 2 * ev.maxEvents;
    const k = 2 * ev.maxEvents;
    this.totalTime = new Float64Array(ev.users * k);
    this.totalSize = new Float64Array(ev.users * k);
    this.totalCount = new Int32Array(ev.users);
    for (let u = 0; u < ev.users; u++) {
      const a = ev.offset(u, UP);
      const b = ev.offset(u, DOWN);
      const na = ev.count(u, UP);
      const nb = ev.count(u, DOWN);
      let i = 0;
      let j = 0;
      let m = u * k;
      while (i < na || j < nb) {
        const fromUp = j >= nb || (i < na && ev.time[a + i] <= ev.time[b + j]);
        const slot = fromUp ? a + i++ : b + j++;
        this.totalTime[m] = ev.time[slot];
        this.totalSize[m++] = ev.size[slot];
      }
      this.totalCount[u] = na + nb;
    }
  }

  /** The matched ratio of user a's series x (channel side) against user b's series y (user side). */
  match(a: number, x: StreamIndex, b: number, y: StreamIndex, rule: MatchRule, used: Uint8Array): number {
    const ev = this.ev;
    const tA = x === STREAM_TOTAL ? this.totalTime : ev.time;
    const sA = x === STREAM_TOTAL ? this.totalSize : ev.size;
    const oa = x === STREAM_TOTAL ? a * this.maxEvents : ev.offset(a, x === STREAM_UP ? UP : DOWN);
    const nA = x === STREAM_TOTAL ? this.totalCount[a] : ev.count(a, x === STREAM_UP ? UP : DOWN);
    const tB = y === STREAM_TOTAL ? this.totalTime : ev.time;
    const sB = y === STREAM_TOTAL ? this.totalSize : ev.size;
    const ob = y === STREAM_TOTAL ? b * this.maxEvents : ev.offset(b, y === STREAM_UP ? UP : DOWN);
    const nB = y === STREAM_TOTAL ? this.totalCount[b] : ev.count(b, y === STREAM_UP ? UP : DOWN);
    return matchEvents(tA, sA, oa, nA, tB, sB, ob, nB, rule, used);
  }
}

class EventMatchingObserver implements Observer {
  readonly tap: BurstExtractor;
  private readonly rule: MatchRule;
  constructor(
    private readonly params: EventMatchingParams,
    private readonly ctx: ObserverContext,
  ) {
    const r = resolveEventParams(params);
    this.rule = r.rule;
    this.tap = new BurstExtractor({ users: ctx.users, gap: r.gap, minPacket: r.minPacket, minBurst: r.minBurst, maxEvents: params.maxEvents });
  }

  score(labels: Labels): TaskScores {
    const p = this.params;
    this.tap.finish();
    const series = new EventSeries(this.tap);
    const used = new Uint8Array(series.maxEvents);
    const pairs = labels.pairs(p.task);
    const rng = this.ctx.rng.child("negatives");
    const plan = pairingPlan(
      p.pairing,
      (q) => {
        const { x, y } = pairingStreams(q);
        // Matching is not symmetric (each user event once, the channel side's count): both directions, combined.
        return { kernel: pairKernel((i, j) => series.match(i, x, j, y, this.rule, used)), symmetric: false };
      },
      { users: this.tap.users, combine: p.combine, rng: this.ctx.rng.child("pairing-scale"), scaleUsers: p.scaleUsers },
    );
    if (p.sampleNegatives !== undefined) {
      const scratch = pairingScratch(1);
      const one = new Float64Array(1);
      return linkTaskSampled(
        pairs,
        (a, b, out) => {
          for (let k = 0; k < a.length; k++) out[k] = pairingPairScore(plan.kernels, plan.terms, a[k], b[k], p.combine, scratch, one);
        },
        p.sampleNegatives,
        rng,
        p.task,
      );
    }
    return linkTaskTerms(pairs, plan.kernels, plan.terms, { task: p.task, combine: p.combine, block: p.block, maxNegatives: p.maxNegatives, rng });
  }
}

export const definition: ObserverDefinition<EventMatchingParams> = {
  name: "event-matching",
  summary: "Bahramali et al.'s event-based detector: bursts of A matched in time and size to bursts of B, under every direction pairing (A's uplink to B's downlink, uplinks, downlinks, both): the strongest",
  citation: "Bahramali et al., Practical Traffic Analysis Attacks on Secure Messaging Applications, NDSS 2020 (presets from the paper and from SPIN-UMass/IMProxy)",
  task: "link",
  vantage: "isp",
  vantages: ["local", "isp", "vpn-provider", "vpn-exit", "server", "global"],
  sees: "bursts of packets on each user's link: when each burst ended and how many bytes it carried, per direction",
  cannotSee: "payloads, message types, which bursts are padding or cover, packets below the size filter, bursts beyond the per-user event budget",
  schema: eventMatchingSchema,
  create: (params, ctx) => new EventMatchingObserver(params, ctx),
};
