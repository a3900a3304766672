import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { sha256 } from "../../../sim/core/canonical-json.ts";
import type { E2eRun, E2eRuns } from "../../setup/e2e-runs.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
const TINY = join(ROOT, "test/fixtures/tiny-experiment.json");

function chaff(args: string[]) {
  return spawnSync(process.execPath, [join(ROOT, "bin/chaff.js"), ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, CI: "1" } });
}

/** The runs the slow project's global setup made once for this file and the notebooks' (test/setup/e2e-runs.ts). */
function runs(): E2eRuns {
  const r = inject("e2eRuns");
  if (!r) throw new Error("the shared runs were not made: run this file through vitest's slow project (test/setup/e2e-runs.ts)");
  return r;
}

/** The one run directory a run wrote. */
function dirOf(r: E2eRun): string {
  expect(r.dir, `${r.args.join(" ")}: one run directory`).not.toBeNull();
  return r.dir as string;
}

describe("chaff run", () => {
  it("gives byte-identical metrics.json for the same seed, different ones for another seed, and a manifest that hashes every output", () => {
    // three runs of the shared setup, each in its own process: seed 3 on one worker (--seed 3
    // given), seed 3 on two workers (the file's seed), seed 4 (test/setup/e2e-runs.ts)
    const { w1, w2, s4 } = runs();
    for (const r of [w1, w2, s4]) expect(r.status, r.stderr).toBe(0);
    for (const r of [w1, s4]) expect(r.stdout).toMatch(/defense\s+strongest observer/);
    const [a, b, c] = [w1, w2, s4].map(dirOf);
    const ma = readFileSync(join(a, "metrics.json"));
    const mb = readFileSync(join(b, "metrics.json"));
    const mc = readFileSync(join(c, "metrics.json"));
    expect(sha256(ma)).toBe(sha256(mb));
    expect(sha256(ma)).not.toBe(sha256(mc));
    const manifest = JSON.parse(readFileSync(join(a, "manifest.json"), "utf8"));
    expect(manifest.seed).toBe(3);
    expect(JSON.parse(readFileSync(join(c, "manifest.json"), "utf8")).seed).toBe(4);
    expect(manifest.node).toBe(process.version);
    expect(manifest.lockfileSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(manifest.outputs)).toEqual(expect.arrayContaining(["metrics.json", "report.md"]));
    for (const [name, hash] of Object.entries(manifest.outputs)) {
      expect(sha256(readFileSync(join(a, name)))).toBe(hash);
    }
    expect(manifest.experiment.population.users).toBe(24);
    expect(readFileSync(join(a, "metrics.json"), "utf8")).not.toMatch(/NaN|Infinity/);
  });

  it("rejects an invalid experiment with one line per problem, exit code 2, and writes nothing", () => {
    const out = mkdtempSync(join(tmpdir(), "chaff-bad-"));
    const bad = join(out, "bad.json");
    const exp = JSON.parse(readFileSync(TINY, "utf8"));
    exp.durationSeconds = -5;
    exp.population.users = "many";
    exp.colour = "blue";
    exp.defenses[1].device.params = { nonsense: 1 };
    exp.observers[0].observer = "telepathy";
    writeFileSync(bad, JSON.stringify(exp));
    const r = chaff(["run", bad, "--out", join(out, "runs")]);
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines.some((l) => /durationSeconds = -5: .*/.test(l))).toBe(true);
    expect(lines.some((l) => /population\.users = "many": .*number/.test(l))).toBe(true);
    expect(lines).toContain(`error: colour = "blue": unknown key; check the spelling against \`chaff schema\``);
    expect(existsSync(join(out, "runs"))).toBe(false);
  });

  it("names a bad component parameter with its shaper, and a bad --seed", () => {
    const out = mkdtempSync(join(tmpdir(), "chaff-bad2-"));
    const bad = join(out, "bad.json");
    const exp = JSON.parse(readFileSync(TINY, "utf8"));
    exp.defenses[1].device.params = { nonsense: 1 };
    exp.observers[0].observer = "telepathy";
    writeFileSync(bad, JSON.stringify(exp));
    const r = chaff(["run", bad, "--out", join(out, "runs")]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/defenses\[1\]\.device\.params.*nonsense.*shaper "padme"/);
    expect(r.stderr).toMatch(/observers\[0\]\.observer = "telepathy": unknown observer; \(expected one of .*volume-correlation/);
    // a misspelt name gets a "did you mean", in the same pass as every other problem
    exp.observers[0].observer = "volume-corelation";
    delete exp.purpose;
    writeFileSync(bad, JSON.stringify(exp));
    const typo = chaff(["run", bad, "--out", join(out, "runs")]);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toMatch(/^error: purpose = missing/m);
    expect(typo.stderr).toMatch(/observers\[0\]\.observer = "volume-corelation": unknown observer; did you mean "volume-correlation"\?/);
    expect(typo.stderr).toMatch(/defenses\[1\]\.device\.params.*nonsense.*shaper "padme"/);
    const s = chaff(["run", TINY, "--seed", "-1", "--out", join(out, "runs")]);
    expect(s.status).toBe(2);
    expect(s.stderr).toMatch(/--seed = "-1": expected a/);
    expect(existsSync(join(out, "runs"))).toBe(false);
  });

  it("records wall and CPU time per phase in the manifest only, prints them with --timings, and the outputs do not depend on the workers", () => {
    const { experiment, w1: r1, w2: r2 } = runs();
    expect(r1.status, r1.stderr).toBe(0);
    expect(r1.args).toEqual(expect.arrayContaining(["--workers", "1", "--timings"]));
    expect(r1.stdout).toMatch(/phase\s+wall s\s+CPU s\s+spans\n(.|\n)*simulate\s/);
    // --quiet: stdout stays the run directory alone, the table goes to stderr
    expect(r2.status, r2.stderr).toBe(0);
    expect(r2.args).toEqual(expect.arrayContaining(["--workers", "2", "--quiet", "--timings"]));
    expect(r2.stdout.trim()).toBe(dirOf(r2));
    expect(r2.stderr).toMatch(/^phase\s+wall s/m);
    expect(r2.stderr).toMatch(/^run\s+[\d.]+\s+[\d.]+\s+\(2 workers/m);
    const [d1, d2] = [dirOf(r1), dirOf(r2)];
    const m1 = JSON.parse(readFileSync(join(d1, "manifest.json"), "utf8"));
    const m2 = JSON.parse(readFileSync(join(d2, "manifest.json"), "utf8"));
    for (const [m, workers] of [[m1, 1], [m2, 2]] as const) {
      expect(m.timings.workers).toBe(workers);
      expect(m.timings.wallSeconds).toBeGreaterThan(0);
      // one simulate span per defense arm on one thread; on workers one per worker task, and
      // each arm is two tasks there (its training run, whose time goes to its train span, then
      // the arm: sim/parallel/arm-part-task.ts); one train span per arm (its training
      // population), and on workers one more where the arm takes the training run handed
      // over; one score span per observer in each arm, and one for the run's scoring
      const exp = JSON.parse(readFileSync(experiment, "utf8")) as { defenses: unknown[]; observers: unknown[] };
      expect(m.timings.phases.simulate.spans).toBe(workers === 1 ? exp.defenses.length : 2 * exp.defenses.length);
      expect(m.timings.phases.train.spans).toBe(workers === 1 ? exp.defenses.length : 2 * exp.defenses.length);
      expect(m.timings.phases.score.spans).toBe(1 + exp.defenses.length * exp.observers.length);
      expect(m.timings.phases.figures.spans).toBe(1);
      for (const p of Object.values(m.timings.phases) as { wallSeconds: number; cpuSeconds: number }[]) {
        expect(p.wallSeconds).toBeGreaterThanOrEqual(0);
        expect(Number.isFinite(p.cpuSeconds)).toBe(true);
      }
    }
    // Timings are in no output: every output is byte-identical across worker counts.
    expect(m1.outputs).toEqual(m2.outputs);
    for (const name of Object.keys(m1.outputs)) expect(readFileSync(join(d1, name), "utf8")).not.toMatch(/wallSeconds|cpuSeconds/);
    // and the run still reproduces from its manifest, timings and all
    const rep = chaff(["reproduce", d2]);
    expect(rep.status, rep.stdout + rep.stderr).toBe(0);
  }, 120_000);
});
