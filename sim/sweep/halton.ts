/**
 * The Halton sequence, a low-discrepancy ("quasi-random") design: point i has coordinate
 * d equal to the radical inverse of i in the d-th prime base (Halton, "On the efficiency
 * of certain quasi-random sequences of points in evaluating multi-dimensional integrals",
 * Numerische Mathematik 2, 1960). Its first n points cover the unit cube far more evenly
 * than n uniform draws, which is what a small search design needs.
 *
 * Randomized by a Cranley–Patterson rotation (Cranley & Patterson, SIAM J. Numer. Anal.
 * 13(6), 1976): one uniform shift per dimension, drawn from a named seeded stream, added
 * modulo 1. The design stays evenly spread, is no longer pinned to the cube's corners
 * (plain Halton starts at the origin), and differs by seed. Index 0 is skipped.
 *
 * @example
 * radicalInverse(6, 2)                    // => 0.375 (6 = 110₂ → 0.011₂)
 * haltonDesign(4, 2, stream(1, "tune/design")) // 4 points in [0, 1)², evenly spread
 */
import type { Rng } from "../core/rng.ts";

const PRIMES = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97];

export const MAX_DIMENSIONS = PRIMES.length;

/** The radical inverse of i in `base`: i's base-b digits mirrored about the radix point. */
export function radicalInverse(i: number, base: number): number {
  let f = 1;
  let r = 0;
  let n = i;
  while (n > 0) {
    f /= base;
    r += f * (n % base);
    n = Math.floor(n / base);
  }
  return r;
}

/** `n` points of the `dims`-dimensional Halton sequence (indices 1..n), rotated by shifts drawn from `rng`. */
export function haltonDesign(n: number, dims: number, rng: Rng): number[][] {
  if (!Number.isInteger(dims) || dims < 1 || dims > MAX_DIMENSIONS) throw new RangeError(`haltonDesign: dims = ${dims}; expected an integer from 1 to ${MAX_DIMENSIONS}`);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`haltonDesign: n = ${n}; expected a non-negative integer`);
  const shift = Array.from({ length: dims }, () => rng.next());
  const out: number[][] = [];
  for (let i = 1; i <= n; i++) {
    const p: number[] = [];
    for (let d = 0; d < dims; d++) {
      const x = radicalInverse(i, PRIMES[d]) + shift[d];
      p.push(x >= 1 ? x - 1 : x);
    }
    out.push(p);
  }
  return out;
}
