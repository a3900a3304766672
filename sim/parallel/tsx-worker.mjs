// The one piscina worker entry of the lab. Node 20 cannot load TypeScript, and loader
// hooks registered in the main thread do not reach worker threads, so each worker
// registers tsx itself, then imports the TypeScript task module its pool names in
// `workerData.task` (a file URL) and serves that module's default export
// (reference/ecosystem.md §3: this works however the CLI was started).
import { workerData } from "piscina";
import { register } from "tsx/esm/api";

register();
const task = await import(workerData.task);

export default task.default;
