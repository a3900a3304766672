import { describe, expect, it } from "vitest";
import { haltonDesign, radicalInverse } from "../../../sim/sweep/halton.ts";
import { stream } from "../../../sim/core/rng.ts";

describe("Halton design", () => {
  it("mirrors the digits of i about the radix point", () => {
    expect(radicalInverse(1, 2)).toBe(0.5);
    expect(radicalInverse(6, 2)).toBe(0.375);
    expect(radicalInverse(5, 3)).toBeCloseTo(2 / 3 + 1 / 9, 12); // 5 = 12₃ → 0.21₃
  });

  it("is seeded: the same stream gives the same design, another stream another one", () => {
    const a = haltonDesign(16, 3, stream(1, "tune/design"));
    expect(haltonDesign(16, 3, stream(1, "tune/design"))).toEqual(a);
    expect(haltonDesign(16, 3, stream(2, "tune/design"))).not.toEqual(a);
    for (const p of a) for (const x of p) expect(x >= 0 && x < 1).toBe(true);
  });

  it("spreads points more evenly than independent uniform draws (every 1/8 cell of each axis hit by 64 points)", () => {
    const n = 64;
    const design = haltonDesign(n, 2, stream(7, "x"));
    for (let d = 0; d < 2; d++) {
      const counts = new Array(8).fill(0);
      for (const p of design) counts[Math.floor(p[d] * 8)]++;
      // A van der Corput sequence hits each of 8 equal cells exactly n/8 times; the shift keeps that within one.
      for (const c of counts) expect(Math.abs(c - n / 8)).toBeLessThanOrEqual(1);
    }
  });

  it("rejects impossible sizes", () => {
    expect(() => haltonDesign(4, 0, stream(1, "x"))).toThrow(/dims = 0/);
    expect(() => haltonDesign(4, 26, stream(1, "x"))).toThrow(/dims = 26/);
    expect(() => haltonDesign(-1, 2, stream(1, "x"))).toThrow(/n = -1/);
  });
});
