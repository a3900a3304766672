import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../../..");
const SWEEP = join(ROOT, "sim/experiment/builtin/sweep-cover-rate.json");
const raw = () => JSON.parse(readFileSync(SWEEP, "utf8"));
const tmp = (tag: string) => mkdtempSync(join(tmpdir(), `chaff-${tag}-`));

describe("chaff sweep on the command line", () => {
  it("rejects a bad sweep on the command line before any work, one line per problem, exit 2", () => {
    const dir = tmp("bad");
    const bad = raw();
    bad.sweep.grid[0].values = [1, -2];
    bad.sweep.colour = "red";
    bad.population.users = "lots";
    writeFileSync(join(dir, "bad.json"), JSON.stringify(bad));
    const out = join(dir, "out");
    const r = spawnSync(process.execPath, [join(ROOT, "bin/chaff.js"), "sweep", join(dir, "bad.json"), "--out", out], { cwd: ROOT, encoding: "utf8" });
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toContain('error: sweep.colour = "red": unknown key; check the spelling against `chaff schema`');
    expect(lines.some((l) => /^error: population\.users = "lots": .*expected number/.test(l))).toBe(true);
    expect(existsSync(out)).toBe(false);
    // Once the shape is right, an impossible point value is named with its sweep point.
    const bad2 = raw();
    bad2.sweep.grid[0].values = [1, -2];
    writeFileSync(join(dir, "bad2.json"), JSON.stringify(bad2));
    const s = spawnSync(process.execPath, [join(ROOT, "bin/chaff.js"), "sweep", join(dir, "bad2.json"), "--out", out, "--shard", "0/2"], { cwd: ROOT, encoding: "utf8" });
    expect(s.status).toBe(2);
    expect(s.stderr).toMatch(/^error: defenses\[1\]\.device\.params\.coverRate = -2: expected a number from 0 .*\(sweep point .*-2\}/m);
    expect(existsSync(out)).toBe(false);
    const t = spawnSync(process.execPath, [join(ROOT, "bin/chaff.js"), "sweep", SWEEP, "--out", out, "--shard", "auto/3"], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, JOB_COMPLETION_INDEX: "", SLURM_ARRAY_TASK_ID: "" },
    });
    expect(t.status).toBe(2);
    expect(t.stderr).toMatch(/--shard = "auto\/3": expected JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID to be set/);
  });
});
