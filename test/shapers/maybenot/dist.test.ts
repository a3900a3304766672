/**
 * The distribution samplers (shapers/maybenot/dist.ts and the framework's compiled
 * path) against the distributions' means and variances: chaff draws with its own
 * algorithms, so Maybenot's machines behave the same in distribution, not draw for draw.
 */
import { describe, expect, it } from "vitest";
import { CompiledMachines, UniformBlock } from "../../../shapers/maybenot/compiled.ts";
import { type Dist, type DistType, lnGamma, sampleDist } from "../../../shapers/maybenot/dist.ts";
import { machine, pad, state, testRng } from "./helpers.ts";

const N = 40_000;

function moments(draw: () => number): { mean: number; variance: number } {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < N; i++) {
    const x = draw();
    s += x;
    s2 += x * x;
  }
  const mean = s / N;
  return { mean, variance: s2 / N - mean * mean };
}

const gamma = (x: number) => Math.exp(lnGamma(x));

const CASES: [string, DistType, number, number][] = [
  ["Uniform", { type: "Uniform", low: 2, high: 6 }, 4, 16 / 12],
  ["Normal", { type: "Normal", mean: 50, stdev: 3 }, 50, 9],
  ["LogNormal", { type: "LogNormal", mu: 1, sigma: 0.5 }, Math.exp(1.125), (Math.exp(0.25) - 1) * Math.exp(2.25)],
  ["SkewNormal", { type: "SkewNormal", location: 10, scale: 2, shape: 3 }, 10 + 2 * (3 / Math.sqrt(10)) * Math.sqrt(2 / Math.PI), 4 * (1 - (2 * 0.9) / Math.PI)],
  ["Binomial small", { type: "Binomial", trials: 10n, probability: 0.3 }, 3, 2.1],
  ["Binomial large", { type: "Binomial", trials: 100_000n, probability: 0.25 }, 25_000, 18_750],
  ["Geometric", { type: "Geometric", probability: 0.2 }, 4, 20],
  ["Pareto", { type: "Pareto", scale: 2, shape: 5 }, 2.5, (4 * 5) / (16 * 3)],
  ["Poisson small", { type: "Poisson", lambda: 3.5 }, 3.5, 3.5],
  ["Poisson large", { type: "Poisson", lambda: 400 }, 400, 400],
  ["Weibull", { type: "Weibull", scale: 3, shape: 2 }, 3 * gamma(1.5), 9 * (gamma(2) - gamma(1.5) ** 2)],
  ["Gamma shape 1", { type: "Gamma", scale: 2, shape: 1 }, 2, 4],
  ["Gamma shape 0.5", { type: "Gamma", scale: 3, shape: 0.5 }, 1.5, 4.5],
  ["Gamma shape 7", { type: "Gamma", scale: 0.5, shape: 7 }, 3.5, 1.75],
  ["Beta", { type: "Beta", alpha: 2, beta: 5 }, 2 / 7, 10 / (49 * 8)],
];

describe("maybenot distributions", () => {
  it.each(CASES)("%s: mean and variance within sampling error", (_name, type, mean, variance) => {
    const d: Dist = { dist: type, start: 0, max: 0 };
    const rng = testRng(9);
    const m = moments(() => sampleDist(d, rng));
    const se = Math.sqrt(variance / N);
    expect(Math.abs(m.mean - mean)).toBeLessThan(5 * se + 1e-9);
    expect(m.variance / variance).toBeGreaterThan(0.9);
    expect(m.variance / variance).toBeLessThan(1.1);
  });

  it.each(CASES)("%s: the framework's compiled sampler agrees", (_name, type, mean, variance) => {
    const c = new CompiledMachines([machine([state({}, pad({ dist: type, start: 0, max: 0 }))])]);
    const block = new UniformBlock(testRng(11));
    const m = moments(() => {
      c.sampleTo(0, block);
      return c.drawn[0];
    });
    // samples are clamped at 0: only distributions with no negative mass compare directly
    const se = Math.sqrt(variance / N);
    expect(Math.abs(m.mean - mean)).toBeLessThan(5 * se + 1e-9);
  });

  it("start and max: max(0, x + start), capped at max when max > 0; non-finite becomes 0", () => {
    const rng = testRng(3);
    expect(sampleDist({ dist: { type: "Uniform", low: -5, high: -5 }, start: 2, max: 0 }, rng)).toBe(0);
    expect(sampleDist({ dist: { type: "Uniform", low: 5, high: 5 }, start: 2, max: 6 }, rng)).toBe(6);
    expect(sampleDist({ dist: { type: "Uniform", low: 5, high: 5 }, start: Infinity, max: 0 }, rng)).toBe(0);
    expect(sampleDist({ dist: { type: "Normal", mean: Number.NaN, stdev: 1 }, start: 0, max: 0 }, rng)).toBe(0);
    expect(sampleDist({ dist: { type: "Geometric", probability: 0 }, start: 0, max: 0 }, rng)).toBe(18446744073709551615);
  });
});
