/**
 * `chaff summary RUN_OR_SWEEP [--metric …] [--format md|csv|json] [--target …]`: a
 * metric-versus-parameter table with intervals, the answer to "which setting meets
 * AUC ≤ 0.6, and what does it cost?" without any other tool.
 *
 * - A **run directory** (`chaff run`, holding `metrics.json`): one row per defense,
 *   named by the defense and its shapers' non-default parameters.
 * - A **sweep directory** (`chaff sweep --out`, holding `sweep.json` and rows files;
 *   `chaff collect`'s `rows.collected.jsonl` when present, else every shard's rows file,
 *   so a sweep still running can be read): one row per setting, named by its swept
 *   parameter values (short names: `coverRate=0.5`), for every defense the sweep moves;
 *   a defense no swept path touches (the undefended baseline) gets one reference row.
 *   With `--per-seed`, one row per point (setting and seed).
 *
 * Privacy figures are those of the strongest observer of one task (`--task`, default
 * `link`), the run's one definition (`strongestRow` in `sim/runs/metric-rows.ts`: the
 * highest oriented AUC, each figure the maximum over the task's observers inside every
 * bootstrap replicate). Costs are the defense's. Intervals are the run's 95% bootstrap
 * intervals; over several seeds the estimate is the seeds' mean and the interval the
 * envelope of the seeds' intervals (from the lowest lower end to the highest upper end),
 * so a setting whose envelope meets a target meets it in every seed.
 *
 * `--target 'auc<=0.6'` adds a column saying, per row, whether the interval's upper end
 * meets the target (with 95% confidence), only the estimate does, or neither, and ends
 * the table with the rows that meet it, cheapest bandwidth first.
 *
 * Formats: `md` (default; durations in the unit that reads best per column, bandwidth
 * in %), `csv` (raw numbers: bandwidth a fraction, latencies in ms, energy in J per
 * device-hour, wake-ups per device-hour; `<metric>`, `<metric>.lo`, `<metric>.hi`
 * columns) and `json` (the `Summary` object below).
 *
 * @example
 * chaff summary results/runs/sweep-cover-rate-sweep-1a2b3c4d5e --metric auc,bandwidth,latency.p99 --target 'auc<=0.6'
 */
import type { Command } from "commander";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { canonicalJson } from "../../core/canonical-json.ts";
import { readJsonFile } from "../../core/json-input.ts";
import { InputError } from "../../core/validation.ts";
import { getShaper, validateShaperParams } from "../../experiment/registries.ts";
import type { Experiment } from "../../experiment/schema.ts";
import { formatIn, durationUnit, sigFigures } from "../../report/figures/units.ts";
import { costRow, metricRows, strongestRow, type MetricRow } from "../../runs/metric-rows.ts";
import type { RunMetrics } from "../../runs/metrics.ts";
import { parsePath, type PathKey } from "../../sweep/param-path.ts";
import type { PointSpec } from "../../sweep/plan.ts";
import { readRows } from "../../sweep/rows-file.ts";
import { meetsTarget, parseTarget, type Target } from "../../sweep/target.ts";
import { fprKey } from "../../../observers/metrics.ts";

/** An estimate with its interval, over `resolved` of `seeds` seeds. */
export interface SummaryCell {
  estimate: number | null;
  lo: number | null;
  hi: number | null;
  /** Seeds (points) behind the cell, and how many of them had the figure. */
  seeds: number;
  resolved: number;
}

export interface SummaryRow {
  /** What names the row: `coverRate=0.5` for a sweep setting, the defense and its shapers for a run. */
  name: string;
  /** Swept parameter values by short name (sweeps; empty for a run or a reference row). */
  params: Record<string, unknown>;
  defense: string;
  /** A defense no swept path touches: the same at every setting, shown once. */
  reference: boolean;
  /** Per-seed rows: the point's seed; null for a row over several seeds. */
  seed: number | null;
  /** Run rows: the defense's shapers with their non-default parameters. */
  shapers: string | null;
  /** Run rows: the strongest observer of the task (`observer@vantage`), when the run names it. */
  strongest: string | null;
  figures: Record<string, SummaryCell>;
  /** With a target: whether the upper end, or only the estimate, meets it. */
  meets?: "yes" | "estimate only" | "no" | "not resolvable";
}

export interface Summary {
  kind: "chaff-summary";
  version: 1;
  source: "run" | "sweep";
  dir: string;
  experiment: string;
  task: string;
  metrics: string[];
  /** Swept paths and the short names the rows use. */
  params: { path: string; name: string }[];
  /** Sweeps: points expected and found. */
  points: { expected: number; found: number } | null;
  target: Target | null;
  notes: string[];
  rows: SummaryRow[];
}

export interface SummaryOptions {
  metric?: string[];
  format?: string;
  task?: string;
  target?: string;
  perSeed?: boolean;
}

const COST_METRICS = ["bandwidth", "bandwidth.device", "bandwidth.server", "latency.p50", "latency.p95", "latency.p99", "e2e.p50", "e2e.p95", "e2e.p99", "energy", "wakeups"];
const ALIASES: Record<string, string> = { latency: "latency.p99", e2e: "e2e.p99", "energy.j": "energy" };
const DEFAULT_METRICS = ["auc", "tpr@1e-3", "bandwidth", "latency.p50", "latency.p99", "energy", "wakeups"];

/** Is this figure an observer's (privacy), as opposed to a cost? */
export function isPrivacyMetric(m: string): boolean {
  return m === "auc" || m === "top1" || m === "top5" || m.startsWith("tpr@");
}

/** A metric name as rows store it (`tpr@0.001` → `tpr@1e-3`, `latency` → `latency.p99`), or null when it is not one. */
export function normalizeMetric(name: string): string | null {
  const m = name.trim();
  if (ALIASES[m]) return ALIASES[m];
  if (m === "auc" || m === "top1" || m === "top5" || COST_METRICS.includes(m)) return m;
  const t = /^tpr@([0-9.eE+-]+)$/.exec(m);
  if (t) {
    const fpr = Number(t[1]);
    return fpr > 0 && fpr < 1 ? `tpr@${fprKey(fpr)}` : null;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Reading

interface Point {
  config: string;
  seed: number;
  index: number;
  params: Record<string, unknown>;
  rows: MetricRow[];
}

function isDir(p: string): boolean {
  return existsSync(p) && statSync(p).isDirectory();
}

/** Short names for swept paths: the last key, lengthened (without `params`) until every name is unique. */
export function shortNames(paths: readonly string[]): string[] {
  const keys = paths.map((p) => {
    try {
      return parsePath(p).filter((k) => k !== "params");
    } catch {
      return [p] as PathKey[];
    }
  });
  const name = (ks: PathKey[], n: number) =>
    ks
      .slice(-n)
      .map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`))
      .join("");
  const out = keys.map((ks) => name(ks, 1));
  for (let n = 2; new Set(out).size < out.length && n <= Math.max(...keys.map((k) => k.length)); n++) {
    const clash = out.map((o) => out.filter((x) => x === o).length > 1);
    keys.forEach((ks, i) => {
      if (clash[i]) out[i] = name(ks, n);
    });
  }
  return out;
}

/** The defenses (by index) a swept path moves, or null when it moves something every defense shares. */
function movedDefense(path: string): number | null {
  const keys = parsePath(path);
  return keys[0] === "defenses" && typeof keys[1] === "number" ? keys[1] : null;
}

function showValue(v: unknown): string {
  if (typeof v === "number") return String(v);
  if (typeof v === "string") return v;
  return canonicalJson(v);
}

/** A shaper and the parameters it sets away from its defaults: `poisson-cover(coverRate=1)`. */
async function shaperLabel(shaper: { shaper: string; params: Record<string, unknown> }): Promise<string> {
  let defaults: Record<string, unknown> = {};
  try {
    const def = await getShaper(shaper.shaper);
    defaults = validateShaperParams(def, {}) as Record<string, unknown>;
  } catch {
    // an unknown shaper (a run from another chaff): show every parameter
  }
  const set = Object.entries(shaper.params ?? {}).filter(([k, v]) => canonicalJson(v) !== canonicalJson(defaults[k]));
  return set.length ? `${shaper.shaper}(${set.map(([k, v]) => `${k}=${showValue(v)}`).join(", ")})` : shaper.shaper;
}

function cellOf(rows: readonly (MetricRow | null)[]): SummaryCell {
  const got = rows.filter((r): r is MetricRow => r !== null && r.estimate !== null);
  if (got.length === 0) return { estimate: null, lo: null, hi: null, seeds: rows.length, resolved: 0 };
  const lows = got.map((r) => r.lo).filter((v): v is number => v !== null);
  const highs = got.map((r) => r.hi).filter((v): v is number => v !== null);
  return {
    estimate: got.reduce((s, r) => s + (r.estimate as number), 0) / got.length,
    lo: lows.length === got.length ? Math.min(...lows) : null,
    hi: highs.length === got.length ? Math.max(...highs) : null,
    seeds: rows.length,
    resolved: got.length,
  };
}

function figureOf(rows: readonly MetricRow[], defense: string, metric: string, task: string): MetricRow | null {
  return isPrivacyMetric(metric) ? strongestRow(rows, defense, metric, task) : costRow(rows, defense, metric);
}

/** The task whose strongest observer to show: the one asked for, else link, else the first the data has. */
function pickTask(all: readonly MetricRow[], asked: string | undefined): string {
  const tasks = [...new Set(all.filter((r) => r.observer?.startsWith("strongest:")).map((r) => (r.observer as string).slice("strongest:".length)))];
  if (asked !== undefined) {
    if (tasks.length > 0 && !tasks.includes(asked)) throw new InputError([`--task = ${JSON.stringify(asked)}: this data has a strongest observer only for ${tasks.join(", ")}`]);
    return asked;
  }
  return tasks.includes("link") || tasks.length === 0 ? "link" : tasks[0];
}

/** The metrics to show: the ones asked for (checked against the data), else the defaults the data has. */
function pickMetrics(all: readonly MetricRow[], asked: readonly string[] | undefined): string[] {
  const present = new Set(all.map((r) => r.metric));
  if (asked && asked.length > 0) {
    const names = asked.flatMap((a) => a.split(",")).map((a) => a.trim()).filter(Boolean);
    const problems: string[] = [];
    const out: string[] = [];
    for (const n of names) {
      const m = normalizeMetric(n);
      if (m === null) problems.push(`--metric ${JSON.stringify(n)}: expected one of auc, tpr@<fpr>, top1, top5, ${COST_METRICS.join(", ")}`);
      else if (!present.has(m)) problems.push(`--metric ${JSON.stringify(n)}: this data has no figure ${m}; it has ${[...present].sort().join(", ")}`);
      else if (!out.includes(m)) out.push(m);
    }
    if (problems.length) throw new InputError(problems);
    return out;
  }
  const out = DEFAULT_METRICS.filter((m) => present.has(m));
  if (!present.has("tpr@1e-3")) {
    const tprs = [...present].filter((m) => m.startsWith("tpr@")).sort((a, b) => Number(b.slice(4)) - Number(a.slice(4)));
    if (tprs.length) out.splice(1, 0, tprs[0]);
  }
  return out;
}

function pickTarget(text: string | undefined): Target | null {
  if (text === undefined) return null;
  try {
    return parseTarget(text);
  } catch (e) {
    throw new InputError([(e as Error).message]);
  }
}

function judge(row: SummaryRow, target: Target | null): void {
  if (!target) return;
  const c = row.figures[target.metric];
  if (!c || c.estimate === null) row.meets = "not resolvable";
  else if (c.hi !== null && meetsTarget(target, c.hi)) row.meets = "yes";
  else if (meetsTarget(target, c.estimate)) row.meets = "estimate only";
  else row.meets = "no";
}

async function summarizeRun(dir: string, opts: SummaryOptions): Promise<Summary> {
  const metrics = readJsonFile(join(dir, "metrics.json"), { label: "metrics file" }) as RunMetrics;
  if (!metrics || typeof metrics !== "object" || !Array.isArray(metrics.arms)) {
    throw new InputError([`${join(dir, "metrics.json")}: expected the metrics.json of chaff run (an object with arms)`]);
  }
  const all = metricRows(metrics);
  const task = pickTask(all, opts.task);
  const names = pickMetrics(all, opts.metric);
  const target = pickTarget(opts.target);
  if (target && !names.includes(target.metric)) names.unshift(target.metric);
  const notes: string[] = [];
  if (!all.some((r) => r.observer === `strongest:${task}`)) {
    notes.push(`This run records no strongest observer for the ${task} task (written by an older chaff, or no ${task} observer): its privacy columns are empty.`);
  }
  const rows: SummaryRow[] = [];
  for (const arm of metrics.arms) {
    const device = await shaperLabel(arm.device);
    const server = await shaperLabel(arm.server);
    const shapers = `device ${device}, server ${server}`;
    const row: SummaryRow = {
      name: `${arm.defense} (${shapers})`,
      shapers,
      params: {},
      defense: arm.defense,
      reference: false,
      seed: metrics.seed,
      strongest: (arm.strongest ?? []).find((s) => s.task === task)?.observer ?? null,
      figures: Object.fromEntries(names.map((m) => [m, cellOf([figureOf(all, arm.defense, m, task)])])),
    };
    judge(row, target);
    rows.push(row);
  }
  return { kind: "chaff-summary", version: 1, source: "run", dir, experiment: metrics.experiment, task, metrics: names, params: [], points: null, target, notes, rows };
}

/** The rows of `dir`: its collected file (named `collected`) when there is one, else every file whose name matches `rowsFile`. */
function readPoints(dir: string, expected: readonly PointSpec[], names: { collected: string; rowsFile: RegExp }): { points: Point[]; foreign: number; torn: number } {
  const byId = new Map(expected.map((p) => [p.id, p]));
  const files = existsSync(join(dir, names.collected)) ? [names.collected] : readdirSync(dir).filter((f) => names.rowsFile.test(f)).sort();
  const seen = new Map<string, Point>();
  let foreign = 0;
  let torn = 0;
  for (const f of files) {
    const r = readRows(join(dir, f));
    if (r.tornBytes > 0) torn++;
    for (const { id, line } of r.rows) {
      const spec = byId.get(id);
      if (!spec) {
        foreign++;
        continue;
      }
      if (seen.has(id)) continue;
      const row = JSON.parse(line) as { metrics?: unknown };
      if (!Array.isArray(row.metrics)) throw new InputError([`${join(dir, f)}: row ${id} has no metrics (expected a row written by chaff sweep)`]);
      seen.set(id, { config: spec.config, seed: spec.seed, index: spec.index, params: spec.params, rows: row.metrics as MetricRow[] });
    }
  }
  return { points: [...seen.values()].sort((a, b) => a.index - b.index), foreign, torn };
}

async function summarizeSweep(dir: string, opts: SummaryOptions): Promise<Summary> {
  const { readSweepFile } = await import("../../sweep/runner.ts");
  const { enumeratePoints, ROWS_FILE } = await import("../../sweep/plan.ts");
  const { COLLECTED_FILE } = await import("../../sweep/collect.ts");
  const sweep = readSweepFile(dir);
  const experiment = sweep.experiment as Experiment;
  const expected = enumeratePoints(experiment);
  const { points, foreign, torn } = readPoints(dir, expected, { collected: COLLECTED_FILE, rowsFile: ROWS_FILE });
  const all = points.flatMap((p) => p.rows);
  const notes: string[] = [];
  if (points.length < expected.length) {
    notes.push(`${points.length} of ${expected.length} points are done; run chaff sweep again (same --out) to finish the others.`);
  }
  if (foreign > 0) notes.push(`${foreign} row(s) in this directory are not points of this sweep and were left out (chaff collect names them).`);
  if (torn > 0) notes.push(`${torn} rows file(s) end in a torn row (a shard stopped mid-write); it was left out.`);
  if (points.length === 0) {
    return { kind: "chaff-summary", version: 1, source: "sweep", dir, experiment: experiment.name, task: opts.task ?? "link", metrics: [], params: [], points: { expected: expected.length, found: 0 }, target: pickTarget(opts.target), notes, rows: [] };
  }
  const task = pickTask(all, opts.task);
  const names = pickMetrics(all, opts.metric);
  const target = pickTarget(opts.target);
  if (target && !names.includes(target.metric)) names.unshift(target.metric);
  if (!all.some((r) => r.observer === `strongest:${task}`)) {
    notes.push(`These rows record no strongest observer for the ${task} task (written by an older chaff, or no ${task} observer): the privacy columns are empty.`);
  }
  const paths = Object.keys(expected[0]?.params ?? {});
  const short = shortNames(paths);
  const moved = paths.map(movedDefense);
  const defenses = experiment.defenses.map((d) => d.name);
  const swept = moved.some((m) => m === null) ? new Set(defenses.map((_, i) => i)) : new Set(moved as number[]);
  const named = (params: Record<string, unknown>) => Object.fromEntries(paths.map((p, i) => [short[i], params[p]]));
  const label = (params: Record<string, unknown>) => paths.map((p, i) => `${short[i]}=${showValue(params[p])}`).join(", ") || "(no swept parameter)";

  const rows: SummaryRow[] = [];
  // reference rows: defenses no swept path moves, over every point
  defenses.forEach((defense, d) => {
    if (swept.has(d)) return;
    const bySeed = new Map<number, Point>();
    for (const p of points) if (!bySeed.has(p.seed)) bySeed.set(p.seed, p);
    const groups = opts.perSeed ? [...bySeed.values()].map((p) => [p]) : [[...bySeed.values()]];
    for (const g of groups) {
      rows.push({
        name: `${defense} (not swept)`,
        shapers: null,
        params: {},
        defense,
        reference: true,
        seed: opts.perSeed ? g[0].seed : null,
        strongest: null,
        figures: Object.fromEntries(names.map((m) => [m, cellOf(g.map((p) => figureOf(p.rows, defense, m, task)))])),
      });
    }
  });
  // one row per setting (or point) and moved defense, in the sweep's canonical order
  const settings = new Map<string, Point[]>();
  for (const p of points) {
    const key = opts.perSeed ? `${p.config}/${p.seed}` : p.config;
    if (!settings.has(key)) settings.set(key, []);
    settings.get(key)!.push(p);
  }
  for (const group of settings.values()) {
    for (const [d, defense] of defenses.entries()) {
      if (!swept.has(d)) continue;
      rows.push({
        name: `${label(group[0].params)}${swept.size > 1 ? ` · ${defense}` : ""}`,
        shapers: null,
        params: named(group[0].params),
        defense,
        reference: false,
        seed: opts.perSeed ? group[0].seed : null,
        strongest: null,
        figures: Object.fromEntries(names.map((m) => [m, cellOf(group.map((p) => figureOf(p.rows, defense, m, task)))])),
      });
    }
  }
  for (const r of rows) judge(r, target);
  return {
    kind: "chaff-summary",
    version: 1,
    source: "sweep",
    dir,
    experiment: experiment.name,
    task,
    metrics: names,
    params: paths.map((p, i) => ({ path: p, name: short[i] })),
    points: { expected: expected.length, found: points.length },
    target,
    notes,
    rows,
  };
}

/** The summary of a run or sweep directory; InputError (exit 2) when it is neither. */
export async function summarizeDirectory(dir: string, opts: SummaryOptions = {}): Promise<Summary> {
  const path = resolve(dir);
  if (!isDir(path)) throw new InputError([`RUN_OR_SWEEP = ${JSON.stringify(dir)}: not a directory (expected a run directory of chaff run or the --out of chaff sweep)`]);
  if (existsSync(join(path, "sweep.json"))) return summarizeSweep(path, opts);
  if (existsSync(join(path, "metrics.json"))) return summarizeRun(path, opts);
  throw new InputError([`RUN_OR_SWEEP = ${JSON.stringify(dir)}: holds neither metrics.json (a run) nor sweep.json (a sweep)`]);
}

// ---------------------------------------------------------------------------------------------
// Formatting

const HEADERS: Record<string, string> = {
  auc: "AUC",
  top1: "top-1",
  top5: "top-5",
  bandwidth: "bandwidth",
  "bandwidth.device": "bandwidth (device)",
  "bandwidth.server": "bandwidth (server)",
  "latency.p50": "added latency p50",
  "latency.p95": "added latency p95",
  "latency.p99": "added latency p99",
  "e2e.p50": "end-to-end p50",
  "e2e.p95": "end-to-end p95",
  "e2e.p99": "end-to-end p99",
  energy: "energy (J/h)",
  wakeups: "wake-ups/h",
};

/** How a metric's cells print in markdown: a header and a formatter for the column's values. */
function column(metric: string, cells: readonly SummaryCell[]): { header: string; fmt: (v: number) => string } {
  if (metric.startsWith("tpr@")) return { header: `TPR@${metric.slice(4)}`, fmt: (v) => v.toFixed(3) };
  if (isPrivacyMetric(metric)) return { header: HEADERS[metric] ?? metric, fmt: (v) => v.toFixed(3) };
  if (metric.startsWith("bandwidth")) return { header: `${HEADERS[metric]} (%)`, fmt: (v) => sigFigures(v * 100, 3) };
  if (metric.startsWith("latency.") || metric.startsWith("e2e.")) {
    // one unit per column, from its largest value, so the rows compare at a glance
    const max = Math.max(0, ...cells.flatMap((c) => [c.estimate ?? 0, c.hi ?? 0]));
    const unit = durationUnit(max);
    return { header: `${HEADERS[metric]} (${unit.name})`, fmt: (v) => formatIn(v, unit) };
  }
  return { header: HEADERS[metric] ?? metric, fmt: (v) => sigFigures(v, 3) };
}

function cellText(c: SummaryCell | undefined, fmt: (v: number) => string): string {
  if (!c || c.estimate === null) return "–";
  const bounds = c.lo !== null && c.hi !== null ? ` [${fmt(c.lo)}, ${fmt(c.hi)}]` : "";
  return `${fmt(c.estimate)}${bounds}${c.resolved < c.seeds ? ` (${c.resolved}/${c.seeds} seeds)` : ""}`;
}

function markdownTable(rows: string[][], right: boolean[]): string {
  const esc = (s: string) => s.replace(/\|/g, "\\|");
  const [head, ...body] = rows;
  return [`| ${head.map(esc).join(" | ")} |`, `|${head.map((_, j) => (right[j] ? "---:" : "---")).join("|")}|`, ...body.map((r) => `| ${r.map(esc).join(" | ")} |`)].join("\n");
}

function targetHeader(t: Target): string {
  return `${t.text} at 95%`;
}

/** The summary as markdown: a heading, how to read it, the table and, with a target, the rows that meet it. */
export function summaryMarkdown(s: Summary): string {
  const out: string[] = [];
  const what = s.source === "run" ? "run" : `sweep, ${s.points?.found ?? 0} of ${s.points?.expected ?? 0} points`;
  out.push(`# ${s.experiment} (${what})`, "");
  out.push(
    `Privacy: the strongest observer of the ${s.task} task (the run's one definition: the highest oriented AUC, each figure the maximum over the task's observers inside every bootstrap replicate); lower is better, AUC 0.5 is chance. ` +
      `Intervals: 95% bootstrap${s.source === "sweep" ? "; over several seeds the estimate is their mean and the interval the envelope of their intervals" : ""}. ` +
      `Bandwidth: bytes on the wire beyond the undefended arm's, in %.`,
  );
  for (const n of s.notes) out.push("", n);
  out.push("");
  if (s.rows.length === 0) {
    out.push("No rows yet.");
    return `${out.join("\n")}\n`;
  }
  const cols = s.metrics.map((m) => ({ m, ...column(m, s.rows.map((r) => r.figures[m]).filter(Boolean)) }));
  const head: string[] = [];
  const right: boolean[] = [];
  if (s.source === "sweep") {
    for (const p of s.params) {
      head.push(p.name);
      right.push(true);
    }
    head.push("defense");
    right.push(false);
    if (s.rows.some((r) => r.seed !== null)) {
      head.push("seed");
      right.push(true);
    } else {
      head.push("seeds");
      right.push(true);
    }
  } else {
    head.push("defense", "shapers (non-default parameters)", "strongest observer");
    right.push(false, false, false);
  }
  for (const c of cols) {
    head.push(c.header);
    right.push(true);
  }
  if (s.target) {
    head.push(targetHeader(s.target));
    right.push(false);
  }
  const table: string[][] = [head];
  for (const r of s.rows) {
    const line: string[] = [];
    if (s.source === "sweep") {
      for (const p of s.params) line.push(r.reference ? "—" : showValue(r.params[p.name]));
      line.push(r.reference ? `${r.defense} (not swept)` : r.defense);
      const seeds = Math.max(0, ...Object.values(r.figures).map((c) => c.seeds));
      line.push(r.seed !== null ? String(r.seed) : String(seeds));
    } else {
      line.push(r.defense, r.shapers ?? "", r.strongest ?? "–");
    }
    for (const c of cols) line.push(cellText(r.figures[c.m], c.fmt));
    if (s.target) line.push(r.meets ?? "");
    table.push(line);
  }
  out.push(markdownTable(table, right));
  if (s.target) {
    out.push("");
    const meeting = s.rows.filter((r) => r.meets === "yes" && !r.reference);
    const t = s.target;
    if (meeting.length === 0) {
      const tried = s.rows.filter((r) => r.figures[t.metric]?.hi !== null && r.figures[t.metric]?.hi !== undefined);
      const closest = tried.sort((a, b) => (a.figures[t.metric].hi as number) - (b.figures[t.metric].hi as number))[0];
      out.push(
        `No row meets ${t.text} with 95% confidence (the interval's upper end).` +
          (closest ? ` Closest: ${closest.name}, ${t.metric} ${cellText(closest.figures[t.metric], (v) => v.toFixed(3))}.` : ""),
      );
    } else {
      const bw = (r: SummaryRow) => r.figures.bandwidth?.estimate ?? Infinity;
      meeting.sort((a, b) => bw(a) - bw(b));
      out.push(`Meets ${t.text} with 95% confidence (the interval's upper end), cheapest bandwidth first:`);
      for (const r of meeting) {
        const costs = cols.filter((c) => !isPrivacyMetric(c.m)).map((c) => `${c.header} ${cellText(r.figures[c.m], c.fmt)}`);
        out.push(`- ${r.name}: ${t.metric} ${cellText(r.figures[t.metric], (v) => v.toFixed(3))}${costs.length ? `; ${costs.join("; ")}` : ""}`);
      }
    }
  }
  return `${out.join("\n")}\n`;
}

function csvField(v: unknown): string {
  if (v === null || v === undefined) return "";
  const s = typeof v === "string" ? v : typeof v === "number" ? String(v) : canonicalJson(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The summary as CSV: raw numbers (bandwidth a fraction, latencies in ms), three columns per metric. */
export function summaryCsv(s: Summary): string {
  const head = [...s.params.map((p) => p.name), "defense", "reference", "seed", "seeds", "strongest", ...s.metrics.flatMap((m) => [m, `${m}.lo`, `${m}.hi`]), ...(s.target ? ["meets"] : [])];
  const lines = [head.map(csvField).join(",")];
  for (const r of s.rows) {
    const seeds = Math.max(0, ...Object.values(r.figures).map((c) => c.seeds));
    const cells = [
      ...s.params.map((p) => (r.reference ? null : r.params[p.name])),
      r.defense,
      r.reference,
      r.seed,
      seeds,
      r.strongest,
      ...s.metrics.flatMap((m) => [r.figures[m]?.estimate, r.figures[m]?.lo, r.figures[m]?.hi]),
      ...(s.target ? [r.meets] : []),
    ];
    lines.push(cells.map((c) => csvField(typeof c === "boolean" ? String(c) : c)).join(","));
  }
  return `${lines.join("\n")}\n`;
}

export function formatSummary(s: Summary, format = "md"): string {
  if (format === "json") return `${JSON.stringify(s, null, 2)}\n`;
  if (format === "csv") return summaryCsv(s);
  return summaryMarkdown(s);
}

const FORMATS = ["md", "csv", "json"];

export async function summaryCommand(dir: string, opts: SummaryOptions): Promise<void> {
  const format = opts.format ?? "md";
  if (!FORMATS.includes(format)) throw new InputError([`--format = ${JSON.stringify(format)}: expected one of md, csv, json`]);
  const summary = await summarizeDirectory(dir, opts);
  process.stdout.write(formatSummary(summary, format));
}

function collectList(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function register(program: Command): void {
  program
    .command("summary")
    .description("a metric-versus-parameter table with intervals for a run or a sweep directory")
    .argument("<dir>", "a run directory (chaff run) or a sweep directory (the --out of chaff sweep)")
    .option(
      "--metric <names>",
      `figures to show, comma-separated or repeated: auc, tpr@<fpr>, top1, top5 (the strongest observer's), ${COST_METRICS.join(", ")} (default ${DEFAULT_METRICS.join(",")})`,
      collectList,
      [],
    )
    .option("--format <format>", "md (default), csv (raw numbers: bandwidth a fraction, latency in ms, energy J/h) or json", "md")
    .option("--task <task>", "the task whose strongest observer the privacy figures are (default link)")
    .option("--target <target>", "mark the rows whose 95% upper bound meets a privacy target, e.g. 'auc<=0.6' or 'tpr@1e-3<=0.05'")
    .option("--per-seed", "sweeps: one row per point (setting and seed) instead of one per setting")
    .action(summaryCommand);
}
