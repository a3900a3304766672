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
import { correlationKernel, type BlockKernel } from "./pair-kernels.ts";
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

/** Most directed cells `ScaleBlockMemo` holds at once (32 MiB of doubles); beyond it the link task computes its blocks again. */
const MEMO_CELLS = 1 << 22;

/** A block the scale pass computed: s(i → j) for [i0, i1) × [j0, j1) row-major, or only the cells j > i of a square block (`upper`). */
interface KeptBlock {
  readonly i0: number;
  readonly i1: number;
  readonly j0: number;
  readonly j1: number;
  readonly upper: boolean;
  readonly data: Float64Array;
}

/**
 * The blocks the scale pass of `strongest` (direction-pairing.ts `pairingScale`) scores,
 * handed to the link task that asks for them again. With no more users than
 * `scaleUsers`, the scale subset is every user and its gathered rows are the observer's
 * rows in the same order, so both passes ask the same kernels for the same pairs: the
 * scale pass's kernels (over gathered rows equal to one of the observer's series) keep
 * each block they compute, and the link task's kernels (over the series themselves)
 * copy a block, or the cells of a positive pair, out of it instead of computing them (a
 * block is dropped once the link task has taken it whole). Every cell is the same
 * doubles whatever block computes it (pair-kernels.ts), so the scores do not change;
 * the lag scans are done once instead of twice. Rows that match no series (a strict
 * subset) are scored as before and nothing is kept.
 */
class ScaleBlockMemo {
  private readonly made: Float32Array[] = [];
  private readonly kept = new Map<string, KeptBlock[]>();
  private cells = 0;

  /** Records an observer series (the link task's rows). */
  series(M: Float32Array): Float32Array {
    this.made.push(M);
    return M;
  }

  /** The index of the series M is (the link task's), or equals in content (the scale pass's gathered copy), else −1. */
  private find(M: Float32Array): { id: number; own: boolean } {
    for (let k = 0; k < this.made.length; k++) if (this.made[k] === M) return { id: k, own: true };
    for (let k = 0; k < this.made.length; k++) {
      const S = this.made[k];
      if (S.length === M.length && Buffer.compare(Buffer.from(S.buffer, S.byteOffset, S.byteLength), Buffer.from(M.buffer, M.byteOffset, M.byteLength)) === 0) {
        return { id: k, own: false };
      }
    }
    return { id: -1, own: false };
  }

  private keep(tag: string, b: KeptBlock): void {
    if (this.cells + b.data.length > MEMO_CELLS) return;
    let list = this.kept.get(tag);
    if (!list) this.kept.set(tag, (list = []));
    list.push(b);
    this.cells += b.data.length;
  }

  /** Copies the cells of [i0, i1) × [j0, j1) (row-major) from a kept block holding them all; false when none does. */
  private take(tag: string, i0: number, i1: number, j0: number, j1: number, upper: boolean, out: Float64Array): boolean {
    const list = this.kept.get(tag);
    if (!list) return false;
    for (let k = 0; k < list.length; k++) {
      const b = list[k];
      if (b.i0 === i0 && b.i1 === i1 && b.j0 === j0 && b.j1 === j1 && b.upper === upper) {
        out.set(b.data);
        list.splice(k, 1);
        this.cells -= b.data.length;
        return true;
      }
      // A sub-block (a positive pair's cells): every cell in the block's specified part.
      if (upper || i0 < b.i0 || i1 > b.i1 || j0 < b.j0 || j1 > b.j1 || (b.upper && j0 < i1)) continue;
      const w = j1 - j0;
      const bw = b.j1 - b.j0;
      for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) out[(i - i0) * w + (j - j0)] = b.data[(i - b.i0) * bw + (j - b.j0)];
      return true;
    }
    return false;
  }

  /** `kernel` over rows X against Y, keeping (scale pass) or taking (link task) its blocks. */
  wrap(X: Float32Array, Y: Float32Array, kernel: BlockKernel): BlockKernel {
    const x = this.find(X);
    const y = this.find(Y);
    if (x.id < 0 || y.id < 0 || x.own !== y.own) return kernel;
    const produce = !x.own;
    const tag = `${x.id},${y.id}`;
    const full = (i0: number, i1: number, j0: number, j1: number, out: Float64Array) => {
      if (!produce && this.take(tag, i0, i1, j0, j1, false, out)) return;
      kernel(i0, i1, j0, j1, out);
      if (produce) this.keep(tag, { i0, i1, j0, j1, upper: false, data: out.slice(0, (i1 - i0) * (j1 - j0)) });
    };
    const upper = kernel.upper;
    if (!upper) return full;
    return Object.assign(full, {
      upper: (i0: number, i1: number, out: Float64Array) => {
        if (!produce && this.take(tag, i0, i1, i0, i1, true, out)) return;
        upper(i0, i1, out);
        if (produce) this.keep(tag, { i0, i1, j0: i0, j1: i1, upper: true, data: out.slice(0, (i1 - i0) * (i1 - i0)) });
      },
    });
  }
}

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

  /**
   * The standardized rows of uplink, downlink or both, and the pairing terms over them
   * (direction-pairing.ts). `reuse`: the kernels keep the scale pass's blocks for the link task in this thread
   * (`ScaleBlockMemo`); off when the blocks are scored on a pool, which never asks these
   * kernels.
   */
  plan(reuse = true): RowPairingPlan {
    const { users, bins, up, down } = this.tap;
    const p = this.params;
    const memo = new ScaleBlockMemo();
    const series = (s: StreamIndex): Float32Array => {
      if (s === STREAM_UP) return memo.series(standardizedCopy(up, users, bins, p.rank));
      if (s === STREAM_DOWN) return memo.series(standardizedCopy(down, users, bins, p.rank));
      const total = new Float32Array(users * bins);
      for (let i = 0; i < total.length; i++) total[i] = up[i] + down[i];
      return memo.series(standardizedCopy(total, users, bins, p.rank));
    };
    const kernelOf = (X: Float32Array, Y: Float32Array) => {
      const kernel = correlationKernel(X, Y, bins, { maxLag: p.maxLagBins, peak: p.peak, block: p.block });
      return reuse ? memo.wrap(X, Y, kernel) : kernel;
    };
    return rowPairingPlan(p.pairing, series, kernelOf, {
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
    const plan = this.plan(false);
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
