/**
 * The files an exposure run adds to its run directory, all computed from metrics.json
 * and the experiment (for the observers' scopes), so a reproduction recomputes them byte
 * for byte: `exposure.json` (the summary), `exposure.md` (tables and verdicts) and the
 * heat map `figures/exposure-heatmap.svg` and `.png`.
 *
 * An exposure run is an experiment named `exposure-<policy>` with a `policy` block (what
 * policy-experiment.ts builds).
 *
 * @example
 * const { files, summary } = exposureOutputs(metrics, experiment);
 * Object.keys(files) // => ["exposure.json", "exposure.md", "figures/exposure-heatmap.svg", "figures/exposure-heatmap.png"]
 */
import { prettyJson } from "../core/canonical-json.ts";
import type { RunMetrics } from "../runs/metrics.ts";
import { exposureHeatmapFigure } from "../report/figures/exposure-heatmap.ts";
import { svgToPng } from "../report/figures/render.ts";
import { exposureSummary, type ExposureSummary } from "./summary.ts";
import { exposureMarkdown } from "./table.ts";

/** Is this the experiment of an exposure run? */
export function isExposureExperiment(exp: { name: string; policy?: unknown } | undefined): boolean {
  return exp !== undefined && exp.policy !== undefined && exp.name.startsWith("exposure-");
}

export function exposureOutputs(metrics: RunMetrics, exp: { observers: readonly { scope?: string }[] }): { summary: ExposureSummary; svg: string; files: Record<string, string | Uint8Array> } {
  const summary = exposureSummary(metrics, { scopes: exp.observers.map((o) => o.scope) });
  const svg = exposureHeatmapFigure(summary);
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
