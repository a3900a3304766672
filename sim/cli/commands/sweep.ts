/**
 * `chaff sweep exp.json [--out DIR] [--workers K] [--shard i/N|auto/N]`: runs every point
 * of the experiment's `sweep` section (or this shard's share) on a worker pool, appending
 * one row per point to the shard's rows file; a killed sweep started again resumes.
 * Merge shards with `chaff collect DIR`.
 */
import type { Command } from "commander";
import { resolve } from "node:path";
import { formatSummary, summarizeDirectory } from "./summary.ts";
import { InputError } from "../../core/validation.ts";
import { formatShard, parseShard } from "../../sweep/shard.ts";
import { loadExperiment, parseIntegerOption } from "../load-experiment.ts";
import { progress } from "../progress.ts";

export interface SweepOptions {
  out?: string;
  workers?: string;
  shard?: string;
  quiet?: boolean;
}

/** A `--workers` option: an integer from 1 to 9999, or the sweep pool's default (every core) without one. */
export async function parseWorkers(text: string | undefined): Promise<number> {
  if (text === undefined) return (await import("../../sweep/pool.ts")).defaultWorkers();
  return parseIntegerOption("--workers", text, 1, 9999);
}

export async function sweepCommand(file: string, opts: SweepOptions): Promise<void> {
  const workers = await parseWorkers(opts.workers);
  const shard = parseShard(opts.shard ?? "0/1");
  const { experiment } = await loadExperiment(file);
  const { assertWritableDir, experimentHash, REPO_ROOT } = await import("../../runs/run-dir.ts");
  const out = resolve(opts.out ?? resolve(REPO_ROOT, "results", "runs", `${experiment.name}-sweep-${experimentHash(experiment).slice(0, 10)}`));
  assertWritableDir(out, "--out");
  const { runSweep } = await import("../../sweep/runner.ts");
  const log = (s: string) => {
    if (!opts.quiet) process.stderr.write(`${s}\n`);
  };
  const bar = progress(`chaff sweep ${experiment.name} ${formatShard(shard)}`, { quiet: opts.quiet, delayMs: 0 });
  let result;
  try {
    result = await runSweep({
      experiment,
      out,
      shard,
      workers,
      onStart: (s) => {
        if (s.droppedBytes > 0) log(`dropped a torn last row (${s.droppedBytes} bytes) from ${s.rowsFile}; that point runs again`);
        log(`${experiment.name}: ${s.total} points; shard ${formatShard(shard)} has ${s.shardPoints}, ${s.done} already done, ${s.todo} to run on ${s.workers} worker(s)`);
        bar.update(s.shardPoints ? s.done / s.shardPoints : 1, `${s.done}/${s.shardPoints} points`);
      },
      onPoint: (done, n) => bar.update(done / n, `${done}/${n} points`),
    });
  } catch (e) {
    bar.stop();
    if (e instanceof InputError) throw e;
    process.stderr.write(`error: ${(e as Error).message}\n`);
    process.exitCode = 1;
    return;
  }
  bar.stop();
  log(`wrote ${result.rowsFile} (${result.ran} new row(s)); merge shards with: chaff collect ${out}`);
  if (!opts.quiet) process.stdout.write(`${formatSummary(await summarizeDirectory(out), "md")}\n`);
}

export function register(program: Command): void {
  program
    .command("sweep")
    .description("run every point of an experiment's sweep (or one shard) on all cores; resumable")
    .argument("<experiment>", "experiment JSON file with a sweep section")
    .option("--out <dir>", "sweep directory (default results/runs/<name>-sweep-<hash>)")
    .option("--workers <k>", "worker threads (default: all cores)")
    .option("--shard <i/N>", "run only points with index ≡ i (mod N); auto/N reads JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID", "0/1")
    .option("--quiet", "no progress output")
    .action(sweepCommand);
}
