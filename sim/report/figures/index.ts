/**
 * The figures and figure data of a run, as files for `writeRun`:
 *
 * - `dataFiles(output)`: `roc.json`, `timeline.json`, `latency.json`, `energy.json` (see
 *   `data.ts`), what the figures and the notebooks read;
 * - `figureFiles(output)`: `figures/<name>.svg` and `figures/<name>.png` for roc, pareto,
 *   over-time (the long-term attacks against observation time, from metrics.json),
 *   timeline, latency-cdf and energy.
 *
 * Every figure is a pure function of `metrics.json` and the data files, so the same run
 * gives byte-identical SVG and PNG, and `chaff report` can redraw a run from disk
 * (`readFigureData` + `renderFigures`).
 *
 * @example
 * const output = await runExperiment(exp);
 * writeRun(out, id, exp, { "metrics.json": prettyJson(output.metrics), ...dataFiles(output), ...figureFiles(output) });
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { RunMetrics } from "../../runs/metrics.ts";
import type { RunOutput } from "../../experiment/run.ts";
import { DATA_FILES, dataJson, figureData, type FigureData, type FigureDataOptions } from "./data.ts";
import { FIGURES, type FigureName } from "./captions.ts";
import { energyFigure } from "./energy.ts";
import { latencyCdfFigure } from "./latency-cdf.ts";
import { overTimeFigure } from "./over-time.ts";
import { paretoFigure } from "./pareto.ts";
import { svgToPng } from "./render.ts";
import { rocFigure } from "./roc.ts";
import { timelineFigure } from "./timeline.ts";

export { FIGURE_CAPTIONS, FIGURE_TITLES, FIGURES, type FigureName } from "./captions.ts";

/** The JSON data files of a run (name → text). */
export function dataFiles(output: RunOutput, opts: FigureDataOptions = {}): Record<string, string> {
  const d = figureData(output, opts);
  return {
    [DATA_FILES.roc]: dataJson(d.roc),
    [DATA_FILES.timeline]: dataJson(d.timeline),
    [DATA_FILES.latency]: dataJson(d.latency),
    [DATA_FILES.energy]: dataJson(d.energy),
  };
}

/** SVG text of every figure the data allows (a missing data part skips its figure). */
export function renderFigures(metrics: RunMetrics, data: Partial<FigureData>): Partial<Record<FigureName, string>> {
  const out: Partial<Record<FigureName, string>> = {};
  if (data.roc) out.roc = rocFigure(data.roc);
  out.pareto = paretoFigure(metrics);
  out["over-time"] = overTimeFigure(metrics);
  if (data.timeline) out.timeline = timelineFigure(data.timeline);
  if (data.latency) out["latency-cdf"] = latencyCdfFigure(data.latency);
  if (data.energy) out.energy = energyFigure(data.energy);
  return out;
}

/** `figures/<name>.svg` and `.png` for every figure of a run. */
export function figureFiles(output: RunOutput, opts: FigureDataOptions = {}): Record<string, string | Uint8Array> {
  // the figures are drawn from the rounded data, exactly as `chaff report` redraws them from disk
  const d = JSON.parse(JSON.stringify(figureData(output, opts))) as FigureData;
  return figureFilesFrom(renderFigures(output.metrics, d));
}

/** Adds a PNG beside each SVG. */
export function figureFilesFrom(svgs: Partial<Record<FigureName, string>>): Record<string, string | Uint8Array> {
  const files: Record<string, string | Uint8Array> = {};
  for (const name of FIGURES) {
    const svg = svgs[name];
    if (svg === undefined) continue;
    files[`figures/${name}.svg`] = svg;
    files[`figures/${name}.png`] = svgToPng(svg);
  }
  return files;
}

/** Reads `metrics.json` and whichever data files a run directory holds. */
export function readFigureData(runDir: string): { metrics: RunMetrics; data: Partial<FigureData>; missing: string[] } {
  const metricsPath = join(runDir, "metrics.json");
  if (!existsSync(metricsPath)) throw new Error(`${runDir}: no metrics.json (expected a run directory written by chaff run)`);
  const metrics = JSON.parse(readFileSync(metricsPath, "utf8")) as RunMetrics;
  const data: Partial<FigureData> = {};
  const missing: string[] = [];
  for (const [key, file] of Object.entries(DATA_FILES) as [keyof FigureData, string][]) {
    const p = join(runDir, file);
    if (existsSync(p)) (data as Record<string, unknown>)[key] = JSON.parse(readFileSync(p, "utf8"));
    else missing.push(file);
  }
  return { metrics, data, missing };
}
