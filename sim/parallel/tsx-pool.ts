/**
 * A piscina pool whose workers run a TypeScript task module: every pool in the lab (the
 * defense arms of a run, sweep points, pair-scoring blocks) is one of these, through the
 * single worker entry `tsx-worker.mjs`.
 *
 * With `timedPhase`, each task runs as a span of that phase of a phase timer active on
 * its worker thread (`sim/core/phase-timer.ts`), and the pool's `run` resolves to
 * `{ result, timings }` (a `TimedReply`) for the caller to merge into its own timer.
 *
 * @example
 * const pool = tsxPool(new URL("../experiment/arm-task.ts", import.meta.url), 2);
 * await pool.run({ experiment, index: 0 });
 * await pool.destroy();
 */
import { fileURLToPath } from "node:url";
import { Piscina } from "piscina";
import type { Phase, PhaseTimings } from "../core/phase-timer.ts";

export interface TsxPoolOptions {
  idleTimeout?: number;
  /** Time each task on its worker as a span of this phase and reply `{ result, timings }`. */
  timedPhase?: Phase;
}

/** What a task of a `timedPhase` pool resolves to. */
export interface TimedReply<T> {
  result: T;
  timings: PhaseTimings;
}

export function tsxPool(task: URL, threads: number, opts: TsxPoolOptions = {}): Piscina {
  return new Piscina({
    filename: fileURLToPath(new URL("./tsx-worker.mjs", import.meta.url)),
    workerData: { task: task.href, ...(opts.timedPhase ? { timedPhase: opts.timedPhase } : {}) },
    minThreads: threads,
    maxThreads: threads,
    ...(opts.idleTimeout !== undefined ? { idleTimeout: opts.idleTimeout } : {}),
  });
}
