import { describe, expect, it } from "vitest";
import { rocData } from "../../../../sim/report/figures/data.ts";
import { powerOfTenLabel, rocFigure } from "../../../../sim/report/figures/roc.ts";
import { PALETTE } from "../../../../sim/report/figures/svg.ts";
import { expectSvgSnapshot } from "./snapshot.ts";
import { charts, markElements, texts } from "./svg-dom.ts";
import { syntheticRun } from "./synthetic.ts";

describe("rocFigure", () => {
  const output = syntheticRun();
  const data = rocData(output);
  const svg = rocFigure(data);

  it("matches its snapshot", () => {
    expectSvgSnapshot("roc", svg);
  });

  it("draws one panel per observer with one curve per defense plus the chance line", () => {
    const panels = charts(svg);
    expect(panels).toHaveLength(2);
    const t = texts(svg);
    expect(t).toContain("volume-correlation at isp (link task)");
    expect(t).toContain("activity-detector at local (activity task)");
    for (const p of panels) {
      const lines = markElements(p, "line", "path");
      expect(lines).toHaveLength(output.metrics.arms.length);
      // and the chance diagonal, drawn as decoration
      expect(markElements(p, "line", "path", true)).toHaveLength(output.metrics.arms.length + 1);
      // each defense's curve in its own colour
      const strokes = new Set(lines.map((l) => l.getAttribute("stroke")));
      for (let i = 0; i < output.metrics.arms.length; i++) expect(strokes.has(PALETTE[i])).toBe(true);
    }
  });

  it("draws an interval bar at every resolvable FPR and shades the unresolvable region", () => {
    const [first] = charts(svg);
    const resolvable = data.arms.reduce((n, a) => n + a.observers[0].tprAt.filter((t) => t.resolvable).length, 0);
    expect(resolvable).toBeGreaterThan(0);
    expect(markElements(first, "rule", "line")).toHaveLength(resolvable);
    // 1500 negatives: FPR below 10/1500 cannot be resolved, and 1e-3 and 1e-4 are not
    expect(data.arms[0].observers[0].tprAt.filter((t) => !t.resolvable).map((t) => t.fpr)).toEqual([1e-4, 1e-3]);
    expect(texts(svg)).toContain("not resolvable (FPR < 10/1500 negatives)");
    expect(markElements(first, "rect", "rect", true)).toHaveLength(1);
  });

  it("labels the log axis in powers of ten", () => {
    expect([1e-4, 1e-3, 0.01, 0.1, 1].map(powerOfTenLabel)).toEqual(["1e-4", "1e-3", "1e-2", "1e-1", "1"]);
    const t = texts(svg);
    for (const label of ["1e-3", "1e-2", "1e-1", "1"]) expect(t).toContain(label);
  });

  it("says so when no observer scored anything", () => {
    const empty = rocFigure({ kind: "chaff-roc", version: 1, arms: [{ defense: "none", baseline: true, observers: [] }] });
    expect(texts(empty)).toContain("No observer produced scores in this run.");
  });
});
