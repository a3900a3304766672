/**
 * Effective anonymity-set size — Serjantov & Danezis, "Towards an Information Theoretic
 * Metric for Anonymity", PET 2002.
 *
 * Rule: 2^H(p), the number of equally likely candidates that would leave the attacker
 * as uncertain as the posterior p does. It is the user-facing figure: "this shaper
 * leaves you hidden among about X conversations" (reference/traffic-and-adversaries.md
 * §2.5; the citation details there are marked [M]).
 *
 * @example
 * effectiveAnonymitySetSize([0.25, 0.25, 0.25, 0.25]) // => 4
 * effectiveAnonymitySetSize([0.5, 0.25, 0.25])        // => 2.83 (2^1.5)
 */
import { entropyBits } from "./entropy-bits.ts";

export function effectiveAnonymitySetSize(p: ArrayLike<number>): number {
  return 2 ** entropyBits(p);
}
