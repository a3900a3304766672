import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { topKAccuracy } from "../../../observers/metrics.ts";

describe("topKAccuracy", () => {
  it("counts ranks below k (rank 0 = correct first)", () => {
    expect(topKAccuracy([0, 0, 3, 1], 1)).toBe(0.5);
    expect(topKAccuracy([0, 0, 3, 1], 2)).toBe(0.75);
    expect(topKAccuracy(new Int32Array([0, 0, 3, 1]), 4)).toBe(1);
  });

  it("is non-decreasing in k and reaches 1 past the worst rank", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(20), { minLength: 1, maxLength: 50 }), (ranks) => {
        let prev = 0;
        for (let k = 1; k <= 22; k++) {
          const a = topKAccuracy(ranks, k);
          expect(a).toBeGreaterThanOrEqual(prev);
          prev = a;
        }
        expect(topKAccuracy(ranks, Math.max(...ranks) + 1)).toBe(1);
      }),
    );
  });

  it("ties share the credit: a true answer tied with t others takes each of t + 1 places with equal chance", () => {
    expect(topKAccuracy([0], 1, [3])).toBe(0.25);
    expect(topKAccuracy([0], 2, [3])).toBe(0.5);
    expect(topKAccuracy([2], 3, [1])).toBe(0.5); // places 2 or 3: in the top 3 half the time
    expect(topKAccuracy([2], 4, [1])).toBe(1);
    expect(topKAccuracy([0, 0, 3, 1], 2, [0, 0, 0, 0])).toBe(topKAccuracy([0, 0, 3, 1], 2));
    // Every candidate tied: k / N, chance.
    expect(topKAccuracy([0, 0], 5, [99, 99])).toBeCloseTo(0.05, 15);
  });

  it("equals the mean hit over every random order of the tied candidates (exhaustive)", () => {
    fc.assert(
      fc.property(fc.nat(6), fc.nat(5), fc.integer({ min: 1, max: 12 }), (r, t, k) => {
        // the true answer lands at place r + j for j uniform on 0..t
        let hits = 0;
        for (let j = 0; j <= t; j++) if (r + j < k) hits++;
        expect(topKAccuracy([r], k, [t])).toBeCloseTo(hits / (t + 1), 15);
      }),
    );
  });

  it("rejects bad ranks and k", () => {
    expect(() => topKAccuracy([0], 1, [-1])).toThrow(/ties\[0\] = -1/);
    expect(() => topKAccuracy([0, 1], 1, [0])).toThrow(/ties has 1 entries for 2 ranks/);
    expect(() => topKAccuracy([0, -1], 1)).toThrow(/ranks\[1\] = -1/);
    expect(() => topKAccuracy([0.5], 1)).toThrow(/ranks\[0\] = 0.5/);
    expect(() => topKAccuracy([0], 0)).toThrow(/k = 0; expected an integer >= 1/);
    expect(() => topKAccuracy([], 1)).toThrow(/empty/);
  });
});
