/**
 * `chaff exposure POLICY [--out DIR] [--size full|ci] [--users N] [--duration S]
 * [--baseline FILE] [--tolerance X] [--write-baseline FILE] [--json] [--quiet]`: runs a
 * network policy over the built-in population (sim/exposure/population.ts) and says, per
 * vantage × observer, what is learned and how confidently, next to the policy's cost.
 *
 * POLICY is a policy file (sim/exposure/policy-file.ts) or the name of a built-in one
 * (sim/exposure/policies/<name>.json: no-protection, encrypted-dns, encrypted-dns-ech,
 * vpn, vpn-shaping, vpn-proxy-shaping). The policy becomes an experiment
 * (policy-experiment.ts) that the normal runner runs, so the run directory (manifest,
 * metrics.json, report, figures) is what `chaff run` writes for that experiment; the
 * exposure files come with it (`exposure.json`, `exposure.md`, the heat map
 * `figures/exposure-heatmap.svg`, and a section in `report.html`).
 *
 * Posture for CI: `--write-baseline FILE` writes the run's exposure.json to FILE;
 * `--baseline FILE` judges the run against it (sim/exposure/posture.ts) and exits 1, with a
 * table naming each vantage × observer whose AUC or TPR rose, when any rose beyond
 * `--tolerance` (absolute; default: interval overlap, paired for the strongest observers
 * when the runs share experiment, seed and size).
 *
 * Bad input (an unknown policy, a bad option, a bad policy file) is one line per problem
 * and exit 2, before anything runs.
 */
import type { Command } from "commander";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { readJsonFile } from "../../core/json-input.ts";
import { InputError, unknownName } from "../../core/validation.ts";
import { CI, FULL, type ExposurePopulation } from "../../exposure/population.ts";
import type { ExposureSummary } from "../../exposure/summary.ts";
import { experimentFrom, parseIntegerOption } from "../load-experiment.ts";

export const POLICIES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "exposure", "policies");

/** The built-in policies' names. */
export function builtinPolicies(): string[] {
  return readdirSync(POLICIES_DIR)
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -5))
    .sort();
}

/** A policy file's path: POLICY itself when it is a file, else the built-in of that name. */
export function policyPath(policy: string): string {
  if (existsSync(policy) && statSync(policy).isFile()) return resolve(policy);
  const names = builtinPolicies();
  if (names.includes(policy)) return join(POLICIES_DIR, `${policy}.json`);
  throw new InputError([`${unknownName("policy", "POLICY", policy, names).replace("unknown policy", "no such file and no built-in policy of that name")}`]);
}

export interface ExposureOptions {
  out?: string;
  size?: string;
  users?: string;
  duration?: string;
  baseline?: string;
  tolerance?: string;
  writeBaseline?: string;
  json?: boolean;
  quiet?: boolean;
  workers?: string;
}

/** The population size from the options (--size, then --users and --duration over it). */
export function populationFrom(opts: ExposureOptions): ExposurePopulation {
  if (opts.size !== undefined && opts.size !== "full" && opts.size !== "ci") throw new InputError([`--size = ${JSON.stringify(opts.size)}: expected full or ci`]);
  const pop = { ...(opts.size === "ci" ? CI : FULL) };
  if (opts.users !== undefined) pop.users = parseIntegerOption("--users", opts.users, 2, 20_000);
  if (opts.duration !== undefined) pop.durationSeconds = parseIntegerOption("--duration", opts.duration, 60, 7 * 24 * 3600);
  return pop;
}

function parseTolerance(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const x = Number(text);
  if (text.trim() === "" || !Number.isFinite(x) || x < 0 || x > 1) throw new InputError([`--tolerance = ${JSON.stringify(text)}: expected a number from 0 to 1 (an allowed absolute rise in AUC or TPR)`]);
  return x;
}

/** Reads a baseline exposure.json; an InputError when it is not one. */
export function loadBaseline(path: string): ExposureSummary {
  const raw = readJsonFile(path, { label: "--baseline" }) as Partial<ExposureSummary> | null;
  // what judgePosture reads without looking: each arm's cells and strongest observers, each with its figures
  const isObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);
  const judged = (x: unknown) => isObject(x) && isObject(x.auc) && isObject(x.tprAt);
  const armOk = (a: unknown) => isObject(a) && typeof a.defense === "string" && Array.isArray(a.cells) && a.cells.every(judged) && Array.isArray(a.strongest) && a.strongest.every((st) => judged(st) && isObject((st as Record<string, unknown>).replicates));
  if (!raw || typeof raw !== "object" || raw.kind !== "chaff-exposure" || !Array.isArray(raw.arms) || !raw.arms.every(armOk)) {
    throw new InputError([`--baseline ${path}: expected an exposure.json written by chaff exposure (kind "chaff-exposure" with an "arms" list, each arm with its cells and strongest observers and their figures)`]);
  }
  return raw as ExposureSummary;
}

export async function exposureCommand(policy: string, opts: ExposureOptions): Promise<void> {
  // every option and both input files are checked before anything runs
  const pop = populationFrom(opts);
  const tolerance = parseTolerance(opts.tolerance);
  // one worker unless asked: an exposure run has one or two arms, and CI runs policies side by side
  const workers = opts.workers === undefined ? 1 : parseIntegerOption("--workers", opts.workers, 1, 9999);
  const file = policyPath(policy);
  const { parsePolicyFile } = await import("../../exposure/policy-file.ts");
  const { policyExperiment } = await import("../../exposure/policy-experiment.ts");
  const p = await parsePolicyFile(readJsonFile(file, { label: "policy file" }), `${file}: `);
  const baseline = opts.baseline !== undefined ? loadBaseline(opts.baseline) : null;
  const experiment = await experimentFrom(await policyExperiment(p, pop));
  const { assertWritableDir, REPO_ROOT, writeFileAtomic } = await import("../../runs/run-dir.ts");
  const out = resolve(opts.out ?? resolve(REPO_ROOT, "results", "runs"));
  assertWritableDir(out, "--out");
  const { runToDir } = await import("../run-to-dir.ts");
  const { judgePosture, postureText } = await import("../../exposure/posture.ts");
  const { exposureText } = await import("../../exposure/table.ts");

  // the normal runner's files: for an exposure experiment they include exposure.json,
  // exposure.md and the heat map (sim/report/html.ts reportFiles), so chaff reproduce agrees
  const { files, dir } = await runToDir(experiment, { out, workers, quiet: Boolean(opts.quiet || opts.json), label: `chaff exposure ${p.name}` });
  const summaryText = files["exposure.json"] as string;
  const summary = JSON.parse(summaryText) as ExposureSummary;
  if (opts.writeBaseline) writeFileAtomic(resolve(opts.writeBaseline), summaryText);

  if (opts.json) process.stdout.write(summaryText);
  else if (opts.quiet) process.stdout.write(`${dir}\n`);
  else process.stdout.write(`${exposureText(summary)}\nwrote ${dir}${opts.writeBaseline ? `\nwrote baseline ${resolve(opts.writeBaseline)}` : ""}\n`);

  if (baseline) {
    const posture = judgePosture(baseline, summary, { tolerance });
    (opts.json ? process.stderr : process.stdout).write(postureText(posture, { policy: p.name, baseline: opts.baseline!, tolerance }));
    if (posture.regressions > 0) process.exitCode = 1;
  }
}

export function register(program: Command): void {
  program
    .command("exposure")
    .description("run a network policy over the built-in population: per vantage × observer what is learned, how confidently, and at what cost")
    .argument("<policy>", `policy file, or a built-in policy: ${existsSync(POLICIES_DIR) ? builtinPolicies().join(", ") : "(none)"}`)
    .option("--out <dir>", "results directory (default results/runs)")
    .option("--size <size>", `population size: full (${FULL.users} users, ${FULL.durationSeconds} s) or ci (${CI.users} users, ${CI.durationSeconds} s: the committed baselines)`)
    .option("--users <n>", "messaging users (overrides --size)")
    .option("--duration <s>", "simulated seconds (overrides --size)")
    .option("--baseline <file>", "judge against this exposure.json; exit 1 when any observer's AUC or TPR rose")
    .option("--tolerance <x>", "allowed absolute rise with --baseline (default: interval overlap; paired for the strongest observers)")
    .option("--write-baseline <file>", "also write the run's exposure.json to this file")
    .option("--workers <k>", "worker threads for the defense arms (default 1; results do not depend on it)")
    .option("--json", "print exposure.json instead of the tables")
    .option("--quiet", "no progress and no table: print only the run directory")
    .action(exposureCommand);
}
