/**
 * Runs a benchmark script in a fresh Node process (so peak memory and JIT state are its
 * own) and parses the last JSON line it prints.
 */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));

export function runChild<T>(script: string, args: string[], extraNodeArgs: string[] = []): T {
  const r = spawnSync(process.execPath, [...extraNodeArgs, "--import", "tsx", join(BENCH_DIR, script), ...args], {
    cwd: join(BENCH_DIR, ".."),
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`${script} ${args.join(" ")} failed (exit ${r.status}):\n${r.stderr}`);
  const lines = r.stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]) as T;
}
