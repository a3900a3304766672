/**
 * `chaff reproduce RUN_DIR`: re-runs the experiment stored in the run's manifest and
 * verifies the SHA-256 of every output. Exit 1 on a mismatch, naming each differing
 * output and its first differing field. Notes name every source file that changed since
 * the recording. A missing, oversized or malformed manifest (or one whose output names
 * point outside the directory) is bad input: one line per problem, exit 2.
 */
import type { Command } from "commander";
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { InputError } from "../../core/validation.ts";
import { parseWorkers } from "./sweep.ts";
import { progress } from "../progress.ts";

export async function reproduceCommand(dir: string, opts: { workers?: string; quiet?: boolean }): Promise<void> {
  const path = resolve(dir);
  if (!existsSync(path) || !statSync(path).isDirectory()) {
    throw new InputError([`RUN_DIR = ${JSON.stringify(dir)}: not a directory (expected a run directory written by chaff run, or a collected sweep)`]);
  }
  // The manifest is read and checked (size, shape, output names) before any work.
  const { readManifest } = await import("../../runs/run-dir.ts");
  readManifest(path);
  const workers = opts.workers ? await parseWorkers(opts.workers) : 1;
  const { reproduceRun } = await import("../../runs/reproduce.ts");
  const bar = progress(`chaff reproduce`, { quiet: opts.quiet });
  const r = await reproduceRun(path, { workers, onProgress: (f) => bar.update(f) });
  bar.stop();
  for (const n of r.notes) process.stderr.write(`note: ${n}\n`);
  for (const name of r.verified) if (!opts.quiet) process.stdout.write(`ok   ${name}\n`);
  for (const p of r.problems) process.stdout.write(`FAIL ${p}\n`);
  if (!r.ok) {
    process.stderr.write(`error: ${r.problems.length} output(s) of ${path} did not reproduce\n`);
    process.exitCode = 1;
  } else if (!opts.quiet) {
    process.stdout.write(`reproduced: all ${r.verified.length} outputs match their recorded SHA-256\n`);
  }
}

export function register(program: Command): void {
  program
    .command("reproduce")
    .description("re-run a run directory's manifest and verify the SHA-256 of every output")
    .argument("<run-dir>", "a directory written by chaff run (or a collected sweep)")
    .option("--workers <k>", "worker threads when re-running a sweep (default 1)")
    .option("--quiet", "print only problems")
    .action(reproduceCommand);
}
