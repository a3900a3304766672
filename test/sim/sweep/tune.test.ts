import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseExperiment } from "../../../sim/experiment/parse.ts";
import { runExperiment } from "../../../sim/experiment/run.ts";
import { metricRows, strongestRow, costRow } from "../../../sim/runs/metric-rows.ts";
import { parseTarget } from "../../../sim/sweep/target.ts";
import { targetFolder, tune, tuneDesign, tuneReport, type TuneResult } from "../../../sim/sweep/tune.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
const TUNE = join(ROOT, "sim/experiment/builtin/tune-constant-rate.json");
const raw = () => JSON.parse(readFileSync(TUNE, "utf8"));

describe("tune design", () => {
  it("is a seeded quasi-random design within the declared ranges", async () => {
    const exp = await parseExperiment(raw());
    const a = tuneDesign(exp);
    expect(a).toHaveLength(exp.tune?.candidates as number);
    expect(tuneDesign(await parseExperiment(raw()))).toEqual(a);
    expect(tuneDesign(await parseExperiment({ ...raw(), seed: 2 }))).not.toEqual(a);
    for (const p of a) for (const v of Object.values(p)) expect(v >= 0.1 && v <= 5).toBe(true);
    // Log scale: the design reaches below 0.5 and above 1.
    const dev = a.map((p) => p["device.params.intervalSeconds"]);
    expect(Math.min(...dev)).toBeLessThan(0.5);
    expect(Math.max(...dev)).toBeGreaterThan(1);
  });

  it("gives the paths of a tied range one value, as one dimension of the design", async () => {
    const tied = raw();
    tied.tune.params = [{ path: ["device.params.intervalSeconds", "server.params.intervalSeconds"], min: 0.1, max: 5, scale: "log" }];
    const design = tuneDesign(await parseExperiment(tied));
    expect(design).toHaveLength(9);
    for (const p of design) {
      expect(Object.keys(p).sort()).toEqual(["device.params.intervalSeconds", "server.params.intervalSeconds"]);
      expect(p["server.params.intervalSeconds"]).toBe(p["device.params.intervalSeconds"]);
    }
    // one dimension: the values are the first Halton coordinate, all distinct
    expect(new Set(design.map((p) => p["device.params.intervalSeconds"])).size).toBe(9);
    const bad = raw();
    bad.tune.params = [{ path: ["device.params.intervalSeconds", "params.intervalSeconds"], min: 0.1, max: 5 }];
    await expect(parseExperiment(bad)).rejects.toThrow(/tune\.params\[0\]\.path\[1\] = "params\.intervalSeconds": expected a path inside the defense/);
  });

  it("names each target's folder by the target and the cost", () => {
    expect(targetFolder(parseTarget("auc<=0.6"), "bandwidth")).toBe("auc-le-0.6-min-bandwidth");
    expect(targetFolder(parseTarget("tpr@0.001<0.05"), "energy")).toBe("tpr-at-1e-3-lt-0.05-min-energy");
  });
});

describe("chaff tune", () => {
  // One search on the command line, shared: the test of its result, and the test of a
  // second target written beside it into the same --out. One worker: the search's result
  // does not depend on the worker count (each evaluation is one whole experiment, see
  // runner.test.ts for rows identical under 1 and 2 workers), and each worker thread costs
  // seconds of module loading.
  let parent = "";
  let r: SpawnSyncReturns<string>;
  beforeAll(() => {
    parent = mkdtempSync(join(tmpdir(), "chaff-tune-"));
    r = spawnSync(
      process.execPath,
      [join(ROOT, "bin/chaff.js"), "tune", TUNE, "--target", "auc<=0.55", "--minimize", "bandwidth", "--out", parent, "--workers", "1"],
      { cwd: ROOT, encoding: "utf8" },
    );
  });

  it("finds the cheapest configuration meeting the target by successive halving, and its experiment file reproduces the claim within its CI", async () => {
    expect(r.status, r.stderr).toBe(0);
    const out = join(parent, "auc-le-0.55-min-bandwidth");
    // rungs numbered as the progress line counts them
    expect(r.stdout).toMatch(/## Pareto front at rung 3 of 3/);
    expect(r.stdout).toMatch(/\| 1 of 3 \| 300 /);
    expect(r.stdout).toMatch(/## Choice/);
    const result = JSON.parse(readFileSync(join(out, "tune.json"), "utf8")) as TuneResult;

    // Successive halving: 9 configurations, then the best ⌈9/3⌉ = 3, then 1, on growing budgets.
    expect(result.ranking.map((x) => x.length)).toEqual([9, 3, 1]);
    expect(result.rungs.map((g) => g.durationSeconds)).toEqual([300, 600, 900]);
    expect(result.evaluations).toHaveLength(9 + 3 + 2);
    for (let k = 0; k < 2; k++) {
      const kept = result.ranking[k].slice(0, result.ranking[k + 1].length).map((s) => s.config).sort();
      expect(result.ranking[k + 1].map((s) => s.config).sort()).toEqual(kept);
      // Ranked: every configuration meeting the target before any that does not, cheapest first.
      const meets = result.ranking[k].map((s) => s.meets);
      expect(meets).toEqual([...meets].sort((a, b) => Number(b) - Number(a)));
      const costs = result.ranking[k].filter((s) => s.meets).map((s) => s.costs.bandwidth as number);
      expect(costs).toEqual([...costs].sort((a, b) => a - b));
    }
    // The Pareto front of every rung holds the cheapest-bandwidth configuration of that rung.
    for (let k = 0; k < 3; k++) {
      const cheapest = [...result.ranking[k]].sort((a, b) => (a.costs.bandwidth as number) - (b.costs.bandwidth as number))[0];
      expect(result.fronts[k]).toContain(cheapest.config);
    }

    const choice = result.choice;
    expect(choice).not.toBeNull();
    if (!choice) return;
    expect(choice.claim.privacy.estimate as number).toBeLessThanOrEqual(0.55);
    // met on the interval's upper bound, not the point estimate, on every seed of the last rung
    for (const e of result.evaluations.filter((x) => x.rung === 2 && x.config === choice.config)) expect(e.privacy?.hi as number).toBeLessThanOrEqual(0.55);
    // and re-run on fresh seeds that no rung used
    const used = new Set(result.rungs.flatMap((g) => g.seeds));
    expect(choice.validation.seeds.length).toBeGreaterThanOrEqual(2);
    for (const seed of choice.validation.seeds) expect(used.has(seed)).toBe(false);
    expect(choice.validation.evaluations.map((e) => e.seed)).toEqual(choice.validation.seeds);
    expect(r.stdout).toMatch(/Re-run on fresh seeds the search never used/);
    // the ship path: the tuned constant-rate defense as Maybenot machine strings beside its figures
    const shipped = JSON.parse(readFileSync(join(out, "tune-constant-rate-tuned.machines.json"), "utf8"));
    expect(shipped.machines.device[0]).toMatch(/^02eN/);
    expect(shipped.machines.server[0]).toMatch(/^02eN/);
    expect(shipped.claim.privacy.metric).toBe("auc");

    // The written experiment is ready to run and reproduces the claimed figure within its interval.
    const file = join(out, "tune-constant-rate-tuned.json");
    const written = JSON.parse(readFileSync(file, "utf8"));
    expect(written.notes.join(" ")).toMatch(/Halton sequence/);
    expect(written.tune).toBeUndefined();
    const exp = await parseExperiment(written);
    expect(exp.defenses.map((d) => d.name)).toEqual(["none", "buflo"]);
    // the metrics chaff run writes (metrics.json), without rendering its figures
    const rerun = await runExperiment(exp);
    const rows = metricRows(rerun.metrics);
    const privacy = strongestRow(rows, "buflo", "auc");
    const claim = choice.claim.privacy;
    expect(privacy?.estimate).not.toBeNull();
    expect(privacy?.estimate as number).toBeGreaterThanOrEqual(claim.lo as number);
    expect(privacy?.estimate as number).toBeLessThanOrEqual(claim.hi as number);
    const bw = costRow(rows, "buflo", "bandwidth");
    expect(bw?.estimate as number).toBeGreaterThanOrEqual(choice.claim.costs.bandwidth?.lo as number);
    expect(bw?.estimate as number).toBeLessThanOrEqual(choice.claim.costs.bandwidth?.hi as number);
  });

  it("says so, and chooses nothing, when no configuration can meet the target", async () => {
    const small = raw();
    small.tune.candidates = 3;
    small.tune.rungs = [{ durationSeconds: 300, users: 30 }];
    small.tune.params = [{ path: ["device.params.intervalSeconds", "server.params.intervalSeconds"], min: 0.1, max: 5, scale: "log" }];
    const exp = await parseExperiment(small);
    const result = await tune({ experiment: exp, target: parseTarget("auc<0.5"), minimize: "energy", workers: 1 });
    expect(result.choice).toBeNull();
    expect(result.ranking[0].every((s) => !s.meets)).toBe(true);
    // a tied range is one column, named by its paths, holding the shared value
    const report = tuneReport(result);
    expect(report).toMatch(/\| config \| device\.params\.intervalSeconds = server\.params\.intervalSeconds \| auc \|/);
    expect(report).toMatch(/## Pareto front at rung 1 of 1 /);
    expect(report).toMatch(/No configuration met auc<0\.5/);
    await expect(tune({ experiment: exp, target: parseTarget("tpr@1e-5<=0.1"), minimize: "energy", workers: 1 })).rejects.toThrow(/tpr@1e-5 is not computed by this experiment/);
  });

  it("writes each target into a folder of its own, so a second target leaves the first one's report", () => {
    // A second search into the shared --out: a small one (two configurations, one rung), for
    // an unreachable target: nothing chosen (exit 1), but its report is written.
    const small = raw();
    small.tune.candidates = 2;
    small.tune.rungs = [{ durationSeconds: 300, users: 30 }];
    const dir = mkdtempSync(join(tmpdir(), "chaff-tune-targets-"));
    const file = join(dir, "small.json");
    writeFileSync(file, JSON.stringify(small));
    const second = spawnSync(process.execPath, [join(ROOT, "bin/chaff.js"), "tune", file, "--target", "auc<0.01", "--minimize", "energy", "--out", parent, "--workers", "1", "--quiet"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(r.status, r.stderr).toBe(0);
    expect(second.status, second.stderr).toBe(1);
    for (const [target, folder] of [["auc<=0.55", "auc-le-0.55-min-bandwidth"], ["auc<0.01", "auc-lt-0.01-min-energy"]]) {
      const report = readFileSync(join(parent, folder, "report.md"), "utf8");
      expect(report).toContain(`Target: ${target} for the strongest observer.`);
      expect(existsSync(join(parent, folder, "tune.json"))).toBe(true);
    }
    expect(existsSync(join(parent, "report.md"))).toBe(false);
  });
});
