/**
 * Every bootstrap replicate's AUC, TPR at FPR and top-k of a task's scores, as typed
 * arrays indexed by replicate: the primitive for intervals that compare or select.
 *
 * Rule: `weightedScoreMetrics` under each replicate of user weights from
 * `drawUserWeights` (both ends of a pair resampled together; see that file for the
 * scheme and its sources), times the replicate's time-block weights from
 * `drawTimeWeights` when given and the cases carry times (per-user cases over time:
 * users and time blocks resampled as crossed factors), plus the estimate with every
 * weight 1. Because replicate r
 * is the same draw of users for every observer and every defense arm of a run (they
 * share the population), the lab can subtract two arms' arrays element by element for
 * the bootstrap distribution of a paired difference (resampling the same users in both
 * arms), or take the maximum over observers inside each replicate so that picking the
 * strongest of several observers is inside the interval; `replicateInterval` turns
 * any such array into a percentile interval. A replicate in which a class has zero
 * weight gives NaN (the interval leaves it out and counts it).
 *
 * The scores are sorted once; each replicate is one O(n + m) pass, no allocation.
 *
 * @example
 * const W = drawUserWeights(users, 1000, stream(seed, "metrics/users"));
 * const a = replicateScoreMetrics(defended, 1, W, { fprs: [1e-2] });
 * const b = replicateScoreMetrics(undefended, 1, W, { fprs: [1e-2] });
 * const diff = a.auc.map((x, r) => x - b.auc[r]);
 * replicateInterval(diff, a.estimate.auc - b.estimate.auc); // the paired difference
 */
import { metricsOnWeights, scoredCases, type CaseScores, type Orientation } from "./scored-cases.ts";
import type { TimeWeights } from "./time-weights.ts";
import type { UserWeights } from "./user-weights.ts";
import { checkMetricOptions, type ScoreMetricOptions, type ScoreMetrics } from "./weighted-score-metrics.ts";
import { timed } from "../../sim/core/phase-timer.ts";

export interface ReplicateScoreMetrics {
  readonly fprs: readonly number[];
  readonly ks: readonly number[];
  /** The metrics with every weight 1 (the plain estimates). */
  readonly estimate: ScoreMetrics;
  /** AUC of each replicate. */
  readonly auc: Float64Array;
  /** Per FPR of `fprs`, the TPR of each replicate. */
  readonly tprAt: readonly Float64Array[];
  /** Per k of `ks`, the top-k of each replicate; empty when the scores have no ranks. */
  readonly topK: readonly Float64Array[];
  /** True when time blocks were resampled with the users. */
  readonly timeBlocks: boolean;
  /** Cases, and distinct users among them, per class. */
  readonly positives: number;
  readonly negatives: number;
  readonly positiveUsers: number;
  readonly negativeUsers: number;
}

export interface ReplicateOptions extends ScoreMetricOptions {
  /**
   * Time-block weights of the same replicates (`drawTimeWeights`): used when the scores
   * carry case times, so that per-user cases over time resample users and time blocks.
   */
  readonly time?: TimeWeights;
}

export function replicateScoreMetrics(scores: CaseScores, orientation: Orientation, weights: UserWeights, opts: ReplicateOptions = {}): ReplicateScoreMetrics {
  const ready = computedAhead(scores, orientation, weights, opts);
  if (ready !== null) return ready;
  // the run's bootstrap phase when a phase timer is active (sim/core/phase-timer.ts)
  return timed("bootstrap", () => replicateScoreMetricsUntimed(scores, orientation, weights, opts));
}

/**
 * Everything a replicate computation depends on besides the scores: the orientation,
 * the user weights and time weights (their counts, compared element by element) and
 * the options as passed. Plain data, so it crosses threads.
 */
export interface ReplicateRequest {
  readonly orientation: Orientation;
  readonly users: number;
  readonly replicates: number;
  readonly userCounts: Int32Array;
  readonly fprs: readonly number[] | null;
  readonly ks: readonly number[] | null;
  readonly time: { readonly start: number; readonly block: number; readonly blocks: number; readonly counts: Int32Array } | null;
}

export function replicateRequest(orientation: Orientation, weights: UserWeights, opts: ReplicateOptions = {}): ReplicateRequest {
  const t = opts.time;
  return {
    orientation,
    users: weights.users,
    replicates: weights.replicates,
    userCounts: weights.counts,
    fprs: opts.fprs === undefined ? null : [...opts.fprs],
    ks: opts.ks === undefined ? null : [...opts.ks],
    time: t === undefined ? null : { start: t.start, block: t.block, blocks: t.blocks, counts: t.weights.counts },
  };
}

function sameNumbers(a: ArrayLike<number> | null, b: ArrayLike<number> | null): boolean {
  if (a === b) return true;
  if (a === null || b === null || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

function sameRequest(a: ReplicateRequest, b: ReplicateRequest): boolean {
  if (a.orientation !== b.orientation || a.users !== b.users || a.replicates !== b.replicates) return false;
  if (!sameNumbers(a.fprs, b.fprs) || !sameNumbers(a.ks, b.ks)) return false;
  if ((a.time === null) !== (b.time === null)) return false;
  if (a.time !== null && b.time !== null) {
    if (a.time.start !== b.time.start || a.time.block !== b.time.block || a.time.blocks !== b.time.blocks || !sameNumbers(a.time.counts, b.time.counts)) return false;
  }
  return sameNumbers(a.userCounts, b.userCounts);
}

/** Results computed ahead, by the scores object they are for. */
const ahead = new WeakMap<CaseScores, { request: ReplicateRequest; result: ReplicateScoreMetrics }[]>();

/**
 * Hands over a result computed ahead (typically on the worker thread that produced the
 * scores, while other arms still run): a later `replicateScoreMetrics` call on the same
 * scores object whose request is exactly `request` (same orientation, the same weights
 * element for element, the same options) returns it instead of recomputing. Any other
 * call computes as usual, so a result handed over can only save time, never change one.
 * The scores must not be changed in between.
 */
export function provideReplicateScoreMetrics(scores: CaseScores, request: ReplicateRequest, result: ReplicateScoreMetrics): void {
  const list = ahead.get(scores) ?? [];
  list.push({ request, result });
  ahead.set(scores, list);
}

function computedAhead(scores: CaseScores, orientation: Orientation, weights: UserWeights, opts: ReplicateOptions): ReplicateScoreMetrics | null {
  const list = ahead.get(scores);
  if (list === undefined) return null;
  const request = replicateRequest(orientation, weights, opts);
  for (const e of list) if (sameRequest(e.request, request)) return e.result;
  return null;
}

function replicateScoreMetricsUntimed(scores: CaseScores, orientation: Orientation, weights: UserWeights, opts: ReplicateOptions): ReplicateScoreMetrics {
  const fn = "replicateScoreMetrics";
  const { fprs, ks } = checkMetricOptions(opts, fn);
  const time = opts.time !== undefined && scores.positiveTimes !== undefined && scores.negativeTimes !== undefined ? opts.time : undefined;
  if (time !== undefined && time.weights.replicates !== weights.replicates) {
    throw new RangeError(`${fn}: ${weights.replicates} replicates of user weights but ${time.weights.replicates} of time weights; expected the same`);
  }
  const cases = scoredCases(scores, orientation, fn, ks, weights.users, time);
  const R = weights.replicates;
  const K = cases.credit === null ? 0 : ks.length;
  const pw = new Float64Array(cases.groups);
  const qw = new Float64Array(cases.groups);
  const one = { auc: 0, tprAt: new Float64Array(fprs.length), topK: new Float64Array(K) };
  metricsOnWeights(cases, null, fprs, one, pw, qw);
  const estimate: ScoreMetrics = { auc: one.auc, tprAt: Array.from(one.tprAt), topK: Array.from(one.topK) };
  const auc = new Float64Array(R);
  const tprAt = fprs.map(() => new Float64Array(R));
  const topK = Array.from({ length: K }, () => new Float64Array(R));
  for (let r = 0; r < R; r++) {
    metricsOnWeights(cases, weights.weights(r), fprs, one, pw, qw, time === undefined ? null : time.weights.weights(r));
    auc[r] = one.auc;
    for (let f = 0; f < fprs.length; f++) tprAt[f][r] = one.tprAt[f];
    for (let c = 0; c < K; c++) topK[c][r] = one.topK[c];
  }
  return {
    fprs,
    ks,
    estimate,
    auc,
    tprAt,
    topK,
    timeBlocks: time !== undefined,
    positives: cases.n,
    negatives: cases.m,
    positiveUsers: cases.positiveUsers,
    negativeUsers: cases.negativeUsers,
  };
}
