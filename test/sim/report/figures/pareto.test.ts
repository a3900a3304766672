import { describe, expect, it } from "vitest";
import { paretoFigure } from "../../../../sim/report/figures/pareto.ts";
import type { RunMetrics } from "../../../../sim/runs/metrics.ts";
import { expectSvgSnapshot } from "./snapshot.ts";
import { charts, markElements, texts } from "./svg-dom.ts";
import { syntheticRun } from "./synthetic.ts";

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

  it("names the observer whose AUC it plots", () => {
    expect(texts(paretoFigure(metrics)).join(" ")).toContain("volume-correlation at isp");
  });
});
