import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allowedFalsePositives, isResolvable, tprAtFpr } from "../../../observers/metrics.ts";
import { stream } from "../../../sim/core/rng.ts";

const scores = fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 80 });
const fprs = fc.double({ min: 0, max: 1, noNaN: true });

describe("tprAtFpr", () => {
  it("never flags more than ⌊fpr·m⌋ negatives, and reports its counts exactly", () => {
    fc.assert(
      fc.property(scores, scores, fprs, (pos, neg, fpr) => {
        const r = tprAtFpr(pos, neg, fpr);
        const k = Math.floor(fpr * neg.length * (1 + 1e-12));
        const fp = neg.filter((x) => x > r.threshold).length;
        expect(r.falsePositives).toBe(fp);
        expect(fp).toBeLessThanOrEqual(k);
        expect(r.tpr).toBe(pos.filter((x) => x > r.threshold).length / pos.length);
        expect(r.negatives).toBe(neg.length);
      }),
    );
  });

  it("is the largest TPR of any threshold within the false-positive budget", () => {
    fc.assert(
      fc.property(scores, scores, fprs, (pos, neg, fpr) => {
        const k = Math.floor(fpr * neg.length * (1 + 1e-12));
        let best = 0;
        for (const t of [-Infinity, ...pos, ...neg]) {
          // Rule "flag iff score > t" and rule "flag iff score >= t" both tried.
          for (const strict of [true, false]) {
            const flag = (x: number) => (strict ? x > t : x >= t);
            if (neg.filter(flag).length <= k) best = Math.max(best, pos.filter(flag).length / pos.length);
          }
        }
        expect(tprAtFpr(pos, neg, fpr).tpr).toBe(best);
      }),
    );
  });

  it("matches hand-worked cases", () => {
    expect(tprAtFpr([5, 4, 3], [4, 2, 1, 0], 0.25)).toEqual({
      tpr: 1,
      threshold: 2,
      falsePositives: 1,
      negatives: 4,
      resolvable: false,
    });
    const zero = tprAtFpr([5, 4, 3], [4, 2, 1, 0], 0);
    expect(zero.tpr).toBeCloseTo(1 / 3, 15);
    expect(zero.threshold).toBe(4);
    // Ties at the threshold are not flagged: budget 1, but two negatives tie at the top.
    expect(tprAtFpr([9, 5], [5, 5, 1, 0], 0.25)).toMatchObject({ tpr: 0.5, threshold: 5, falsePositives: 0 });
    expect(tprAtFpr([1], [2, 3], 1)).toMatchObject({ tpr: 1, threshold: -Infinity, falsePositives: 2 });
  });

  it("counts the budget robustly to floating-point round-off", () => {
    expect(0.29 * 100).toBeLessThan(29); // the trap
    expect(allowedFalsePositives(0.29, 100)).toBe(29);
    expect(allowedFalsePositives(1e-3, 999)).toBe(0);
    expect(allowedFalsePositives(1e-3, 1000)).toBe(1);
    expect(allowedFalsePositives(1e-4, 71_556)).toBe(7);
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
