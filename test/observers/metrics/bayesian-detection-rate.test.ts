import { describe, expect, it } from "vitest";
import { bayesianDetectionRate } from "../../../observers/metrics.ts";

describe("bayesianDetectionRate", () => {
  it("reproduces the base-rate worked example (§2.4, §5.5): TPR 0.94, FPR 1e-3, 1 in 10^6", () => {
    const bdr = bayesianDetectionRate(0.94, 1e-3, 1e-6);
    // 0.94e-6 / (0.94e-6 + 1e-3 · 0.999999)
    expect(bdr).toBeCloseTo(9.391181680402e-4, 15);
    expect(Math.abs(bdr - 9.4e-4) / 9.4e-4).toBeLessThan(0.01);
    // "At FPR 1e-5 it gives about 8.6%."
    expect(bayesianDetectionRate(0.94, 1e-5, 1e-6)).toBeCloseTo(0.0859, 4);
  });

  it("equals DeepCoFFEA's coded form TPR·(1/N) / (TPR·(1/N) + FPR·(N−1)/N)", () => {
    // Hand-computed: N = 2094 test flows, TPR 0.93, FPR 1e-5:
    // 0.93/2094 = 4.44126e-4; 1e-5·2093/2094 = 9.99522e-6; BDR = 4.44126e-4 / 4.54121e-4 = 0.977990.
    expect(bayesianDetectionRate(0.93, 1e-5, 1 / 2094)).toBeCloseTo(0.97799, 5);
    // N = 10: TPR 0.9, FPR 0.1 → 0.09 / (0.09 + 0.09) = 0.5.
    expect(bayesianDetectionRate(0.9, 0.1, 0.1)).toBeCloseTo(0.5, 15);
    // Balanced classes: precision = TPR / (TPR + FPR).
    expect(bayesianDetectionRate(0.8, 0.2, 0.5)).toBeCloseTo(0.8, 15);
    expect(bayesianDetectionRate(0.3, 0, 1e-9)).toBe(1);
    expect(bayesianDetectionRate(0, 0.1, 0.5)).toBe(0);
  });

  it("is NaN only when nothing can be flagged", () => {
    expect(bayesianDetectionRate(0, 0, 0.5)).toBeNaN();
  });

  it("rejects values that are not probabilities, naming the parameter", () => {
    expect(() => bayesianDetectionRate(1.5, 0.1, 0.1)).toThrow(/bayesianDetectionRate: tpr = 1.5; expected a probability in \[0, 1\]/);
    expect(() => bayesianDetectionRate(0.5, -0.1, 0.1)).toThrow(/fpr = -0.1/);
    expect(() => bayesianDetectionRate(0.5, 0.1, Number.NaN)).toThrow(/baseRate = NaN/);
  });
});
