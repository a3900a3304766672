// The one piscina worker entry of the lab. Node 20 cannot load TypeScript, and loader
// hooks registered in the main thread do not reach worker threads, so each worker
// registers tsx itself, then imports the TypeScript task module its pool names in
// `workerData.task` (a file URL) and serves that module's default export
// (reference/ecosystem.md §3: this works however the CLI was started).
//
// A pool made with `timedPhase` (see tsx-pool.ts) times each task on this thread as a
// span of that phase, with a phase timer active for the task (so spans the task's code
// marks with `timed` are carved out of it), and replies `{ result, timings }`.
import { workerData } from "piscina";
import { register } from "tsx/esm/api";

register();
const task = await import(workerData.task);
const phase = workerData.timedPhase;
const timing = phase ? await import(new URL("../core/phase-timer.ts", import.meta.url).href) : null;

async function timedTask(payload) {
  const timer = new timing.PhaseTimer();
  const result = await timing.withActiveTimer(timer, () => timer.timeAsync(phase, async () => task.default(payload)));
  return { result, timings: timer.toJSON() };
}

export default phase ? timedTask : task.default;
