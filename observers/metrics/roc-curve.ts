/**
 * The exact empirical ROC curve: one point per distinct score.
 *
 * A case is flagged when its score is >= the threshold. Walking the distinct scores from
 * the highest down, each point gives the fraction of negatives flagged (FPR) and of
 * positives flagged (TPR) at that threshold (Fawcett, "An introduction to ROC analysis",
 * Pattern Recognition Letters 27, 2006, Algorithm 1: no point is emitted inside a run of
 * equal scores). The first point is (0, 0) at threshold +Infinity and the last is (1, 1).
 * Between consecutive points the curve is the straight segment joining them: inside a
 * run of tied positives and negatives that diagonal is the expected performance when
 * the tie is broken at random (Fawcett 2006, §5.1), and it is how `tprAtFpr` reads the
 * curve at a given FPR, so the two always agree. Only the order of the scores matters:
 * a strictly increasing map of the scores gives the same FPR and TPR arrays. No point
 * is dropped, so the low-FPR end, the only part that matters for a deployable attack, is
 * exact; plot it on a log-FPR axis (DESIGN §6, reference/traffic-and-adversaries.md §2.4
 * item 1) after dropping the FPR = 0 points, which a log axis cannot show.
 *
 * @example
 * rocCurve([3, 2], [2, 1])
 * // => { thresholds: [Infinity, 3, 2, 1], fpr: [0, 0, 0.5, 1], tpr: [0, 0.5, 1, 1] }
 * // the tie at 2 is the diagonal from (0, 0.5) to (0.5, 1): TPR at FPR 0.25 is 0.75
 */
import { sortedFiniteCopy } from "./validate.ts";

export interface RocCurve {
  readonly fpr: Float64Array;
  readonly tpr: Float64Array;
  readonly thresholds: Float64Array;
}

export function rocCurve(pos: ArrayLike<number>, neg: ArrayLike<number>): RocCurve {
  const p = sortedFiniteCopy(pos, "rocCurve", "pos");
  const q = sortedFiniteCopy(neg, "rocCurve", "neg");
  const n = p.length;
  const m = q.length;
  if (n === 0 || m === 0) {
    throw new RangeError(`rocCurve: got ${n} positives and ${m} negatives; a ROC curve needs at least one of each`);
  }
  const size = n + m + 1;
  const fpr = new Float64Array(size);
  const tpr = new Float64Array(size);
  const thresholds = new Float64Array(size);
  thresholds[0] = Infinity;
  let k = 1;
  let i = n - 1;
  let j = m - 1;
  let tp = 0;
  let fp = 0;
  while (i >= 0 || j >= 0) {
    const t = i < 0 ? q[j] : j < 0 ? p[i] : Math.max(p[i], q[j]);
    while (i >= 0 && p[i] === t) {
      tp++;
      i--;
    }
    while (j >= 0 && q[j] === t) {
      fp++;
      j--;
    }
    thresholds[k] = t;
    fpr[k] = fp / m;
    tpr[k] = tp / n;
    k++;
  }
  return { fpr: fpr.slice(0, k), tpr: tpr.slice(0, k), thresholds: thresholds.slice(0, k) };
}
