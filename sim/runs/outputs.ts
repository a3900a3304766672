/**
 * The files a run writes, computed from the experiment alone: what `chaff run` stores
 * and what `chaff reproduce` recomputes to check it. Keeping this in one function is what
 * lets a reproduction compare every output byte for byte.
 *
 * @example
 * const { files } = await runFiles(experiment);
 * Object.keys(files) // => ["metrics.json", "report.md", "roc.json", …, "figures/roc.svg", …, "report.html"]
 */
import { prettyJson } from "../core/canonical-json.ts";
import type { Experiment } from "../experiment/schema.ts";
import { reportMarkdown } from "../report/text.ts";
import { reportFiles } from "../report/html.ts";
import { experimentHash, runId } from "./run-dir.ts";
import { runExperiment, type RunHooks, type RunOutput } from "../experiment/run.ts";

export async function runFiles(experiment: Experiment, hooks: RunHooks = {}): Promise<{ result: RunOutput; files: Record<string, string | Uint8Array> }> {
  const result = await runExperiment(experiment, hooks);
  // report.html carries only provenance that follows from the experiment itself (not the
  // machine, Node version or code revision), so a reproduction elsewhere hashes the same.
  const provenance = { id: runId(experiment.name, experiment.seed, experiment), experimentHash: experimentHash(experiment) };
  const files: Record<string, string | Uint8Array> = {
    "metrics.json": prettyJson(result.metrics),
    "report.md": reportMarkdown(result.metrics),
    ...reportFiles(result, provenance),
  };
  return { result, files };
}
