/**
 * The honest score summary a report prints for one observer on one task.
 *
 * Rule (DESIGN §6, reference/traffic-and-adversaries.md §2.4 and §6 item 2): TPR at FPR
 * 1e-2, 1e-3, 1e-4 with the number of negatives, marked not resolvable when there are
 * fewer than 10/FPR negatives; the Bayesian detection rate (precision) at a stated base
 * rate; AUC as a secondary figure; top-1 / top-5 accuracy among N when the scorer
 * ranked candidates; every figure with a seeded bootstrap interval (`bootstrapScoresAll`
 * for the score metrics, one shared set of resamples; `bootstrapCi` over positive cases,
 * or their clusters, for top-k).
 *
 * BDR at FPR f uses the TPR at f and the nominal f, an upper bound on the empirical FPR
 * of the chosen threshold, so the precision is not flattered by a lucky zero-FP run. Its
 * interval is the TPR interval mapped through the BDR formula (increasing in TPR). The
 * base rate defaults to 1/candidates when the scores say how many candidates each case
 * had (DeepCoFFEA's 1/N), else to positives/(positives+negatives).
 *
 * The result is plain JSON: numbers, booleans and null, never NaN or Infinity. A figure
 * the data cannot support (too few negatives, an empty class, no ranks) is null.
 *
 * @example
 * summarizeScores(observer.score(truth), stream(seed, "metrics/link")) // (illustrative numbers)
 * // => { positives: 268, negatives: 71556, auc: { estimate: 0.97, lo: 0.96, hi: 0.98 },
 * //      tprAt: { "1e-2": { estimate: 0.81, lo: 0.76, hi: 0.86, resolvable: true, negatives: 71556, negativesNeeded: 1000 },
 * //               "1e-4": { estimate: null, lo: null, hi: null, resolvable: false, negatives: 71556, negativesNeeded: 100000 }, ... },
 * //      bdr: { baseRate: 0.0037, at: { "1e-2": { estimate: 0.23, ... } } }, top1: null, top5: null, ... }
 */
import type { Rng } from "../../sim/core/rng.ts";
import { bayesianDetectionRate } from "./bayesian-detection-rate.ts";
import { bootstrapCi, bootstrapSettings, type Interval } from "./bootstrap-ci.ts";
import { bootstrapScoresAll, type ScoreMetric, type ScoresLike } from "./bootstrap-scores.ts";
import { rocAucSorted } from "./roc-auc.ts";
import { topKAccuracy, topKCredit } from "./top-k-accuracy.ts";
import { isResolvable, tprAtFprSorted } from "./tpr-at-fpr.ts";
import { checkInteger, checkProbability } from "./validate.ts";

export interface SummaryScores extends ScoresLike {
  /** Wrong candidates scoring above the true answer (0 = first) among `candidates`, per positive case. */
  readonly ranks?: ArrayLike<number>;
  /** Wrong candidates tied with the true answer, per positive case (they share the credit). */
  readonly rankTies?: ArrayLike<number>;
  readonly candidates?: number;
}

export interface SummarizeOptions {
  /** FPR operating points (default [1e-2, 1e-3, 1e-4]). */
  readonly fprs?: readonly number[];
  /** Base rate for the BDR (default 1/candidates, else positives/(positives+negatives)). */
  readonly baseRate?: number;
  /** Bootstrap resamples (default 1000). */
  readonly resamples?: number;
  /** Interval coverage (default 0.95). */
  readonly level?: number;
}

export interface SummaryInterval {
  readonly estimate: number | null;
  readonly lo: number | null;
  readonly hi: number | null;
}

export interface TprSummary extends SummaryInterval {
  readonly resolvable: boolean;
  readonly negatives: number;
  /** Negatives a claim at this FPR needs (10/FPR). */
  readonly negativesNeeded: number;
}

export interface BdrSummary extends SummaryInterval {
  readonly resolvable: boolean;
}

export interface ScoreSummary {
  readonly positives: number;
  readonly negatives: number;
  readonly resamples: number;
  readonly level: number;
  readonly auc: SummaryInterval;
  /** Keyed by the FPR in exponent form: "1e-2", "1e-3", "1e-4". */
  readonly tprAt: Record<string, TprSummary>;
  readonly bdr: { readonly baseRate: number | null; readonly at: Record<string, BdrSummary> };
  readonly candidates: number | null;
  readonly top1: SummaryInterval | null;
  readonly top5: SummaryInterval | null;
}

const NONE: SummaryInterval = { estimate: null, lo: null, hi: null };

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function jsonInterval(i: Interval): SummaryInterval {
  return { estimate: finiteOrNull(i.estimate), lo: finiteOrNull(i.lo), hi: finiteOrNull(i.hi) };
}

/** The key of an FPR in the summary: 0.01 → "1e-2". */
export function fprKey(fpr: number): string {
  return fpr.toExponential();
}

export function summarizeScores(scores: SummaryScores, rng: Rng, opts: SummarizeOptions = {}): ScoreSummary {
  const fn = "summarizeScores";
  const { resamples, level } = bootstrapSettings(opts, fn);
  const fprs = opts.fprs ?? [1e-2, 1e-3, 1e-4];
  for (const f of fprs) {
    if (!(f > 0 && f < 1)) throw new RangeError(`${fn}: fprs contains ${f}; expected FPRs in (0, 1)`);
  }
  const n = scores.positives.length;
  const m = scores.negatives.length;
  const candidates = scores.candidates ?? null;
  if (candidates !== null) checkInteger(candidates, fn, "candidates", 1);

  const baseRate: number | null = opts.baseRate ?? (candidates !== null ? 1 / candidates : n + m > 0 ? n / (n + m) : null);
  if (baseRate !== null) checkProbability(baseRate, fn, "baseRate");

  // Score metrics, all on one shared set of stratified (or cluster) resamples.
  const metrics: ScoreMetric[] = [];
  const both = n > 0 && m > 0;
  if (both) metrics.push(rocAucSorted);
  const resolvable = fprs.map((f) => n > 0 && isResolvable(f, m));
  fprs.forEach((f, i) => {
    if (resolvable[i]) metrics.push((p, q) => tprAtFprSorted(p, q, f).tpr);
  });
  const intervals = metrics.length > 0 ? bootstrapScoresAll(scores, metrics, rng.child("scores"), { resamples, level }) : [];

  let next = 0;
  const auc = both ? jsonInterval(intervals[next++]) : NONE;
  const tprAt: Record<string, TprSummary> = {};
  const bdrAt: Record<string, BdrSummary> = {};
  fprs.forEach((f, i) => {
    const negativesNeeded = Math.ceil((10 / f) * (1 - 1e-12));
    if (!resolvable[i]) {
      tprAt[fprKey(f)] = { ...NONE, resolvable: false, negatives: m, negativesNeeded };
      bdrAt[fprKey(f)] = { ...NONE, resolvable: false };
      return;
    }
    const t = intervals[next++];
    tprAt[fprKey(f)] = { ...jsonInterval(t), resolvable: true, negatives: m, negativesNeeded };
    const b = baseRate as number;
    bdrAt[fprKey(f)] = {
      estimate: finiteOrNull(bayesianDetectionRate(t.estimate, f, b)),
      lo: finiteOrNull(bayesianDetectionRate(t.lo, f, b)),
      hi: finiteOrNull(bayesianDetectionRate(t.hi, f, b)),
      resolvable: true,
    };
  });

  let top1: SummaryInterval | null = null;
  let top5: SummaryInterval | null = null;
  const ranks = scores.ranks;
  if (ranks !== undefined && ranks.length > 0) {
    topKAccuracy(ranks, 1, scores.rankTies); // validates every rank and tie count
    const clusters = scores.positiveClusters;
    if (clusters !== undefined && clusters.length !== ranks.length) {
      throw new RangeError(
        `${fn}: ranks has ${ranks.length} entries but positiveClusters has ${clusters.length}; expected one rank per positive case`,
      );
    }
    const r = Int32Array.from(ranks);
    const t = scores.rankTies === undefined ? new Int32Array(r.length) : Int32Array.from(scores.rankTies);
    const topK = (k: number) =>
      jsonInterval(
        bootstrapCi(
          (idx) => {
            let hits = 0;
            for (let i = 0; i < idx.length; i++) hits += topKCredit(r[idx[i]], t[idx[i]], k);
            return hits / idx.length;
          },
          r.length,
          rng.child("ranks"), // the same resamples for every k, so top-1 <= top-5 in each
          { resamples, level, clusters },
        ),
      );
    top1 = topK(1);
    top5 = topK(5);
  }

  return {
    positives: n,
    negatives: m,
    resamples,
    level,
    auc,
    tprAt,
    bdr: { baseRate, at: bdrAt },
    candidates,
    top1,
    top5,
  };
}
