/**
 * TPR at a fixed FPR, read off the ROC curve with ties handled as random tie-breaking
 * would, with the resolution rule.
 *
 * The headline figure of a correlation attack is the true-positive rate it reaches while
 * keeping false positives rare: TPR at FPR 1e-2, 1e-3, 1e-4 (DESIGN §6;
 * reference/traffic-and-adversaries.md §2.4 item 1, as reported by DeepCorr,
 * DeepCoFFEA and the IMProxy notebooks).
 *
 * Rule: walk the distinct scores from the highest down, as `rocCurve` does. A run of
 * cases sharing one score is one segment of the ROC curve, the straight line from the
 * point before the run to the point after it: the expected performance when the tie is
 * broken at random (Fawcett, "An introduction to ROC analysis", Pattern Recognition
 * Letters 27, 2006, §5 on equally scored instances). The TPR at FPR f is the curve's
 * height at f·m negatives (m = number of negatives), reading a vertical step at its top:
 * every case above the run where the FP budget f·m runs out is flagged, and each case of
 * that run is flagged with probability `tieShare` = (f·m − negatives above) / negatives
 * in the run, so the expected number of false positives is exactly f·m. A scorer that
 * gives every case the same score therefore gets TPR = FPR, never 0, and since only the
 * order of scores matters, any strictly increasing map of the scores leaves the result
 * unchanged. Without ties in the run the result is the familiar strict threshold: all
 * cases scoring above the ⌊f·m⌋+1-th highest negative.
 *
 * Resolution rule: with m negatives the smallest non-zero FPR is 1/m, and a claim "at
 * FPR f" needs about 10/f negatives (§2.4 item 2; DESIGN: "A run with n negatives cannot
 * support FPR below ~10/n: report 'not resolvable'"). `resolvable` is false when
 * m < 10/fpr; the TPR is still returned, but a report must print "not resolvable".
 *
 * @example
 * tprAtFpr([5, 4, 3], [4, 2, 1, 0], 0.25)
 * // => { tpr: 1, threshold: 2, tieShare: 0, falsePositives: 1, negatives: 4, resolvable: false }
 * tprAtFpr([5, 4, 3], [4, 2, 1, 0], 0.125) // half of the tie at 4 is flagged
 * // => { tpr: 0.5, threshold: 4, tieShare: 0.5, falsePositives: 0.5, negatives: 4, resolvable: false }
 * tprAtFpr([1, 1], [1, 1, 1, 1], 0.25).tpr // => 0.25: all tied, TPR = FPR
 */
import { checkProbability, sortedFiniteCopy } from "./validate.ts";

export interface TprAtFpr {
  /** Expected TPR at this FPR under random tie-breaking: the ROC curve's height at the FPR. */
  readonly tpr: number;
  /** True when there are at least 10/fpr negatives. */
  readonly resolvable: boolean;
  /** Cases scoring above this are flagged; those scoring exactly this, with probability `tieShare`. */
  readonly threshold: number;
  /** Share of the cases tied at `threshold` that are flagged, in [0, 1). */
  readonly tieShare: number;
  /** Number of negatives m. */
  readonly negatives: number;
  /** Expected negatives flagged: fpr·m, or m when fpr·m >= m. */
  readonly falsePositives: number;
}

/**
 * ⌊fpr·m⌋, robust to the product's round-off (0.29·100 is 28.999999999999996 in
 * floating point, but 29 false positives out of 100 is an FPR of 0.29).
 */
export function allowedFalsePositives(fpr: number, negatives: number): number {
  return Math.floor(fpr * negatives * (1 + 1e-12));
}

/**
 * fpr·m, snapped to the nearest integer when within round-off of it, so that an FPR of
 * k/m reads the curve exactly at k negatives.
 */
export function falsePositiveBudget(fpr: number, negatives: number): number {
  const x = fpr * negatives;
  const r = Math.round(x);
  return Math.abs(x - r) <= 1e-12 * x ? r : x;
}

/** m >= 10/fpr, with the same round-off margin. */
export function isResolvable(fpr: number, negatives: number): boolean {
  return fpr * negatives >= 10 * (1 - 1e-12);
}

export function tprAtFpr(pos: ArrayLike<number>, neg: ArrayLike<number>, fpr: number): TprAtFpr {
  checkProbability(fpr, "tprAtFpr", "fpr");
  return tprAtFprSorted(sortedFiniteCopy(pos, "tprAtFpr", "pos"), sortedFiniteCopy(neg, "tprAtFpr", "neg"), fpr);
}

/** `tprAtFpr` of samples already sorted ascending (no NaN), O(n + m) at worst. */
export function tprAtFprSorted(pos: ArrayLike<number>, neg: ArrayLike<number>, fpr: number): TprAtFpr {
  const n = pos.length;
  const m = neg.length;
  if (n === 0) throw new RangeError("tprAtFpr: no positives; TPR needs at least one positive case");
  const budget = falsePositiveBudget(fpr, m);
  const resolvable = isResolvable(fpr, m);
  if (budget >= m) return { tpr: 1, resolvable, threshold: -Infinity, tieShare: 0, negatives: m, falsePositives: m };
  // Walk runs of equal scores from the top; the budget runs out inside (or at the start
  // of) the run that holds the ⌊budget⌋+1-th highest negative.
  let i = n - 1;
  let j = m - 1;
  let tp = 0;
  let fp = 0;
  for (;;) {
    const v = i >= 0 && pos[i] > neg[j] ? pos[i] : neg[j];
    let p = 0;
    let q = 0;
    while (i >= 0 && pos[i] === v) {
      p++;
      i--;
    }
    while (j >= 0 && neg[j] === v) {
      q++;
      j--;
    }
    if (fp + q > budget) {
      const share = (budget - fp) / q;
      return { tpr: (tp + p * share) / n, resolvable, threshold: v, tieShare: share, negatives: m, falsePositives: budget };
    }
    tp += p;
    fp += q;
  }
}
