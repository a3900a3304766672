// `node --import ./record-imports.mjs …` with CHAFF_IMPORT_LOG=FILE: writes to FILE every
// module the process loads, one per line, for test/architecture/lazy-imports.test.ts:
// what the ES module loader loads (record-imports-hooks.mjs, registered before tsx, so it
// sees every module tsx hands on) and, at exit, every CommonJS file in require's cache
// (what `require`/`createRequire` loaded, which the loader hooks of Node 20 do not see).
import { appendFileSync } from "node:fs";
import { createRequire, register } from "node:module";

const log = process.env.CHAFF_IMPORT_LOG;
if (!log) throw new Error("record-imports.mjs: set CHAFF_IMPORT_LOG to the file to write");
register("./record-imports-hooks.mjs", import.meta.url, { data: { log } });
const cache = createRequire(import.meta.url).cache;
process.on("exit", () => appendFileSync(log, Object.keys(cache).map((path) => `${path}\n`).join("")));
