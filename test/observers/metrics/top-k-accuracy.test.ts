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

  it("rejects bad ranks and k", () => {
    expect(() => topKAccuracy([0, -1], 1)).toThrow(/ranks\[1\] = -1/);
    expect(() => topKAccuracy([0.5], 1)).toThrow(/ranks\[0\] = 0.5/);
    expect(() => topKAccuracy([0], 0)).toThrow(/k = 0; expected an integer >= 1/);
    expect(() => topKAccuracy([], 1)).toThrow(/empty/);
  });
});
