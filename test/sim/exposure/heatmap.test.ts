import { describe, expect, it } from "vitest";
import { exposureHeatmapFigure } from "../../../sim/report/figures/exposure-heatmap.ts";
import type { ExposureSummary } from "../../../sim/exposure/summary.ts";
import { expectSvgSnapshot } from "../report/figures/snapshot.ts";
import { charts, markElements, texts } from "../report/figures/svg-dom.ts";

const f = (estimate: number, lo: number, hi: number) => ({ estimate, lo, hi, resolvable: true });
const none = { estimate: null, lo: null, hi: null, resolvable: false };

function cell(where: string, observer: string, task: string, auc: ReturnType<typeof f> | typeof none) {
  const [vantage, scope] = where.replace("]", "").split("[");
  return { where, vantage, scope: scope ?? null, observer, task, positives: 10, negatives: 10, auc, tprAt: {}, anonymitySet: null, versusUnshaped: null };
}

const summary: ExposureSummary = {
  kind: "chaff-exposure",
  version: 1,
  policy: "constructed",
  purpose: "A constructed policy.",
  experiment: "exposure-constructed",
  seed: 1,
  users: 24,
  durationSeconds: 300,
  anonymitySetDefinition: "",
  verdicts: [],
  arms: ["none", "shaped"].map((defense, k) => ({
    defense,
    device: k ? "constant-rate" : "none",
    server: k ? "constant-rate" : "none",
    cost: { bandwidthOverhead: f(0, 0, 0), latencyP50Ms: f(0, 0, 0), latencyP99Ms: f(0, 0, 0), joulesPerHour: f(1, 1, 1) },
    cells: [
      cell("local[cafe-hotspot]", "service-identification", "service", f(1, 1, 1)),
      cell("local[cafe-hotspot]", "event-matching", "link", f(0.5, 0.48, 0.52)),
      cell("isp", "service-identification", "service", none),
      cell("isp", "event-matching", "link", k ? f(0.62, 0.55, 0.7) : f(0.93, 0.9, 0.96)),
    ],
    strongest: [],
    strongestVersusUnshaped: null,
  })),
};

describe("exposureHeatmapFigure", () => {
  it("matches its snapshot", () => {
    expectSvgSnapshot("exposure-heatmap", exposureHeatmapFigure(summary));
  });

  it("draws one panel per arm, a cell per vantage × observer annotated with its AUC and interval, and says which cannot be resolved", () => {
    const svg = exposureHeatmapFigure(summary);
    const panels = charts(svg);
    expect(panels).toHaveLength(2);
    for (const p of panels) expect(markElements(p, "cell", "rect")).toHaveLength(4);
    const t = texts(svg).join(" ");
    expect(t).toContain("0.93");
    expect(t).toContain("[0.90, 0.96]");
    expect(t).toContain("[0.55, 0.70]");
    expect(t).toContain("resolvable");
    expect(t).toContain("none (none / none)");
    expect(t).toContain("shaped (constant-rate / constant-rate)");
  });
});
