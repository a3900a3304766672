/**
 * Top-k identification accuracy.
 *
 * For the question "which of N candidates is this flow's partner (or this burst's
 * conversation)?", the scorer ranks the candidates and reports, per case, the rank of
 * the true one (0 = ranked first). Top-k accuracy is the fraction of cases whose true
 * answer is among the first k (reference/traffic-and-adversaries.md §2.4 item 4: the
 * IMProxy deep-learning notebook reports top-1; DESIGN §6 asks for top-1 / top-k among N).
 *
 * @example
 * topKAccuracy([0, 0, 3, 1], 1) // => 0.5
 * topKAccuracy([0, 0, 3, 1], 2) // => 0.75
 */
import { checkInteger } from "./validate.ts";

export function topKAccuracy(ranks: ArrayLike<number>, k: number): number {
  checkInteger(k, "topKAccuracy", "k", 1);
  if (ranks.length === 0) throw new RangeError("topKAccuracy: ranks is empty; expected at least one case");
  let hits = 0;
  for (let i = 0; i < ranks.length; i++) {
    const r = ranks[i];
    if (!Number.isInteger(r) || r < 0) {
      throw new RangeError(`topKAccuracy: ranks[${i}] = ${r}; expected an integer rank >= 0 (0 = correct first)`);
    }
    if (r < k) hits++;
  }
  return hits / ranks.length;
}
