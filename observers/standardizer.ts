/**
 * Column standardization for feature rows: per-column mean and standard deviation from a
 * training set, applied to any rows (z-scores). Plain typed arrays, no TensorFlow.js, so
 * the networks trained on typed arrays (perceptron.ts) do not load it.
 *
 * @example
 * const s = standardizer([[1, 10], [3, 10]]); // mean [2, 10], sd [1, 1] (a constant column gets 1)
 * standardize([[3, 10]], s);                   // Float32Array [1, 0]
 */
/** Per-column mean and standard deviation (1 where a column is constant), to standardize rows. */
export interface Standardizer {
  readonly mean: Float64Array;
  readonly sd: Float64Array;
}

export function standardizer(rows: readonly (readonly number[])[]): Standardizer {
  const d = rows[0].length;
  const mean = new Float64Array(d);
  const sd = new Float64Array(d);
  for (const r of rows) for (let k = 0; k < d; k++) mean[k] += r[k] / rows.length;
  for (const r of rows) for (let k = 0; k < d; k++) sd[k] += (r[k] - mean[k]) ** 2 / rows.length;
  for (let k = 0; k < d; k++) sd[k] = sd[k] > 1e-12 ? Math.sqrt(sd[k]) : 1;
  return { mean, sd };
}

/** Rows standardized into one float32 matrix, row after row. */
export function standardize(rows: readonly (readonly number[])[], s: Standardizer): Float32Array {
  const d = s.mean.length;
  const out = new Float32Array(rows.length * d);
  rows.forEach((r, i) => {
    for (let k = 0; k < d; k++) out[i * d + k] = (r[k] - s.mean[k]) / s.sd[k];
  });
  return out;
}
