import { describe, expect, it } from "vitest";
import { PARETO_CAPTION, paretoFigure } from "../../../../sim/report/figures/pareto.ts";
import type { RunMetrics } from "../../../../sim/runs/metrics.ts";
import { expectSvgSnapshot } from "./snapshot.ts";
import { overlappingPairs, renderedBoxes, type RenderedBox } from "./rendered-boxes.ts";
import { charts, markElements, texts } from "./svg-dom.ts";
import { syntheticRun } from "./synthetic.ts";

/**
 * The default experiment's crowding: many defenses at almost the same cost and AUC (four
 * free ones at AUC ≈ 0.99, several within a few percent of each other), plus the three
 * synthetic ones; latencies up to minutes.
 */
function crowded(m: RunMetrics): RunMetrics {
  const names = ["pad-to-mtu", "jitter", "front", "poisson-cover", "tamaraw", "walkie-talkie", "regulator", "batching"];
  const arms = names.map((name, i) => {
    const a = structuredClone(m.arms[i % 2]);
    a.defense = name;
    a.device.shaper = name;
    a.cost.bandwidthOverhead.total = i < 4 ? { estimate: 0, lo: 0, hi: 0 } : { estimate: 0.05 * i, lo: 0.04 * i, hi: 0.06 * i };
    a.cost.addedLatencyMs.p99 = i < 3 ? { estimate: 0, lo: 0, hi: 0 } : { estimate: 20_000 * i, lo: 18_000 * i, hi: 21_000 * i };
    a.cost.energy.joulesPerHour = { estimate: 300 + i, lo: 290 + i, hi: 310 + i };
    for (const o of a.observers) o.summary = { ...o.summary, auc: { estimate: 0.99 - i * 0.002, lo: 0.98 - i * 0.002, hi: 0.995, resolvable: true } };
    return a;
  });
  return { ...m, arms: [...m.arms, ...arms] };
}

/** The rendered boxes of one chart's defense labels and dots (as circles: centre and radius). */
function labelsAndDots(svg: string, chartIndex: number): { labels: RenderedBox[]; dots: { x: number; y: number; r: number }[]; frame: RenderedBox } {
  const pick = (doc: Document) => Array.from(doc.querySelectorAll('svg[class^="plot-"]'))[chartIndex];
  const labels = renderedBoxes(svg, (doc) => markElements(pick(doc), "text", "text"));
  const dots = renderedBoxes(svg, (doc) => markElements(pick(doc), "dot", "circle")).map((b) => ({ x: (b.x0 + b.x1) / 2, y: (b.y0 + b.y1) / 2, r: (b.x1 - b.x0) / 2 }));
  const [frame] = renderedBoxes(svg, (doc) => [pick(doc).querySelector('rect[aria-label="frame"]') as Element]);
  return { labels, dots, frame };
}

function hits(b: RenderedBox, c: { x: number; y: number; r: number }): boolean {
  const nx = Math.max(b.x0, Math.min(c.x, b.x1));
  const ny = Math.max(b.y0, Math.min(c.y, b.y1));
  return Math.hypot(nx - c.x, ny - c.y) < c.r;
}

/** Adds a defense that costs more than padme and hides less: never on the front. */
function withDominated(m: RunMetrics): RunMetrics {
  const padme = m.arms[1];
  const worse = structuredClone(padme);
  worse.defense = "worse";
  worse.cost.bandwidthOverhead.total = { estimate: 0.5, lo: 0.45, hi: 0.55 };
  worse.cost.addedLatencyMs.p99 = { estimate: 50, lo: 40, hi: 60 };
  worse.cost.energy.joulesPerHour = { estimate: 500, lo: 480, hi: 520 };
  for (const o of worse.observers) o.summary = { ...o.summary, auc: { estimate: 0.95, lo: 0.93, hi: 0.97, resolvable: true } };
  return { ...m, arms: [...m.arms, worse] };
}

describe("paretoFigure", () => {
  const metrics = syntheticRun().metrics;

  it("matches its snapshot", () => {
    expectSvgSnapshot("pareto", paretoFigure(metrics));
  });

  it("has a bandwidth, a latency and an energy panel, with one dot per defense", () => {
    const svg = paretoFigure(metrics);
    const t = texts(svg);
    for (const title of ["Bandwidth", "Latency", "Energy"]) expect(t).toContain(title);
    const panels = charts(svg);
    expect(panels).toHaveLength(3);
    for (const p of panels) {
      const dots = markElements(p, "dot", "circle");
      const filled = dots.filter((d) => d.getAttribute("r") === "4.5");
      expect(filled).toHaveLength(metrics.arms.length);
    }
  });

  it("rings exactly the defenses on the Pareto front", () => {
    const svg = paretoFigure(withDominated(metrics));
    for (const p of charts(svg)) {
      const rings = markElements(p, "dot", "circle").filter((d) => d.getAttribute("r") === "7");
      // none (free, most exposed), padme, constant-rate (costly, least exposed); "worse" is beaten by padme
      expect(rings).toHaveLength(3);
      const labels = markElements(p, "text", "text").map((x) => x.textContent);
      expect(labels).toContain("worse");
    }
  });

  it("places labels so that none overlaps another label or any dot, all inside the plot, even when defenses crowd", () => {
    const m = crowded(metrics);
    const svg = paretoFigure(m);
    for (let c = 0; c < 3; c++) {
      const { labels, dots, frame } = labelsAndDots(svg, c);
      expect(labels.map((l) => l.text).sort()).toEqual(m.arms.map((a) => a.defense).sort());
      expect(overlappingPairs(labels)).toEqual([]);
      for (const l of labels) {
        for (const d of dots) expect(hits(l, d), `label "${l.text}" over a dot in panel ${c}`).toBe(false);
        expect(l.x0).toBeGreaterThanOrEqual(frame.x0);
        expect(l.x1).toBeLessThanOrEqual(frame.x1);
        expect(l.y0).toBeGreaterThanOrEqual(frame.y0);
        expect(l.y1).toBeLessThanOrEqual(frame.y1);
      }
    }
    // labels moved away from a crowd are joined to their dot
    expect(markElements(charts(svg)[0], "link", "path").length).toBeGreaterThan(0);
  });

  it("shows latency in the unit that reads best", () => {
    const fast = structuredClone(metrics);
    fast.arms.forEach((a, i) => (a.cost.addedLatencyMs.p99 = { estimate: 5 * i, lo: 4 * i, hi: 6 * i }));
    expect(texts(paretoFigure(fast))).toContain("added latency p99 (ms) →");
    const slow = paretoFigure(crowded(metrics));
    const t = texts(slow);
    expect(t).toContain("added latency p99 (s) →");
    // ticks in seconds (0 … 160), never in tens of thousands of ms
    const ticks = markElements(charts(slow)[1], "x-axis tick label", "text").map((x) => Number((x.textContent ?? "").replace(/,/g, "")));
    expect(Math.max(...ticks)).toBeLessThan(1000);
  });

  it("carries its caption: what it shows and how to read it", () => {
    expect(texts(paretoFigure(metrics)).join(" ")).toContain(PARETO_CAPTION.split(" ").slice(0, 8).join(" "));
    expect(PARETO_CAPTION).toMatch(/lower and further left is better/);
  });

  it("names the observer whose AUC it plots", () => {
    expect(texts(paretoFigure(metrics)).join(" ")).toContain("volume-correlation at isp");
  });
});
