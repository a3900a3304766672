import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { correlationKernel, dotBlock, dotTile, dotUpper, laggedBlock, naiveBlock } from "../../observers/pair-kernels.ts";
import { standardizeRows } from "../../observers/pair-rows.ts";
import { stream } from "../../sim/core/rng.ts";

function randomRows(seed: number, n: number, d: number): Float32Array {
  const r = stream(seed, "pairwise-test");
  const M = new Float32Array(n * d);
  for (let i = 0; i < M.length; i++) M[i] = r.normal(0, 1) + (i % 7 === 0 ? r.exponential(3) : 0);
  return M;
}

describe("blocked kernels", () => {
  it("dotBlock equals the naive scalar loop to 1e-5 on any block shape (property)", () => {
    const X = randomRows(3, 23, 37);
    const Y = randomRows(4, 23, 37);
    standardizeRows(X, 23, 37);
    standardizeRows(Y, 23, 37);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 22 }), fc.integer({ min: 1, max: 23 }), fc.integer({ min: 0, max: 22 }), fc.integer({ min: 1, max: 23 }), (a, wa, b, wb) => {
        const i1 = Math.min(23, a + wa);
        const j1 = Math.min(23, b + wb);
        const cells = (i1 - a) * (j1 - b);
        const fast = new Float64Array(cells);
        const slow = new Float64Array(cells);
        dotBlock(X, Y, 37, a, i1, b, j1, fast);
        naiveBlock(X, Y, 37, a, i1, b, j1, slow);
        for (let c = 0; c < cells; c++) if (Math.abs(fast[c] - slow[c]) > 1e-5) return false;
        return true;
      }),
      { numRuns: 200 },
    );
  });

  it("laggedBlock is the max (or z-score) over lags of the overlap dot products", () => {
    const n = 9;
    const d = 30;
    const X = standardizeRows(randomRows(5, n, d), n, d);
    const Y = standardizeRows(randomRows(6, n, d), n, d);
    const L = 4;
    const out = new Float64Array(n * n);
    const z = new Float64Array(n * n);
    laggedBlock(X, Y, d, L, "max", 0, n, 0, n, out);
    laggedBlock(X, Y, d, L, "zscore", 0, n, 0, n, z);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const c: number[] = [];
        for (let lag = -L; lag <= L; lag++) {
          let s = 0;
          for (let t = 0; t < d; t++) if (t + lag >= 0 && t + lag < d) s += X[i * d + t] * Y[j * d + t + lag];
          c.push(s);
        }
        const mx = Math.max(...c);
        const mean = c.reduce((a, b) => a + b, 0) / c.length;
        const sd = Math.sqrt(c.reduce((a, b) => a + (b - mean) ** 2, 0) / c.length);
        expect(out[i * n + j]).toBeCloseTo(mx, 5);
        expect(z[i * n + j]).toBeCloseTo((mx - mean) / sd, 4);
      }
    }
  });

  it("the upper triangle of a square block, and the lag-0 term of a lag scan, are the same doubles as the full block", () => {
    const n = 23;
    const d = 31;
    const X = standardizeRows(randomRows(8, n, d), n, d);
    const Y = standardizeRows(randomRows(9, n, d), n, d);
    // Ragged edges on both sides of the 4-row strips.
    for (const [i0, i1] of [[0, 23], [2, 13], [5, 6]]) {
      const h = i1 - i0;
      const full = new Float64Array(h * h);
      const part = new Float64Array(h * h).fill(Number.NaN);
      dotTile(X, Y, d, 1, 0, d - 1, i0, i1, i0, i1, full);
      dotUpper(X, Y, d, 1, 0, d - 1, i0, i1, part);
      for (const peak of ["max", "zscore"] as const) {
        const lagFull = new Float64Array(h * h);
        const lagPart = new Float64Array(h * h).fill(Number.NaN);
        const at0 = new Float64Array(h * h);
        const r = new Float64Array(h * h);
        laggedBlock(X, Y, d, 3, peak, i0, i1, i0, i1, lagFull, undefined, { at0 });
        laggedBlock(X, Y, d, 3, peak, i0, i1, i0, i1, lagPart, undefined, { upper: true });
        dotBlock(X, Y, d, i0, i1, i0, i1, r);
        const kernelUpper = new Float64Array(h * h);
        correlationKernel(X, Y, d, { maxLag: 3, peak }).upper!(i0, i1, kernelUpper);
        expect(Array.from(at0)).toEqual(Array.from(r));
        for (let i = 0; i < h; i++) {
          for (let j = i; j < h; j++) {
            expect(part[i * h + j]).toBe(full[i * h + j]);
            expect(lagPart[i * h + j]).toBe(lagFull[i * h + j]);
            if (j > i) expect(kernelUpper[i * h + j]).toBe(lagFull[i * h + j]);
          }
        }
      }
    }
    expect(() => laggedBlock(X, Y, d, 3, "max", 0, 4, 1, 5, new Float64Array(16), undefined, { upper: true })).toThrow(/square block/);
  });

  it("a lagged copy is found at its lag", () => {
    const d = 40;
    const r = stream(7, "lag");
    const X = new Float32Array(2 * d);
    for (let t = 0; t < d; t++) X[t] = r.exponential(1);
    for (let t = 3; t < d; t++) X[d + t] = X[t - 3]; // row 1 = row 0 delayed by 3 bins
    standardizeRows(X, 2, d);
    const at0 = new Float64Array(1);
    const lagged = new Float64Array(1);
    dotBlock(X, X, d, 0, 1, 1, 2, at0);
    laggedBlock(X, X, d, 3, "max", 0, 1, 1, 2, lagged);
    expect(lagged[0]).toBeGreaterThan(0.85);
    expect(lagged[0]).toBeGreaterThan(at0[0] + 0.5);
  });
});
