import fc from "fast-check";
import { sampleCorrelation, sampleRankCorrelation } from "simple-statistics";
import { describe, expect, it } from "vitest";
import {
  correlationKernel,
  dotBlock,
  labelsFromPairs,
  laggedBlock,
  linkTask,
  linkTaskSampled,
  naiveAllPairs,
  naiveBlock,
  naiveDot,
  pairCode,
  pairKernel,
  rankRows,
  standardizeRows,
  standardizedCopy,
} from "../../observers/pairwise.ts";
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

describe("linkTask", () => {
  const n = 45;
  const d = 24;
  const X = standardizeRows(randomRows(8, n, d), n, d);
  const Y = standardizeRows(randomRows(9, n, d), n, d);
  const pos: [number, number][] = [
    [3, 17],
    [17, 40],
    [44, 0],
    [5, 6],
  ];
  const labels = labelsFromPairs(n, pos, [
    [1, 2],
    [6, 5], // already positive: stays positive
  ]);

  it("labels: codes, counts and initiators", () => {
    expect(pairCode(labels, 17, 3)).toBe(0);
    expect(pairCode(labels, 0, 44)).toBe(2);
    expect(pairCode(labels, 2, 1)).toBe(-1);
    expect(pairCode(labels, 2, 3)).toBe(-2);
    expect(labels.negativeCount).toBe((n * (n - 1)) / 2 - 5);
    expect(Array.from(labels.initiator)).toEqual([3, 17, 44, 5]);
  });

  it("blocked scores equal the naive all-pairs loop to 1e-5, for every block size and both combines", () => {
    for (const combine of ["mean", "max"] as const) {
      const naive = naiveAllPairs(X, Y, n, d, combine);
      const expectNeg: number[] = [];
      const expectPos = new Array<number>(pos.length);
      let k = 0;
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++, k++) {
          const code = pairCode(labels, i, j);
          if (code === -2) expectNeg.push(naive[k]);
          else if (code >= 0) expectPos[code] = naive[k];
        }
      }
      expectNeg.sort((a, b) => a - b);
      for (const block of [4, 5, 16, 64]) {
        const s = linkTask(labels, correlationKernel(X, Y, d, { block }), { block, combine, rng: stream(1, "n") });
        expect(s.negatives.length).toBe(expectNeg.length);
        const got = Array.from(s.negatives).sort((a, b) => a - b);
        for (let q = 0; q < got.length; q++) expect(Math.abs(got[q] - expectNeg[q])).toBeLessThan(1e-5);
        for (let q = 0; q < pos.length; q++) expect(Math.abs(s.positives[q] - expectPos[q])).toBeLessThan(1e-5);
      }
    }
  });

  it("ranks count the initiator's wrong candidates that score higher (ties split), skipping other partners", () => {
    const s = linkTask(labels, correlationKernel(X, Y, d), { block: 8, rng: stream(1, "n") });
    const score = (i: number, j: number) => 0.5 * (naiveDot(X, Y, d, i, j) + naiveDot(X, Y, d, j, i));
    for (let k = 0; k < pos.length; k++) {
      const [a, b] = pos[k];
      let greater = 0;
      for (let c = 0; c < n; c++) {
        if (c === a || pairCode(labels, a, c) !== -2) continue;
        if (score(a, c) > score(a, b) + 1e-9) greater++;
      }
      expect(s.ranks![k]).toBe(greater);
    }
    expect(s.candidates).toBe(n - 1);
    expect(Array.from(s.positiveClusters!)).toEqual([3, 17, 44, 5]);
  });

  it("ties rank in the middle: a constant kernel gives no top-1 hits", () => {
    const s = linkTask(labels, pairKernel(() => 0.5), { rng: stream(1, "n") });
    for (let k = 0; k < pos.length; k++) expect(s.ranks![k]).toBeGreaterThan(10);
  });

  it("caps negatives with a seeded uniform sample drawn from the full set", () => {
    const full = linkTask(labels, correlationKernel(X, Y, d), { rng: stream(1, "n") });
    const a = linkTask(labels, correlationKernel(X, Y, d), { maxNegatives: 100, rng: stream(1, "n") });
    const b = linkTask(labels, correlationKernel(X, Y, d), { maxNegatives: 100, rng: stream(1, "n") });
    const c = linkTask(labels, correlationKernel(X, Y, d), { maxNegatives: 100, rng: stream(2, "n") });
    expect(a.negatives.length).toBe(100);
    expect(Array.from(a.negatives)).toEqual(Array.from(b.negatives));
    expect(Array.from(a.negatives)).not.toEqual(Array.from(c.negatives));
    const all = new Set(Array.from(full.negatives));
    for (const v of a.negatives) expect(all.has(v)).toBe(true);
    // Uniform: the sample mean is near the population mean (sd of the mean ≈ 0.2/√100).
    const m = (x: Float64Array) => x.reduce((p, q) => p + q, 0) / x.length;
    expect(Math.abs(m(a.negatives) - m(full.negatives))).toBeLessThan(0.08);
    // The sample reaches the late blocks too.
    expect(Math.max(...a.negativeClusters!)).toBeGreaterThan(n / 2);
  });

  it("sampled mode scores positives and the requested number of true negatives, no ranks", () => {
    const s = linkTaskSampled(
      labels,
      (a, b, out) => {
        for (let k = 0; k < a.length; k++) {
          expect(pairCode(labels, a[k], b[k]) === -2 || k < pos.length).toBe(true);
          out[k] = a[k] + b[k];
        }
      },
      300,
      stream(3, "s"),
    );
    expect(s.positives.length).toBe(pos.length);
    expect(s.positives[0]).toBe(20);
    expect(s.negatives.length).toBe(300);
    expect(s.ranks).toBeUndefined();
  });
});
