/**
 * TPR at a fixed FPR, with the resolution rule.
 *
 * The headline figure of a correlation attack is the true-positive rate it reaches while
 * keeping false positives rare: TPR at FPR 1e-2, 1e-3, 1e-4 (DESIGN §6;
 * reference/traffic-and-adversaries.md §2.4 item 1, as reported by DeepCorr,
 * DeepCoFFEA and the IMProxy notebooks).
 *
 * With m negatives, at most K = ⌊fpr·m⌋ of them may be flagged. A case is flagged when
 * its score is strictly above `threshold`; the threshold is the (K+1)-th highest negative
 * score, so ties at it are not flagged and no more than K negatives ever are. No other
 * threshold flags more positives within the same budget. With K >= m every case is
 * flagged (threshold −Infinity).
 *
 * Resolution rule: with m negatives the smallest non-zero FPR is 1/m, and a claim "at
 * FPR f" needs about 10/f negatives (§2.4 item 2; DESIGN: "A run with n negatives cannot
 * support FPR below ~10/n: report 'not resolvable'"). `resolvable` is false when
 * m < 10/fpr; the TPR is still returned, but a report must print "not resolvable".
 *
 * @example
 * tprAtFpr([5, 4, 3], [4, 2, 1, 0], 0.25)
 * // => { tpr: 1, threshold: 2, falsePositives: 1, negatives: 4, resolvable: false }
 * tprAtFpr([5, 4, 3], [4, 2, 1, 0], 0)
 * // => { tpr: 1/3, threshold: 4, falsePositives: 0, negatives: 4, resolvable: false }
 */
import { bisectRight } from "d3";
import { checkProbability, sortedFiniteCopy } from "./validate.ts";

export interface TprAtFpr {
  /** Largest TPR with at most ⌊fpr·m⌋ false positives. */
  readonly tpr: number;
  /** True when there are at least 10/fpr negatives. */
  readonly resolvable: boolean;
  /** Flag a case iff its score is strictly greater than this. */
  readonly threshold: number;
  /** Number of negatives m. */
  readonly negatives: number;
  /** Negatives actually flagged at this threshold (<= ⌊fpr·m⌋). */
  readonly falsePositives: number;
}

/**
 * ⌊fpr·m⌋, robust to the product's round-off (0.29·100 is 28.999999999999996 in
 * floating point, but 29 false positives out of 100 is an FPR of 0.29).
 */
export function allowedFalsePositives(fpr: number, negatives: number): number {
  return Math.floor(fpr * negatives * (1 + 1e-12));
}

/** m >= 10/fpr, with the same round-off margin. */
export function isResolvable(fpr: number, negatives: number): boolean {
  return fpr * negatives >= 10 * (1 - 1e-12);
}

export function tprAtFpr(pos: ArrayLike<number>, neg: ArrayLike<number>, fpr: number): TprAtFpr {
  checkProbability(fpr, "tprAtFpr", "fpr");
  return tprAtFprSorted(sortedFiniteCopy(pos, "tprAtFpr", "pos"), sortedFiniteCopy(neg, "tprAtFpr", "neg"), fpr);
}

/** `tprAtFpr` of samples already sorted ascending (no NaN), O(log n + log m). */
export function tprAtFprSorted(pos: ArrayLike<number>, neg: ArrayLike<number>, fpr: number): TprAtFpr {
  const n = pos.length;
  const m = neg.length;
  if (n === 0) throw new RangeError("tprAtFpr: no positives; TPR needs at least one positive case");
  const k = allowedFalsePositives(fpr, m);
  const resolvable = isResolvable(fpr, m);
  if (k >= m) return { tpr: 1, resolvable, threshold: -Infinity, negatives: m, falsePositives: m };
  const threshold = neg[m - 1 - k];
  const tp = n - bisectRight(pos, threshold);
  const falsePositives = m - bisectRight(neg, threshold);
  return { tpr: tp / n, resolvable, threshold, negatives: m, falsePositives };
}
