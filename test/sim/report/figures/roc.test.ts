import { describe, expect, it } from "vitest";
import { rocData, type RocData } from "../../../../sim/report/figures/data.ts";
import { decadeLabels, powerOfTenLabel, ROC_CAPTION, ROC_INSET, rocFigure } from "../../../../sim/report/figures/roc.ts";
import { PALETTE } from "../../../../sim/report/figures/svg.ts";
import { expectSvgSnapshot } from "./snapshot.ts";
import { figureSize } from "./rendered-boxes.ts";
import { charts, markElements, offset, texts } from "./svg-dom.ts";
import { syntheticRun } from "./synthetic.ts";

/** Every x coordinate of an absolute SVG path (M, L, H commands; V keeps x). */
function pathXs(d: string): number[] {
  const xs: number[] = [];
  for (const m of d.matchAll(/([MLH])([^MLHVZ]*)/g)) {
    const nums = m[2].split(/[ ,]+/).filter(Boolean).map(Number);
    if (m[1] === "H") xs.push(...nums);
    else for (let i = 0; i < nums.length; i += 2) xs.push(nums[i]);
  }
  return xs;
}

/** The same run seen by `k` observers (copies of the two synthetic ones, renamed). */
function withObservers(data: RocData, k: number): RocData {
  return {
    ...data,
    arms: data.arms.map((a) => ({ ...a, observers: Array.from({ length: k }, (_, i) => ({ ...a.observers[i % a.observers.length], observer: `observer-${i}` })) })),
  };
}

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
    expect(t).toContain("volume-correlation");
    expect(t).toContain("at isp, link task, 1,500 negatives");
    expect(t).toContain("activity-detector");
    expect(t).toContain("at local, activity task, 1,500 negatives");
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

  it("lays panels out as a grid of small multiples, not one tall strip", () => {
    // two observers: side by side
    const two = charts(svg).map((c) => [Number(c.getAttribute("width")), Number(c.getAttribute("height"))]);
    expect(two[0]).toEqual(two[1]);
    const size = figureSize(svg);
    expect(size.width).toBeLessThanOrEqual(700);
    expect(size.height).toBeLessThan(520);
    // eight observers (the default experiment): three to a row, three rows, under 1,100 px tall
    const eight = rocFigure(withObservers(data, 8));
    expect(charts(eight)).toHaveLength(8);
    const big = figureSize(eight);
    expect(big.height).toBeLessThan(1100);
    expect(big.width).toBeLessThanOrEqual(840);
    const at = charts(eight).map(offset);
    expect(new Set(at.map((p) => p.x)).size).toBe(3);
    expect(new Set(at.map((p) => p.y)).size).toBe(3);
  });

  it("never draws a curve over the y-axis or outside the frame", () => {
    for (const chart of charts(rocFigure(withObservers(data, 5)))) {
      const frame = chart.querySelector('rect[aria-label="frame"]') as Element;
      const left = Number(frame.getAttribute("x"));
      const right = left + Number(frame.getAttribute("width"));
      const paths = [...markElements(chart, "line", "path"), ...markElements(chart, "line", "path", true)];
      expect(paths.length).toBeGreaterThan(0);
      for (const p of paths) {
        const xs = pathXs(p.getAttribute("d") ?? "");
        expect(xs.length).toBeGreaterThan(0);
        expect(Math.min(...xs)).toBeGreaterThanOrEqual(left + ROC_INSET.left - 0.01);
        expect(Math.max(...xs)).toBeLessThanOrEqual(right - ROC_INSET.right + 0.01);
      }
    }
  });

  it("draws an interval bar at every resolvable FPR and shades the unresolvable region", () => {
    const [first] = charts(svg);
    const resolvable = data.arms.reduce((n, a) => n + a.observers[0].tprAt.filter((t) => t.resolvable).length, 0);
    expect(resolvable).toBeGreaterThan(0);
    expect(markElements(first, "rule", "line")).toHaveLength(resolvable);
    // 1500 negatives: FPR below 10/1500 cannot be resolved, and 1e-3 and 1e-4 are not
    expect(data.arms[0].observers[0].tprAt.filter((t) => !t.resolvable).map((t) => t.fpr)).toEqual([1e-4, 1e-3]);
    expect(texts(svg)).toContain("not resolvable");
    expect(markElements(first, "rect", "rect", true)).toHaveLength(1);
  });

  it("labels the log axis in powers of ten, thinning the labels when a panel is narrow", () => {
    expect([1e-4, 1e-3, 0.01, 0.1, 1].map(powerOfTenLabel)).toEqual(["1e-4", "1e-3", "1e-2", "1e-1", "1"]);
    const t = texts(svg);
    for (const label of ["1e-3", "1e-2", "1e-1", "1"]) expect(t).toContain(label);
    const decades = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1];
    expect([...decadeLabels(decades, 400)]).toEqual(decades);
    expect([...decadeLabels(decades, 120)]).toEqual([1e-6, 1e-4, 1e-2, 1]);
  });

  it("carries its caption: what it shows and how to read it", () => {
    expect(texts(svg).join(" ")).toContain(ROC_CAPTION.split(" ").slice(0, 8).join(" "));
    expect(ROC_CAPTION).toMatch(/log scale/);
    expect(ROC_CAPTION).toMatch(/further down and to the right means the defense hides more/);
  });

  it("says so when no observer scored anything", () => {
    const empty = rocFigure({ kind: "chaff-roc", version: 1, arms: [{ defense: "none", baseline: true, observers: [] }] });
    expect(texts(empty)).toContain("No observer produced scores in this run.");
  });
});
