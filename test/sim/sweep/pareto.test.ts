import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dominates, paretoFront } from "../../../sim/sweep/pareto.ts";

describe("Pareto front", () => {
  it("keeps the points nothing beats on every objective", () => {
    expect(paretoFront([[1, 5], [2, 2], [3, 3], [5, 1]])).toEqual([0, 1, 3]);
    expect(paretoFront([[1, 1], [1, 1]])).toEqual([0, 1]);
    expect(paretoFront([[NaN, 0], [1, 0]])).toEqual([1]);
  });

  it("no front point is dominated, and every other point is dominated by a front point", () => {
    const pt = fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 3, maxLength: 3 });
    fc.assert(
      fc.property(fc.array(pt, { maxLength: 30 }), (pts) => {
        const front = paretoFront(pts);
        for (const i of front) for (const j of pts.keys()) expect(dominates(pts[j], pts[i])).toBe(false);
        for (const i of pts.keys()) if (!front.includes(i)) expect(front.some((f) => dominates(pts[f], pts[i]))).toBe(true);
      }),
    );
  });
});
