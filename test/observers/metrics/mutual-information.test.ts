import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { discretize, entropyBits, mutualInformation } from "../../../observers/metrics.ts";
import { stream } from "../../../sim/core/rng.ts";

/** Plug-in entropy of integer codes, through entropyBits. */
function codeEntropy(x: number[]): number {
  const counts = new Map<number, number>();
  for (const v of x) counts.set(v, (counts.get(v) ?? 0) + 1);
  return entropyBits([...counts.values()].map((c) => c / x.length));
}

const codes = fc.array(fc.integer({ min: -3, max: 6 }), { minLength: 1, maxLength: 100 });

describe("mutualInformation", () => {
  it("of a variable with itself (or a relabelling of it) is H(X)", () => {
    fc.assert(
      fc.property(codes, (x) => {
        const h = codeEntropy(x);
        expect(mutualInformation(x, x)).toBeCloseTo(h, 10);
        expect(mutualInformation(x, x.map((v) => 100 - 7 * v))).toBeCloseTo(h, 10);
      }),
    );
    expect(mutualInformation([0, 0, 1, 1], [0, 0, 1, 1])).toBe(1);
  });

  it("is symmetric and bounded by min(H(X), H(Y))", () => {
    fc.assert(
      fc.property(codes, fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 100, maxLength: 100 }), (x, yy) => {
        const y = yy.slice(0, x.length);
        const mi = mutualInformation(x, y);
        expect(mi).toBeGreaterThanOrEqual(0);
        expect(mutualInformation(y, x)).toBeCloseTo(mi, 10);
        expect(mi).toBeLessThanOrEqual(Math.min(codeEntropy(x), codeEntropy(y)) + 1e-10);
      }),
    );
  });

  it("is exactly 0 for a balanced independent design", () => {
    expect(mutualInformation([0, 0, 1, 1], [0, 1, 0, 1])).toBe(0);
  });

  it("is about 0 for independent variables; Miller–Madow removes the plug-in bias", () => {
    const r = stream(5, "test/mi");
    const n = 20_000;
    const x = Int32Array.from({ length: n }, () => r.int(0, 8));
    const y = Int32Array.from({ length: n }, () => r.int(0, 6));
    const plugIn = mutualInformation(x, y);
    const corrected = mutualInformation(x, y, { millerMadow: true });
    const bias = ((8 - 1) * (6 - 1)) / (2 * n * Math.LN2); // ≈ 1.26e-3 bits
    expect(plugIn).toBeGreaterThan(0);
    expect(Math.abs(plugIn - bias)).toBeLessThan(0.6 * bias);
    expect(Math.abs(corrected)).toBeLessThan(0.6 * bias);
    expect(corrected).toBeCloseTo(plugIn + (8 + 6 - 48 - 1) / (2 * n * Math.LN2), 12);
  });

  it("recovers the leakage of a noisy channel: 1 − h(0.1) bits for a binary symmetric channel", () => {
    const r = stream(6, "test/mi-bsc");
    const n = 50_000;
    const x = Int32Array.from({ length: n }, () => r.int(0, 2));
    const y = x.map((v) => (r.bernoulli(0.1) ? 1 - v : v));
    const expected = 1 - entropyBits([0.1, 0.9]); // ≈ 0.531
    expect(Math.abs(mutualInformation(x, y, { millerMadow: true }) - expected)).toBeLessThan(0.01);
  });

  it("rejects unpaired or non-integer input", () => {
    expect(() => mutualInformation([1, 2], [1])).toThrow(/x has 2 values but y has 1/);
    expect(() => mutualInformation([1.5], [1])).toThrow(/x\[0\] = 1.5; expected integer codes/);
    expect(() => mutualInformation([], [])).toThrow(/no observations/);
  });
});

describe("discretize", () => {
  it("bins by the number of edges <= v", () => {
    expect(Array.from(discretize([10, 100, 1500, 5000], [64, 1024, 4096]))).toEqual([0, 1, 2, 3]);
    expect(Array.from(discretize([63.9, 64, 1023, 1024, -Infinity, Infinity], [64, 1024]))).toEqual([0, 1, 1, 2, 0, 2]);
    expect(Array.from(discretize([5], []))).toEqual([0]);
  });

  it("is monotone in the value", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true }), { maxLength: 50 }), (v) => {
        const edges = [-100, -1, 0, 1, 100];
        const sorted = [...v].sort((a, b) => a - b);
        const bins = discretize(sorted, edges);
        for (let i = 1; i < bins.length; i++) expect(bins[i]).toBeGreaterThanOrEqual(bins[i - 1]);
      }),
    );
  });

  it("rejects unsorted edges and NaN values", () => {
    expect(() => discretize([1], [2, 2])).toThrow(/edges\[1\] = 2; expected finite, strictly increasing/);
    expect(() => discretize([Number.NaN], [0])).toThrow(/values\[0\] is NaN/);
  });
});
