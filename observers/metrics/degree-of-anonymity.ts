/**
 * Degree of anonymity — Díaz, Seys, Claessens, Preneel, "Towards Measuring Anonymity",
 * PET 2002.
 *
 * Rule: given the attacker's posterior p over the N candidates, d = H(p) / log2 N, in
 * [0, 1]: 1 when every candidate is equally likely, 0 when one is certain. Díaz et al.
 * take d >= 0.8 as the threshold of acceptable anonymity
 * (reference/traffic-and-adversaries.md §2.5).
 *
 * N defaults to p.length; pass a larger n when p lists only the candidates with non-zero
 * probability. Convention (checked against the paper's Crowds values in
 * reference/traffic-and-adversaries.md §5.4): the candidates are the honest members
 * only. For Crowds with N members of whom C collaborate, p = `crowdsPosterior(N, C, pf)`
 * has N − C entries and d = H / log2(N − C); dividing by log2 N instead gives
 * 0.735 rather than the published 0.853 for N = 5, C = 1, pf = 0.75. With a single
 * candidate there is no anonymity and d = 0.
 *
 * @example
 * degreeOfAnonymity([0.25, 0.75])                   // => 0.811 (the paper's d >= 0.8 example)
 * degreeOfAnonymity(crowdsPosterior(5, 1, 0.75))    // => 0.853
 */
import { entropyBits } from "./entropy-bits.ts";
import { checkInteger } from "./validate.ts";

export function degreeOfAnonymity(p: ArrayLike<number>, n: number = p.length): number {
  checkInteger(n, "degreeOfAnonymity", "n", Math.max(1, p.length));
  const h = entropyBits(p);
  return n === 1 ? 0 : h / Math.log2(n);
}
