import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { collectSweep } from "../../../sim/sweep/collect.ts";
import { parseExperiment } from "../../../sim/experiment/parse.ts";
import { runSweep, type SweepStart } from "../../../sim/sweep/runner.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
const CHAFF = join(ROOT, "bin/chaff.js");
// The builtin sweep-cover-rate's shape at a scale where a point costs a fraction of a CPU
// second: what is checked here is rows and files, not physics.
const SWEEP = join(ROOT, "test/fixtures/sweep/cover-rate-small.json");

function lines(path: string): string[] {
  return existsSync(path) ? readFileSync(path, "utf8").split("\n").filter(Boolean) : [];
}

describe("a killed sweep", () => {
  it("started again finishes with no row lost and none duplicated, dropping a torn last row", async () => {
    const dir = mkdtempSync(join(tmpdir(), "chaff-kill-"));
    const exp = JSON.parse(readFileSync(SWEEP, "utf8"));
    exp.sweep.seeds = [1, 3, 4];
    const file = join(dir, "exp.json");
    writeFileSync(file, JSON.stringify(exp));
    const out = join(dir, "out");
    const rows = join(out, "rows.jsonl");
    const total = exp.sweep.grid[0].values.length * exp.sweep.seeds.length;

    const child = spawn(process.execPath, [CHAFF, "sweep", file, "--out", out, "--workers", "1", "--quiet"], { cwd: ROOT, stdio: "ignore" });
    let running = true;
    const exited = new Promise<NodeJS.Signals | null>((done) =>
      child.on("exit", (_code, signal) => {
        running = false;
        done(signal);
      }),
    );
    // Kill it as soon as its first row is written (a child that exits first fails below).
    while (running && lines(rows).length === 0) await new Promise((r) => setTimeout(r, 10));
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    const before = lines(rows);
    expect(before.length).toBeGreaterThanOrEqual(1);
    expect(before.length).toBeLessThan(total);
    // What a kill in the middle of a write leaves: a prefix of the next row.
    appendFileSync(rows, before[0].slice(0, 40));

    // One worker: that rows do not depend on the worker count is runner.test.ts's check.
    const again = spawnSync(process.execPath, [CHAFF, "sweep", file, "--out", out, "--workers", "1"], { cwd: ROOT, encoding: "utf8" });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/dropped a torn last row \(40 bytes\)/);
    expect(again.stderr).toMatch(new RegExp(`${before.length} already done, ${total - before.length} to run`));
    const after = lines(rows);
    expect(after).toHaveLength(total);
    expect(after.slice(0, before.length)).toEqual(before);
    const ids = after.map((l) => JSON.parse(l).id as string);
    expect(new Set(ids).size).toBe(total);

    // The same rows as a sweep never interrupted, once collected.
    const experiment = await parseExperiment(exp);
    const clean = join(dir, "clean");
    await runSweep({ experiment, out: clean, shard: { index: 0, count: 1 }, workers: 1 });
    for (const d of [out, clean]) expect((await collectSweep(d)).points).toBe(total);
    expect(readFileSync(join(out, "rows.collected.jsonl")).equals(readFileSync(join(clean, "rows.collected.jsonl")))).toBe(true);

    // A third start has nothing left to do. (In this process: the command's line saying so
    // is the second start's, checked above.)
    let start: SweepStart | null = null;
    const third = await runSweep({ experiment, out, shard: { index: 0, count: 1 }, workers: 1, onStart: (s) => (start = s) });
    expect(start).toMatchObject({ done: total, todo: 0 });
    expect(third.ran).toBe(0);
    expect(lines(rows)).toHaveLength(total);
  });
});
