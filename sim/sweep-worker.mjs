// The piscina worker entry for sweeps and tuning. Node 20 cannot load TypeScript, and
// loader hooks registered in the main thread do not reach worker threads, so each worker
// registers tsx itself before importing the TypeScript task module
// (reference/ecosystem.md §3: this is the arrangement that works however the CLI was started).
import { register } from "tsx/esm/api";

register();
const task = await import("./sweep-task.ts");

export default task.default;
