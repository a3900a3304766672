// The piscina worker entry for all-pairs scoring (pairwise-pool.ts). Loader hooks
// registered in the main thread do not reach worker threads, so the worker registers
// tsx itself before importing the TypeScript task (as sim/arm-worker.mjs does).
import { register } from "tsx/esm/api";

register();
const task = await import("./pairwise-task.ts");

export default task.default;
