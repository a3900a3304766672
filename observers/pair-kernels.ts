/**
 * Block kernels: the directed score s(i → j) of every pair of rows in a block.
 *
 * For the correlation family the score is a dot product of standardized rows
 * (pair-rows.ts): Pearson's r at lag 0, and the cross-correlation at lag ℓ,
 * Σ x_t·y_{t+ℓ} (the Box–Jenkins estimator, normalized by the full-row moments).
 * Scoring all N(N−1)/2 pairs is then a matrix product, done in square blocks of rows
 * (cache tiling) with a 4 × 4 register tile inside, so each loaded value feeds four
 * multiply-adds instead of one.
 *
 * A `BlockKernel` is a pure function of its inputs: it fills directed scores s(i → j)
 * for rows [i0, i1) × [j0, j1) from shared read-only arrays, so blocks can be computed
 * on any thread (pair-block-task.ts) and give the same doubles.
 *
 * @example
 * const X = standardizeRows(new Float32Array([1, 2, 3, 3, 2, 1]), 2, 3);
 * const out = new Float64Array(4);
 * dotBlock(X, X, 3, 0, 2, 0, 2, out); // out ≈ [1, -1, -1, 1]: Pearson's r of every pair
 */

/**
 * Fills out[(i − i0)·(j1 − j0) + (j − j0)] with the directed score s(i → j). A kernel may
 * also offer `upper`: for a square block [i0, i1) × [i0, i1), the cells j > i only (the
 * same doubles the full call gives them; the diagonal and the cells below it are left
 * unspecified), which is all a symmetric kernel's diagonal block needs (pair-block.ts).
 */
export interface BlockKernel {
  (i0: number, i1: number, j0: number, j1: number, out: Float64Array): void;
  readonly upper?: (i0: number, i1: number, out: Float64Array) => void;
}

/** Rows per block unless told otherwise (a 64 × 64 block of doubles is 32 KiB: one L1 cache). */
export const DEFAULT_BLOCK = 64;

/**
 * out[o0 + (i − i0)·stride + (j − j0)] = Σ_{t < len} X[i·d + xOff + t] · Y[j·d + yOff + t]
 * for i in [i0, i1), j in [j0, j1) (by default o0 = 0 and stride = j1 − j0: the block
 * row-major). A 4 × 4 register tile: 8 loads feed 16 products. Every cell is summed over
 * t in the same order on every path, so the result of a pair does not depend on the
 * block it falls in.
 */
export function dotTile(
  X: Float32Array,
  Y: Float32Array,
  d: number,
  xOff: number,
  yOff: number,
  len: number,
  i0: number,
  i1: number,
  j0: number,
  j1: number,
  out: Float64Array,
  o0 = 0,
  stride = j1 - j0,
): void {
  const w = stride;
  let i = i0;
  for (; i + 3 < i1; i += 4) {
    const a0 = i * d + xOff;
    const a1 = a0 + d;
    const a2 = a1 + d;
    const a3 = a2 + d;
    const r0 = o0 + (i - i0) * w - j0;
    const r1 = r0 + w;
    const r2 = r1 + w;
    const r3 = r2 + w;
    let j = j0;
    for (; j + 3 < j1; j += 4) {
      const b0 = j * d + yOff;
      const b1 = b0 + d;
      const b2 = b1 + d;
      const b3 = b2 + d;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0;
      let s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0;
      let s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let t = 0; t < len; t++) {
        const x0 = X[a0 + t], x1 = X[a1 + t], x2 = X[a2 + t], x3 = X[a3 + t];
        const y0 = Y[b0 + t], y1 = Y[b1 + t], y2 = Y[b2 + t], y3 = Y[b3 + t];
        s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
        s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
        s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3;
        s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2; s33 += x3 * y3;
      }
      out[r0 + j] = s00; out[r0 + j + 1] = s01; out[r0 + j + 2] = s02; out[r0 + j + 3] = s03;
      out[r1 + j] = s10; out[r1 + j + 1] = s11; out[r1 + j + 2] = s12; out[r1 + j + 3] = s13;
      out[r2 + j] = s20; out[r2 + j + 1] = s21; out[r2 + j + 2] = s22; out[r2 + j + 3] = s23;
      out[r3 + j] = s30; out[r3 + j + 1] = s31; out[r3 + j + 2] = s32; out[r3 + j + 3] = s33;
    }
    for (; j < j1; j++) {
      const b = j * d + yOff;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let t = 0; t < len; t++) {
        const y = Y[b + t];
        s0 += X[a0 + t] * y;
        s1 += X[a1 + t] * y;
        s2 += X[a2 + t] * y;
        s3 += X[a3 + t] * y;
      }
      out[r0 + j] = s0;
      out[r1 + j] = s1;
      out[r2 + j] = s2;
      out[r3 + j] = s3;
    }
  }
  for (; i < i1; i++) {
    const a = i * d + xOff;
    const r = o0 + (i - i0) * w - j0;
    for (let j = j0; j < j1; j++) {
      const b = j * d + yOff;
      let s = 0;
      for (let t = 0; t < len; t++) s += X[a + t] * Y[b + t];
      out[r + j] = s;
    }
  }
}

/** Blocked dot products of rows [i0, i1) of X with rows [j0, j1) of Y (lag 0). */
export function dotBlock(X: Float32Array, Y: Float32Array, d: number, i0: number, i1: number, j0: number, j1: number, out: Float64Array): void {
  dotTile(X, Y, d, 0, 0, d, i0, i1, j0, j1, out);
}

/**
 * `dotTile` over the upper triangle of the square block [i0, i1) × [i0, i1): every cell
 * with j ≥ i, at out[(i − i0)·(i1 − i0) + (j − i0)], the same doubles `dotTile` gives it
 * (strips of four rows from their own diagonal on, so a few cells just below the
 * diagonal are filled too; the rest are left as they were). About half the products.
 */
export function dotUpper(X: Float32Array, Y: Float32Array, d: number, xOff: number, yOff: number, len: number, i0: number, i1: number, out: Float64Array): void {
  const h = i1 - i0;
  for (let a = i0; a < i1; a += 4) dotTile(X, Y, d, xOff, yOff, len, a, Math.min(a + 4, i1), a, i1, out, (a - i0) * (h + 1), h);
}

/** First column of row i that `dotUpper` fills in a square block starting at i0: the start of i's strip of four. */
function stripStart(i0: number, i: number): number {
  return i0 + ((i - i0) & ~3);
}

/** The plain scalar loop: Σ_t X[i·d + t]·Y[j·d + t]. The reference the blocked kernel is checked and benchmarked against. */
export function naiveDot(X: Float32Array, Y: Float32Array, d: number, i: number, j: number): number {
  const a = i * d;
  const b = j * d;
  let s = 0;
  for (let t = 0; t < d; t++) s += X[a + t] * Y[b + t];
  return s;
}

/** The same block as `dotBlock`, one pair at a time with `naiveDot` (benchmark baseline). */
export function naiveBlock(X: Float32Array, Y: Float32Array, d: number, i0: number, i1: number, j0: number, j1: number, out: Float64Array): void {
  const w = j1 - j0;
  for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) out[(i - i0) * w + (j - j0)] = naiveDot(X, Y, d, i, j);
}

export type LagPeak = "max" | "zscore";

/** Scratch buffers for `laggedBlock`, sized for blocks of up to `cells` pairs. */
export interface LagScratch {
  tmp: Float64Array;
  sum: Float64Array;
  sumsq: Float64Array;
}

export function lagScratch(cells: number): LagScratch {
  return { tmp: new Float64Array(cells), sum: new Float64Array(cells), sumsq: new Float64Array(cells) };
}

/** Optional parts of a `laggedBlock` call. */
export interface LagOptions {
  /** Compute only the upper triangle of a square block (i0 = j0, i1 = j1), as `dotUpper`: cells j ≥ i are specified, the rest are not. */
  readonly upper?: boolean;
  /** Also write the lag-0 dot products here (the same doubles as `dotTile` at lag 0: Pearson's r of the rows), in the block's layout. */
  readonly at0?: Float64Array;
}

/**
 * Cross-correlation over lags ℓ ∈ [−maxLag, maxLag] (in bins): c_ℓ(i, j) = Σ_t
 * X[i, t]·Y[j, t + ℓ] over the overlap. With `peak = "max"` the score is max_ℓ c_ℓ;
 * with `"zscore"` it is how far the peak stands out of the cross-correlation function,
 * (max_ℓ c_ℓ − mean_ℓ c_ℓ) / sd_ℓ c_ℓ (0 when the function is flat), the outlier
 * statistic of CCOD (Saleh et al., CISS 2015). Each c_ℓ is one `dotTile`, so every cell
 * is the same doubles whatever block it falls in; `opts.upper` computes a square block's
 * upper triangle only, `opts.at0` hands out c_0 as well.
 */
export function laggedBlock(
  X: Float32Array,
  Y: Float32Array,
  d: number,
  maxLag: number,
  peak: LagPeak,
  i0: number,
  i1: number,
  j0: number,
  j1: number,
  out: Float64Array,
  scratch?: LagScratch,
  opts?: LagOptions,
): void {
  const w = j1 - j0;
  const cells = (i1 - i0) * w;
  const s = scratch && scratch.tmp.length >= cells ? scratch : lagScratch(cells);
  const { tmp, sum, sumsq } = s;
  const upper = opts?.upper === true;
  if (upper && (i0 !== j0 || i1 !== j1)) throw new RangeError(`laggedBlock: upper needs a square block, got [${i0}, ${i1}) × [${j0}, ${j1})`);
  const at0 = opts?.at0;
  const L = Math.min(maxLag, d - 1);
  for (let i = i0; i < i1; i++) {
    const r = (i - i0) * w - j0;
    for (let j = upper ? stripStart(i0, i) : j0; j < j1; j++) {
      out[r + j] = -Infinity;
      sum[r + j] = 0;
      sumsq[r + j] = 0;
    }
  }
  for (let lag = -L; lag <= L; lag++) {
    const xOff = lag < 0 ? -lag : 0;
    const yOff = lag > 0 ? lag : 0;
    const len = d - Math.abs(lag);
    if (upper) dotUpper(X, Y, d, xOff, yOff, len, i0, i1, tmp);
    else dotTile(X, Y, d, xOff, yOff, len, i0, i1, j0, j1, tmp);
    for (let i = i0; i < i1; i++) {
      const r = (i - i0) * w - j0;
      for (let j = upper ? stripStart(i0, i) : j0; j < j1; j++) {
        const c = r + j;
        const v = tmp[c];
        if (v > out[c]) out[c] = v;
        sum[c] += v;
        sumsq[c] += v * v;
        if (lag === 0 && at0) at0[c] = v;
      }
    }
  }
  if (peak === "zscore") {
    const m = 2 * L + 1;
    for (let i = i0; i < i1; i++) {
      const r = (i - i0) * w - j0;
      for (let j = upper ? stripStart(i0, i) : j0; j < j1; j++) {
        const c = r + j;
        const mean = sum[c] / m;
        const variance = sumsq[c] / m - mean * mean;
        out[c] = variance > 1e-18 ? (out[c] - mean) / Math.sqrt(variance) : 0;
      }
    }
  }
}

export interface CorrelationKernelOptions {
  /** Largest lag, in bins, on either side (0 = plain Pearson). */
  readonly maxLag?: number;
  readonly peak?: LagPeak;
  /** Largest block the kernel will be asked for (sizes its scratch). */
  readonly block?: number;
}

/**
 * The directed kernel s(i → j) = corr(X_i, Y_j) (at the best lag) over standardized rows,
 * with `upper` (the upper triangle of a square block: what a symmetric pairing's diagonal
 * block needs, about half the products).
 */
export function correlationKernel(X: Float32Array, Y: Float32Array, d: number, opts: CorrelationKernelOptions = {}): BlockKernel {
  const maxLag = opts.maxLag ?? 0;
  if (maxLag === 0) {
    return Object.assign((i0: number, i1: number, j0: number, j1: number, out: Float64Array) => dotTile(X, Y, d, 0, 0, d, i0, i1, j0, j1, out), {
      upper: (i0: number, i1: number, out: Float64Array) => dotUpper(X, Y, d, 0, 0, d, i0, i1, out),
    });
  }
  const peak = opts.peak ?? "max";
  const b = opts.block ?? DEFAULT_BLOCK;
  const scratch = lagScratch(b * b);
  const upperOpts: LagOptions = { upper: true };
  return Object.assign((i0: number, i1: number, j0: number, j1: number, out: Float64Array) => laggedBlock(X, Y, d, maxLag, peak, i0, i1, j0, j1, out, scratch), {
    upper: (i0: number, i1: number, out: Float64Array) => laggedBlock(X, Y, d, maxLag, peak, i0, i1, i0, i1, out, scratch, upperOpts),
  });
}

/** A kernel from a per-pair function (for scores that are not dot products). */
export function pairKernel(score: (i: number, j: number) => number): BlockKernel {
  return (i0, i1, j0, j1, out) => {
    const w = j1 - j0;
    for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) out[(i - i0) * w + (j - j0)] = score(i, j);
  };
}
