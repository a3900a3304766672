import { describe, expect, it } from "vitest";
import { linkTask, linkTaskSampled } from "../../observers/link-task.ts";
import { naiveAllPairs } from "../../observers/pair-block.ts";
import { correlationKernel, naiveDot, pairKernel } from "../../observers/pair-kernels.ts";
import { labelsFromPairs, pairCode } from "../../observers/pair-labels.ts";
import { standardizeRows } from "../../observers/pair-rows.ts";
import { topKAccuracy } from "../../observers/metrics.ts";
import { stream } from "../../sim/core/rng.ts";

function randomRows(seed: number, n: number, d: number): Float32Array {
  const r = stream(seed, "pairwise-test");
  const M = new Float32Array(n * d);
  for (let i = 0; i < M.length; i++) M[i] = r.normal(0, 1) + (i % 7 === 0 ? r.exponential(3) : 0);
  return M;
}

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

  it("ranks count the initiator's wrong candidates that score higher, tie or score lower, skipping other partners", () => {
    const s = linkTask(labels, correlationKernel(X, Y, d), { block: 8, rng: stream(1, "n") });
    const score = (i: number, j: number) => 0.5 * (naiveDot(X, Y, d, i, j) + naiveDot(X, Y, d, j, i));
    for (let k = 0; k < pos.length; k++) {
      const [a, b] = pos[k];
      let greater = 0;
      let wrong = 0;
      for (let c = 0; c < n; c++) {
        if (c === a || pairCode(labels, a, c) !== -2) continue;
        wrong++;
        if (score(a, c) > score(a, b) + 1e-9) greater++;
      }
      expect(s.ranks![k]).toBe(greater);
      expect(s.rankTies![k]).toBe(0);
      expect(s.ranks![k] + s.rankTies![k] + s.rankBelow![k]).toBe(wrong);
    }
    expect(s.candidates).toBe(n - 1);
    expect(s.usersPerCase).toBe(2);
    expect(Array.from(s.positiveUsers)).toEqual([3, 17, 17, 40, 44, 0, 5, 6]);
  });

  it("ties share the credit: a constant kernel ties every candidate, top-1 at chance", () => {
    const s = linkTask(labels, pairKernel(() => 0.5), { rng: stream(1, "n") });
    for (let k = 0; k < pos.length; k++) {
      expect(s.ranks![k]).toBe(0);
      expect(s.rankBelow![k]).toBe(0);
      expect(s.rankTies![k]).toBeGreaterThan(40);
    }
    const t = s.rankTies!;
    expect(topKAccuracy(s.ranks!, 1, t)).toBeCloseTo((1 / (t[0] + 1) + 1 / (t[1] + 1) + 1 / (t[2] + 1) + 1 / (t[3] + 1)) / 4, 15);
    expect(topKAccuracy(s.ranks!, 1, t)).toBeLessThan(0.03);
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
    expect(Math.max(...a.negativeUsers)).toBeGreaterThan(n / 2);
    // Each negative carries both its users, and they are a negative pair.
    for (let q = 0; q < a.negatives.length; q++) expect(pairCode(labels, a.negativeUsers[2 * q], a.negativeUsers[2 * q + 1])).toBe(-2);
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
