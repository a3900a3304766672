/**
 * Does a paired AUC fall still count once read as an attacker who knows the defense reads
 * it? An observer below chance (AUC under 0.5) ranks the pairs reversed, and that
 * attacker simply reads it flipped (1 − AUC: a classifier below the ROC diagonal is as informative negated,
 * Fawcett 2006, "An introduction to ROC analysis", Pattern Recognition Letters 27). So the fall
 * a defense earns credit for is the fall of max(AUC, 1 − AUC), not of the AUC as scored.
 *
 * The flipped difference is the paired difference shifted by what flipping adds to each
 * side's estimate: d' = d + (max(a, 1 − a) − a)_defended − (max(a, 1 − a) − a)_undefended.
 * Its interval is the paired interval shifted by the same amount: an approximation (the
 * bootstrap replicates of every observer are not kept, so the shift is the estimates',
 * not each replicate's). The fall keeps its credit only when that shifted interval still
 * lies below 0. A fall to chance keeps it (0.94 → 0.495 reads 0.94 → 0.505); a fall
 * through chance to a reversed signal loses it (0.8 → 0.2 reads 0.8 → 0.8).
 *
 * @example
 * fallSurvivesFlip({ defended: 0.495, undefended: 0.944, difference: { estimate: -0.449, lo: -0.5, hi: -0.4 } }) // => true
 * fallSurvivesFlip({ defended: 0.2, undefended: 0.8, difference: { estimate: -0.6, lo: -0.7, hi: -0.5 } }) // => false
 */
import type { Interval } from "./metrics.ts";

/** What flipping an observer below chance adds to its AUC estimate (0 at or above chance). */
function flipGain(auc: number): number {
  return auc < 0.5 ? 1 - 2 * auc : 0;
}

/** False without both estimates and an upper bound: no credit that cannot be checked (the attacker's side). */
export function fallSurvivesFlip(d: { defended: number | null; undefended: number | null; difference: Interval }): boolean {
  if (d.defended === null || d.undefended === null || d.difference.hi === null) return false;
  return d.difference.hi + flipGain(d.defended) - flipGain(d.undefended) < 0;
}
