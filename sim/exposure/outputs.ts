/**
 * The files an exposure run adds to its run directory, all computed from metrics.json
 * alone (the runner records each observer's scope there), so `chaff run`, `chaff
 * exposure`, `chaff report` and `chaff reproduce` compute the same bytes:
 * `exposure.json` (the summary), `exposure.md` (tables and verdicts) and the heat map
 * `figures/exposure-heatmap.svg` and `.png`.
 *
 * An exposure run is a run of an experiment named `exposure-<policy>` (what
 * policy-experiment.ts builds).
 *
 * @example
 * const { files, summary } = exposureOutputs(metrics);
 * Object.keys(files) // => ["exposure.json", "exposure.md", "figures/exposure-heatmap.svg", "figures/exposure-heatmap.png"]
 */
import { prettyJson } from "../core/canonical-json.ts";
import type { RunMetrics } from "../runs/metrics.ts";
import { exposureHeatmapFigure } from "../report/figures/exposure-heatmap.ts";
import { svgToPng } from "../report/figures/render.ts";
import { exposureSummary, type ExposureSummary } from "./summary.ts";
import { exposureMarkdown } from "./table.ts";

/** Is this the run of an exposure experiment (named `exposure-<policy>`)? */
export function isExposureRun(metrics: Pick<RunMetrics, "experiment">): boolean {
  return metrics.experiment.startsWith("exposure-");
}

/** The summary and the heat map of an exposure run (what report.html shows). */
export function exposureView(metrics: RunMetrics): { summary: ExposureSummary; svg: string } {
  const summary = exposureSummary(metrics);
  return { summary, svg: exposureHeatmapFigure(summary) };
}

export function exposureOutputs(metrics: RunMetrics): { summary: ExposureSummary; svg: string; files: Record<string, string | Uint8Array> } {
  const { summary, svg } = exposureView(metrics);
  return {
    summary,
    svg,
    files: {
      "exposure.json": prettyJson(summary),
      "exposure.md": exposureMarkdown(summary),
      "figures/exposure-heatmap.svg": svg,
      "figures/exposure-heatmap.png": svgToPng(svg),
    },
  };
}
