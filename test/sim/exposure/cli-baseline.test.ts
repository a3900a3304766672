/**
 * `chaff exposure POLICY --baseline FILE` turns a posture regression into exit 1 with the
 * table naming what rose, on stdout after the run directory (`--quiet`). The baseline is
 * the committed no-protection one with every resolvable figure lowered to exactly 0, so
 * any figure the run can resolve lies above it; the run is the same policy at a small
 * size (12 users, 2 simulated minutes), judged by interval overlap since the sizes differ.
 * The exit-0 path on the real baselines is CI's posture check
 * (test/sim/exposure/posture.test.ts), and what the judgement finds on the CI-size runs is
 * test/physics/exposure.test.ts.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../../..");
const scratch = mkdtempSync(join(tmpdir(), "chaff-posture-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

type Fig = { estimate: number | null; lo: number | null; hi: number | null; resolvable: boolean };
const zero = (f: Fig): Fig => (f.resolvable ? { estimate: 0, lo: 0, hi: 0, resolvable: true } : f);

describe("chaff exposure --baseline", () => {
  it("exits 1 when the run exposes more than the baseline, naming each figure that rose", () => {
    const baseline = JSON.parse(readFileSync(join(ROOT, "results/baselines/exposure-no-protection.json"), "utf8"));
    let lowered = 0;
    for (const arm of baseline.arms) {
      for (const c of [...arm.cells, ...arm.strongest]) {
        if (c.auc.resolvable) lowered++;
        c.auc = zero(c.auc);
        for (const k of Object.keys(c.tprAt)) c.tprAt[k] = zero(c.tprAt[k]);
      }
    }
    expect(lowered).toBeGreaterThan(0);
    const file = join(scratch, "lowered.json");
    writeFileSync(file, JSON.stringify(baseline));
    const args = ["exposure", "no-protection", "--users", "12", "--duration", "120", "--quiet", "--out", join(scratch, "runs"), "--baseline", file];
    const r = spawnSync(process.execPath, [join(ROOT, "bin/chaff.js"), ...args], { cwd: ROOT, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(1);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(/exposure-no-protection-s\d+-[0-9a-f]+$/);
    expect(r.stdout).toContain(`## chaff exposure no-protection against ${file}`);
    expect(r.stdout).toMatch(/defense\s+vantage \/ observer\s+metric\s+baseline\s+run\s+rule\s+verdict/);
    expect(r.stdout).toMatch(/\n\S+\s+\S+ \S+\s+auc\s+0\.\d+ \[0\.\d+, 0\.\d+\]\s+.*WORSE/);
    expect(r.stdout).toMatch(/\n\d+ figure\(s\) rose beyond their intervals \(or went missing\): the policy exposes more than its baseline\.\n/);
  }, 120_000);
});
