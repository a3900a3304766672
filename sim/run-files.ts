/**
 * The files a run writes, computed from the experiment alone: what `chaff run` stores
 * and what `chaff reproduce` recomputes to check it. Keeping this in one function is what
 * lets a reproduction compare every output byte for byte.
 *
 * @example
 * const { files } = await runFiles(experiment);
 * Object.keys(files) // => ["metrics.json", "report.md"]
 */
import { prettyJson } from "./canonical-json.ts";
import type { Experiment } from "./experiment.ts";
import { reportMarkdown } from "./report.ts";
import { runExperiment, type RunHooks, type RunOutput } from "./run.ts";

export async function runFiles(experiment: Experiment, hooks: RunHooks = {}): Promise<{ result: RunOutput; files: Record<string, string | Uint8Array> }> {
  const result = await runExperiment(experiment, hooks);
  const files: Record<string, string | Uint8Array> = {
    "metrics.json": prettyJson(result.metrics),
    "report.md": reportMarkdown(result.metrics),
  };
  return { result, files };
}
