// The piscina worker entry for running defense arms in parallel. Loader hooks registered
// in the main thread do not reach worker threads, so the worker registers tsx itself
// before importing the TypeScript task (reference/ecosystem.md §3).
import { register } from "tsx/esm/api";

register();
const task = await import("./arm-task.ts");

export default task.default;
