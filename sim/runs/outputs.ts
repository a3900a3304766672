/**
 * The files a run writes, computed from the experiment alone: what `chaff run` stores
 * and what `chaff reproduce` recomputes to check it. Keeping this in one function is what
 * lets a reproduction compare every output byte for byte.
 *
 * It also times the run (`timings`: wall and CPU seconds in all and per phase, the
 * figures and the text reports included) for the manifest and `chaff run --timings`;
 * timings go into no output file.
 *
 * @example
 * const { files, timings } = await runFiles(experiment);
 * Object.keys(files) // => ["metrics.json", "report.md", "roc.json", …, "figures/roc.svg", …, "report.html"]
 * timings.phases.simulate // => { wallSeconds: 12.1, cpuSeconds: 11.8, spans: 8 }
 */
import { prettyJson } from "../core/canonical-json.ts";
import { PhaseTimer } from "../core/phase-timer.ts";
import type { Experiment } from "../experiment/schema.ts";
import { reportMarkdown } from "../report/text.ts";
import { reportFiles } from "../report/html.ts";
import { experimentHash, runId, type RunTimings } from "./run-dir.ts";
import { runExperiment, type RunHooks, type RunOutput } from "../experiment/run.ts";

function processCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

export async function runFiles(experiment: Experiment, hooks: RunHooks = {}): Promise<{ result: RunOutput; files: Record<string, string | Uint8Array>; timings: RunTimings }> {
  const wall0 = performance.now();
  const cpu0 = processCpuSeconds();
  const timer = hooks.timer ?? new PhaseTimer();
  const result = await runExperiment(experiment, { ...hooks, timer });
  // report.html carries only provenance that follows from the experiment itself (not the
  // machine, Node version or code revision), so a reproduction elsewhere hashes the same.
  const provenance = { id: runId(experiment.name, experiment.seed, experiment), experimentHash: experimentHash(experiment) };
  const metrics = timer.time("report", () => prettyJson(result.metrics));
  const markdown = timer.time("report", () => reportMarkdown(result.metrics));
  // The figures, their data and report.html (which embeds them) in one span.
  const rendered = timer.time("figures", () => reportFiles(result, provenance));
  const files: Record<string, string | Uint8Array> = { "metrics.json": metrics, "report.md": markdown, ...rendered };
  const timings: RunTimings = {
    wallSeconds: (performance.now() - wall0) / 1e3,
    cpuSeconds: processCpuSeconds() - cpu0,
    workers: experiment.recorded ? 1 : Math.max(1, Math.min(hooks.workers ?? 1, experiment.defenses.length)),
    phases: timer.toJSON(),
  };
  return { result, files, timings };
}
