/**
 * Runs a parsed experiment with a progress bar and writes its run directory: what
 * `chaff run` and `chaff exposure` both do between checking their input and printing
 * their answer. The bar shows arm progress on one thread, finished arms on workers.
 *
 * @example
 * const { result, files, timings, dir } = await runToDir(experiment, { out, workers: 2, quiet: false, label: "chaff run default" });
 */
import type { Experiment } from "../experiment/schema.ts";
import { runFiles } from "../runs/outputs.ts";
import { runId, writeRun } from "../runs/run-dir.ts";
import { progress } from "./progress.ts";

/** Runs the experiment's files with the progress bar (what `chaff baseline` needs: the files, no run directory). */
export async function runWithProgress(experiment: Experiment, opts: { workers: number; quiet?: boolean; label: string }) {
  const bar = progress(opts.label, { quiet: opts.quiet });
  const arms = experiment.defenses.length;
  const run = await runFiles(experiment, {
    workers: opts.workers,
    onProgress: opts.workers > 1 ? undefined : (arm, f) => bar.update((arm + f) / arms, experiment.defenses[arm].name),
    onArmDone: (done, total) => bar.update(done / total, `${done}/${total} defenses`),
  });
  bar.stop();
  return run;
}

export async function runToDir(experiment: Experiment, opts: { out: string; workers: number; quiet: boolean; label: string }) {
  const run = await runWithProgress(experiment, opts);
  const dir = writeRun(opts.out, runId(experiment.name, experiment.seed, experiment), experiment, run.files, undefined, run.timings);
  return { ...run, dir };
}
