/**
 * Top-k identification accuracy, ties sharing the credit.
 *
 * For the question "which of N candidates is this flow's partner (or this burst's
 * conversation)?", the scorer ranks the candidates and reports, per case, how many wrong
 * candidates scored above the true one (its rank, 0 = ranked first) and how many tied
 * with it. Top-k accuracy is the fraction of cases whose true answer is among the first
 * k (reference/traffic-and-adversaries.md §2.4 item 4: the IMProxy deep-learning
 * notebook reports top-1; DESIGN §6 asks for top-1 / top-k among N).
 *
 * Ties: a true answer tied with t wrong candidates after r better ones takes each of the
 * places r, r + 1, ..., r + t with equal probability when the tie is broken at random,
 * so the case counts min(1, max(0, (k − r) / (t + 1))), its expected hit (the same
 * random tie-breaking that makes a tied run a diagonal of the ROC curve; Fawcett, "An
 * introduction to ROC analysis", 2006, §5.1). A scorer that ties every candidate gets
 * k / N, chance, not 1.
 *
 * @example
 * topKAccuracy([0, 0, 3, 1], 1) // => 0.5
 * topKAccuracy([0, 0, 3, 1], 2) // => 0.75
 * topKAccuracy([0], 1, [3])     // => 0.25: tied with 3 wrong candidates
 */
import { checkInteger } from "./validate.ts";

/** The expected top-k hit of one case: r wrong candidates above the true answer, t tied with it. */
export function topKCredit(r: number, t: number, k: number): number {
  const c = (k - r) / (t + 1);
  return c >= 1 ? 1 : c > 0 ? c : 0;
}

export function topKAccuracy(ranks: ArrayLike<number>, k: number, ties?: ArrayLike<number>): number {
  checkInteger(k, "topKAccuracy", "k", 1);
  if (ranks.length === 0) throw new RangeError("topKAccuracy: ranks is empty; expected at least one case");
  if (ties !== undefined && ties.length !== ranks.length) {
    throw new RangeError(`topKAccuracy: ties has ${ties.length} entries for ${ranks.length} ranks; expected one per case`);
  }
  let hits = 0;
  for (let i = 0; i < ranks.length; i++) {
    const r = ranks[i];
    if (!Number.isInteger(r) || r < 0) {
      throw new RangeError(`topKAccuracy: ranks[${i}] = ${r}; expected an integer rank >= 0 (0 = correct first)`);
    }
    const t = ties === undefined ? 0 : ties[i];
    if (!Number.isInteger(t) || t < 0) throw new RangeError(`topKAccuracy: ties[${i}] = ${t}; expected an integer count >= 0`);
    hits += topKCredit(r, t, k);
  }
  return hits / ranks.length;
}
