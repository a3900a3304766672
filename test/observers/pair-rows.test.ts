import { sampleCorrelation, sampleRankCorrelation } from "simple-statistics";
import { describe, expect, it } from "vitest";
import { naiveDot } from "../../observers/pair-kernels.ts";
import { rankRows, standardizeRows, standardizedCopy } from "../../observers/pair-rows.ts";
import { stream } from "../../sim/core/rng.ts";

function randomRows(seed: number, n: number, d: number): Float32Array {
  const r = stream(seed, "pairwise-test");
  const M = new Float32Array(n * d);
  for (let i = 0; i < M.length; i++) M[i] = r.normal(0, 1) + (i % 7 === 0 ? r.exponential(3) : 0);
  return M;
}

const row = (M: Float32Array, d: number, i: number) => Array.from(M.subarray(i * d, (i + 1) * d));

describe("row preparation", () => {
  it("standardized dot products are Pearson's r (simple-statistics sampleCorrelation)", () => {
    const n = 6;
    const d = 50;
    const raw = randomRows(1, n, d);
    const Z = standardizedCopy(raw, n, d);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        expect(naiveDot(Z, Z, d, i, j)).toBeCloseTo(sampleCorrelation(row(raw, d, i), row(raw, d, j)), 5);
      }
    }
    expect(raw[0]).not.toBe(Z[0]); // the copy leaves its input alone
  });

  it("ranked then standardized dot products are Spearman's rho, ties included", () => {
    const n = 4;
    const d = 40;
    const raw = randomRows(2, n, d);
    for (let t = 0; t < d; t += 3) raw[t] = 1; // ties in row 0
    const Z = standardizedCopy(raw, n, d, true);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        expect(naiveDot(Z, Z, d, i, j)).toBeCloseTo(sampleRankCorrelation(row(raw, d, i), row(raw, d, j)), 5);
      }
    }
  });

  it("midranks replace values by the mean rank of their ties", () => {
    const M = new Float32Array([10, 30, 20, 30]);
    rankRows(M, 1, 4);
    expect(Array.from(M)).toEqual([0, 2.5, 1, 2.5]);
  });

  it("a constant row correlates 0 with everything", () => {
    const M = new Float32Array([5, 5, 5, 5, 1, 2, 3, 4]);
    standardizeRows(M, 2, 4);
    expect(Array.from(M.subarray(0, 4))).toEqual([0, 0, 0, 0]);
    expect(naiveDot(M, M, 4, 0, 1)).toBe(0);
    expect(naiveDot(M, M, 4, 1, 1)).toBeCloseTo(1, 6);
  });
});
