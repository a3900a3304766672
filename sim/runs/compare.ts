/**
 * Judges a run against a baseline, figure by figure (defense × observer × metric), the
 * regression gate CI runs.
 *
 * Every figure reads "higher is worse" (`sim/runs/metric-rows.ts`): a higher AUC, TPR or
 * top-k accuracy means the observer links better (privacy worse); higher bandwidth,
 * latency or energy means the defense costs more. A figure is judged by its tolerance:
 * - **CI overlap** (the default): worse when the run's whole confidence interval lies
 *   above the baseline's (run.lo > baseline.hi), better when wholly below, otherwise
 *   within. A figure without an interval uses its estimate as a zero-width interval.
 * - **absolute / relative**: worse when run > baseline + max(abs, rel·|baseline|),
 *   better when run < baseline − the same slack.
 * Tolerances apply per metric, looked up by the full name (`latency.p99`), then its
 * family (`latency`), then its kind (`privacy` or `cost`), then `default`. A tolerance
 * file is JSON: `{"default": {"ci": true}, "metrics": {"energy": {"rel": 0.05}, "tpr@1e-3": {"abs": 0.01}}}`.
 *
 * - **paired difference**: for the strongest observer's figures, when both runs kept
 *   their bootstrap replicates and share experiment, seed, duration and users (so
 *   replicate r resampled the same users in both), the interval of run − baseline taken
 *   replicate by replicate: worse when it lies above 0, better when below. This is far
 *   sharper than overlap, and used whenever it applies (unless an abs/rel tolerance is
 *   set for the metric).
 * Parameter differences between the two runs' defenses are listed in the notes.
 *
 * - **resolvability changed** (`judgeFigure`, before any tolerance): a figure that only
 *   one side can estimate. A privacy figure the baseline could not resolve and the run
 *   can is `WORSE` (rule "newly resolvable"): it shows exposure the baseline never showed,
 *   and a baseline without an estimate cannot vouch for it — favouring the attacker. One
 *   the baseline resolved and the run cannot is `missing` ("no longer resolvable"): the
 *   run hides what was measured. A cost figure that becomes resolvable is `new` (nothing
 *   in the baseline to judge it against: reported, not a failure — a cost the baseline
 *   could not measure, such as latency with no message delayed, is no promise the run
 *   broke); one that stops being resolvable is `missing`, like a privacy figure (a
 *   measurement lost, e.g. no message delivered: regenerate the baseline deliberately).
 *
 * Verdicts: `ok`, `better`, `WORSE`, `missing` (in the baseline, not in the run: the
 * experiment changed, so the baseline must be regenerated; or no longer resolvable),
 * `new` (only in the run; or a cost newly resolvable), `not resolvable` (no estimate on
 * either side). The gate fails on `WORSE` and `missing`.
 *
 * @example
 * const c = compareRuns(baseline, run, { default: { ci: true } });
 * c.regressions // => 1 when, say, the cover defense's AUC interval moved above the baseline's
 * markdownTable(compareTable(c))
 */
import { existsSync, statSync } from "node:fs";
import { readJsonFile } from "../core/json-input.ts";
import { join } from "node:path";
import { z } from "zod";
import { issueLines } from "../core/validation.ts";
import { InputError } from "../core/validation.ts";
import { metricRows, rowKey, type MetricRow } from "./metric-rows.ts";
import { fmtNum } from "../report/text.ts";
import type { RunMetrics } from "./metrics.ts";
import { decodeUnitReplicates } from "./replicates.ts";
import { replicateInterval } from "../../observers/metrics/replicate-interval.ts";

const toleranceSchema = z
  .object({
    ci: z.boolean().optional().describe("judge by confidence-interval overlap (the default when abs and rel are absent)"),
    abs: z.number().min(0).optional().describe("allowed absolute increase"),
    rel: z.number().min(0).optional().describe("allowed increase as a fraction of the baseline"),
  })
  .strict()
  .refine((t) => !(t.ci && (t.abs !== undefined || t.rel !== undefined)), "expected either ci, or abs and/or rel, not both");

export const tolerancesSchema = z
  .object({
    default: toleranceSchema.default({ ci: true }),
    metrics: z.record(z.string(), toleranceSchema).default({}).describe("by metric name (tpr@1e-3), family (latency) or kind (privacy, cost)"),
  })
  .strict();

export type Tolerance = z.infer<typeof toleranceSchema>;
export type Tolerances = z.infer<typeof tolerancesSchema>;

export const DEFAULT_TOLERANCES: Tolerances = { default: { ci: true }, metrics: {} };

export type Verdict = "ok" | "better" | "WORSE" | "missing" | "new" | "not resolvable";

export interface Judgement {
  defense: string;
  observer: string | null;
  metric: string;
  baseline: MetricRow | null;
  run: MetricRow | null;
  verdict: Verdict;
  /** How it was judged: "CI overlap" or "±0.01" and the like. */
  rule: string;
}

export interface Comparison {
  judgements: Judgement[];
  regressions: number;
  notes: string[];
}

/** Reads a metrics.json, or the metrics.json of a run directory. Throws InputError on a bad file. */
export function loadMetrics(path: string): RunMetrics {
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, "metrics.json") : path;
  if (!existsSync(file)) throw new InputError([`${file}: does not exist (expected a metrics.json or a run directory)`]);
  // Bounded, UTF-8, depth- and key-checked like every file chaff reads (a baseline may be hostile).
  const m = readJsonFile(file, { label: "metrics file" });
  if (!m || typeof m !== "object" || !Array.isArray((m as { arms?: unknown }).arms)) {
    throw new InputError([`${file}: expected a metrics.json written by chaff run (an object with an "arms" list)`]);
  }
  return m as RunMetrics;
}

export function parseTolerances(raw: unknown, where = "tolerances"): Tolerances {
  const r = tolerancesSchema.safeParse(raw);
  if (!r.success) throw new InputError(issueLines(r.error.issues, raw).map((l) => `${where}: ${l}`));
  return r.data;
}

export function toleranceFor(t: Tolerances, row: Pick<MetricRow, "metric" | "observer">): Tolerance {
  const family = row.metric.split(/[.@]/)[0];
  const kind = row.observer === null ? "cost" : "privacy";
  return t.metrics[row.metric] ?? t.metrics[family] ?? t.metrics[kind] ?? t.default;
}

function describe(t: Tolerance): string {
  if (t.abs === undefined && t.rel === undefined) return "CI overlap";
  const parts = [];
  if (t.abs !== undefined) parts.push(`±${t.abs}`);
  if (t.rel !== undefined) parts.push(`±${t.rel * 100}%`);
  return parts.join(" or ");
}

/** The rule text of a privacy figure the baseline could not resolve and the run can. */
export const NEWLY_RESOLVABLE = "newly resolvable: worse, favouring the attacker";
/** The rule text of a cost figure the baseline could not resolve and the run can. */
export const NEWLY_RESOLVABLE_COST = "newly resolvable cost: nothing to judge it against";
/** The rule text of a figure the baseline resolved and the run cannot. */
export const NO_LONGER_RESOLVABLE = "no longer resolvable";

/**
 * Judges one figure and says how: by resolvability when only one side has an estimate
 * (see the header; a row whose observer is null is a cost figure), otherwise by the
 * tolerance (`describe(t)`). "Higher is worse" throughout.
 */
export function judgeFigure(baseline: MetricRow, run: MetricRow, t: Tolerance): { verdict: Verdict; rule: string } {
  const cost = run.observer === null;
  if (baseline.estimate === null && run.estimate === null) return { verdict: "not resolvable", rule: describe(t) };
  if (baseline.estimate === null) return cost ? { verdict: "new", rule: NEWLY_RESOLVABLE_COST } : { verdict: "WORSE", rule: NEWLY_RESOLVABLE };
  if (run.estimate === null) return { verdict: "missing", rule: NO_LONGER_RESOLVABLE };
  return { verdict: judgeEstimates(baseline.estimate, baseline, run.estimate, run, t), rule: describe(t) };
}

/** Judges one figure (the verdict of `judgeFigure`). */
export function judge(baseline: MetricRow, run: MetricRow, t: Tolerance): Verdict {
  return judgeFigure(baseline, run, t).verdict;
}

/** Both sides resolvable: by the tolerance (a figure without an interval is a zero-width one). */
function judgeEstimates(b: number, baseline: MetricRow, r: number, run: MetricRow, t: Tolerance): Verdict {
  if (t.abs !== undefined || t.rel !== undefined) {
    const slack = Math.max(t.abs ?? 0, (t.rel ?? 0) * Math.abs(b));
    if (r > b + slack) return "WORSE";
    if (r < b - slack) return "better";
    return "ok";
  }
  const bLo = baseline.lo ?? b;
  const bHi = baseline.hi ?? b;
  const rLo = run.lo ?? r;
  const rHi = run.hi ?? r;
  if (rLo > bHi) return "WORSE";
  if (rHi < bLo) return "better";
  return "ok";
}

/** The replicates of every strongest-observer figure of a run, by row key. */
function strongestReplicates(m: RunMetrics): Map<string, string> {
  const out = new Map<string, string>();
  for (const arm of m.arms) {
    for (const st of arm.strongest ?? []) {
      for (const [metric, text] of Object.entries(st.replicates ?? {})) out.set(rowKey({ defense: arm.defense, observer: `strongest:${st.task}`, metric }), text);
    }
  }
  return out;
}

/**
 * The paired verdict of a figure whose bootstrap replicates both runs kept (same seed and
 * population, so replicate r resampled the same users in both): WORSE when the interval
 * of run − baseline lies above 0, better when below, ok otherwise. Null when it cannot
 * be judged that way.
 */
export function pairedVerdict(b: string | undefined, r: string | undefined, level = 0.95): Verdict | null {
  if (b === undefined || r === undefined) return null;
  let x: Float64Array;
  let y: Float64Array;
  try {
    x = decodeUnitReplicates(b);
    y = decodeUnitReplicates(r, x.length);
  } catch {
    return null;
  }
  const d = new Float64Array(x.length);
  // the estimate is the mean over the replicates where both runs have a figure
  let sum = 0;
  let n = 0;
  for (let i = 0; i < d.length; i++) {
    d[i] = y[i] - x[i];
    if (!Number.isNaN(d[i])) {
      sum += d[i];
      n++;
    }
  }
  if (n === 0) return null;
  const iv = replicateInterval(d, sum / n, { level });
  if (iv.lo === null || iv.hi === null) return null;
  return iv.lo > 0 ? "WORSE" : iv.hi < 0 ? "better" : "ok";
}

/** Parameter differences between the runs' defenses, one line each. */
function parameterNotes(baseline: RunMetrics, run: RunMetrics): string[] {
  const notes: string[] = [];
  for (const b of baseline.arms) {
    const r = run.arms.find((x) => x.defense === b.defense);
    if (!r) continue;
    for (const side of ["device", "server"] as const) {
      if (b[side].shaper !== r[side].shaper) notes.push(`defense ${b.defense}: ${side} shaper ${b[side].shaper} (baseline) vs ${r[side].shaper} (run)`);
      else {
        const keys = [...new Set([...Object.keys(b[side].params), ...Object.keys(r[side].params)])].sort();
        for (const k of keys) {
          const bv = JSON.stringify(b[side].params[k]);
          const rv = JSON.stringify(r[side].params[k]);
          if (bv !== rv) notes.push(`defense ${b.defense}: ${side}.params.${k} = ${bv ?? "missing"} (baseline) vs ${rv ?? "missing"} (run)`);
        }
      }
    }
  }
  return notes;
}

export function compareRuns(baseline: RunMetrics, run: RunMetrics, tolerances: Tolerances = DEFAULT_TOLERANCES): Comparison {
  const notes: string[] = [];
  for (const k of ["experiment", "seed", "durationSeconds", "users"] as const) {
    if (baseline[k] !== run[k]) notes.push(`the runs differ in ${k}: ${JSON.stringify(baseline[k])} (baseline) vs ${JSON.stringify(run[k])} (run)`);
  }
  notes.push(...parameterNotes(baseline, run));
  const sameDraws = notes.length === 0 || ["experiment", "seed", "durationSeconds", "users"].every((k) => baseline[k as keyof RunMetrics] === run[k as keyof RunMetrics]);
  const bRep = sameDraws ? strongestReplicates(baseline) : new Map<string, string>();
  const rRep = sameDraws ? strongestReplicates(run) : new Map<string, string>();
  const b = metricRows(baseline);
  const r = new Map(metricRows(run).map((x) => [rowKey(x), x]));
  const judgements: Judgement[] = [];
  const seen = new Set<string>();
  for (const x of b) {
    const key = rowKey(x);
    seen.add(key);
    const y = r.get(key) ?? null;
    const t = toleranceFor(tolerances, x);
    const paired = y && t.abs === undefined && t.rel === undefined ? pairedVerdict(bRep.get(key), rRep.get(key)) : null;
    if (paired) judgements.push({ defense: x.defense, observer: x.observer, metric: x.metric, baseline: x, run: y, verdict: paired, rule: "paired difference" });
    else if (y) judgements.push({ defense: x.defense, observer: x.observer, metric: x.metric, baseline: x, run: y, ...judgeFigure(x, y, t) });
    else judgements.push({ defense: x.defense, observer: x.observer, metric: x.metric, baseline: x, run: y, verdict: "missing", rule: describe(t) });
  }
  for (const [key, y] of r) {
    if (seen.has(key)) continue;
    judgements.push({ defense: y.defense, observer: y.observer, metric: y.metric, baseline: null, run: y, verdict: "new", rule: describe(toleranceFor(tolerances, y)) });
  }
  const regressions = judgements.filter((j) => j.verdict === "WORSE" || j.verdict === "missing").length;
  return { judgements, regressions, notes };
}

function cell(row: MetricRow | null): string {
  if (!row) return "–";
  if (row.estimate === null) return "not resolvable";
  if (row.lo === null || row.hi === null) return fmtNum(row.estimate);
  return `${fmtNum(row.estimate)} [${fmtNum(row.lo)}, ${fmtNum(row.hi)}]`;
}

function change(j: Judgement): string {
  const a = j.baseline?.estimate;
  const b = j.run?.estimate;
  if (a === null || a === undefined || b === null || b === undefined) return "–";
  const d = b - a;
  const rel = a !== 0 ? ` (${d >= 0 ? "+" : ""}${((d / Math.abs(a)) * 100).toFixed(1)}%)` : "";
  return `${d >= 0 ? "+" : ""}${fmtNum(d)}${rel}`;
}

/**
 * The comparison as table rows (header first): metric, baseline [CI], run [CI], change,
 * verdict. Figures resolvable on neither side are left out (they say nothing); with
 * `onlyChanges`, so are those judged ok.
 */
export function compareTable(c: Comparison, opts: { onlyChanges?: boolean } = {}): string[][] {
  const rows = [["defense", "observer", "metric", "baseline [CI]", "run [CI]", "change", "tolerance", "verdict"]];
  for (const j of c.judgements) {
    if (j.verdict === "not resolvable" && (j.baseline?.estimate ?? null) === null && (j.run?.estimate ?? null) === null) continue;
    if (opts.onlyChanges && (j.verdict === "ok" || j.verdict === "not resolvable")) continue;
    const verdict = j.verdict === "WORSE" || j.verdict === "missing" ? `**${j.verdict}**` : j.verdict;
    rows.push([j.defense, j.observer ?? "cost", j.metric, cell(j.baseline), cell(j.run), change(j), j.rule, verdict]);
  }
  return rows;
}
