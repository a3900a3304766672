/**
 * AUC, TPR at FPR and top-k of a task's scores with each case weighted by its users:
 * the statistic of one bootstrap replicate of users (`drawUserWeights`).
 *
 * Rule: a case's weight is the product of its users' weights (w_u for a per-user case,
 * w_u·w_v for a pair {u, v}). Then, with the scores read in `orientation` (−1: lower
 * means more likely positive, i.e. every score negated):
 * - AUC = Σ_{i pos, j neg} c_i·c_j·(1[s_i > s_j] + ½·1[s_i = s_j]) / (Σ c_i · Σ c_j), the
 *   weighted Mann–Whitney statistic (ties ½);
 * - TPR at FPR f: the weighted ROC curve (cumulative weights of flagged positives and
 *   negatives, highest score first) read at f·Σ c_j, linear inside a run of tied
 *   scores: the expected value under random tie-breaking (Fawcett, "An introduction to
 *   ROC analysis", 2006, §5.1), as `tprAtFpr`;
 * - top-k: Σ c_i·credit_i / Σ c_i over positives, credit the expected top-k hit with ties
 *   sharing it (`topKAccuracy`); orientation −1 swaps the ranks above and below.
 * With every weight 1 these are exactly `rocAuc`, `tprAtFpr(...).tpr` and `topKAccuracy`
 * (the same doubles). A metric is NaN when a class it needs has zero total weight (or
 * there are no ranks, for top-k).
 *
 * For many replicates use `replicateScoreMetrics`, which sorts once.
 *
 * @example
 * const scores = { positives: [3, 2], negatives: [2, 1], usersPerCase: 1 as const,
 *   positiveUsers: [0, 1], negativeUsers: [2, 3] };
 * weightedScoreMetrics(scores, 1, [1, 1, 1, 1], { fprs: [0.25] });
 * // => { auc: 0.875, tprAt: [0.75], topK: [] }  (half of the tie at 2 is flagged)
 * weightedScoreMetrics(scores, 1, [2, 0, 1, 1], { fprs: [0.25] }).auc // => 1: user 1's tie is out
 */
import { metricsOnWeights, scoredCases, type CaseScores, type Orientation } from "./scored-cases.ts";
import { checkProbability } from "./validate.ts";

export interface ScoreMetricOptions {
  /** FPR operating points (default [1e-2, 1e-3, 1e-4]). */
  readonly fprs?: readonly number[];
  /** Top-k cut-offs (default [1, 5]; used only when the scores have ranks). */
  readonly ks?: readonly number[];
}

export interface ScoreMetrics {
  readonly auc: number;
  /** Per FPR of `fprs`. */
  readonly tprAt: number[];
  /** Per k of `ks`; empty when the scores have no ranks. */
  readonly topK: number[];
}

export function checkMetricOptions(opts: ScoreMetricOptions, fn: string): { fprs: readonly number[]; ks: readonly number[] } {
  const fprs = opts.fprs ?? [1e-2, 1e-3, 1e-4];
  const ks = opts.ks ?? [1, 5];
  for (const f of fprs) checkProbability(f, fn, "fpr");
  for (const k of ks) if (!Number.isInteger(k) || k < 1) throw new RangeError(`${fn}: k = ${k}; expected an integer >= 1`);
  return { fprs, ks };
}

export function weightedScoreMetrics(scores: CaseScores, orientation: Orientation, userWeights: ArrayLike<number> | null, opts: ScoreMetricOptions = {}): ScoreMetrics {
  const fn = "weightedScoreMetrics";
  const { fprs, ks } = checkMetricOptions(opts, fn);
  const cases = scoredCases(scores, orientation, fn, ks, userWeights === null ? undefined : userWeights.length);
  if (userWeights !== null) {
    for (let u = 0; u < userWeights.length; u++) {
      if (!(userWeights[u] >= 0) || !Number.isFinite(userWeights[u])) throw new RangeError(`${fn}: userWeights[${u}] = ${userWeights[u]}; expected a finite weight >= 0`);
    }
  }
  const out = { auc: 0, tprAt: new Float64Array(fprs.length), topK: new Float64Array(cases.credit === null ? 0 : ks.length) };
  metricsOnWeights(cases, userWeights, fprs, out, new Float64Array(cases.groups), new Float64Array(cases.groups));
  return { auc: out.auc, tprAt: Array.from(out.tprAt), topK: Array.from(out.topK) };
}
