/**
 * A pool that runs experiments: piscina worker threads for K > 1 (`maxThreads` = K,
 * default all cores), or the calling thread for K = 1. Tasks are queued in the order
 * they are submitted; results come back in completion order.
 *
 * @example
 * const pool = createRunPool(4);
 * const metrics = await pool.run(pointExperiment);
 * await pool.close();
 */
import { tsxPool } from "../parallel/tsx-pool.ts";
import { availableParallelism } from "node:os";
import type { Experiment } from "../experiment/schema.ts";
import type { RunMetrics } from "../runs/metrics.ts";
import runTask from "./task.ts";

export interface RunPool {
  readonly workers: number;
  run(experiment: Experiment): Promise<RunMetrics>;
  close(): Promise<void>;
}

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

export function createRunPool(workers = defaultWorkers()): RunPool {
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers = ${workers}: expected an integer >= 1`);
  if (workers === 1) {
    // One at a time, in submission order, like a pool of one.
    let chain: Promise<unknown> = Promise.resolve();
    return {
      workers,
      run(experiment) {
        const next = chain.then(() => runTask({ experiment }));
        chain = next.catch(() => undefined);
        return next;
      },
      async close() {
        await chain;
      },
    };
  }
  const pool = tsxPool(new URL("./task.ts", import.meta.url), workers, { idleTimeout: 1000 });
  return {
    workers,
    run: (experiment) => pool.run({ experiment }) as Promise<RunMetrics>,
    close: () => pool.destroy(),
  };
}
