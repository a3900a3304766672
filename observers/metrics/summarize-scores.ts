/**
 * The honest score summary a report prints for one observer on one task.
 *
 * Rule (DESIGN §6, reference/traffic-and-adversaries.md §2.4 and §6 item 2): TPR at FPR
 * 1e-2, 1e-3, 1e-4 (tie-aware, `tprAtFpr`); the Bayesian detection rate (precision) at a
 * stated base rate; AUC as a secondary figure; top-1 / top-5 accuracy among N when the
 * scorer ranked candidates (ties sharing credit); every figure with a seeded percentile
 * interval from the user bootstrap: replicates of user weights (`drawUserWeights`, both
 * ends of a pair resampled together) and the figures recomputed on each
 * (`replicateScoreMetrics`), one set of replicates for all figures, so top-1 <= top-5 in
 * each. Cases that carry times (per-user cases over time: the activity task's windows)
 * also resample blocks of time, a crossed factor (`drawTimeWeights`: one-minute blocks
 * unless `timeWeights` says otherwise), since one event touches several users at once.
 * Pass `weights` (and `timeWeights`) to share replicates with other summaries of the
 * same run (other arms, other observers). Scores without users are resampled case by
 * case.
 *
 * Resolvability (`scoreResolvability`): a figure the data cannot support is marked
 * `resolvable: false`: TPR at FPR f needs 10/f negatives from at least 10 users, and
 * every figure needs at least 10 positives from at least 10 users. An unresolvable TPR
 * (and its BDR) is null; AUC and top-k keep their numbers but carry the flag. The counts
 * of cases and of distinct users on each side are part of the summary.
 *
 * `orientation` (default 1) reads the scores the other way round when −1; the lab
 * decides it on a training population, never on the scores summarized here.
 *
 * BDR at FPR f uses the TPR at f and the nominal f, an upper bound on the empirical FPR
 * of the chosen threshold, so the precision is not flattered by a lucky zero-FP run. Its
 * interval is the TPR interval mapped through the BDR formula (increasing in TPR). The
 * base rate defaults to 1/candidates when the scores say how many candidates each case
 * had (DeepCoFFEA's 1/N), else to positives/(positives+negatives).
 *
 * The result is plain JSON: numbers, booleans, strings and null, never NaN or Infinity.
 * A figure the data cannot support at all (an empty class, no ranks) is null.
 *
 * @example
 * summarizeScores(observer.score(labels), stream(seed, "metrics/link")) // (illustrative numbers)
 * // => { positives: 268, negatives: 19632, positiveUsers: 181, negativeUsers: 200, bootstrap: "users",
 * //      auc: { estimate: 0.97, lo: 0.95, hi: 0.98, resolvable: true },
 * //      tprAt: { "1e-2": { estimate: 0.81, lo: 0.74, hi: 0.87, resolvable: true, negatives: 19632, negativesNeeded: 1000 },
 * //               "1e-4": { estimate: null, lo: null, hi: null, resolvable: false, negatives: 19632, negativesNeeded: 100000 }, ... },
 * //      bdr: { baseRate: 0.005, at: { "1e-2": { estimate: 0.29, ... } } }, top1: { ... }, top5: { ... }, notResolvable: [...] }
 */
import type { Rng } from "../../sim/core/rng.ts";
import { bayesianDetectionRate } from "./bayesian-detection-rate.ts";
import { bootstrapSettings } from "./bootstrap-ci.ts";
import { replicateInterval } from "./replicate-interval.ts";
import { replicateScoreMetrics } from "./replicate-score-metrics.ts";
import { scoreResolvability } from "./score-resolvability.ts";
import type { CaseScores, Orientation } from "./scored-cases.ts";
import { drawTimeWeights, type TimeWeights } from "./time-weights.ts";
import { drawUserWeights, type UserWeights } from "./user-weights.ts";
import { checkInteger, checkProbability } from "./validate.ts";

export interface SummaryScores extends CaseScores {
  readonly candidates?: number;
}

export interface SummarizeOptions {
  /** FPR operating points (default [1e-2, 1e-3, 1e-4]). */
  readonly fprs?: readonly number[];
  /** Base rate for the BDR (default 1/candidates, else positives/(positives+negatives)). */
  readonly baseRate?: number;
  /** Bootstrap replicates (default 1000; must equal `weights.replicates` when weights are given). */
  readonly resamples?: number;
  /** Interval coverage (default 0.95). */
  readonly level?: number;
  /** Score direction, fixed before these scores were seen (default 1). */
  readonly orientation?: Orientation;
  /** Replicates of user weights to use (shared with other summaries); drawn from `rng.child("users")` otherwise. */
  readonly weights?: UserWeights;
  /** Users to draw weights over (default: the largest user id + 1). */
  readonly users?: number;
  /** Replicates of time-block weights (shared), for cases that carry times; drawn from `rng.child("time")` otherwise. */
  readonly timeWeights?: TimeWeights;
  /** Length of a time block when drawing them here, µs (default 60 s). */
  readonly timeBlock?: number;
}

export interface SummaryInterval {
  readonly estimate: number | null;
  readonly lo: number | null;
  readonly hi: number | null;
}

export interface ResolvableInterval extends SummaryInterval {
  readonly resolvable: boolean;
}

export interface TprSummary extends ResolvableInterval {
  readonly negatives: number;
  /** Negatives a claim at this FPR needs (10/FPR). */
  readonly negativesNeeded: number;
}

export interface BdrSummary extends ResolvableInterval {}

export interface ScoreSummary {
  readonly positives: number;
  readonly negatives: number;
  /** Distinct users among the positive cases and among the negative cases. */
  readonly positiveUsers: number;
  readonly negativeUsers: number;
  /**
   * "users": replicates resample users (pairs move with both ends); "users×time": users
   * and blocks of time (cases that carry times); "cases": scores without users,
   * resampled case by case.
   */
  readonly bootstrap: "users" | "users×time" | "cases";
  readonly orientation: Orientation;
  readonly resamples: number;
  readonly level: number;
  /** Replicates in which a class had no weight, left out of the intervals (at most, over the figures). */
  readonly undefinedReplicates: number;
  readonly auc: ResolvableInterval;
  /** Keyed by the FPR in exponent form: "1e-2", "1e-3", "1e-4". */
  readonly tprAt: Record<string, TprSummary>;
  readonly bdr: { readonly baseRate: number | null; readonly at: Record<string, BdrSummary> };
  readonly candidates: number | null;
  readonly top1: ResolvableInterval | null;
  readonly top5: ResolvableInterval | null;
  /** Why figures are not resolvable, one line each. */
  readonly notResolvable: string[];
}

const NONE: SummaryInterval = { estimate: null, lo: null, hi: null };

function finiteOrNull(x: number | null): number | null {
  return x !== null && Number.isFinite(x) ? x : null;
}

/** The key of an FPR in the summary: 0.01 → "1e-2". */
export function fprKey(fpr: number): string {
  return fpr.toExponential();
}

export function summarizeScores(scores: SummaryScores, rng: Rng, opts: SummarizeOptions = {}): ScoreSummary {
  const fn = "summarizeScores";
  const { resamples, level } = bootstrapSettings({ resamples: opts.resamples ?? opts.weights?.replicates, level: opts.level }, fn);
  const fprs = opts.fprs ?? [1e-2, 1e-3, 1e-4];
  for (const f of fprs) {
    if (!(f > 0 && f < 1)) throw new RangeError(`${fn}: fprs contains ${f}; expected FPRs in (0, 1)`);
  }
  const orientation = opts.orientation ?? 1;
  const n = scores.positives.length;
  const m = scores.negatives.length;
  const candidates = scores.candidates ?? null;
  if (candidates !== null) checkInteger(candidates, fn, "candidates", 1);
  const baseRate: number | null = opts.baseRate ?? (candidates !== null ? 1 / candidates : n + m > 0 ? n / (n + m) : null);
  if (baseRate !== null) checkProbability(baseRate, fn, "baseRate");

  const res = scoreResolvability(scores, fprs);
  const clustered = scores.positiveUsers !== undefined || scores.negativeUsers !== undefined;
  let weights = opts.weights;
  if (weights !== undefined && weights.replicates !== resamples) {
    throw new RangeError(`${fn}: resamples = ${resamples} but the shared weights hold ${weights.replicates} replicates; expected the same`);
  }
  if (weights === undefined && n + m > 0) {
    let users = opts.users;
    if (users === undefined) {
      users = clustered ? 0 : n + m;
      if (clustered) {
        for (const ids of [scores.positiveUsers, scores.negativeUsers]) if (ids) for (let i = 0; i < ids.length; i++) users = Math.max(users, ids[i] + 1);
      }
    }
    weights = drawUserWeights(Math.max(1, users), resamples, rng.child("users"));
  }
  let time = opts.timeWeights;
  const pt = scores.positiveTimes;
  const nt = scores.negativeTimes;
  if (time !== undefined && time.weights.replicates !== resamples) {
    throw new RangeError(`${fn}: resamples = ${resamples} but the shared time weights hold ${time.weights.replicates} replicates; expected the same`);
  }
  if (time === undefined && clustered && pt !== undefined && nt !== undefined && n + m > 0) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const ts of [pt, nt]) for (let i = 0; i < ts.length; i++) (lo = Math.min(lo, ts[i])), (hi = Math.max(hi, ts[i]));
    const block = opts.timeBlock ?? 60e6;
    time = drawTimeWeights(lo, Math.max(hi + 1, lo + block), block, resamples, rng.child("time"));
  }
  const hasRanks = scores.ranks !== undefined && n > 0;
  const rep = weights === undefined ? null : replicateScoreMetrics(scores, orientation, weights, { fprs, ks: hasRanks ? [1, 5] : [], time });
  let undefinedReplicates = 0;
  const interval = (values: Float64Array, estimate: number): SummaryInterval => {
    const i = replicateInterval(values, estimate, { level });
    undefinedReplicates = Math.max(undefinedReplicates, i.undefined);
    return { estimate: finiteOrNull(i.estimate), lo: finiteOrNull(i.lo), hi: finiteOrNull(i.hi) };
  };

  const both = n > 0 && m > 0 && rep !== null;
  const auc: ResolvableInterval = both ? { ...interval(rep.auc, rep.estimate.auc), resolvable: res.auc } : { ...NONE, resolvable: false };
  const tprAt: Record<string, TprSummary> = {};
  const bdrAt: Record<string, BdrSummary> = {};
  fprs.forEach((f, i) => {
    const negativesNeeded = Math.ceil((10 / f) * (1 - 1e-12));
    if (!both || !res.tprAt[i]) {
      tprAt[fprKey(f)] = { ...NONE, resolvable: false, negatives: m, negativesNeeded };
      bdrAt[fprKey(f)] = { ...NONE, resolvable: false };
      return;
    }
    const t = interval(rep.tprAt[i], rep.estimate.tprAt[i]);
    tprAt[fprKey(f)] = { ...t, resolvable: true, negatives: m, negativesNeeded };
    const b = baseRate as number;
    const bdr = (x: number | null) => (x === null ? null : finiteOrNull(bayesianDetectionRate(x, f, b)));
    bdrAt[fprKey(f)] = { estimate: bdr(t.estimate), lo: bdr(t.lo), hi: bdr(t.hi), resolvable: true };
  });

  let top1: ResolvableInterval | null = null;
  let top5: ResolvableInterval | null = null;
  if (hasRanks && rep !== null && rep.topK.length === 2) {
    top1 = { ...interval(rep.topK[0], rep.estimate.topK[0]), resolvable: res.topK };
    top5 = { ...interval(rep.topK[1], rep.estimate.topK[1]), resolvable: res.topK };
  }

  return {
    positives: n,
    negatives: m,
    positiveUsers: res.positiveUsers,
    negativeUsers: res.negativeUsers,
    bootstrap: !clustered ? "cases" : rep?.timeBlocks ? "users×time" : "users",
    orientation,
    resamples,
    level,
    undefinedReplicates,
    auc,
    tprAt,
    bdr: { baseRate, at: bdrAt },
    candidates,
    top1,
    top5,
    notResolvable: res.reasons,
  };
}
