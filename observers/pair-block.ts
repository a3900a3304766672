/**
 * One block of pair scores: the unit every all-pairs scorer consumes and a worker can
 * compute anywhere.
 *
 * Pairs are unordered, kernels directed: pair {i, j} scores combine(s(i → j), s(j → i)),
 * the mean (default) or the max of the two directions (or s(i → j) alone when the
 * kernel is symmetric); over several direction pairings (direction-pairing.ts), the
 * largest of their pair scores, each standardized (`pairingScoreBlock`). The N(N−1)/2 pairs are covered by the blocks [i0, i1) × [j0, j1)
 * of the upper triangle (j0 ≥ i0), in the canonical order i0 ascending, then j0
 * ascending from i0; each block is a pure function of the kernel's inputs, so the same
 * block gives the same doubles on any thread.
 *
 * @example
 * const X = standardizeRows(new Float32Array([1, 2, 3, 3, 2, 1, 1, 3, 2]), 3, 3);
 * const s = new Float64Array(9), tmp = new Float64Array(9);
 * pairScoreBlock(correlationKernel(X, X, 3), 0, 3, 0, 3, "mean", true, s, tmp, s);
 * s[0 * 3 + 1]; // ≈ −1: r(row 0, row 1); cells below the diagonal are unspecified
 */
import { DEFAULT_BLOCK, naiveDot, type BlockKernel } from "./pair-kernels.ts";

/** How the two directed scores s(A → B), s(B → A) make the pair's score. */
export type Combine = "mean" | "max";

/** combine(a, b): the mean, or the larger of the two. */
export function combineScores(a: number, b: number, how: Combine): number {
  return how === "max" ? (a > b ? a : b) : 0.5 * (a + b);
}

/** Rows per block that `linkTask` uses for n users: `block` (default 64), at least 4 and at most n. */
export function linkBlockSize(n: number, block: number = DEFAULT_BLOCK): number {
  return Math.max(4, Math.min(block, n));
}

/**
 * The pair scores of one block, the unit `linkTask` consumes and a worker pool can
 * compute anywhere: for the unordered pairs {i, j} with i in [i0, i1), j in [j0, j1),
 * j0 ≥ i0 and i < j, s[(i − i0)·(j1 − j0) + (j − j0)] = combine(s(i → j), s(j → i))
 * (or s(i → j) alone when `symmetric`; then a diagonal block asks the kernel for its
 * upper triangle only when it offers `upper`). Other cells of `s` (the lower half of a
 * diagonal block) are left unspecified. `out1` and `out2` are scratch of (i1 − i0)·(j1 − j0)
 * cells; `s` may be `out1`. The same block gives the same doubles on any thread.
 */
export function pairScoreBlock(
  kernel: BlockKernel,
  i0: number,
  i1: number,
  j0: number,
  j1: number,
  how: Combine,
  symmetric: boolean,
  out1: Float64Array,
  out2: Float64Array,
  s: Float64Array,
): void {
  const wi = i1 - i0;
  const wj = j1 - j0;
  const diagonal = j0 === i0;
  // A symmetric kernel's diagonal block needs its upper triangle only (the same doubles).
  if (symmetric && diagonal && i1 === j1 && kernel.upper) kernel.upper(i0, i1, out1);
  else kernel(i0, i1, j0, j1, out1);
  if (!symmetric && !diagonal) kernel(j0, j1, i0, i1, out2);
  for (let i = i0; i < i1; i++) {
    const ri = (i - i0) * wj - j0;
    for (let j = diagonal ? i + 1 : j0; j < j1; j++) {
      const sij = out1[ri + j];
      if (symmetric) s[ri + j] = sij;
      else if (diagonal) s[ri + j] = combineScores(sij, out1[(j - i0) * wj + (i - j0)], how);
      else s[ri + j] = combineScores(sij, out2[(j - j0) * wi + (i - i0)], how);
    }
  }
}

/**
 * One term of a pair score folded over several direction pairings
 * (direction-pairing.ts): its kernel's pair score c is read as (c − mean) / sd. A single
 * raw term has mean 0 and sd 1, which leaves every double as it is.
 */
export interface PairingTerm {
  /** s(i → j) = s(j → i) for this term's kernel: one direction is computed. */
  readonly symmetric: boolean;
  readonly mean: number;
  readonly sd: number;
}

/** Scratch for `pairingScoreBlock`: three blocks of cells. */
export interface PairingScratch {
  readonly out1: Float64Array;
  readonly out2: Float64Array;
  readonly tmp: Float64Array;
}

export function pairingScratch(cells: number): PairingScratch {
  return { out1: new Float64Array(cells), out2: new Float64Array(cells), tmp: new Float64Array(cells) };
}

/**
 * The pair scores of one block under several terms: for i < j in the block,
 * s[(i − i0)·(j1 − j0) + (j − j0)] = max over terms t of (c_t(i, j) − mean_t) / sd_t, where
 * c_t is `pairScoreBlock` of kernel t (its directions combined by `how`, or one when the
 * term is symmetric). One term: its own scores, standardized (a raw term, mean 0 and sd
 * 1, leaves them bit for bit). No term: every pair scores 0. Cells below the diagonal of
 * a diagonal block are unspecified. The same block gives the same doubles on any thread.
 */
export function pairingScoreBlock(
  kernels: readonly BlockKernel[],
  terms: readonly PairingTerm[],
  i0: number,
  i1: number,
  j0: number,
  j1: number,
  how: Combine,
  scratch: PairingScratch,
  s: Float64Array,
): void {
  const wj = j1 - j0;
  const diagonal = j0 === i0;
  if (terms.length === 0) {
    s.fill(0, 0, (i1 - i0) * wj);
    return;
  }
  for (let t = 0; t < terms.length; t++) {
    const dst = t === 0 ? s : scratch.tmp;
    const { symmetric, mean, sd } = terms[t];
    pairScoreBlock(kernels[t], i0, i1, j0, j1, how, symmetric, scratch.out1, scratch.out2, dst);
    for (let i = i0; i < i1; i++) {
      const ri = (i - i0) * wj - j0;
      for (let j = diagonal ? i + 1 : j0; j < j1; j++) {
        const z = (dst[ri + j] - mean) / sd;
        if (t === 0 || z > s[ri + j]) s[ri + j] = z;
      }
    }
  }
}

/** The score of one pair {a, b} under `terms`, as `pairingScoreBlock` scores it in any block; `one` is a cell of scratch. */
export function pairingPairScore(
  kernels: readonly BlockKernel[],
  terms: readonly PairingTerm[],
  a: number,
  b: number,
  how: Combine,
  scratch: PairingScratch,
  one: Float64Array,
): number {
  const lo = a < b ? a : b;
  const hi = a < b ? b : a;
  pairingScoreBlock(kernels, terms, lo, lo + 1, hi, hi + 1, how, scratch, one);
  return one[0];
}

/**
 * The plain scalar all-pairs loop over standardized rows: for every unordered pair
 * i < j (in row-major order), combine(x_i·y_j, x_j·y_i). Returns N(N−1)/2 scores. For
 * benchmarks and tests only: it holds every pair at once.
 */
export function naiveAllPairs(X: Float32Array, Y: Float32Array, n: number, d: number, combine: Combine = "mean"): Float64Array {
  const out = new Float64Array((n * (n - 1)) / 2);
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = naiveDot(X, Y, d, i, j);
      const b = naiveDot(X, Y, d, j, i);
      out[k++] = combine === "max" ? Math.max(a, b) : 0.5 * (a + b);
    }
  }
  return out;
}
