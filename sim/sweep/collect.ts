/**
 * Collects a sweep: checks that the shards in a directory hold every point exactly once,
 * then merges them with DuckDB (`@duckdb/node-api`) into files for people and notebooks.
 *
 * Checks (all reported, one line each, before anything is written):
 * - every expected point id (re-enumerated from `sweep.json`) is present exactly once
 *   across all rows files (`rows.jsonl`, `rows.shard-i-of-N.jsonl`);
 * - no row belongs to another sweep (such rows are named by the experiment they came
 *   from: every row carries its experiment's name and base hash); no file ends in a
 *   torn row (a shard killed mid-write: run that shard again and it finishes);
 * - every row has the shape `pointRow` writes (id, index, config, seed, params, metrics)
 *   and agrees with the point its id names.
 *
 * Outputs:
 * - `rows.collected.jsonl`: every row, byte for byte as the shards wrote it, sorted by
 *   point id — the same bytes whatever the shard or worker count;
 * - `rows.parquet` (zstd): one record per point × defense × figure ("long" form): id,
 *   point_index, config, seed, params (JSON text), one column per swept path, defense,
 *   observer, metric, estimate, lo, hi;
 * - `summary.json`: per setting (config) × defense × observer × figure, over seeds: count,
 *   mean, sample standard deviation, min and max of the estimates;
 * - `manifest.json`: the experiment, code revision, lockfile hash, Node version and the
 *   SHA-256 of every rows file and output.
 * DuckDB runs single-threaded so sums and row order, and so the files, are reproducible.
 *
 * @example
 * const r = await collectSweep("results/runs/sweep-cover-rate-sweep-1a2b3c4d5e");
 * r.points // => 6
 */
import { lstatSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { z } from "zod";
import { hostname } from "node:os";
import { join } from "node:path";
import { canonicalJson, prettyJson, sha256 } from "../core/canonical-json.ts";
import { experimentHash, lockfileHash, type Manifest, provenance, removeDebris, writeFileAtomic } from "../runs/run-dir.ts";
import { MAX_ROWS_FILE_BYTES, parseRows } from "./rows-file.ts";
import { readCapped } from "../core/json-input.ts";
import { parseExperiment } from "../experiment/parse.ts";
import type { Experiment } from "../experiment/schema.ts";
import { foreignRowsProblem, readSweepFile } from "./runner.ts";
import { enumeratePoints, ROWS_FILE, type PointSpec } from "./plan.ts";
import { InputError } from "../core/validation.ts";

/** A failed completeness check: one line per problem (bad input, so an InputError; the CLI exits 1 for it). */
export class CollectError extends InputError {
  constructor(problems: string[]) {
    super(problems);
    this.name = "CollectError";
  }
}

const metricSchema = z.looseObject({
  defense: z.string(),
  observer: z.string().nullable().optional(),
  metric: z.string(),
  estimate: z.number().nullable(),
  lo: z.number().nullable().optional(),
  hi: z.number().nullable().optional(),
});

/** The shape of a row as `pointRow` writes it. */
const rowSchema = z.looseObject({
  id: z.string(),
  index: z.number().int().min(0),
  config: z.string(),
  seed: z.number().int().min(0),
  params: z.record(z.string(), z.unknown()),
  metrics: z.array(metricSchema),
});

/** Why a row whose id is a point of this sweep does not match that point, or null. */
export function rowProblem(line: string, point: PointSpec): string | null {
  let row: unknown;
  try {
    row = JSON.parse(line);
  } catch {
    return "not JSON";
  }
  const r = rowSchema.safeParse(row);
  if (!r.success) {
    const issue = r.error.issues[0];
    return `${issue.path.join(".") || "(row)"}: ${issue.message}`;
  }
  if (r.data.index !== point.index || r.data.config !== point.config || r.data.seed !== point.seed || canonicalJson(r.data.params) !== canonicalJson(point.params)) {
    return `its index, config, seed or params differ from point ${point.index}'s`;
  }
  return null;
}

export interface CollectResult {
  points: number;
  files: { name: string; rows: number }[];
  outputs: Record<string, string>;
}

export const COLLECTED_FILE = "rows.collected.jsonl";
export const PARQUET_FILE = "rows.parquet";
export const SUMMARY_FILE = "summary.json";

const METRIC_STRUCT = "STRUCT(defense VARCHAR, observer VARCHAR, metric VARCHAR, estimate DOUBLE, lo DOUBLE, hi DOUBLE)[]";

function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

function sqlIdent(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

/** The experiment of a sweep directory, re-validated (a sweep.json edited by hand is caught here). */
export async function sweepExperiment(dir: string): Promise<{ experiment: Experiment; hash: string }> {
  const sweep = readSweepFile(dir);
  if (experimentHash(sweep.experiment) !== sweep.experimentHash) {
    throw new CollectError([`${join(dir, "sweep.json")}: the experiment does not match its recorded hash; the file was edited`]);
  }
  let experiment: Experiment;
  try {
    experiment = await parseExperiment(sweep.experiment);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    throw new CollectError(e.problems.map((p) => `${join(dir, "sweep.json")}: experiment.${p}`));
  }
  if (canonicalJson(experiment) !== canonicalJson(sweep.experiment)) {
    throw new CollectError([`${join(dir, "sweep.json")}: the experiment re-validates differently (written by another chaff version, or edited); collect it with the chaff that ran it`]);
  }
  return { experiment, hash: sweep.experimentHash };
}

/**
 * Checks rows files (name → bytes) against the points of a sweep: every point exactly
 * once, no torn tail, no foreign row (named by its experiment), no malformed row.
 * Returns the rows sorted by id; throws CollectError listing every problem.
 */
export function checkRows(expected: readonly PointSpec[], rowsFiles: readonly { name: string; bytes: Buffer }[], where: string): { lines: string[]; files: { name: string; rows: number }[] } {
  const byId = new Map(expected.map((p) => [p.id, p]));
  const problems: string[] = [];
  if (rowsFiles.length === 0) problems.push(`${where}: no rows files (rows.jsonl or rows.shard-i-of-N.jsonl); run chaff sweep first`);
  const seen = new Map<string, { line: string; file: string }>();
  const files: { name: string; rows: number }[] = [];
  const base = { name: expected[0]?.experimentName ?? "?", baseHash: expected[0]?.baseHash ?? "" };
  for (const { name, bytes } of rowsFiles) {
    const r = parseRows(bytes, name);
    files.push({ name, rows: r.rows.length });
    if (r.tornBytes > 0) problems.push(`${name}: ends with a torn row (${r.tornBytes} bytes; the shard was stopped mid-write): run that shard again to finish it`);
    const foreign: string[] = [];
    for (const row of r.rows) {
      const prior = seen.get(row.id);
      const point = byId.get(row.id);
      if (!point) foreign.push(row.line);
      else if (prior) problems.push(`${name}: point ${point.index} (${row.id}) is also in ${prior.file}; each point must appear once`);
      else {
        const bad = rowProblem(row.line, point);
        if (bad) problems.push(`${name}: row ${row.id} (point ${point.index}) is malformed: ${bad}`);
        else seen.set(row.id, { line: row.line, file: name });
      }
    }
    if (foreign.length > 0) problems.push(foreignRowsProblem(name, foreign, base, "this sweep"));
  }
  const missing = expected.filter((p) => !seen.has(p.id));
  if (missing.length > 0) {
    const show = missing.slice(0, 5).map((p) => `${p.index}`).join(", ");
    problems.push(`${missing.length} of ${expected.length} points are missing (indices ${show}${missing.length > 5 ? ", …" : ""}); run the shards that hold them`);
  }
  if (problems.length > 0) throw new CollectError(problems);
  const lines = [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v.line);
  return { lines, files };
}

/** Checks completeness and returns the rows sorted by id; throws CollectError listing every problem. */
export async function checkShards(dir: string): Promise<{ lines: string[]; files: { name: string; rows: number }[]; params: string[]; experiment: Experiment; hash: string }> {
  const { experiment, hash } = await sweepExperiment(dir);
  const expected = enumeratePoints(experiment);
  const names = readdirSync(dir).filter((f) => ROWS_FILE.test(f)).sort();
  const problems: string[] = [];
  const rowsFiles: { name: string; bytes: Buffer }[] = [];
  for (const name of names) {
    if (!lstatSync(join(dir, name)).isFile()) problems.push(`${name}: not a regular file (a link or device); expected a rows file written by chaff sweep`);
    else rowsFiles.push({ name, bytes: readCapped(join(dir, name), { maxBytes: MAX_ROWS_FILE_BYTES, label: "rows file" }) });
  }
  let checked: ReturnType<typeof checkRows> | null = null;
  try {
    checked = checkRows(expected, rowsFiles, dir);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    problems.push(...e.problems);
  }
  if (problems.length > 0 || !checked) throw new CollectError(problems);
  const params = expected.length ? Object.keys(expected[0].params) : [];
  return { ...checked, params, experiment, hash };
}

export async function collectSweep(dir: string): Promise<CollectResult> {
  const { lines, files, params, experiment, hash } = await checkShards(dir);
  removeDebris(dir);
  const sweep = { experiment, experimentHash: hash };
  const collected = lines.join("");
  writeFileAtomic(join(dir, COLLECTED_FILE), collected);

  // Which swept paths hold numbers everywhere (typed DOUBLE columns) and which do not (JSON text).
  const numeric = new Map<string, boolean>(params.map((p) => [p, true]));
  for (const line of lines) {
    const row = JSON.parse(line) as { params: Record<string, unknown> };
    for (const p of params) if (typeof row.params[p] !== "number") numeric.set(p, false);
  }
  const paramCols = params
    .map((p) => {
      const extract = `json_extract(params, ${sqlString(`$.${JSON.stringify(p)}`)})`;
      return numeric.get(p) ? `CAST(${extract} AS DOUBLE) AS ${sqlIdent(p)}` : `CAST(${extract} AS VARCHAR) AS ${sqlIdent(p)}`;
    })
    .join(", ");

  const parquetTmp = join(dir, `.${PARQUET_FILE}.tmp-${process.pid}@${hostname()}`);
  // Loaded here, not at the top: the native library costs ~0.2 s to load, which every other command would pay.
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const instance = await DuckDBInstance.create(":memory:", { threads: "1" });
  const db = await instance.connect();
  let summaryRows: Record<string, unknown>[];
  try {
    await db.run(
      `CREATE TABLE points AS SELECT * FROM read_json(${sqlString(join(dir, COLLECTED_FILE))}, format = 'newline_delimited', ` +
        `columns = {id: 'VARCHAR', "index": 'BIGINT', config: 'VARCHAR', seed: 'BIGINT', params: 'JSON', metrics: '${METRIC_STRUCT}'})`,
    );
    const count = (await db.runAndReadAll("SELECT count(*)::INTEGER AS n, count(DISTINCT id)::INTEGER AS d FROM points")).getRowObjectsJson()[0];
    if (count.n !== lines.length || count.d !== lines.length) {
      throw new CollectError([`DuckDB read ${count.n} rows (${count.d} distinct ids) from ${COLLECTED_FILE}, expected ${lines.length}`]);
    }
    await db.run(
      `CREATE TABLE figures AS SELECT id, "index"::INTEGER AS point_index, config, seed, params::VARCHAR AS params${paramCols ? `, ${paramCols}` : ""}, ` +
        `m.defense AS defense, m.observer AS observer, m.metric AS metric, m.estimate AS estimate, m.lo AS lo, m.hi AS hi ` +
        `FROM (SELECT *, unnest(metrics) AS m FROM points)`,
    );
    await db.run(
      `COPY (SELECT * FROM figures ORDER BY id, defense, observer NULLS FIRST, metric) TO ${sqlString(parquetTmp)} (FORMAT parquet, COMPRESSION zstd)`,
    );
    summaryRows = (
      await db.runAndReadAll(
        `SELECT min(point_index)::INTEGER AS first_index, config, any_value(params) AS params, defense, observer, metric, ` +
          `count(*)::INTEGER AS seeds, count(estimate)::INTEGER AS resolved, avg(estimate) AS mean, stddev_samp(estimate) AS sd, ` +
          `min(estimate) AS min, max(estimate) AS max ` +
          `FROM figures GROUP BY config, defense, observer, metric ORDER BY first_index, defense, observer NULLS FIRST, metric`,
      )
    ).getRowObjectsJson() as Record<string, unknown>[];
  } catch (e) {
    rmSync(parquetTmp, { force: true });
    throw e;
  } finally {
    db.closeSync();
    instance.closeSync();
  }
  const parquet = readFileSync(parquetTmp);
  rmSync(parquetTmp, { force: true });
  writeFileAtomic(join(dir, PARQUET_FILE), parquet);

  const configs = new Set(lines.map((l) => (JSON.parse(l) as { config: string }).config)).size;
  const summary = {
    experiment: sweep.experiment.name,
    experimentHash: sweep.experimentHash,
    points: lines.length,
    configs,
    params,
    figures: summaryRows.map((r) => ({ ...r, params: JSON.parse(String(r.params)) as unknown })),
  };
  const summaryText = prettyJson(summary);
  writeFileAtomic(join(dir, SUMMARY_FILE), summaryText);

  const outputs: Record<string, string> = {};
  for (const f of files) outputs[f.name] = sha256(readFileSync(join(dir, f.name)));
  outputs[COLLECTED_FILE] = sha256(collected);
  outputs[PARQUET_FILE] = sha256(parquet);
  outputs[SUMMARY_FILE] = sha256(summaryText);
  const manifest: Manifest = {
    chaff: "1",
    id: `${sweep.experiment.name}-sweep-${sweep.experimentHash.slice(0, 10)}`,
    experiment: sweep.experiment as unknown as Manifest["experiment"],
    experimentHash: sweep.experimentHash,
    seed: sweep.experiment.seed,
    code: provenance(sweep.experiment),
    lockfileSha256: lockfileHash(),
    node: process.version,
    outputs: JSON.parse(canonicalJson(outputs)) as Record<string, string>,
  };
  writeFileAtomic(join(dir, "manifest.json"), prettyJson(manifest));
  return { points: lines.length, files, outputs };
}
