import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  crowdsPosterior,
  degreeOfAnonymity,
  effectiveAnonymitySetSize,
  entropyBits,
  loopixPoolProbabilities,
} from "../../../observers/metrics.ts";

describe("entropyBits", () => {
  it("matches hand values, with 0·log 0 = 0", () => {
    expect(entropyBits([0.5, 0.5])).toBe(1);
    expect(entropyBits([0.25, 0.25, 0.5, 0])).toBe(1.5);
    expect(entropyBits([1, 0, 0])).toBe(0);
    expect(entropyBits(new Float64Array(8).fill(1 / 8))).toBeCloseTo(3, 14);
  });

  it("rejects vectors that are not distributions", () => {
    expect(() => entropyBits([0.5, 0.6])).toThrow(/entropyBits: p sums to 1.1/);
    expect(() => entropyBits([-0.5, 1.5])).toThrow(/p\[0\] = -0.5/);
    expect(() => entropyBits([Number.NaN, 1])).toThrow(/p\[0\] = NaN/);
    expect(() => entropyBits([])).toThrow(/empty/);
  });
});

describe("degree of anonymity and effective anonymity-set size", () => {
  it("are 1 and N for a uniform posterior, 0 and 1 for a certain one", () => {
    for (const n of [2, 5, 20, 100]) {
      const u = new Float64Array(n).fill(1 / n);
      expect(degreeOfAnonymity(u)).toBeCloseTo(1, 12);
      expect(effectiveAnonymitySetSize(u)).toBeCloseTo(n, 10);
    }
    expect(degreeOfAnonymity([1, 0, 0, 0])).toBe(0);
    expect(effectiveAnonymitySetSize([1, 0, 0, 0])).toBe(1);
    expect(degreeOfAnonymity([1])).toBe(0);
  });

  it("gives Díaz et al.'s two-user example: p = 0.25/0.75 is d ≈ 0.811 ≥ 0.8", () => {
    expect(degreeOfAnonymity([0.25, 0.75])).toBeCloseTo(0.8113, 4);
  });

  it("divides by log2 n when p lists only some of n candidates", () => {
    expect(degreeOfAnonymity([0.5, 0.5], 4)).toBeCloseTo(0.5, 14);
    expect(() => degreeOfAnonymity([0.5, 0.5], 1)).toThrow(/n = 1; expected an integer >= 2/);
  });

  it("lies in [0, 1], with 2^H between 1 and N", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 2, maxLength: 30 }), (w) => {
        const total = w.reduce((a, b) => a + b, 0);
        fc.pre(total > 1e-6);
        const p = w.map((x) => x / total);
        const d = degreeOfAnonymity(p);
        expect(d).toBeGreaterThanOrEqual(-1e-12);
        expect(d).toBeLessThanOrEqual(1 + 1e-12);
        const s = effectiveAnonymitySetSize(p);
        expect(s).toBeGreaterThanOrEqual(1 - 1e-9);
        expect(s).toBeLessThanOrEqual(p.length + 1e-9);
      }),
    );
  });
});

describe("Crowds (Díaz et al. PET 2002; reference §2.5, §5.4)", () => {
  it("posterior: predecessor 1 − pf(N−C−1)/N, each other honest member pf/N, summing to 1", () => {
    expect(Array.from(crowdsPosterior(5, 1, 0.75))).toEqual([0.55, 0.15, 0.15, 0.15]);
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 200 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(), (n, pf, cSeed) => {
        const c = 1 + (cSeed % (n - 1));
        const p = crowdsPosterior(n, c, pf);
        expect(p.length).toBe(n - c);
        expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
        expect(p[0]).toBeGreaterThanOrEqual(p[p.length - 1] - 1e-15);
      }),
    );
  });

  // Published table (reference/traffic-and-adversaries.md §5.4): d = H / log2(N − C), entropy
  // over the N − C honest members.
  const table: [number, number, number, number][] = [
    [5, 1, 0.75, 0.853],
    [5, 2, 0.75, 0.745],
    [20, 4, 0.75, 0.797],
    [20, 5, 0.75, 0.767],
    [100, 11, 0.75, 0.801],
    [100, 12, 0.75, 0.795],
    [5, 1, 0.5, 0.678],
    [20, 1, 0.5, 0.675],
    [100, 1, 0.5, 0.64],
  ];

  it.each(table)("N=%i, C=%i, pf=%f gives d = %f (3 decimals)", (n, c, pf, d) => {
    expect(degreeOfAnonymity(crowdsPosterior(n, c, pf))).toBeCloseTo(d, 3);
  });

  it("uses the honest-members convention: dividing by log2 N would not match the table", () => {
    const p = crowdsPosterior(5, 1, 0.75);
    expect(degreeOfAnonymity(p, 5)).toBeCloseTo(0.735, 3);
    expect(Math.abs(degreeOfAnonymity(p, 5) - 0.853)).toBeGreaterThan(0.1);
  });

  it("reproduces the paper's conclusions at d >= 0.8", () => {
    expect(degreeOfAnonymity(crowdsPosterior(5, 1, 0.75))).toBeGreaterThanOrEqual(0.8);
    expect(degreeOfAnonymity(crowdsPosterior(5, 2, 0.75))).toBeLessThan(0.8);
    expect(degreeOfAnonymity(crowdsPosterior(100, 11, 0.75))).toBeGreaterThanOrEqual(0.8);
    expect(degreeOfAnonymity(crowdsPosterior(100, 12, 0.75))).toBeLessThan(0.8);
    for (const n of [5, 20, 100]) expect(degreeOfAnonymity(crowdsPosterior(n, 1, 0.5))).toBeLessThan(0.8);
  });

  it("rejects impossible crowds", () => {
    expect(() => crowdsPosterior(5, 5, 0.75)).toThrow(/c \(collaborators\) = 5; expected an integer in \[1, 4\]/);
    expect(() => crowdsPosterior(5, 1, 1.2)).toThrow(/pf \(forwarding probability\) = 1.2/);
    expect(() => crowdsPosterior(1.5, 1, 0.5)).toThrow(/n \(crowd size\) = 1.5/);
  });
});

describe("Loopix Theorem 1 pool rule (reference §3.1, §5.5)", () => {
  it("n=10, k=4, l=6 gives 0.04 per original and 0.1 per new arrival", () => {
    const { original, fresh } = loopixPoolProbabilities(10, 4, 6);
    expect(original).toBeCloseTo(0.04, 15);
    expect(fresh).toBeCloseTo(0.1, 15);
    expect(10 * original + 6 * fresh).toBeCloseTo(1, 15);
  });

  it("sums to 1 over all n originals and l new arrivals, and 1/(l+k) bounds linking", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.nat(), fc.nat(1000), (n, kSeed, l) => {
        const k = kSeed % (n + 1);
        fc.pre(k + l > 0);
        const { original, fresh } = loopixPoolProbabilities(n, k, l);
        expect(n * original + l * fresh).toBeCloseTo(1, 12);
        expect(original).toBeLessThanOrEqual(fresh + 1e-15);
      }),
    );
  });

  it("rejects an impossible observation", () => {
    expect(() => loopixPoolProbabilities(3, 4, 1)).toThrow(/k \(originals still in the pool\) = 4; expected an integer in \[0, 3\]/);
    expect(() => loopixPoolProbabilities(3, 0, 0)).toThrow(/pool is empty/);
    expect(() => loopixPoolProbabilities(-1, 0, 1)).toThrow(/n \(first arrivals\) = -1/);
  });
});
