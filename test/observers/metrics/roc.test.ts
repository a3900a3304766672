import fc from "fast-check";
import { wilcoxonRankSum } from "simple-statistics";
import { describe, expect, it } from "vitest";
import { rocAuc, rocAucSorted, rocCurve } from "../../../observers/metrics.ts";
import { stream } from "../../../sim/core/rng.ts";

/** The O(n·m) definition: pairs won plus half the ties, over all pairs. */
function bruteForceAuc(pos: number[], neg: number[]): number {
  let u = 0;
  for (const p of pos) for (const q of neg) u += p > q ? 1 : p === q ? 0.5 : 0;
  return u / (pos.length * neg.length);
}

const tiedScores = fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 60 });
const realScores = fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }), {
  minLength: 1,
  maxLength: 60,
});

describe("rocAuc", () => {
  it("equals the brute-force Mann–Whitney statistic U/(n·m), ties counted 1/2", () => {
    for (const scores of [tiedScores, realScores]) {
      fc.assert(
        fc.property(scores, scores, (pos, neg) => {
          expect(rocAuc(pos, neg)).toBeCloseTo(bruteForceAuc(pos, neg), 12);
        }),
      );
    }
  });

  it("agrees with simple-statistics' Wilcoxon rank sum: U = W − n(n+1)/2", () => {
    fc.assert(
      fc.property(tiedScores, tiedScores, (pos, neg) => {
        const n = pos.length;
        const u = wilcoxonRankSum(pos, neg) - (n * (n + 1)) / 2;
        expect(rocAuc(pos, neg)).toBeCloseTo(u / (n * neg.length), 12);
      }),
    );
  });

  it("is 1 − AUC with the classes swapped, and invariant under a monotone transform", () => {
    fc.assert(
      fc.property(tiedScores, tiedScores, (pos, neg) => {
        expect(rocAuc(neg, pos)).toBeCloseTo(1 - rocAuc(pos, neg), 12);
        const f = (x: number) => Math.exp(x / 3) * 7 - 2;
        expect(rocAuc(pos.map(f), neg.map(f))).toBeCloseTo(rocAuc(pos, neg), 12);
      }),
    );
  });

  it("is about 0.5 for identical distributions, 1 for separated ones, 0 when reversed", () => {
    const r = stream(11, "test/auc");
    const a = Float64Array.from({ length: 5000 }, () => r.normal(0, 1));
    const b = Float64Array.from({ length: 5000 }, () => r.normal(0, 1));
    // SE of AUC under H0 is sqrt((n+m+1)/(12nm)) ≈ 0.0058; allow ~5 SE.
    expect(Math.abs(rocAuc(a, b) - 0.5)).toBeLessThan(0.03);
    const low = Float64Array.from({ length: 300 }, () => r.uniform(0, 1));
    const high = Float64Array.from({ length: 200 }, () => r.uniform(1, 2));
    expect(rocAuc(high, low)).toBe(1);
    expect(rocAuc(low, high)).toBe(0);
    expect(rocAuc([3, 3, 3], [3, 3])).toBe(0.5);
  });

  it("matches the documented example and does not mutate its inputs", () => {
    const pos = [0.9, 0.8];
    const neg = new Float64Array([0.8, 0.1]);
    expect(rocAuc(pos, neg)).toBe(0.875);
    expect(pos).toEqual([0.9, 0.8]);
    expect(Array.from(neg)).toEqual([0.8, 0.1]);
    expect(rocAucSorted([0.8, 0.9], [0.1, 0.8])).toBe(0.875);
  });

  it("is fast on large samples (O((n+m) log(n+m)))", () => {
    const r = stream(12, "test/auc-big");
    const pos = Float64Array.from({ length: 200_000 }, () => r.normal(1, 1));
    const neg = Float64Array.from({ length: 200_000 }, () => r.normal(0, 1));
    const auc = rocAuc(pos, neg);
    // Binormal AUC = Φ(1/√2) ≈ 0.7602.
    expect(auc).toBeGreaterThan(0.755);
    expect(auc).toBeLessThan(0.765);
  });

  it("rejects NaN, infinite scores and empty classes with a clear message", () => {
    expect(() => rocAuc([1, Number.NaN], [0])).toThrow(/rocAuc: pos\[1\] = NaN/);
    expect(() => rocAuc([1], [Infinity])).toThrow(/neg\[0\] = Infinity; scores must be finite/);
    expect(() => rocAuc([], [1])).toThrow(/at least one of each/);
  });
});

describe("rocCurve", () => {
  it("gives the documented points for a tiny case", () => {
    const c = rocCurve([3, 2], [2, 1]);
    expect(Array.from(c.thresholds)).toEqual([Infinity, 3, 2, 1]);
    expect(Array.from(c.fpr)).toEqual([0, 0, 0.5, 1]);
    expect(Array.from(c.tpr)).toEqual([0, 0.5, 1, 1]);
  });

  it("has one exact point per distinct score, and its trapezoid area is the AUC", () => {
    fc.assert(
      fc.property(tiedScores, tiedScores, (pos, neg) => {
        const c = rocCurve(pos, neg);
        const distinct = new Set([...pos, ...neg]).size;
        expect(c.thresholds.length).toBe(distinct + 1);
        expect(c.fpr[0]).toBe(0);
        expect(c.tpr[0]).toBe(0);
        expect(c.fpr[c.fpr.length - 1]).toBe(1);
        expect(c.tpr[c.tpr.length - 1]).toBe(1);
        let area = 0;
        for (let i = 1; i < c.thresholds.length; i++) {
          expect(c.thresholds[i]).toBeLessThan(c.thresholds[i - 1]);
          const t = c.thresholds[i];
          // Each point is the exact fraction flagged at score >= t.
          expect(c.fpr[i]).toBe(neg.filter((x) => x >= t).length / neg.length);
          expect(c.tpr[i]).toBe(pos.filter((x) => x >= t).length / pos.length);
          area += ((c.fpr[i] - c.fpr[i - 1]) * (c.tpr[i] + c.tpr[i - 1])) / 2;
        }
        expect(area).toBeCloseTo(rocAuc(pos, neg), 12);
      }),
    );
  });
});
