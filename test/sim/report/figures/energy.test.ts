import { describe, expect, it } from "vitest";
import { energyData } from "../../../../sim/report/figures/data.ts";
import { energyFigure } from "../../../../sim/report/figures/energy.ts";
import { expectSvgSnapshot } from "./snapshot.ts";
import { charts, markElements, texts } from "./svg-dom.ts";
import { syntheticRun } from "./synthetic.ts";

describe("energyFigure", () => {
  const data = energyData(syntheticRun());
  const svg = energyFigure(data);

  it("matches its snapshot", () => {
    expectSvgSnapshot("energy", svg);
  });

  it("draws per defense the spread over devices and the mean with its interval", () => {
    const [chart] = charts(svg);
    expect(markElements(chart, "bar", "rect")).toHaveLength(data.arms.length);
    expect(markElements(chart, "dot", "circle")).toHaveLength(data.arms.length);
    // a p5–p95 line and a CI bar per defense
    expect(markElements(chart, "rule", "line")).toHaveLength(2 * data.arms.length);
    expect(texts(svg)).toContain("mean 300 [285, 315] J/h");
  });

  it("names the radio model on the axis", () => {
    expect(texts(svg).some((t) => t.includes("(lte model)"))).toBe(true);
  });
});
