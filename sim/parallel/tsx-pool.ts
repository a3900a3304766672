/**
 * A piscina pool whose workers run a TypeScript task module: every pool in the lab (the
 * defense arms of a run, sweep points, pair-scoring blocks) is one of these, through the
 * single worker entry `tsx-worker.mjs`.
 *
 * @example
 * const pool = tsxPool(new URL("../experiment/arm-task.ts", import.meta.url), 2);
 * await pool.run({ experiment, index: 0 });
 * await pool.destroy();
 */
import { fileURLToPath } from "node:url";
import { Piscina } from "piscina";

export function tsxPool(task: URL, threads: number, opts: { idleTimeout?: number } = {}): Piscina {
  return new Piscina({
    filename: fileURLToPath(new URL("./tsx-worker.mjs", import.meta.url)),
    workerData: { task: task.href },
    minThreads: threads,
    maxThreads: threads,
    ...(opts.idleTimeout !== undefined ? { idleTimeout: opts.idleTimeout } : {}),
  });
}
