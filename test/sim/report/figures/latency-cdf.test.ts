import { describe, expect, it } from "vitest";
import { latencyData } from "../../../../sim/report/figures/data.ts";
import { latencyCdfFigure } from "../../../../sim/report/figures/latency-cdf.ts";
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

  it("puts the costlier defense's curve to the right", () => {
    // the quantiles behind the curves: constant-rate delays more than padme, padme more than none
    const median = (name: string) => data.arms.find((a) => a.defense === name)!.cdf.ms[100];
    expect(median("none")).toBe(0);
    expect(median("padme")).toBeGreaterThan(0);
    expect(median("constant-rate")).toBeGreaterThan(median("padme"));
  });
});
