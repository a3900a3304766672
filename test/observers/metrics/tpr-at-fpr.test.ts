import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allowedFalsePositives, falsePositiveBudget, isResolvable, rocCurve, tprAtFpr } from "../../../observers/metrics.ts";
import { stream } from "../../../sim/core/rng.ts";

const scores = fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 80 });
const fprs = fc.double({ min: 0, max: 1, noNaN: true });

describe("tprAtFpr", () => {
  it("without ties in the deciding run, flags everything above the ⌊fpr·m⌋+1-th highest negative, and nothing else", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 400 }), { minLength: 2, maxLength: 80 }), fc.integer({ min: 1, max: 79 }), fprs, (all, cut, fpr) => {
        const pos = all.slice(0, Math.min(cut, all.length - 1));
        const neg = all.slice(pos.length); // no score is shared
        const r = tprAtFpr(pos, neg, fpr);
        const k = Math.floor(fpr * neg.length * (1 + 1e-12));
        const fp = neg.filter((x) => x > r.threshold).length;
        expect(fp).toBeLessThanOrEqual(k);
        if (k < neg.length) expect(fp).toBe(k);
        expect(r.tpr).toBe(pos.filter((x) => x > r.threshold).length / pos.length);
        expect(r.negatives).toBe(neg.length);
      }),
    );
  });

  it("is the ROC curve's height at the FPR: linear along a run of tied scores, the top of a vertical step", () => {
    fc.assert(
      fc.property(scores, scores, fprs, (pos, neg, fpr) => {
        const c = rocCurve(pos, neg);
        // The curve's height at x: the top of the points at x, else the segment through x.
        let y = 0;
        for (let k = 0; k < c.fpr.length; k++) {
          if (c.fpr[k] <= fpr + 1e-12) y = Math.max(y, c.tpr[k]);
          else {
            const x0 = c.fpr[k - 1];
            if (x0 < fpr) y = c.tpr[k - 1] + ((c.tpr[k] - c.tpr[k - 1]) * (fpr - x0)) / (c.fpr[k] - x0);
            break;
          }
        }
        expect(tprAtFpr(pos, neg, fpr).tpr).toBeCloseTo(y, 12);
      }),
    );
  });

  it("gives TPR = FPR when every score is tied, at any FPR", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 5000 }), fprs, fc.double({ min: -1e6, max: 1e6, noNaN: true }), (n, m, fpr, v) => {
        const r = tprAtFpr(new Float64Array(n).fill(v), new Float64Array(m).fill(v), fpr);
        expect(r.tpr).toBeCloseTo(fpr, 12);
        expect(r.falsePositives).toBeCloseTo(fpr * m, 9);
      }),
    );
    expect(tprAtFpr(new Float64Array(40).fill(0.5), new Float64Array(10_000).fill(0.5), 1e-3).tpr).toBe(1e-3);
  });

  it("ties share the budget: a forest's few vote shares no longer read as TPR 0", () => {
    // 31 possible vote shares (a 30-tree forest): every score is heavily tied.
    const r = stream(5, "test/tpr-votes");
    const votes = (p: number, n: number) => Float64Array.from({ length: n }, () => Math.round(30 * Math.min(1, Math.max(0, r.normal(p, 0.2)))) / 30);
    const pos = votes(0.6, 300);
    const neg = votes(0.1, 20_000);
    const budget = 1e-2 * neg.length;
    const v = Float64Array.from(neg).sort().reverse()[budget]; // the budget runs out in the run of this score
    const negAbove = neg.filter((x) => x > v).length;
    const negTied = neg.filter((x) => x === v).length;
    const posAbove = pos.filter((x) => x > v).length;
    const posTied = pos.filter((x) => x === v).length;
    expect(negTied).toBeGreaterThan(20);
    expect(posTied).toBeGreaterThan(0);
    const res = tprAtFpr(pos, neg, 1e-2);
    expect(res.threshold).toBe(v);
    expect(res.tieShare).toBeCloseTo((budget - negAbove) / negTied, 12);
    expect(res.tpr).toBeCloseTo((posAbove + (posTied * (budget - negAbove)) / negTied) / 300, 12);
    expect(res.tpr).toBeGreaterThan(posAbove / 300); // the strict threshold's figure
  });

  it("is unchanged by any strictly increasing map of the scores", () => {
    fc.assert(
      fc.property(scores, scores, fprs, (pos, neg, fpr) => {
        const f = (x: number) => Math.exp(x / 3) * 7 - 2;
        const a = tprAtFpr(pos, neg, fpr);
        const b = tprAtFpr(pos.map(f), neg.map(f), fpr);
        expect(b.tpr).toBe(a.tpr);
        expect(b.tieShare).toBe(a.tieShare);
      }),
    );
  });

  it("matches hand-worked cases", () => {
    expect(tprAtFpr([5, 4, 3], [4, 2, 1, 0], 0.25)).toEqual({
      tpr: 1,
      threshold: 2,
      tieShare: 0,
      falsePositives: 1,
      negatives: 4,
      resolvable: false,
    });
    const zero = tprAtFpr([5, 4, 3], [4, 2, 1, 0], 0);
    expect(zero.tpr).toBeCloseTo(1 / 3, 15);
    expect(zero.threshold).toBe(4);
    // Half the budget lands inside the tie at 4 (one positive, one negative): half its positive.
    expect(tprAtFpr([5, 4, 3], [4, 2, 1, 0], 0.125)).toMatchObject({ tpr: 0.5, threshold: 4, tieShare: 0.5, falsePositives: 0.5 });
    // Budget 1, two negatives tie at the top with one positive: flag each with probability 1/2.
    expect(tprAtFpr([9, 5], [5, 5, 1, 0], 0.25)).toMatchObject({ tpr: 0.75, threshold: 5, tieShare: 0.5, falsePositives: 1 });
    expect(tprAtFpr([1], [2, 3], 1)).toMatchObject({ tpr: 1, threshold: -Infinity, falsePositives: 2 });
  });

  it("counts the budget robustly to floating-point round-off", () => {
    expect(0.29 * 100).toBeLessThan(29); // the trap
    expect(allowedFalsePositives(0.29, 100)).toBe(29);
    expect(allowedFalsePositives(1e-3, 999)).toBe(0);
    expect(allowedFalsePositives(1e-3, 1000)).toBe(1);
    expect(allowedFalsePositives(1e-4, 71_556)).toBe(7);
    expect(falsePositiveBudget(0.29, 100)).toBe(29);
    expect(falsePositiveBudget(1e-4, 71_556)).toBeCloseTo(7.1556, 12);
  });

  it("flags resolvability: at least 10/fpr negatives", () => {
    expect(isResolvable(1e-2, 999)).toBe(false);
    expect(isResolvable(1e-2, 1000)).toBe(true);
    expect(isResolvable(1e-3, 9_999)).toBe(false);
    expect(isResolvable(1e-3, 10_000)).toBe(true);
    expect(isResolvable(1e-4, 99_999)).toBe(false);
    expect(isResolvable(1e-4, 100_000)).toBe(true);
    expect(isResolvable(0, 1e9)).toBe(false);
    const r = stream(3, "test/tpr");
    const pos = Float64Array.from({ length: 50 }, () => r.normal(2, 1));
    const neg = Float64Array.from({ length: 1000 }, () => r.normal(0, 1));
    expect(tprAtFpr(pos, neg, 1e-2).resolvable).toBe(true);
    expect(tprAtFpr(pos, neg, 1e-3).resolvable).toBe(false);
  });

  it("tracks the binormal TPR at FPR 1e-2 on a large sample", () => {
    const r = stream(4, "test/tpr-binormal");
    const pos = Float64Array.from({ length: 20_000 }, () => r.normal(2, 1));
    const neg = Float64Array.from({ length: 20_000 }, () => r.normal(0, 1));
    // TPR = 1 − Φ(z_{0.99} − 2) = Φ(2 − 2.3263) ≈ 0.372.
    const { tpr } = tprAtFpr(pos, neg, 1e-2);
    expect(Math.abs(tpr - 0.372)).toBeLessThan(0.03);
  });

  it("rejects an FPR outside [0, 1] and NaN scores", () => {
    expect(() => tprAtFpr([1], [0], 1.5)).toThrow(/tprAtFpr: fpr = 1.5; expected a probability in \[0, 1\]/);
    expect(() => tprAtFpr([1], [0], Number.NaN)).toThrow(/fpr = NaN/);
    expect(() => tprAtFpr([Number.NaN], [0], 0.1)).toThrow(/pos\[0\] = NaN/);
    expect(() => tprAtFpr([], [0], 0.1)).toThrow(/no positives/);
  });
});
