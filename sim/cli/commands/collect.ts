/**
 * `chaff collect DIR`: checks that the shards of a sweep hold every point exactly once
 * and merges them into `rows.collected.jsonl` (sorted by point id), `rows.parquet` and
 * `summary.json`. Exit 1, one line per problem, when a point is missing, duplicated or
 * belongs to another experiment (named); exit 2 when DIR is not a sweep directory or its
 * sweep.json is malformed.
 */
import type { Command } from "commander";
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { InputError } from "../../core/validation.ts";
import { formatSummary, summarizeDirectory } from "./summary.ts";

export async function collectCommand(dir: string, opts: { quiet?: boolean }): Promise<void> {
  const path = resolve(dir);
  if (!existsSync(path) || !statSync(path).isDirectory()) {
    throw new InputError([`DIR = ${JSON.stringify(dir)}: not a directory (expected the --out of chaff sweep)`]);
  }
  const { CollectError, collectSweep } = await import("../../sweep/collect.ts");
  try {
    const r = await collectSweep(path);
    if (!opts.quiet) {
      process.stdout.write(`${r.points} points complete across ${r.files.map((f) => `${f.name} (${f.rows})`).join(", ")}\n`);
      process.stdout.write(`wrote ${resolve(path, "rows.collected.jsonl")}, rows.parquet, summary.json, manifest.json\n`);
      process.stdout.write(`\n${formatSummary(await summarizeDirectory(path), "md")}\n`);
    }
  } catch (e) {
    if (!(e instanceof CollectError)) throw e;
    for (const p of e.problems) process.stderr.write(`error: ${p}\n`);
    process.exitCode = 1;
  }
}

export function register(program: Command): void {
  program
    .command("collect")
    .description("check a sweep directory for completeness and merge its shards into Parquet and summary.json")
    .argument("<dir>", "sweep directory (the --out of chaff sweep)")
    .option("--quiet", "print only problems")
    .action(collectCommand);
}
