/**
 * Row preparation for pair scoring: per-user feature rows (binned volumes, inter-packet
 * delays, size histograms) turned into rows whose dot products are correlations.
 *
 * After each row is centred and scaled to unit norm, Pearson's r between rows x and y is
 * Σ x_t·y_t; replacing values by their midranks first gives Spearman's ρ (RAPTOR, Sun et
 * al., USENIX Security 2015, correlates ranks rather than raw volumes). The kernels
 * (pair-kernels.ts) then only take dot products.
 *
 * @example
 * const X = new Float32Array([1, 2, 3, 3, 2, 1]); // 2 users × 3 bins
 * standardizeRows(X, 2, 3); // each row: mean 0, norm 1
 * naiveDot(X, X, 3, 0, 1);  // ≈ −1: Pearson's r of the two rows
 */

/**
 * Standardizes each of the n rows of length d in place: mean 0 and Euclidean norm 1, so
 * the dot product of two rows is their Pearson correlation. A constant row (no variance)
 * becomes all zeros, correlating 0 with everything.
 */
export function standardizeRows(M: Float32Array, n: number, d: number): Float32Array {
  for (let r = 0; r < n; r++) {
    const o = r * d;
    let s = 0;
    for (let t = 0; t < d; t++) s += M[o + t];
    const mean = s / d;
    let ss = 0;
    for (let t = 0; t < d; t++) {
      const v = M[o + t] - mean;
      ss += v * v;
    }
    // A relative floor: float32 rounding of a constant row must not pass for variance.
    const scale = ss > 1e-12 * (mean * mean * d + 1e-30) ? 1 / Math.sqrt(ss) : 0;
    for (let t = 0; t < d; t++) M[o + t] = scale === 0 ? 0 : (M[o + t] - mean) * scale;
  }
  return M;
}

/**
 * Replaces each row by its midranks (tied values share the mean of the ranks they span),
 * in place. Followed by `standardizeRows`, dot products become Spearman's ρ (RAPTOR,
 * Sun et al., USENIX Security 2015, correlates ranks rather than raw volumes).
 */
export function rankRows(M: Float32Array, n: number, d: number): Float32Array {
  const idx = new Uint32Array(d);
  const vals = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    const o = r * d;
    for (let t = 0; t < d; t++) {
      idx[t] = t;
      vals[t] = M[o + t];
    }
    idx.sort((a, b) => vals[a] - vals[b] || a - b);
    let i = 0;
    while (i < d) {
      let j = i;
      while (j + 1 < d && vals[idx[j + 1]] === vals[idx[i]]) j++;
      const rank = (i + j) / 2;
      for (let k = i; k <= j; k++) M[o + idx[k]] = rank;
      i = j + 1;
    }
  }
  return M;
}

/** A standardized copy of an n × d matrix (midranks first when `rank`), leaving the input untouched. */
export function standardizedCopy(M: Float32Array, n: number, d: number, rank = false): Float32Array {
  const C = new Float32Array(M.subarray(0, n * d));
  if (rank) rankRows(C, n, d);
  return standardizeRows(C, n, d);
}
