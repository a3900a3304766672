/**
 * `chaff tune exp.json --target 'tpr@1e-3<=0.05' --minimize energy|bandwidth|latency
 * [--out DIR] [--write FILE] [--workers K]`: searches the parameters declared in the
 * experiment's `tune` section (successive halving over a quasi-random design, see
 * `sim/sweep/tune.ts`), prints the Pareto front of privacy against cost, names the cheapest
 * configuration meeting the target and writes it as a ready-to-run experiment file, and,
 * when the defense compiles to Maybenot machines, its machine strings beside its figures.
 * Each target and cost gets a folder of its own inside `--out` (default
 * `results/runs/<name>-tune-<hash>/`), named by `targetFolder` (e.g.
 * `auc-le-0.6-min-bandwidth/`), so a second search for another target never overwrites
 * the first one's report. Exit 1 when no configuration meets the target.
 */
import type { Command } from "commander";
import { join, resolve } from "node:path";
import { prettyJson } from "../../core/canonical-json.ts";
import { InputError } from "../../core/validation.ts";
import { COST_METRICS, type CostName } from "../../runs/metric-rows.ts";
import type { TuneResult } from "../../sweep/tune.ts";
import { MachineError } from "../../../shapers/maybenot/error.ts";
import { loadExperiment } from "../load-experiment.ts";
import { progress } from "../progress.ts";
import { parseWorkers } from "./sweep.ts";

export interface TuneCommandOptions {
  target: string;
  minimize: string;
  out?: string;
  write?: string;
  workers?: string;
  quiet?: boolean;
}

export async function tuneCommand(file: string, opts: TuneCommandOptions): Promise<void> {
  const { parseTarget } = await import("../../sweep/target.ts");
  let target;
  try {
    target = parseTarget(opts.target);
  } catch (e) {
    throw new InputError([(e as Error).message]);
  }
  if (!(opts.minimize in COST_METRICS)) {
    throw new InputError([`--minimize = ${JSON.stringify(opts.minimize)}: expected one of ${Object.keys(COST_METRICS).join(", ")}`]);
  }
  const workers = await parseWorkers(opts.workers);
  const { experiment } = await loadExperiment(file);
  if (!experiment.tune) throw new InputError([`tune = missing: expected ${file} to have a tune section (a defense and its tunable parameter ranges)`]);
  const { experimentHash, REPO_ROOT, writeFileAtomic } = await import("../../runs/run-dir.ts");
  const { targetFolder, tune, tunedExperimentFile, tuneReport } = await import("../../sweep/tune.ts");
  const hash = experimentHash(experiment);
  const parent = resolve(opts.out ?? resolve(REPO_ROOT, "results", "runs", `${experiment.name}-tune-${hash.slice(0, 10)}`));
  const out = join(parent, targetFolder(target, opts.minimize as CostName));
  const bar = progress(`chaff tune ${experiment.name}`, { quiet: opts.quiet, delayMs: 0 });
  const result = await tune({
    experiment,
    target,
    minimize: opts.minimize as CostName,
    workers,
    onProgress: (d, n, label) => bar.update(d / n, `${label}, ${d}/${n} runs`),
  });
  bar.stop();
  const report = tuneReport(result);
  writeFileAtomic(join(out, "tune.json"), prettyJson(result));
  writeFileAtomic(join(out, "report.md"), report);
  if (!opts.quiet) process.stdout.write(`${report}\n`);
  process.stderr.write(`wrote ${join(out, "report.md")} and tune.json beside it\n`);
  if (!result.choice) {
    process.stderr.write(`error: no configuration met ${target.text}; see ${join(out, "report.md")}\n`);
    process.exitCode = 1;
    return;
  }
  const path = resolve(opts.write ?? join(out, `${experiment.name}-tuned.json`));
  writeFileAtomic(path, `${JSON.stringify(tunedExperimentFile(result, hash), null, 2)}\n`);
  process.stderr.write(`wrote ${path} (run it with: chaff run ${path})\n`);
  const machines = await tunedMachines(result);
  if (machines) {
    const mpath = join(out, `${experiment.name}-tuned.machines.json`);
    writeFileAtomic(mpath, prettyJson(machines));
    process.stderr.write(`wrote ${mpath} (Maybenot machine strings of the chosen defense, for a device runtime)\n`);
  }
}

/**
 * The ship path: when the chosen defense's shapers fit the Maybenot machine model (a
 * family that compiles to machines, or the maybenot shaper itself), its machine strings
 * next to the privacy and cost figures they were chosen on. Null when neither side does.
 */
export async function tunedMachines(result: TuneResult): Promise<Record<string, unknown> | null> {
  const c = result.choice;
  if (!c) return null;
  const { exportShaper } = await import("../../../shapers/maybenot/export.ts");
  const defense = c.experiment.defenses.find((d) => d.name === result.defense);
  if (!defense) return null;
  const sides: Record<string, string[] | string> = {};
  let any = false;
  for (const side of ["device", "server"] as const) {
    const { shaper, params } = defense[side];
    if (shaper === "none") continue;
    if (shaper === "maybenot") {
      sides[side] = params.machines as string[];
      any = true;
      continue;
    }
    try {
      sides[side] = exportShaper(shaper, params);
      any = true;
    } catch (e) {
      if (!(e instanceof MachineError)) throw e;
      sides[side] = `no machine: ${e.message}`;
    }
  }
  if (!any) return null;
  return {
    defense: result.defense,
    params: c.params,
    machines: sides,
    target: result.target.text,
    claim: { seed: c.claim.seed, privacy: c.claim.privacy, costs: c.claim.costs },
    validation: { seeds: c.validation.seeds, meets: c.validation.meets, privacy: c.validation.evaluations.map((e) => e.privacy) },
  };
}

export function register(program: Command): void {
  program
    .command("tune")
    .description("find the cheapest parameters of a defense meeting a privacy target (successive halving)")
    .argument("<experiment>", "experiment JSON file with a tune section")
    .requiredOption("--target <spec>", "privacy target for the strongest observer, e.g. 'tpr@1e-3<=0.05' or 'auc<=0.6'")
    .requiredOption("--minimize <cost>", "cost to minimize: energy, bandwidth or latency")
    .option("--out <dir>", "folder holding one sub-folder per target and cost, e.g. <dir>/auc-le-0.6-min-bandwidth/ (default results/runs/<name>-tune-<hash>)")
    .option("--write <file>", "where the chosen experiment goes (default <target folder>/<name>-tuned.json)")
    .option("--workers <k>", "worker threads (default: all cores)")
    .option("--quiet", "no progress and no report on stdout")
    .action(tuneCommand);
}
