import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { compareRuns, judge, parseTolerances, toleranceFor } from "../../../sim/runs/compare.ts";
import { parseExperiment } from "../../../sim/experiment/parse.ts";
import { InputError } from "../../../sim/core/validation.ts";
import type { MetricRow } from "../../../sim/runs/metric-rows.ts";
import { runId, writeRun } from "../../../sim/runs/run-dir.ts";
import { prettyJson } from "../../../sim/core/canonical-json.ts";
import { runExperiment } from "../../../sim/experiment/run.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
const row = (estimate: number | null, lo: number | null, hi: number | null, metric = "auc", observer: string | null = "x@isp"): MetricRow => ({
  defense: "d",
  observer,
  metric,
  estimate,
  lo,
  hi,
});

describe("judging one figure", () => {
  it("by CI overlap: worse only when the run's whole interval lies above the baseline's", () => {
    const ci = { ci: true };
    expect(judge(row(0.5, 0.45, 0.55), row(0.6, 0.56, 0.64), ci)).toBe("WORSE");
    expect(judge(row(0.5, 0.45, 0.55), row(0.6, 0.55, 0.64), ci)).toBe("ok");
    expect(judge(row(0.5, 0.45, 0.55), row(0.4, 0.35, 0.44), ci)).toBe("better");
    expect(judge(row(0.5, null, null), row(0.5, null, null), ci)).toBe("ok");
    expect(judge(row(0.5, null, null), row(0.51, null, null), ci)).toBe("WORSE");
    expect(judge(row(null, null, null), row(null, null, null), ci)).toBe("not resolvable");
    // only one side resolves (judgeFigure): a privacy figure newly resolvable is worse
    // (favouring the attacker), a cost one is new; one no longer resolvable is missing
    expect(judge(row(null, null, null), row(0.5, 0.4, 0.6), ci)).toBe("WORSE");
    expect(judge(row(null, null, null, "latency.p99", null), row(5, 4, 6, "latency.p99", null), ci)).toBe("new");
    expect(judge(row(0.5, 0.4, 0.6), row(null, null, null), ci)).toBe("missing");
  });

  it("by absolute or relative slack around the baseline estimate", () => {
    expect(judge(row(0.5, 0, 1), row(0.54, 0, 1), { abs: 0.05 })).toBe("ok");
    expect(judge(row(0.5, 0, 1), row(0.56, 0, 1), { abs: 0.05 })).toBe("WORSE");
    expect(judge(row(100, 0, 1), row(104, 0, 1), { rel: 0.05 })).toBe("ok");
    expect(judge(row(100, 0, 1), row(106, 0, 1), { rel: 0.05 })).toBe("WORSE");
    expect(judge(row(100, 0, 1), row(90, 0, 1), { rel: 0.05, abs: 1 })).toBe("better");
  });

  it("looks tolerances up by metric, family, kind, then default, and rejects a bad tolerance file one line per problem", () => {
    const t = parseTolerances({ metrics: { "latency.p99": { abs: 5 }, energy: { rel: 0.1 }, privacy: { abs: 0.01 } } });
    expect(toleranceFor(t, { metric: "latency.p99", observer: null })).toEqual({ abs: 5 });
    expect(toleranceFor(t, { metric: "tpr@1e-3", observer: "a@isp" })).toEqual({ abs: 0.01 });
    expect(toleranceFor(t, { metric: "bandwidth", observer: null })).toEqual({ ci: true });
    let err: InputError | null = null;
    try {
      parseTolerances({ default: { abs: -1 }, metrics: { auc: { ci: true, rel: 0.1 } }, colour: 1 }, "tol.json");
    } catch (e) {
      err = e as InputError;
    }
    expect(err?.problems).toHaveLength(3);
    expect(err?.problems).toContain("tol.json: colour = 1: unknown key; check the spelling against `chaff schema`");
    expect(err?.problems.some((p) => /^tol\.json: default\.abs = -1: /.test(p))).toBe(true);
    expect(err?.problems.some((p) => /^tol\.json: metrics\.auc = .*either ci, or abs/.test(p))).toBe(true);
  });
});

describe("chaff compare", () => {
  it("exits 1 on a deliberately weakened shaper, the table naming the privacy figure that moved", async () => {
    const source = JSON.parse(readFileSync(join(ROOT, "sim/experiment/builtin/tune-constant-rate.json"), "utf8"));
    delete source.tune;
    const strong = { ...source, population: { users: 80 }, durationSeconds: 900, defenses: [source.defenses[1]] };
    // The same defense, weakened: cells only while there is traffic (BuFLO sessions), no longer always on.
    const weak = structuredClone(strong);
    for (const side of ["device", "server"]) weak.defenses[0][side].params = { intervalSeconds: 0.5, minDurationSeconds: 0, alwaysOn: false };
    const dirs: string[] = [];
    for (const raw of [strong, weak]) {
      const exp = await parseExperiment(raw);
      // compare reads a run directory's metrics.json alone: the run is written with that
      // output only (the same bytes chaff run writes, sim/runs/outputs.ts), no figures rendered
      const { metrics } = await runExperiment(exp);
      dirs.push(writeRun(mkdtempSync(join(tmpdir(), "chaff-cmp-")), runId(exp.name, exp.seed, exp), exp, { "metrics.json": prettyJson(metrics) }));
    }
    const [base, run] = dirs;

    const same = spawnSync(process.execPath, [join(ROOT, "bin/chaff.js"), "compare", join(base, "metrics.json"), base], { cwd: ROOT, encoding: "utf8" });
    expect(same.status, same.stderr).toBe(0);
    expect(same.stdout).toMatch(/No regression/);

    const r = spawnSync(process.execPath, [join(ROOT, "bin/chaff.js"), "compare", base, run, "--changes"], { cwd: ROOT, encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^\| defense \| observer \| metric \| baseline \[CI\] \| run \[CI\] \| change \| tolerance \| verdict \|$/m);
    expect(r.stdout).toMatch(/^\| buflo \| [\w-]+@isp \| auc \| 0\.500 \[0\.500, 0\.500\] \| [\d.]+ \[[\d.]+, [\d.]+\] \| \+[\d.]+ .*\| CI overlap \| \*\*WORSE\*\* \|$/m);
    expect(r.stdout).toMatch(/regression\(s\)\*\*: .*buflo \/ [\w-]+@isp \/ auc \(WORSE\)/);
    // Cheaper is better, never a regression.
    expect(r.stdout).toMatch(/^\| buflo \| cost \| bandwidth \| .* \| better \|$/m);

    // The same comparison in-process: the observers' AUC moved up beyond its interval; bandwidth went down.
    const c = compareRuns(JSON.parse(readFileSync(join(base, "metrics.json"), "utf8")), JSON.parse(readFileSync(join(run, "metrics.json"), "utf8")));
    const auc = c.judgements.filter((j) => j.metric === "auc");
    expect(auc.length).toBeGreaterThan(0);
    expect(auc.some((j) => j.verdict === "WORSE" && (j.run?.lo as number) > (j.baseline?.hi as number))).toBe(true);
    expect(c.judgements.find((j) => j.metric === "bandwidth")?.verdict).toBe("better");
    expect(c.regressions).toBe(c.judgements.filter((j) => j.verdict === "WORSE" || j.verdict === "missing").length);

    // A generous tolerance file lets it pass.
    const tol = join(mkdtempSync(join(tmpdir(), "chaff-tol-")), "tol.json");
    writeFileSync(tol, JSON.stringify({ default: { abs: 1 }, metrics: { cost: { rel: 100 } } }));
    const lenient = spawnSync(process.execPath, [join(ROOT, "bin/chaff.js"), "compare", base, run, "--tolerances", tol], { cwd: ROOT, encoding: "utf8" });
    expect(lenient.status).toBe(0);
  });
});
