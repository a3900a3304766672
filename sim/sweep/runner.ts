/**
 * Runs a sweep, or one shard of it, into a directory, resuming where a previous attempt
 * stopped.
 *
 * 1. Plan and validate every point (`planSweep`) before anything is written.
 * 2. Write `sweep.json` (the experiment and its hash, the point count; identical for
 *    every shard) or check that the one already there describes the same experiment.
 * 3. Take the shard's lock (`<rows file>.lock`, see `lock.ts`), so that a second writer
 *    on the same shard and directory is refused instead of running every point again.
 *    Open the shard's rows file, dropping a torn last line, refuse rows that are not
 *    points of this shard (naming the experiment they came from), and skip every point
 *    whose id is already in it.
 * 4. Run the remaining points on a worker pool and append each row as it completes
 *    (one write, then fsync). A killed sweep therefore loses at most the points in
 *    flight, and starting it again runs exactly those: no row lost, none duplicated.
 *
 * @example
 * await runSweep({ experiment, out: "results/runs/x", shard: { index: 0, count: 1 }, workers: 4 });
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { readJsonFile } from "../core/json-input.ts";
import { prettyJson } from "../core/canonical-json.ts";
import { type Experiment } from "../experiment/schema.ts";
import { InputError, parseWith } from "../core/validation.ts";
import { acquireLock } from "./lock.ts";
import { experimentHash, removeDebris, writeFileAtomic } from "../runs/run-dir.ts";
import { openRowsFile, readRows } from "./rows-file.ts";
import { createRunPool } from "./pool.ts";
import { inShard, formatShard, type Shard } from "./shard.ts";
import { planSweep, pointRow, rowsFileName, SWEEP_FILE, type PointSpec } from "./plan.ts";

export interface SweepFile {
  chaff: string;
  experiment: Experiment;
  experimentHash: string;
  points: number;
}

export interface SweepStart {
  /** Points in the whole sweep. */
  total: number;
  /** Points in this shard. */
  shardPoints: number;
  /** Points of this shard already in its rows file. */
  done: number;
  /** Points this call will run. */
  todo: number;
  /** Bytes of a torn last row dropped on opening (a killed earlier attempt). */
  droppedBytes: number;
  rowsFile: string;
  workers: number;
}

export interface SweepOptions {
  experiment: Experiment;
  out: string;
  shard: Shard;
  workers: number;
  onStart?: (s: SweepStart) => void;
  /** After each row is durably written: rows done in this shard, shard size, the point. */
  onPoint?: (done: number, shardPoints: number, point: PointSpec) => void;
}

export interface SweepResult extends SweepStart {
  ran: number;
}

/** Largest sweep.json read, bytes. */
const MAX_SWEEP_FILE_BYTES = 16 * 1024 * 1024;

const sweepFileSchema = z
  .object({
    chaff: z.string(),
    experiment: z.looseObject({ name: z.string(), seed: z.number() }),
    experimentHash: z.string().regex(/^[0-9a-f]{64}$/, "expected a SHA-256 in hex"),
    points: z.number().int().min(0),
  })
  .strict();

/** Reads and checks the shape of a sweep directory's sweep.json; InputError, one line per problem. */
export function readSweepFile(dir: string): SweepFile {
  const p = join(dir, SWEEP_FILE);
  if (!existsSync(p)) throw new InputError([`${dir}: no ${SWEEP_FILE} (expected a directory written by chaff sweep)`]);
  const raw = readJsonFile(p, { label: "sweep file", maxBytes: MAX_SWEEP_FILE_BYTES });
  return parseWith(sweepFileSchema, raw, `${p}: `) as unknown as SweepFile;
}

/** Rows of another experiment, said by name: `3 row(s) of experiment "other" (base 1a2b…)`. */
export function foreignRowsProblem(where: string, lines: readonly string[], expected: { name: string; baseHash: string }, what: string): string {
  const origins = new Map<string, number>();
  for (const line of lines) {
    let name = "?";
    let base = "?";
    try {
      const row = JSON.parse(line) as { experimentName?: unknown; baseHash?: unknown };
      if (typeof row.experimentName === "string") name = row.experimentName;
      if (typeof row.baseHash === "string") base = row.baseHash;
    } catch {
      // counted as "?"
    }
    const key = `${JSON.stringify(name.length > 80 ? `${name.slice(0, 77)}...` : name)} (base ${base.slice(0, 12)})`;
    origins.set(key, (origins.get(key) ?? 0) + 1);
  }
  const from = [...origins].map(([k, n]) => `${n} of experiment ${k}`).join(", ");
  const same = [...origins.keys()].every((k) => k.startsWith(`${JSON.stringify(expected.name)} `));
  return (
    `${where}: ${lines.length} row(s) are not points of ${what} (${from}; this is experiment ${JSON.stringify(expected.name)}, base ${expected.baseHash.slice(0, 12)})` +
    (same ? "; the experiment was changed since these rows were written: use another --out" : "; they belong to another sweep")
  );
}

function claimDirectory(out: string, experiment: Experiment, points: number): void {
  const hash = experimentHash(experiment);
  const p = join(out, SWEEP_FILE);
  if (existsSync(p)) {
    const prior = readSweepFile(out);
    if (prior.experimentHash !== hash) {
      throw new InputError([
        `--out ${out}: holds a sweep of another experiment (${prior.experiment?.name ?? "?"}, hash ${String(prior.experimentHash).slice(0, 12)}; this one is ${hash.slice(0, 12)}); choose another --out`,
      ]);
    }
    return;
  }
  const file: SweepFile = { chaff: "1", experiment, experimentHash: hash, points };
  writeFileAtomic(p, prettyJson(file));
}

export async function runSweep(opts: SweepOptions): Promise<SweepResult> {
  const { experiment, out, shard } = opts;
  const points = await planSweep(experiment);
  const mine = points.filter((p) => inShard(p.index, shard));
  claimDirectory(out, experiment, points.length);
  removeDebris(out);

  const rowsPath = join(out, rowsFileName(shard));
  const lock = acquireLock(`${rowsPath}.lock`, `--out ${out}: shard ${formatShard(shard)} (${rowsFileName(shard)})`);
  let rows!: ReturnType<typeof openRowsFile>;
  try {
    rows = openRowsFile(rowsPath);
    const expected = new Set(mine.map((p) => p.id));
    const foreign = [...rows.ids].filter((id) => !expected.has(id));
    if (foreign.length > 0) {
      rows.close();
      const bad = new Set(foreign);
      const lines = readRows(rowsPath).rows.filter((r) => bad.has(r.id)).map((r) => r.line);
      const first = points[0];
      throw new InputError([
        foreignRowsProblem(rowsPath, lines, { name: experiment.name, baseHash: first?.baseHash ?? "" }, `shard ${formatShard(shard)} of this sweep`),
      ]);
    }
  } catch (e) {
    lock.release();
    throw e;
  }
  const todo = mine.filter((p) => !rows.ids.has(p.id));
  const start: SweepStart = {
    total: points.length,
    shardPoints: mine.length,
    done: mine.length - todo.length,
    todo: todo.length,
    droppedBytes: rows.droppedBytes,
    rowsFile: rowsPath,
    workers: Math.max(1, Math.min(opts.workers, todo.length)),
  };
  opts.onStart?.(start);
  if (todo.length === 0) {
    rows.close();
    lock.release();
    return { ...start, ran: 0 };
  }

  const pool = createRunPool(start.workers);
  let done = start.done;
  const failures: string[] = [];
  try {
    await Promise.all(
      todo.map((point) =>
        pool.run(point.experiment).then(
          (metrics) => {
            rows.append(pointRow(point, metrics));
            done++;
            opts.onPoint?.(done, mine.length, point);
          },
          (e: unknown) => {
            failures.push(`point ${point.index} (${point.id.slice(0, 12)}, ${JSON.stringify(point.params)}, seed ${point.seed}): ${(e as Error)?.message ?? String(e)}`);
          },
        ),
      ),
    );
  } finally {
    await pool.close();
    rows.close();
    lock.release();
  }
  if (failures.length > 0) {
    throw new Error(`${failures.length} sweep point(s) failed; the others are saved and a re-run retries only these:\n${failures.join("\n")}`);
  }
  return { ...start, ran: todo.length };
}
