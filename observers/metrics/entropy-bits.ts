/**
 * Shannon entropy in bits of a probability vector.
 *
 * H(p) = −Σ p_i log2 p_i, with 0·log 0 = 0 (Shannon, "A mathematical theory of
 * communication", 1948). Applied to an attacker's posterior over who sent a message, it
 * is the attacker's remaining uncertainty, the basis of the degree of anonymity and of
 * the effective anonymity-set size (reference/traffic-and-adversaries.md §2.5).
 *
 * `p` must be non-negative and sum to 1 (within round-off); a RangeError says which
 * entry or sum is wrong.
 *
 * @example
 * entropyBits([0.5, 0.5])            // => 1
 * entropyBits([0.25, 0.25, 0.5, 0])  // => 1.5
 */
import { checkDistribution } from "./validate.ts";

export function entropyBits(p: ArrayLike<number>): number {
  checkDistribution(p, "entropyBits");
  let h = 0;
  for (let i = 0; i < p.length; i++) {
    const v = p[i];
    if (v > 0) h -= v * Math.log2(v);
  }
  return h;
}
