/**
 * A sweep, planned: the points of an experiment's `sweep` section in canonical order,
 * each a complete, validated experiment with a stable id, and the row each one becomes.
 *
 * **Canonical order.** Grid axes are crossed with the first axis slowest; each grid
 * cell is crossed with the random samples (sample 0 first); each of those runs once
 * per seed (in the order listed), seeds fastest. The position in this order is the
 * point's `index`; shard i of N takes the indices ≡ i (mod N).
 *
 * **Tied axes.** An axis whose `path` is a list sets every path of it to the axis's
 * value; a point's `params` then hold each of those paths with that value (so ids,
 * rows and summaries name everything a point set), and the axis counts once.
 *
 * **Random samples.** Sample s draws one uniform number per range axis, in axis order,
 * from the stream `sweep/random/<s>` of the experiment seed, so adding samples at the
 * end never changes the earlier ones. Values are rounded (integers, or 6 significant
 * digits), so two draws can land on the same setting; a sample equal to an earlier one
 * is drawn again from its stream until it is new, so the samples are distinct. When the
 * ranges hold fewer settings than `samples` (10 samples of an integer range with 3
 * values), planning refuses with one line saying how many there are. The same samples
 * are used in every grid cell (common random numbers across the grid).
 *
 * **Ids.** `id` = SHA-256 of the canonical JSON of `{experiment, params, seed}`, where
 * `experiment` is the SHA-256 of the canonical experiment without its `sweep` and
 * `tune` sections (`baseHash`: everything a point inherits: users, duration, defenses,
 * observers, the experiment seed its random samples come from, its name) and `params`
 * maps each axis path to its value. The id names what the point computes, independent
 * of its index, of the shard and of the worker that ran it, and a row of another
 * experiment can never pass for one of this one. `config` = the first 16 hex digits of
 * the SHA-256 of `{experiment, params}`, the same for every seed of one setting, for
 * grouping replications.
 *
 * **Rows.** A point's row is one canonical-JSON line: id, index, config, seed, params,
 * the experiment's name (`experimentName`) and `baseHash` (so a row in the wrong place is named by the
 * experiment it came from) and the flat metric rows of every arm (`sim/runs/metric-rows.ts`). A point is computed from
 * its own experiment alone, so rows are byte-identical whatever the worker or shard
 * count; they are written in completion order and `collect` sorts them by id.
 *
 * @example
 * // sweep: { grid: [{ path: "defenses[1].device.params.coverRate", values: [0.5, 2] }], seeds: [1, 2] }
 * enumeratePoints(exp).map((p) => [p.index, p.params, p.seed])
 * // => [[0, {"defenses[1].device.params.coverRate": 0.5}, 1], [1, {…: 0.5}, 2], [2, {…: 2}, 1], [3, {…: 2}, 2]]
 */
import { canonicalJson, sha256 } from "../core/canonical-json.ts";
import { parseExperiment } from "../experiment/parse.ts";
import { feasibilityProblems } from "../experiment/feasibility.ts";
import { type Experiment } from "../experiment/schema.ts";
import { InputError } from "../core/validation.ts";
import { metricRows, type MetricRow } from "../runs/metric-rows.ts";
import { axisLabel, axisPaths, parsePath, pathProblem, setPath } from "./param-path.ts";
import { rangeSettings, valueInRange } from "./param-range.ts";
import { stream } from "../core/rng.ts";
import type { RunMetrics } from "../runs/metrics.ts";
import type { Shard } from "./shard.ts";

export interface PointSpec {
  /** The experiment's name. */
  experimentName: string;
  /** SHA-256 of the canonical experiment without its sweep and tune sections. */
  baseHash: string;
  index: number;
  id: string;
  config: string;
  seed: number;
  /** Axis path (canonical notation) → value. */
  params: Record<string, unknown>;
}

export interface SweepPoint extends PointSpec {
  /** The complete experiment this point runs: the base with the values set, no sweep section. */
  experiment: Experiment;
}

export interface SweepRow extends PointSpec {
  metrics: MetricRow[];
}

/** SHA-256 of the canonical experiment without its sweep and tune sections: what every point inherits. */
export function baseHash(exp: Experiment): string {
  return sha256(canonicalJson(baseOf(exp)));
}

export function pointId(base: string, params: Record<string, unknown>, seed: number): string {
  return sha256(canonicalJson({ experiment: base, params, seed }));
}

export function configId(base: string, params: Record<string, unknown>): string {
  return sha256(canonicalJson({ experiment: base, params })).slice(0, 16);
}

/** Redraws allowed per sample before the ranges are declared too small for the sample count. */
const MAX_REDRAWS = 10_000;

/** An object with `key → value` as own data properties (never through a prototype setter). */
function withEntry(base: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const out = { ...base };
  Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
  return out;
}

/** The distinct random samples (path → value) of a sweep's `random` section, in order. */
export function randomSamples(exp: Experiment): Record<string, unknown>[] {
  const r = exp.sweep?.random;
  if (!r) return [];
  const space = r.axes.reduce((n, a) => n * rangeSettings(a), 1);
  if (space < r.samples) {
    throw new InputError([
      `sweep.random.samples = ${r.samples}: expected at most ${space}, the number of distinct settings its ranges hold (${r.axes
        .map((a) => `${axisLabel(a.path)}: ${rangeSettings(a)}`)
        .join(", ")}); lower samples or widen the ranges`,
    ]);
  }
  const paths = r.axes.map((a) => axisPaths(a.path));
  const seen = new Set<string>();
  const samples: Record<string, unknown>[] = [];
  for (let k = 0; k < r.samples; k++) {
    const rng = stream(exp.seed, `sweep/random/${k}`);
    for (let attempt = 0; ; attempt++) {
      if (attempt >= MAX_REDRAWS) {
        throw new InputError([
          `sweep.random.samples = ${r.samples}: after ${MAX_REDRAWS} draws sample ${k} still repeats an earlier one; the ranges hold too few distinct settings (about ${space}) for this many samples`,
        ]);
      }
      let sample: Record<string, unknown> = {};
      r.axes.forEach((axis, i) => {
        const v = valueInRange(axis, rng.next());
        for (const p of paths[i]) sample = withEntry(sample, p, v);
      });
      const key = canonicalJson(sample);
      if (seen.has(key)) continue;
      seen.add(key);
      samples.push(sample);
      break;
    }
  }
  return samples;
}

/** The settings (path → value) of a sweep, grid × samples, in canonical order, without seeds. */
export function sweepSettings(exp: Experiment): Record<string, unknown>[] {
  const s = exp.sweep;
  if (!s) return [{}];
  let cells: Record<string, unknown>[] = [{}];
  for (const axis of s.grid) {
    const paths = axisPaths(axis.path);
    const next: Record<string, unknown>[] = [];
    for (const cell of cells) {
      for (const v of axis.values) {
        let c = cell;
        for (const p of paths) c = withEntry(c, p, v);
        next.push(c);
      }
    }
    cells = next;
  }
  if (!s.random) return cells;
  const samples = randomSamples(exp);
  const out: Record<string, unknown>[] = [];
  for (const cell of cells) for (const sample of samples) out.push({ ...cell, ...sample });
  return out;
}

/** Every point of the sweep in canonical order (an experiment without a sweep has one point). */
export function enumeratePoints(exp: Experiment): PointSpec[] {
  const seeds = exp.sweep?.seeds ?? [exp.seed];
  const base = baseHash(exp);
  const out: PointSpec[] = [];
  for (const params of sweepSettings(exp)) {
    const config = configId(base, params);
    for (const seed of seeds) out.push({ experimentName: exp.name, baseHash: base, index: out.length, id: pointId(base, params, seed), config, seed, params });
  }
  const ids = new Set(out.map((p) => p.id));
  if (ids.size !== out.length) {
    // Grid values and seeds are distinct (validation) and samples are drawn distinct, so this cannot happen.
    throw new InputError([`sweep: ${out.length - ids.size} point(s) repeat another point's setting and seed; expected every point once`]);
  }
  return out;
}

/** The experiment without its sweep and tune sections: what one point varies. */
export function baseOf(exp: Experiment): Experiment {
  const { sweep: _s, tune: _t, ...rest } = exp;
  return structuredClone(rest) as Experiment;
}

/** Sets every `path → value` of `params` in a copy of `base`; throws InputError on a path that leads nowhere. */
export function applyParams<T>(base: T, params: Record<string, unknown>, where = "sweep"): T {
  let out = base;
  const problems: string[] = [];
  for (const [path, value] of Object.entries(params)) {
    const keys = parsePath(path);
    const problem = pathProblem(out, keys);
    if (problem) problems.push(`${where} path ${path}: ${problem}`);
    else out = setPath(out, keys, value);
  }
  if (problems.length) throw new InputError(problems);
  return out;
}

/**
 * Plans a sweep: every point as a complete experiment, each validated as a whole (the
 * same checks as `chaff run`, feasibility included) before any work starts. Throws InputError with one
 * line per distinct problem, naming the point's setting.
 */
export async function planSweep(exp: Experiment): Promise<SweepPoint[]> {
  const base = baseOf(exp);
  const specs = enumeratePoints(exp);
  const byConfig = new Map<string, Experiment>();
  const problems = new Map<string, { first: Record<string, unknown>; count: number }>();
  for (const spec of specs) {
    if (byConfig.has(spec.config)) continue;
    try {
      const point = await parseExperiment(applyParams(base, spec.params));
      const infeasible = feasibilityProblems(point);
      if (infeasible.length > 0) throw new InputError(infeasible);
      byConfig.set(spec.config, point);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      for (const p of e.problems) {
        const seen = problems.get(p);
        if (seen) seen.count++;
        else problems.set(p, { first: spec.params, count: 1 });
      }
    }
  }
  if (problems.size > 0) {
    throw new InputError(
      [...problems].map(([p, { first, count }]) => `${p} (sweep point ${canonicalJson(first)}${count > 1 ? ` and ${count - 1} more` : ""})`),
    );
  }
  return specs.map((spec) => ({ ...spec, experiment: { ...(byConfig.get(spec.config) as Experiment), seed: spec.seed } }));
}

/** The row a point's metrics become: one canonical JSON line, newline-terminated. */
export function pointRow(point: PointSpec, metrics: RunMetrics): string {
  const row: SweepRow = {
    experimentName: point.experimentName,
    baseHash: point.baseHash,
    id: point.id,
    index: point.index,
    config: point.config,
    seed: point.seed,
    params: point.params,
    metrics: metricRows(metrics),
  };
  return `${canonicalJson(row)}\n`;
}

/** The rows file a shard appends to: `rows.jsonl` for a whole sweep, `rows.shard-i-of-N.jsonl` otherwise. */
export function rowsFileName(shard: Shard): string {
  return shard.count === 1 ? "rows.jsonl" : `rows.shard-${shard.index}-of-${shard.count}.jsonl`;
}

/** Matches every rows file a sweep directory may hold. */
export const ROWS_FILE = /^rows(?:\.shard-(\d+)-of-(\d+))?\.jsonl$/;

/** The sweep description every shard writes (identical across shards) so `collect` knows what to expect. */
export const SWEEP_FILE = "sweep.json";
