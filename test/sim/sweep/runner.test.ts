import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { beforeAll, describe, expect, it } from "vitest";
import { CollectError, collectSweep, COLLECTED_FILE, type CollectResult } from "../../../sim/sweep/collect.ts";
import { parseExperiment } from "../../../sim/experiment/parse.ts";
import type { Experiment } from "../../../sim/experiment/schema.ts";
import { runSweep } from "../../../sim/sweep/runner.ts";
import { enumeratePoints } from "../../../sim/sweep/plan.ts";
import { reproduceRun } from "../../../sim/runs/reproduce.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
// The builtin sweep-cover-rate's shape (three rates by two seeds, two arms) at a scale where
// a point costs a fraction of a CPU second: what is checked here is rows and files.
const SWEEP = join(ROOT, "test/fixtures/sweep/cover-rate-small.json");
const raw = () => JSON.parse(readFileSync(SWEEP, "utf8"));

const tmp = (tag: string) => mkdtempSync(join(tmpdir(), `chaff-${tag}-`));

async function parquetRows(path: string): Promise<Record<string, unknown>[]> {
  const db = await (await DuckDBInstance.create(":memory:")).connect();
  const r = await db.runAndReadAll(`SELECT id, defense, observer, metric, estimate, lo, hi FROM read_parquet('${path}') ORDER BY id, defense, observer NULLS FIRST, metric`);
  const rows = r.getRowObjectsJson();
  db.closeSync();
  return rows as Record<string, unknown>[];
}

describe("sweep, shards and collect", () => {
  // The whole sweep, and the same sweep as three shards into one directory, each collected:
  // compared with each other below, and the sharded one reproduced from its manifest.
  let exp: Experiment;
  let points = 0;
  let whole = "";
  let sharded = "";
  const shardPoints: number[] = [];
  let a: CollectResult;
  let b: CollectResult;
  beforeAll(async () => {
    exp = await parseExperiment(raw());
    points = enumeratePoints(exp).length;
    whole = tmp("whole");
    await runSweep({ experiment: exp, out: whole, shard: { index: 0, count: 1 }, workers: 1 });
    sharded = tmp("sharded");
    for (let i = 0; i < 3; i++) shardPoints.push((await runSweep({ experiment: exp, out: sharded, shard: { index: i, count: 3 }, workers: 1 })).shardPoints);
    a = await collectSweep(whole);
    b = await collectSweep(sharded);
  });

  it("gives the same rows for --shard 0/1 as for the union of 0/3, 1/3, 2/3, and for 1 and 2 workers", async () => {
    expect(points).toBeGreaterThanOrEqual(6);
    for (let i = 0; i < 3; i++) expect(shardPoints[i]).toBe(Math.ceil((points - i) / 3));
    expect(readdirSync(sharded).filter((f) => f.startsWith("rows.shard-")).sort()).toEqual([
      "rows.shard-0-of-3.jsonl",
      "rows.shard-1-of-3.jsonl",
      "rows.shard-2-of-3.jsonl",
    ]);
    expect(a.points).toBe(points);
    expect(b.points).toBe(points);
    const rowsA = readFileSync(join(whole, COLLECTED_FILE));
    const rowsB = readFileSync(join(sharded, COLLECTED_FILE));
    expect(rowsB.equals(rowsA)).toBe(true);
    const ids = rowsA.toString("utf8").trim().split("\n").map((l) => JSON.parse(l).id as string);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids)).toEqual(new Set(enumeratePoints(exp).map((p) => p.id)));
    // The derived files are identical too, and the Parquet holds what the rows say.
    expect(a.outputs["rows.parquet"]).toBe(b.outputs["rows.parquet"]);
    expect(a.outputs["summary.json"]).toBe(b.outputs["summary.json"]);
    const pq = await parquetRows(join(whole, "rows.parquet"));
    const flat = rowsA.toString("utf8").trim().split("\n").flatMap((l) => {
      const row = JSON.parse(l);
      return row.metrics.map((m: Record<string, unknown>) => ({ id: row.id, ...m }));
    });
    expect(pq).toHaveLength(flat.length);
    const first = flat.find((m) => m.estimate !== null) as Record<string, unknown>;
    expect(pq.find((r) => r.id === first.id && r.defense === first.defense && r.metric === first.metric && r.observer === first.observer)?.estimate).toBe(first.estimate);

    // Two workers: the same rows, byte for byte, once sorted.
    const two = tmp("two");
    await runSweep({ experiment: exp, out: two, shard: { index: 0, count: 1 }, workers: 2 });
    await collectSweep(two);
    expect(readFileSync(join(two, COLLECTED_FILE)).equals(rowsA)).toBe(true);
    const summary = JSON.parse(readFileSync(join(whole, "summary.json"), "utf8"));
    expect(summary.points).toBe(points);
    expect(summary.figures.length).toBeGreaterThan(0);
  });

  it("collect names what is missing or duplicated, and a sweep refuses a directory of another experiment", async () => {
    const dir = tmp("partial");
    await runSweep({ experiment: exp, out: dir, shard: { index: 1, count: 3 }, workers: 1 });
    let err: CollectError | null = null;
    try {
      await collectSweep(dir);
    } catch (e) {
      err = e as CollectError;
    }
    expect(err).toBeInstanceOf(CollectError);
    expect(err?.problems.join("\n")).toMatch(/points are missing \(indices 0, 2/);
    expect(existsSync(join(dir, "rows.parquet"))).toBe(false);
    // The same rows twice (a shard re-run under another N in the same directory).
    const rows = readFileSync(join(dir, "rows.shard-1-of-3.jsonl"), "utf8");
    writeFileSync(join(dir, "rows.jsonl"), rows);
    await expect(collectSweep(dir)).rejects.toThrow(/is also in rows\.jsonl; each point must appear once/);

    const other = { ...raw(), seed: 77 };
    await expect(runSweep({ experiment: await parseExperiment(other), out: dir, shard: { index: 0, count: 1 }, workers: 1 })).rejects.toThrow(
      /holds a sweep of another experiment/,
    );
  });

  it("reproduces a collected sweep from its manifest, and names a shard file changed afterwards", async () => {
    // A copy of the three-shard sweep collected above, so changing it leaves the original.
    const dir = tmp("repro");
    cpSync(sharded, dir, { recursive: true });
    const ok = await reproduceRun(dir);
    expect(ok.problems).toEqual([]);
    expect(ok.verified).toEqual(
      expect.arrayContaining(["rows.collected.jsonl", "rows.parquet", "summary.json", "rows.shard-0-of-3.jsonl", "rows.shard-1-of-3.jsonl", "rows.shard-2-of-3.jsonl"]),
    );
    const shard = join(dir, "rows.shard-1-of-3.jsonl");
    writeFileSync(shard, readFileSync(shard, "utf8").replace(/"seed":(\d)/, (_m, d) => `"seed":${(Number(d) + 1) % 10}`));
    const bad = await reproduceRun(dir);
    expect(bad.ok).toBe(false);
    expect(bad.problems).toHaveLength(1);
    expect(bad.problems[0]).toMatch(/^rows\.shard-1-of-3\.jsonl: the file does not match its recorded SHA-256/);
  });
});
