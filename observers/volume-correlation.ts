/**
 * Windowed volume correlation — Levine, Reiter, Wang, Wright, "Timing Attacks in
 * Low-Latency Mix Systems", FC 2004, and Shmatikov & Wang, "Timing Analysis in
 * Low-Latency Mix Networks", ESORICS 2006 (counts per window, Pearson correlation);
 * with `rank: true`, RAPTOR's Spearman rank correlation (Sun et al., USENIX Security
 * 2015). Observer O3/O4 of reference/traffic-and-adversaries.md §2.1.
 *
 * Rule (link task): bin each user's uplink and downlink bytes (or packets) into windows
 * of `binSeconds`. What A sends reaches B, so with `pairing: "up-down"` pair {A, B}
 * scores combine(r(up_A, down_B), r(up_B, down_A)), where r is Pearson's correlation of
 * the two binned series (Spearman's ρ with `rank`), optionally the largest
 * cross-correlation over lags |ℓ| ≤ `maxLagBins` (see lagged-correlation.ts), and
 * combine is the mean (default) or the max of the two directions. The other pairings
 * (direction-pairing.ts) correlate up_A with up_B, down_A with down_B, or the sum of both
 * directions of A with that of B (lags both ways); the default, `strongest`, scores each
 * pair by the largest of the four after standardizing each over all pairs, so a defense
 * on one side only (an uplink held at a constant rate) does not hide the side it leaves
 * bare (both ends of a conversation receive in the same minutes). All pairs are scored
 * in cache blocks (pair-block.ts); negatives beyond `maxNegatives` are a seeded sample.
 *
 * Labels (`Labels.pairs(task)`, from the lab): with `task: "link"` (default), positives
 * are pairs that had a direct conversation or a call and negatives are strangers (group
 * co-members are left out); with `task: "group-link"`, positives are group co-members.
 *
 * @example
 * const obs = definition.create(definition.schema.parse({ binSeconds: 10 }), ctx);
 * // the engine calls obs.tap.packet(user, t, size, dir) for every packet, then
 * const scores = obs.score(labels); // scores.positives, scores.negatives, scores.ranks
 */
import { z } from "zod";
import { BinnedVolume } from "./binned-volume.ts";
import type { Observer, ObserverContext, ObserverDefinition, TaskScores } from "./observer.ts";
import type { Labels } from "./labels.ts";
import { pairTaskParam } from "./pair-task-param.ts";
import { linkTaskTerms } from "./link-task.ts";
import { linkTaskParallel } from "./parallel-pairs.ts";
import { correlationKernel } from "./pair-kernels.ts";
import { inlinePairPool } from "./pair-pool.ts";
import { standardizedCopy } from "./pair-rows.ts";
import { pairingParam, rowPairingPlan, scaleUsersParam, STREAM_DOWN, STREAM_UP, type RowPairingPlan, type StreamIndex } from "./direction-pairing.ts";
import { seconds } from "../sim/core/time.ts";

export const volumeCorrelationSchema = z
  .object({
    binSeconds: z.number().positive().max(3600).meta({ unit: "seconds" }).default(10).describe("window (bin) width, seconds"),
    measure: z.enum(["bytes", "packets"]).default("bytes").describe("sum bytes or count packets per bin"),
    rank: z.boolean().default(false).describe("Spearman (midranks) instead of Pearson"),
    combine: z.enum(["mean", "max"]).default("mean").describe("how the two directions' correlations combine"),
    maxLagBins: z.number().int().min(0).max(1000).meta({ unit: "bins" }).default(0).describe("largest lag on either side, in bins (0 = no lag)"),
    peak: z.enum(["max", "zscore"]).default("max").describe("score the cross-correlation peak, or its z-score over lags (CCOD)"),
    pairing: pairingParam,
    scaleUsers: scaleUsersParam,
    maxNegatives: z.number().int().positive().meta({ unit: "pairs" }).default(2_000_000).describe("keep at most this many negative pairs (seeded sample)"),
    block: z.number().int().min(4).max(1024).meta({ unit: "rows" }).default(64).describe("rows per cache block"),
    workers: z
      .number()
      .int()
      .min(1)
      .max(64)
      .meta({ unit: "threads" })
      .default(1)
      .describe("threads scoring pairs (same scores for any count; the runner already spreads defense arms over cores)"),
    task: pairTaskParam,
  })
  .strict();

export type VolumeCorrelationParams = z.infer<typeof volumeCorrelationSchema>;

/** The observer behind volume-correlation and lagged-correlation. */
export class VolumeCorrelationObserver implements Observer {
  readonly tap: BinnedVolume;
  private readonly params: VolumeCorrelationParams;
  private readonly ctx: ObserverContext;

  constructor(params: VolumeCorrelationParams, ctx: ObserverContext) {
    const binWidth = seconds(params.binSeconds);
    if (binWidth < 1) throw new RangeError(`volume correlation: binSeconds = ${params.binSeconds} is below 1 µs`);
    this.params = params;
    this.ctx = ctx;
    this.tap = new BinnedVolume({ users: ctx.users, start: ctx.start, end: ctx.end, binWidth, measure: params.measure });
  }

  /** The standardized rows of uplink, downlink or both, and the pairing terms over them (direction-pairing.ts). */
  plan(): RowPairingPlan {
    const { users, bins, up, down } = this.tap;
    const p = this.params;
    const series = (s: StreamIndex): Float32Array => {
      if (s === STREAM_UP) return standardizedCopy(up, users, bins, p.rank);
      if (s === STREAM_DOWN) return standardizedCopy(down, users, bins, p.rank);
      const total = new Float32Array(users * bins);
      for (let i = 0; i < total.length; i++) total[i] = up[i] + down[i];
      return standardizedCopy(total, users, bins, p.rank);
    };
    return rowPairingPlan(p.pairing, series, (X, Y) => correlationKernel(X, Y, bins, { maxLag: p.maxLagBins, peak: p.peak, block: p.block }), {
      users,
      combine: p.combine,
      rng: this.ctx.rng.child("pairing-scale"),
      scaleUsers: p.scaleUsers,
    });
  }

  /**
   * With `workers` > 1, scores the pairs on a pool of that many from the lab
   * (`ctx.pairPools`; in this thread without one): the same scores, bit for bit.
   */
  async scoreAsync(labels: Labels): Promise<TaskScores> {
    const p = this.params;
    if (p.workers === 1) return this.score(labels);
    const { users, bins } = this.tap;
    const plan = this.plan();
    const pool = this.ctx.pairPools?.(p.workers) ?? inlinePairPool();
    try {
      return await linkTaskParallel(labels.pairs(p.task), { streams: plan.streams, terms: plan.rowTerms, n: users, d: bins }, {
        task: p.task,
        pool,
        combine: p.combine,
        block: p.block,
        maxNegatives: p.maxNegatives,
        rng: this.ctx.rng.child("negatives"),
        maxLag: p.maxLagBins,
        peak: p.peak,
      });
    } finally {
      await pool.close();
    }
  }

  score(labels: Labels): TaskScores {
    const p = this.params;
    const plan = this.plan();
    return linkTaskTerms(labels.pairs(p.task), plan.kernels, plan.terms, {
      task: p.task,
      combine: p.combine,
      block: p.block,
      maxNegatives: p.maxNegatives,
      rng: this.ctx.rng.child("negatives"),
    });
  }
}

export const VOLUME_VANTAGES = ["local", "isp", "vpn-provider", "vpn-exit", "server", "global"] as const;

export const definition: ObserverDefinition<VolumeCorrelationParams> = {
  name: "volume-correlation",
  summary: "Pearson (or Spearman) correlation of binned byte volumes under every direction pairing (A's uplink against B's downlink and back, uplinks, downlinks, totals): the strongest",
  citation:
    "Levine et al., Timing Attacks in Low-Latency Mix Systems, FC 2004; Shmatikov & Wang, Timing Analysis in Low-Latency Mix Networks, ESORICS 2006; Sun et al., RAPTOR, USENIX Security 2015 (Spearman)",
  task: "link",
  vantage: "isp",
  vantages: VOLUME_VANTAGES,
  sees: "per user and direction, how many bytes (or packets) crossed the link in each time window; it compares every direction of A with every direction of B",
  cannotSee:
    "payloads, who each packet is addressed to beyond the user's own link, which packets are padding or cover, anything finer than one window",
  schema: volumeCorrelationSchema,
  create: (params, ctx) => new VolumeCorrelationObserver(params, ctx),
};
