/**
 * What an observer needs from a worker pool to score pairs in parallel, and the pool
 * of one it can always fall back on.
 *
 * A task is one `PairTaskInput` (pair-block-task.ts: a run of blocks of one block
 * row, rows and output in shared memory); a pool runs tasks and resolves when the
 * task's scores are in `task.out`. Observers never build threads: the lab injects a
 * `PairPoolFactory` through `ObserverContext.pairPools` (sim/parallel/pair-pool.ts
 * makes worker-thread pools that run pair-block-task.ts), and without one an observer
 * scores in the calling thread with `inlinePairPool()`. Every task is a pure function
 * of the shared rows, so the scores are the same doubles on any pool.
 *
 * @example
 * const pool = ctx.pairPools?.(4) ?? inlinePairPool();
 * try { await linkTaskParallel(labels, rows, { pool, rng }); } finally { await pool.close(); }
 */
import { scoreBlockRun, type PairTaskInput } from "./pair-block-task.ts";

/** K scorers: worker threads, or the calling thread alone. */
export interface PairPool {
  readonly workers: number;
  /** True when tasks run on worker threads, so rows and outputs must sit in shared memory. */
  readonly threads: boolean;
  /** Runs one task; its scores are in `task.out` when the promise resolves (to the cells written). */
  run(task: PairTaskInput): Promise<number>;
  close(): Promise<void>;
}

/** Makes a pool of `workers` scorers; the caller closes it. */
export type PairPoolFactory = (workers: number) => PairPool;

/** The pool of one: tasks run in the calling thread, one after the other. */
export function inlinePairPool(): PairPool {
  return { workers: 1, threads: false, run: async (task) => scoreBlockRun(task), close: async () => undefined };
}
