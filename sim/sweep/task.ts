/**
 * The task a sweep or tuning worker runs: one complete experiment in, its metrics out.
 * Runs in a piscina worker thread (through `tsx-worker.mjs`) or in-process; either way
 * the result depends on the experiment alone, which is what makes sweep rows identical
 * whatever the worker count.
 *
 * @example
 * const metrics = await runTask({ experiment }); // the same RunMetrics `chaff run` writes
 */
import type { Experiment } from "../experiment/schema.ts";
import { runExperiment } from "../experiment/run.ts";
import { type RunMetrics } from "../runs/metrics.ts";

export interface RunTask {
  experiment: Experiment;
}

export default async function runTask(task: RunTask): Promise<RunMetrics> {
  const { metrics } = await runExperiment(task.experiment);
  return metrics;
}
