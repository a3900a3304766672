/**
 * The lab's pair-scoring pools: worker threads that run the observers' unit of pair
 * work (observers/pair-block-task.ts), behind the observers' `PairPool` interface.
 * Observers never build threads; the runner passes `createPairPool` to them as
 * `ObserverContext.pairPools`, and an observer asks it for a pool of the size its
 * parameters name.
 *
 * K = 1 scores in the calling thread unless `threads` asks for one worker thread (to
 * test the worker path). Worker start-up (each registers tsx) takes a fraction of a
 * second; reuse one pool across calls, and close it when done.
 *
 * @example
 * const pool = createPairPool(2);
 * const scores = await linkTaskParallel(labels, rows, { pool, rng });
 * await pool.close();
 */
import { availableParallelism } from "node:os";
import { PAIR_BLOCK_TASK } from "../../observers/pair-block-task.ts";
import { inlinePairPool, type PairPool } from "../../observers/pair-pool.ts";
import { tsxPool } from "./tsx-pool.ts";

/** One scorer per core. */
export function defaultPairWorkers(): number {
  return Math.max(1, availableParallelism());
}

export function createPairPool(workers: number = defaultPairWorkers(), opts: { readonly threads?: boolean } = {}): PairPool {
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`pair pool: workers = ${workers}, expected an integer >= 1`);
  if (workers === 1 && !opts.threads) return inlinePairPool();
  const pool = tsxPool(PAIR_BLOCK_TASK, workers, { idleTimeout: 1000 });
  return {
    workers,
    threads: true,
    run: (task) => pool.run(task) as Promise<number>,
    close: () => pool.destroy(),
  };
}
