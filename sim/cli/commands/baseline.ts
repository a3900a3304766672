/**
 * `chaff baseline [experiment] [--out FILE] [--workers K]`: runs an experiment (the
 * built-in default without a file) and writes its metrics.json, byte for byte what `chaff
 * run` writes, as the committed baseline `chaff compare` gates on (default
 * `results/baselines/<name>.json`).
 */
import type { Command } from "commander";
import { resolve } from "node:path";
import { loadExperiment } from "../load-experiment.ts";
import { parseWorkers } from "./sweep.ts";

export async function baselineCommand(file: string | undefined, opts: { out?: string; workers?: string; quiet?: boolean }): Promise<void> {
  const workers = await parseWorkers(opts.workers);
  const { experiment } = await loadExperiment(file);
  const { REPO_ROOT, writeFileAtomic } = await import("../../runs/run-dir.ts");
  const { runWithProgress } = await import("../run-to-dir.ts");
  const out = resolve(opts.out ?? resolve(REPO_ROOT, "results", "baselines", `${experiment.name}.json`));
  const { files } = await runWithProgress(experiment, { workers, quiet: opts.quiet, label: `chaff baseline ${experiment.name}` });
  writeFileAtomic(out, files["metrics.json"]);
  if (!opts.quiet) process.stderr.write(`wrote ${out}\n`);
}

export function register(program: Command): void {
  program
    .command("baseline")
    .description("run an experiment and write its metrics.json as the baseline chaff compare gates on")
    .argument("[experiment]", "experiment JSON file (default: the built-in default)")
    .option("--out <file>", "baseline file (default results/baselines/<name>.json)")
    .option("--workers <k>", "worker threads for the defense arms (default: all cores; results do not depend on it)")
    .option("--quiet", "no progress")
    .action(baselineCommand);
}
