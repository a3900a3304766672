/**
 * `chaff run [experiment.json] [--seed N] [--out DIR] [--timings]`: runs an experiment
 * (the built-in default without a file), writes `<out>/<id>/` and prints the
 * privacy/cost table. The run's wall and CPU time per phase go into its manifest
 * (`timings`, never into a hashed output); `--timings` also prints them (to stderr with
 * `--quiet`, so stdout stays the run directory alone).
 *
 * Everything that can be refused is refused before the simulation starts, one line per
 * problem and exit 2: the options (`--seed` and `--workers` are plain decimal integers),
 * the experiment file (see `load-experiment.ts`, feasibility included) and `--out`
 * (a directory that can be written, not a file, a read-only directory or `/proc`).
 * What checks the input is loaded first; the simulation and figure code only once the
 * input passed (so a refused run, `--help` or `--version` never loads it).
 */
import type { Command } from "commander";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { formatTimings } from "../../core/phase-timer.ts";
import type { RunTimings } from "../../runs/run-dir.ts";
import { loadExperiment, parseIntegerOption } from "../load-experiment.ts";

export interface RunOptions {
  seed?: string;
  out?: string;
  quiet?: boolean;
  workers?: string;
  timings?: boolean;
}

/** The `--timings` table: per phase, then the run in all. */
export function timingsText(t: RunTimings): string {
  const all = `${"run".padEnd(10)} ${t.wallSeconds.toFixed(2).padStart(8)} ${t.cpuSeconds.toFixed(2).padStart(8)}`;
  return `${formatTimings(t.phases)}\n${all}  (${t.workers} worker${t.workers === 1 ? "" : "s"}; CPU is the process's, every thread; phases on several threads add up)\n`;
}

export async function runCommand(file: string | undefined, opts: RunOptions): Promise<void> {
  const workers = opts.workers === undefined ? availableParallelism() : parseIntegerOption("--workers", opts.workers, 1, 9999);
  const { experiment } = await loadExperiment(file, { seed: opts.seed });
  const { assertWritableDir, REPO_ROOT } = await import("../../runs/run-dir.ts");
  const out = resolve(opts.out ?? resolve(REPO_ROOT, "results", "runs"));
  assertWritableDir(out, "--out");
  const { runToDir } = await import("../run-to-dir.ts");
  const { summaryTable, textTable, findings } = await import("../../report/text.ts");
  const { result, timings, dir } = await runToDir(experiment, { out, workers, quiet: opts.quiet ?? false, label: `chaff run ${experiment.name}` });
  if (!opts.quiet) {
    process.stdout.write(`\n${experiment.name}: ${result.metrics.users} users, ${experiment.durationSeconds} s simulated, seed ${experiment.seed}\n\n`);
    process.stdout.write(`${textTable(summaryTable(result.metrics))}\n\n`);
    for (const f of findings(result.metrics)) process.stdout.write(`- ${f.replace(/`/g, "")}\n`);
    if (result.metrics.notes?.length) process.stdout.write(`\nWhat this run cannot say:\n${result.metrics.notes.map((n) => `- ${n}\n`).join("")}`);
    if (opts.timings) process.stdout.write(`\n${timingsText(timings)}`);
    process.stdout.write(`\nwrote ${dir}\n`);
  } else {
    if (opts.timings) process.stderr.write(timingsText(timings));
    process.stdout.write(`${dir}\n`);
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
    .option("--quiet", "no progress and no table: print only the run directory")
    .option("--timings", "print wall and CPU seconds per phase (always recorded in the manifest)")
    .action(runCommand);
}
