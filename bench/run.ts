/**
 * `npm run bench`: runs every `bench/*.bench.ts` in turn, each in its own process, and
 * prints their reports. Benchmarks are never part of `npm test`: the machines are shared
 * and noisy, so figures are medians and ratios measured within one run.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { BENCH_DIR } from "./child.ts";

const only = process.argv.slice(2);
const files = readdirSync(BENCH_DIR)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();
let failed = 0;
for (const f of files) {
  console.log(`\n== ${f}`);
  const r = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", join(BENCH_DIR, f)], { stdio: "inherit", cwd: join(BENCH_DIR, "..") });
  if (r.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
