/**
 * `chaff compare BASELINE RUN [--tolerances FILE] [--abs X] [--rel X] [--changes]`: judges
 * every figure of RUN against BASELINE (each a metrics.json or a run directory), prints a
 * Markdown table CI can post, and exits 1 on a regression (privacy worse or cost higher
 * beyond tolerance, or a figure missing from the run).
 */
import type { Command } from "commander";
import { appendFileSync, readFileSync } from "node:fs";
import { InputError } from "../../core/validation.ts";
import type { Comparison, Tolerances } from "../../runs/compare.ts";

export interface CompareOptions {
  tolerances?: string;
  abs?: string;
  rel?: string;
  changes?: boolean;
  summary?: string;
}

function nonNegative(flag: string, text: string): number {
  const x = Number(text);
  if (text.trim() === "" || !Number.isFinite(x) || x < 0) throw new InputError([`--${flag} = ${JSON.stringify(text)}: expected a number >= 0`]);
  return x;
}

export async function tolerancesFrom(opts: CompareOptions): Promise<Tolerances> {
  const { DEFAULT_TOLERANCES, parseTolerances } = await import("../../runs/compare.ts");
  let t: Tolerances = DEFAULT_TOLERANCES;
  if (opts.tolerances) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(opts.tolerances, "utf8"));
    } catch (e) {
      throw new InputError([`--tolerances ${opts.tolerances}: ${(e as Error).message}`]);
    }
    t = parseTolerances(raw, opts.tolerances);
  }
  if (opts.abs !== undefined || opts.rel !== undefined) {
    const d: Tolerances["default"] = {};
    if (opts.abs !== undefined) d.abs = nonNegative("abs", opts.abs);
    if (opts.rel !== undefined) d.rel = nonNegative("rel", opts.rel);
    t = { ...t, default: d };
  }
  return t;
}

function counts(c: Comparison): string {
  const n = new Map<string, number>();
  for (const j of c.judgements) n.set(j.verdict, (n.get(j.verdict) ?? 0) + 1);
  return [...n.entries()].map(([v, k]) => `${k} ${v}`).join(", ");
}

export async function compareCommand(baselinePath: string, runPath: string, opts: CompareOptions): Promise<void> {
  const tolerances = await tolerancesFrom(opts);
  const { compareRuns, compareTable, loadMetrics } = await import("../../runs/compare.ts");
  const { markdownTable, mdText, terminalText } = await import("../../report/text.ts");
  // Names and notes come from the two metrics files (possibly hostile), and this text is Markdown (CI step summaries) shown in a terminal.
  const safe = (s: string) => mdText(terminalText(s));
  const c = compareRuns(loadMetrics(baselinePath), loadMetrics(runPath), tolerances);
  const worse = c.judgements.filter((j) => j.verdict === "WORSE" || j.verdict === "missing");
  const table = compareTable(c, { onlyChanges: opts.changes });
  const lines = [
    `## chaff compare`,
    "",
    `Baseline \`${baselinePath}\`, run \`${runPath}\`. Every figure reads higher-is-worse (privacy: the observer does better; cost: the defense costs more).`,
    ...c.notes.map((n) => `\n> note: ${safe(n)}`),
    "",
    table.length > 1 ? markdownTable(table) : "No figure moved beyond its tolerance.",
    "",
    `${c.judgements.length} figures: ${counts(c)}.${opts.changes ? " Only figures that are not ok are listed." : ""} Figures resolvable on neither side are not listed.`,
    "",
    worse.length === 0
      ? "No regression."
      : `**${worse.length} regression(s)**: ${worse.map((j) => `${safe(j.defense)} / ${safe(j.observer ?? "cost")} / ${safe(j.metric)} (${j.verdict})`).join("; ")}.`,
    "",
  ];
  const text = lines.join("\n");
  process.stdout.write(text);
  if (opts.summary) appendFileSync(opts.summary, text);
  if (c.regressions > 0) process.exitCode = 1;
}

export function register(program: Command): void {
  program
    .command("compare")
    .description("judge a run against a baseline per defense × observer × metric; exit 1 on a regression")
    .argument("<baseline>", "baseline metrics.json or run directory")
    .argument("<run>", "run metrics.json or run directory")
    .option("--tolerances <file>", "JSON tolerances per metric (default: confidence-interval overlap)")
    .option("--abs <x>", "default tolerance: allowed absolute increase")
    .option("--rel <x>", "default tolerance: allowed relative increase (0.05 = 5%)")
    .option("--changes", "list only figures that are not ok")
    .option("--summary <file>", "also append the Markdown to this file (e.g. $GITHUB_STEP_SUMMARY)")
    .action(compareCommand);
}
