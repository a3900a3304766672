/**
 * Area under the ROC curve, ties counted as one half.
 *
 * AUC is the probability that a random positive case scores above a random negative
 * one, ties counting 1/2: AUC = U / (n_pos · n_neg), with U the Mann–Whitney statistic
 * (Mann & Whitney 1947; Hanley & McNeil, "The meaning and use of the area under a
 * receiver operating characteristic (ROC) curve", Radiology 143, 1982). It is a
 * secondary figure in chaff: it is dominated by the high-FPR region, which says little
 * about an adversary who must keep false accusations rare
 * (reference/traffic-and-adversaries.md §2.4 item 5; DESIGN §6).
 *
 * Computed by sorting both samples and merging, O((n+m) log(n+m)), never the O(n·m)
 * pairwise count. (simple-statistics' `wilcoxonRankSum` gives the same U but allocates
 * an object per case, too slow inside a bootstrap over 10^5 negatives.)
 *
 * @example
 * rocAuc([0.9, 0.8], [0.1, 0.8]) // => 0.875  (pairs won 3, tied 1, of 4)
 * rocAuc([1, 2], [3, 4])          // => 0
 */
import { sortedFiniteCopy } from "./validate.ts";

export function rocAuc(pos: ArrayLike<number>, neg: ArrayLike<number>): number {
  return rocAucSorted(sortedFiniteCopy(pos, "rocAuc", "pos"), sortedFiniteCopy(neg, "rocAuc", "neg"));
}

/**
 * `rocAuc` of samples already sorted ascending (no NaN), O(n+m): for the bootstrap, whose
 * resamples arrive sorted (see `bootstrapScores`).
 */
export function rocAucSorted(pos: ArrayLike<number>, neg: ArrayLike<number>): number {
  const n = pos.length;
  const m = neg.length;
  if (n === 0 || m === 0) {
    throw new RangeError(`rocAuc: got ${n} positives and ${m} negatives; AUC needs at least one of each`);
  }
  // For each run of equal positive scores v: lo = #neg < v, hi = #neg <= v, and the
  // run contributes (2·less + equal) = lo + hi half-wins per positive in it.
  let lo = 0;
  let hi = 0;
  let twiceU = 0;
  for (let i = 0; i < n; ) {
    const v = pos[i];
    let j = i + 1;
    while (j < n && pos[j] === v) j++;
    while (lo < m && neg[lo] < v) lo++;
    if (hi < lo) hi = lo;
    while (hi < m && neg[hi] <= v) hi++;
    twiceU += (j - i) * (lo + hi);
    i = j;
  }
  return twiceU / (2 * n * m);
}
