/**
 * `npm run fuzz [-- --cases N] [--seed S] [--only NAME,…]`: runs every fuzzer in
 * `bench/fuzz/` (each `*.ts` file except this one and helpers starting with `_`), one
 * after another, each as its own process with `--cases N` (default 100,000) and
 * `--seed S` (default 1), and prints one line per fuzzer and a table. Exit 1 when any
 * fuzzer found an exception other than its parser's own validation error (or crashed).
 *
 * A fuzzer is a script that takes `--cases N [--seed S]`, prints a summary line and
 * exits 0 when every case was accepted or rejected cleanly (see `_harness.ts`).
 */
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const DIR = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(DIR, "..", "..");

/** The fuzzer scripts, sorted by name. */
export function fuzzers(dir = DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts") && f !== "run.ts" && !f.startsWith("_"))
    .sort()
    .map((f) => join(dir, f));
}

export interface FuzzerRun {
  name: string;
  code: number | null;
  seconds: number;
  summary: string;
  output: string;
}

export function runFuzzer(script: string, cases: number, seed: number): Promise<FuzzerRun> {
  const t0 = performance.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, ["--import", "tsx", script, "--cases", String(cases), "--seed", String(seed)], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("close", (code) => {
      const lines = output.trim().split("\n").filter(Boolean);
      const summary = lines.find((l) => /fuzz:/.test(l)) ?? lines[lines.length - 1] ?? "(no output)";
      done({ name: basename(script, ".ts"), code, seconds: (performance.now() - t0) / 1000, summary, output });
    });
  });
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const arg = (name: string, def: string) => {
    const i = argv.indexOf(name);
    return i < 0 ? def : (argv[i + 1] ?? "");
  };
  const casesText = arg("--cases", "100000");
  const seedText = arg("--seed", "1");
  for (const [flag, text] of [["--cases", casesText], ["--seed", seedText]]) {
    if (!/^[1-9][0-9]{0,9}$/.test(text)) {
      process.stderr.write(`error: ${flag} = ${JSON.stringify(text)}: expected a positive decimal integer\n`);
      process.exit(2);
    }
  }
  const only = arg("--only", "");
  const wanted = only ? new Set(only.split(",")) : null;
  const scripts = fuzzers().filter((s) => !wanted || wanted.has(basename(s, ".ts")));
  if (scripts.length === 0) {
    process.stderr.write(`error: no fuzzer matches --only ${JSON.stringify(only)} (have ${fuzzers().map((s) => basename(s, ".ts")).join(", ")})\n`);
    process.exit(2);
  }
  const runs: FuzzerRun[] = [];
  for (const s of scripts) {
    process.stdout.write(`${basename(s, ".ts")}: ${casesText} cases…\n`);
    const r = await runFuzzer(s, Number(casesText), Number(seedText));
    runs.push(r);
    process.stdout.write(`  ${r.summary} [exit ${r.code}, ${r.seconds.toFixed(1)} s]\n`);
    if (r.code !== 0) process.stdout.write(`${r.output.trim().split("\n").map((l) => `    ${l}`).join("\n")}\n`);
  }
  const failed = runs.filter((r) => r.code !== 0);
  process.stdout.write(`\n| fuzzer | cases | result | seconds |\n|---|---:|---|---:|\n`);
  for (const r of runs) process.stdout.write(`| ${r.name} | ${casesText} | ${r.code === 0 ? "none crashed" : `FAILED (exit ${r.code})`} | ${r.seconds.toFixed(1)} |\n`);
  if (failed.length > 0) {
    process.stdout.write(`\n${failed.length} fuzzer(s) failed: ${failed.map((r) => r.name).join(", ")}\n`);
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
