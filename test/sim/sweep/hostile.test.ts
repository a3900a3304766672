/**
 * Issue 16, cases 2 and 3: a sweep that could break itself (two writers on one folder)
 * and rows of another experiment copied into a sweep folder.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../../sim/core/validation.ts";
import { parseExperiment } from "../../../sim/experiment/parse.ts";
import { CollectError, collectSweep } from "../../../sim/sweep/collect.ts";
import { acquireLock, staleReason } from "../../../sim/sweep/lock.ts";
import { runSweep, type SweepStart } from "../../../sim/sweep/runner.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
const CHAFF = join(ROOT, "bin/chaff.js");
const tmp = (tag: string) => mkdtempSync(join(tmpdir(), `chaff-${tag}-`));

const small = (name: string, users = 8, values = [1, 2]) => ({
  name,
  purpose: "hostile-input tests",
  seed: 5,
  durationSeconds: 30,
  population: { users, contactsPerUser: 2 },
  conversations: [{ model: "messaging" }],
  defenses: [{ name: "none" }],
  observers: [{ observer: "volume-correlation", vantage: "isp" }],
  metrics: { resamples: 50 },
  sweep: { grid: [{ path: "population.contactsPerUser", values }] },
});

const lines = (p: string) => (existsSync(p) ? readFileSync(p, "utf8").split("\n").filter(Boolean) : []);

async function rejection(p: Promise<unknown>): Promise<InputError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error("expected an InputError");
}

describe("sweep folders under hostile use", () => {
  it("a lock file with the holder's pid stops a second writer; a stale lock of a dead writer is taken over", async () => {
    const dir = tmp("lock");
    const path = join(dir, "rows.jsonl.lock");
    const a = acquireLock(path, "shard 0/1");
    expect(JSON.parse(readFileSync(path, "utf8")).pid).toBe(process.pid);
    expect(() => acquireLock(path, "--out X: shard 0/1")).toThrow(new RegExp(`--out X: shard 0/1: being written by process ${process.pid} on .* \\(lock ${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\)`));
    a.release();
    expect(existsSync(path)).toBe(false);
    // A writer that was killed: its pid no longer exists.
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    const pid = Number(dead.stdout);
    writeFileSync(path, JSON.stringify({ pid, host: (await import("node:os")).hostname(), boot: null, start: null, since: "then" }));
    expect(staleReason(path, { pid, host: (await import("node:os")).hostname(), boot: null, start: null, since: "then" })).toBe(`process ${pid} is gone`);
    const b = acquireLock(path, "shard 0/1");
    expect(JSON.parse(readFileSync(path, "utf8")).pid).toBe(process.pid);
    b.release();
  });

  it("a second sweep into an --out being written is refused (exit 2) and writes nothing; after the first, every point is there once (case 2)", async () => {
    const dir = tmp("two-writers");
    const file = join(dir, "exp.json");
    writeFileSync(file, JSON.stringify(small("two", 10, [1, 2, 3])));
    const out = join(dir, "out");
    // The first writer: this process holds the shard's lock, as a running chaff sweep does.
    await runSweep({ experiment: await parseExperiment(small("two", 10, [1, 2, 3])), out, shard: { index: 0, count: 1 }, workers: 1 });
    const before = lines(join(out, "rows.jsonl"));
    writeFileSync(join(out, "rows.jsonl"), before.slice(0, 1).map((l) => `${l}\n`).join(""));
    const held = acquireLock(join(out, "rows.jsonl.lock"), "test");
    const second = spawnSync(process.execPath, [CHAFF, "sweep", file, "--out", out, "--workers", "1"], { cwd: ROOT, encoding: "utf8" });
    expect(second.status).toBe(2);
    expect(second.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(new RegExp(`^error: --out .*: shard 0/1 \\(rows\\.jsonl\\): being written by process ${process.pid} on .*; wait for it to finish, or delete the lock if that process is gone$`)),
    ]);
    expect(lines(join(out, "rows.jsonl"))).toHaveLength(1);
    held.release();
    // Once the first is done, the same sweep resumes and finishes: each point once. (In
    // this process: the command's resume line and exit code are resume.test.ts's checks.)
    let start: SweepStart | null = null;
    const third = await runSweep({ experiment: await parseExperiment(small("two", 10, [1, 2, 3])), out, shard: { index: 0, count: 1 }, workers: 1, onStart: (s) => (start = s) });
    expect(start).toMatchObject({ done: 1, todo: 2 });
    expect(third.ran).toBe(2);
    const ids = lines(join(out, "rows.jsonl")).map((l) => JSON.parse(l).id);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
    expect(existsSync(join(out, "rows.jsonl.lock"))).toBe(false);
    expect((await collectSweep(out)).points).toBe(3);
  });

  it("resume and collect refuse rows of another experiment, naming it (case 3)", async () => {
    const a = await parseExperiment(small("alpha"));
    const outA = tmp("alpha");
    await runSweep({ experiment: a, out: outA, shard: { index: 0, count: 1 }, workers: 1 });
    const rowsA = readFileSync(join(outA, "rows.jsonl"), "utf8");

    // Another experiment (other users), same grid: its rows copied into this sweep's rows file.
    const b = await parseExperiment(small("beta", 9));
    const outB = tmp("beta");
    await runSweep({ experiment: b, out: outB, shard: { index: 0, count: 2 }, workers: 1 });
    writeFileSync(join(outB, "rows.jsonl"), rowsA);
    const collect = await rejection(collectSweep(outB));
    expect(collect).toBeInstanceOf(CollectError);
    expect(collect.problems).toContainEqual(expect.stringMatching(/^rows\.jsonl: 2 row\(s\) are not points of this sweep \(2 of experiment "alpha" \(base [0-9a-f]{12}\); this is experiment "beta", base [0-9a-f]{12}\); they belong to another sweep$/));
    writeFileSync(join(outB, "rows.shard-1-of-2.jsonl"), rowsA);
    const resume = await rejection(runSweep({ experiment: b, out: outB, shard: { index: 1, count: 2 }, workers: 1 }));
    expect(resume.problems).toEqual([expect.stringMatching(/rows\.shard-1-of-2\.jsonl: 2 row\(s\) are not points of shard 1\/2 of this sweep \(2 of experiment "alpha"/)]);

    // The same name with other contents (the experiment was edited): said so.
    const a2 = await parseExperiment({ ...small("alpha"), durationSeconds: 31 });
    const outA2 = tmp("alpha2");
    writeFileSync(join(outA2, "rows.jsonl"), rowsA);
    const edited = await rejection(runSweep({ experiment: a2, out: outA2, shard: { index: 0, count: 1 }, workers: 1 }));
    expect(edited.problems[0]).toMatch(/2 of experiment "alpha" \(base [0-9a-f]{12}\); this is experiment "alpha", base [0-9a-f]{12}\); the experiment was changed since these rows were written: use another --out/);
  });
});
