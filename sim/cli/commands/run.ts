/**
 * `chaff run [experiment.json] [--seed N] [--out DIR]`: runs an experiment (the built-in
 * default without a file), writes `<out>/<id>/` and prints the privacy/cost table.
 */
import type { Command } from "commander";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { InputError } from "../../core/validation.ts";
import { summaryTable, textTable, findings } from "../../report/text.ts";
import { REPO_ROOT, runId, writeRun } from "../../runs/run-dir.ts";
import { runFiles } from "../../runs/outputs.ts";
import { loadExperiment } from "../load-experiment.ts";
import { progress } from "../progress.ts";

export interface RunOptions {
  seed?: string;
  out?: string;
  quiet?: boolean;
  workers?: string;
}

export async function runCommand(file: string | undefined, opts: RunOptions): Promise<void> {
  const { experiment } = await loadExperiment(file, { seed: opts.seed });
  const out = resolve(opts.out ?? resolve(REPO_ROOT, "results", "runs"));
  const bar = progress(`chaff run ${experiment.name}`, { quiet: opts.quiet });
  const arms = experiment.defenses.length;
  const workers = opts.workers === undefined ? availableParallelism() : Number(opts.workers);
  if (!Number.isInteger(workers) || workers < 1) throw new InputError([`--workers = ${JSON.stringify(opts.workers)}: expected an integer >= 1`]);
  const { result, files } = await runFiles(experiment, {
    workers,
    onProgress: workers > 1 ? undefined : (arm, f) => bar.update((arm + f) / arms, experiment.defenses[arm].name),
    onArmDone: (done, total) => bar.update(done / total, `${done}/${total} defenses`),
  });
  bar.stop();
  const id = runId(experiment.name, experiment.seed, experiment);
  const dir = writeRun(out, id, experiment, files);
  if (!opts.quiet) {
    process.stdout.write(`\n${experiment.name}: ${result.metrics.users} users, ${experiment.durationSeconds} s simulated, seed ${experiment.seed}\n\n`);
    process.stdout.write(`${textTable(summaryTable(result.metrics))}\n\n`);
    for (const f of findings(result.metrics)) process.stdout.write(`- ${f.replace(/`/g, "")}\n`);
    process.stdout.write(`\nwrote ${dir}\n`);
  }
}

export function register(program: Command): void {
  program
    .command("run")
    .description("run an experiment (the built-in default without a file) and write results")
    .argument("[experiment]", "experiment JSON file")
    .option("--seed <n>", "override the experiment's seed")
    .option("--out <dir>", "results directory (default results/runs)")
    .option("--workers <k>", "worker threads for the defense arms (default: all cores; results do not depend on it)")
    .option("--quiet", "no progress and no table")
    .action(runCommand);
}
