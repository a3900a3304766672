import { describe, expect, it } from "vitest";
import { latencyData } from "../../../../sim/report/figures/data.ts";
import { LATENCY_CAPTION, latencyCdfFigure } from "../../../../sim/report/figures/latency-cdf.ts";
import { expectSvgSnapshot } from "./snapshot.ts";
import { charts, markElements, texts } from "./svg-dom.ts";
import { syntheticRun } from "./synthetic.ts";

describe("latencyCdfFigure", () => {
  const data = latencyData(syntheticRun());
  const svg = latencyCdfFigure(data);

  it("matches its snapshot", () => {
    expectSvgSnapshot("latency-cdf", svg);
  });

  it("draws one CDF per defense and the p50/p95/p99 with their intervals", () => {
    const [chart] = charts(svg);
    expect(markElements(chart, "line", "path")).toHaveLength(data.arms.length);
    expect(markElements(chart, "dot", "circle")).toHaveLength(3 * data.arms.length);
    expect(markElements(chart, "rule", "line")).toHaveLength(3 * data.arms.length);
    const t = texts(svg).join("\n");
    for (const a of data.arms) expect(t).toContain(`${a.defense}: p50 `);
  });

  it("labels durations in the unit that reads best: ticks in ms, s and min, notes never in thousands of ms", () => {
    const ticks = markElements(charts(svg)[0], "x-axis tick label", "text").map((t) => t.textContent);
    expect(ticks).toEqual(expect.arrayContaining(["0", "1 ms", "10 ms", "100 ms", "1 s"]));
    // the same data a thousand times slower: p99 of minutes
    const slow = { ...data, arms: data.arms.map((a) => ({ ...a, cdf: { ...a.cdf, ms: a.cdf.ms.map((x) => x * 1000) }, p50: scale(a.p50), p95: scale(a.p95), p99: scale(a.p99) })) };
    const slowSvg = latencyCdfFigure(slow);
    const slowTicks = markElements(charts(slowSvg)[0], "x-axis tick label", "text").map((t) => t.textContent);
    expect(slowTicks).toEqual(expect.arrayContaining(["1 s", "10 s", "1 min", "10 min"]));
    const notes = texts(slowSvg).join("\n");
    expect(notes).toMatch(/constant-rate: p50 \d+(\.\d+)? (s|min) \[/);
    expect(notes).not.toMatch(/\d{5,} ?ms/);
    expect(LATENCY_CAPTION).toMatch(/further left adds less delay/);
  });

  it("puts the costlier defense's curve to the right", () => {
    // the quantiles behind the curves: constant-rate delays more than padme, padme more than none
    const median = (name: string) => data.arms.find((a) => a.defense === name)!.cdf.ms[100];
    expect(median("none")).toBe(0);
    expect(median("padme")).toBeGreaterThan(0);
    expect(median("constant-rate")).toBeGreaterThan(median("padme"));
  });
});

function scale(i: { estimate: number | null; lo: number | null; hi: number | null }) {
  const k = (v: number | null) => (v === null ? null : v * 1000);
  return { estimate: k(i.estimate), lo: k(i.lo), hi: k(i.hi) };
}
