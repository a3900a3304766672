import { describe, expect, it } from "vitest";
import { parseTrace } from "../../../sim/core/trace-notation.ts";
import { gapsOf, kolmogorovQ, ksTwoSample, modelCheck, qqPoints, sizesOf } from "../../../sim/capture/model-check.ts";
import { qqFigure } from "../../../sim/report/figures/qq.ts";
import { loopbackTrace } from "./shaped.ts";

describe("model check", () => {
  it("Kolmogorov's Q matches the classical critical values (1.358 → 5%, 1.628 → 1%, 1.224 → 10%)", () => {
    expect(kolmogorovQ(1.3581)).toBeCloseTo(0.05, 3);
    expect(kolmogorovQ(1.6276)).toBeCloseTo(0.01, 3);
    expect(kolmogorovQ(1.2239)).toBeCloseTo(0.1, 3);
    expect(kolmogorovQ(0.1)).toBe(1);
    expect(kolmogorovQ(5)).toBeLessThan(1e-20);
  });

  it("KS D: 0 for the same sample, 1 for disjoint ones, ties stepped over together", () => {
    const a = [1, 2, 2, 3, 5, 8];
    expect(ksTwoSample(a, [...a].reverse())).toMatchObject({ d: 0, p: 1, n: 6, m: 6 });
    const far = ksTwoSample([1, 2, 3], [10, 11, 12, 13]);
    expect(far.d).toBe(1);
    expect(far.p!).toBeLessThan(0.05);
    // by hand: at x = 2, F_a = 3/6 and F_b = 3/4; at x = 8, F_a = 1 and F_b = 3/4: D = 1/4
    expect(ksTwoSample(a, [2, 2, 2, 9]).d).toBeCloseTo(0.25, 12);
    expect(ksTwoSample([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [6, 7, 8, 9, 10, 11, 12, 13, 14, 15]).d).toBe(0.5);
    expect(ksTwoSample([], [1]).p).toBeNull();
  });

  it("QQ points are the percentiles of both samples", () => {
    const q = qqPoints([1, 2, 3, 4, 5], [10, 20, 30, 40, 50], 3);
    expect(q.map((x) => x.p)).toEqual([0.25, 0.5, 0.75]);
    expect(q.map((x) => x.capture / x.model)).toEqual([10, 10, 10]);
  });

  it("compares sizes and per-direction gaps; a trace against itself has D = 0 everywhere", () => {
    const t = parseTrace("0 s100, 10ms s200, 15ms r80, 30ms s100, 40ms r90");
    expect(sizesOf(t, 0)).toEqual([100, 200, 100]);
    expect(gapsOf(t, 0)).toEqual([10_000, 20_000]);
    expect(gapsOf(t, 1)).toEqual([25_000]);
    const cap = loopbackTrace();
    const self = modelCheck(cap, cap);
    expect(self.rows.map((r) => `${r.feature}-${r.dir}`)).toEqual(["size-up", "size-down", "gap-up", "gap-down"]);
    expect(self.rows.every((r) => r.ks.d === 0)).toBe(true);
    const other = modelCheck(t, cap);
    expect(other.rows[0].ks.d).toBeGreaterThan(0.5);
    expect(other.caveats.length).toBe(2);
    const svg = qqFigure(other, { model: "toy", capture: "loopback" });
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain("D = ");
  });
});
