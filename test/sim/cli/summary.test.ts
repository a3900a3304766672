/**
 * `chaff summary`: a run directory gives one row per defense, a sweep directory one row
 * per setting named by its parameter values, each figure with its interval; the
 * strongest observer is the run's own (`strongest:<task>` rows); over seeds the estimate
 * is the mean and the interval the envelope; a target marks the settings whose upper
 * bound meets it and names the cheapest. Sweeps are built on disk from the built-in
 * cover-rate sweep and synthetic metrics, so no simulation runs here.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { prettyJson } from "../../../sim/core/canonical-json.ts";
import { InputError } from "../../../sim/core/validation.ts";
import { parseExperiment } from "../../../sim/experiment/parse.ts";
import type { Experiment } from "../../../sim/experiment/schema.ts";
import { formatSummary, normalizeMetric, shortNames, summarizeDirectory, summaryCsv, summaryMarkdown } from "../../../sim/cli/commands/summary.ts";
import { experimentHash } from "../../../sim/runs/run-dir.ts";
import type { ArmResult, RunMetrics } from "../../../sim/runs/metrics.ts";
import { enumeratePoints, pointRow } from "../../../sim/sweep/plan.ts";
import { syntheticRun } from "../report/figures/synthetic.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
const chaff = (args: string[]) => spawnSync(process.execPath, [join(ROOT, "bin/chaff.js"), ...args], { cwd: ROOT, encoding: "utf8" });

const base = syntheticRun().metrics;

/** Sets an arm's strongest link AUC and its cost; everything else stays the synthetic run's. */
function arm(from: ArmResult, defense: string, device: ArmResult["device"], auc: [number, number, number], bandwidth: number, p99Ms: number): ArmResult {
  const a = structuredClone(from);
  a.defense = defense;
  a.device = device;
  a.server = { shaper: "none", params: {} };
  const link = a.strongest.find((s) => s.task === "link")!;
  link.auc = { estimate: auc[0], lo: auc[1], hi: auc[2], resolvable: true };
  a.cost.bandwidthOverhead.total = { estimate: bandwidth, lo: bandwidth * 0.9, hi: bandwidth * 1.1 };
  a.cost.addedLatencyMs.p99 = { estimate: p99Ms, lo: p99Ms * 0.8, hi: p99Ms * 1.2 };
  return a;
}

/** Cover at `rate` hides more the higher the rate; seed 2 a little less than seed 1. */
const AUC: Record<number, number> = { 0.1: 0.8, 1: 0.66, 10: 0.52 };
function pointMetrics(rate: number, seed: number): RunMetrics {
  const s = seed === 1 ? 0 : 0.01;
  return {
    ...base,
    experiment: "sweep-cover-rate",
    seed,
    arms: [
      arm(base.arms[0], "none", { shaper: "none", params: {} }, [0.95, 0.93, 0.97], 0, 0),
      arm(base.arms[2], "cover", { shaper: "poisson-cover", params: { coverRate: rate } }, [AUC[rate] + s, AUC[rate] + s - 0.04, AUC[rate] + s + 0.04], 0.3 * rate, 40_000 * rate),
    ],
  };
}

async function coverSweep(): Promise<Experiment> {
  return parseExperiment(JSON.parse(readFileSync(join(ROOT, "sim/experiment/builtin/sweep-cover-rate.json"), "utf8")));
}

/** A sweep directory as chaff sweep leaves it: sweep.json and the rows of `keep` (default: every point). */
async function sweepDir(opts: { keep?: (index: number) => boolean; shards?: number } = {}): Promise<string> {
  const experiment = await coverSweep();
  const dir = mkdtempSync(join(tmpdir(), "chaff-summary-sweep-"));
  const points = enumeratePoints(experiment);
  writeFileSync(join(dir, "sweep.json"), prettyJson({ chaff: "1", experiment, experimentHash: experimentHash(experiment), points: points.length }));
  const shards = opts.shards ?? 1;
  const files = Array.from({ length: shards }, () => [] as string[]);
  for (const p of points) {
    if (opts.keep && !opts.keep(p.index)) continue;
    const rate = p.params["defenses[1].device.params.coverRate"] as number;
    files[p.index % shards].push(pointRow(p, pointMetrics(rate, p.seed)));
  }
  files.forEach((lines, i) => writeFileSync(join(dir, shards === 1 ? "rows.jsonl" : `rows.shard-${i}-of-${shards}.jsonl`), lines.join("")));
  return dir;
}

function runDir(metrics: RunMetrics): string {
  const dir = mkdtempSync(join(tmpdir(), "chaff-summary-run-"));
  writeFileSync(join(dir, "metrics.json"), prettyJson(metrics));
  return dir;
}

describe("chaff summary of a sweep", () => {
  it("has one row per setting, named by its parameter values, with the mean over seeds and the envelope of their intervals", async () => {
    const dir = await sweepDir();
    const s = await summarizeDirectory(dir);
    expect(s.source).toBe("sweep");
    expect(s.points).toEqual({ expected: 6, found: 6 });
    expect(s.params).toEqual([{ path: "defenses[1].device.params.coverRate", name: "coverRate" }]);
    // the undefended arm is not swept: one reference row; then the swept defense per setting, in grid order
    expect(s.rows.map((r) => [r.name, r.defense, r.reference])).toEqual([
      ["none (not swept)", "none", true],
      ["coverRate=0.1", "cover", false],
      ["coverRate=1", "cover", false],
      ["coverRate=10", "cover", false],
    ]);
    const r1 = s.rows[2].figures.auc;
    expect(r1.estimate).toBeCloseTo(0.665, 10); // mean of 0.66 and 0.67
    expect(r1.lo).toBeCloseTo(0.62, 10); // seed 1's lower end
    expect(r1.hi).toBeCloseTo(0.71, 10); // seed 2's upper end
    expect([r1.seeds, r1.resolved]).toEqual([2, 2]);
    expect(s.rows[3].figures.bandwidth.estimate).toBeCloseTo(3, 10);
    expect(s.metrics).toEqual(["auc", "tpr@1e-3", "bandwidth", "latency.p50", "latency.p99", "energy", "wakeups"]);
  });

  it("answers 'which setting meets AUC <= 0.6, and what does it cost?' in markdown", async () => {
    const dir = await sweepDir();
    const md = formatSummary(await summarizeDirectory(dir, { target: "auc<=0.6", metric: ["auc,bandwidth", "latency.p99"] }), "md");
    expect(md).toMatch(/^# sweep-cover-rate \(sweep, 6 of 6 points\)/);
    expect(md).toContain("| coverRate | defense | seeds | AUC | bandwidth (%) | added latency p99 (min) | auc<=0.6 at 95% |");
    expect(md).toContain("| 10 | cover | 2 | 0.525 [0.480, 0.570] | 300 [270, 330] | 6.67 [5.33, 8] | yes |");
    expect(md).toContain("| 1 | cover | 2 | 0.665 [0.620, 0.710] | 30 [27, 33] | 0.667 [0.533, 0.8] | no |");
    expect(md).toContain("| — | none (not swept) | 2 | 0.950 [0.930, 0.970] |");
    expect(md).toContain("Meets auc<=0.6 with 95% confidence (the interval's upper end), cheapest bandwidth first:\n- coverRate=10: auc 0.525 [0.480, 0.570]; bandwidth (%) 300 [270, 330]; added latency p99 (min) 6.67 [5.33, 8]");
  });

  it("reads a sweep still running (shards, some points missing) and says what is missing", async () => {
    const dir = await sweepDir({ shards: 2, keep: (i) => i !== 3 });
    const s = await summarizeDirectory(dir);
    expect(s.points).toEqual({ expected: 6, found: 5 });
    expect(s.notes.join(" ")).toMatch(/5 of 6 points are done; run chaff sweep again/);
    const one = s.rows.find((r) => r.name === "coverRate=1")!;
    expect([one.figures.auc.seeds, one.figures.auc.estimate]).toEqual([1, 0.66]);
  });

  it("prefers the collected rows, and gives one row per point with --per-seed", async () => {
    const dir = await sweepDir();
    renameSync(join(dir, "rows.jsonl"), join(dir, "rows.collected.jsonl"));
    const s = await summarizeDirectory(dir, { perSeed: true, metric: ["auc"] });
    expect(s.rows.filter((r) => !r.reference).map((r) => [r.name, r.seed, r.figures.auc.estimate])).toEqual([
      ["coverRate=0.1", 1, 0.8],
      ["coverRate=0.1", 2, 0.81],
      ["coverRate=1", 1, 0.66],
      ["coverRate=1", 2, 0.67],
      ["coverRate=10", 1, 0.52],
      ["coverRate=10", 2, 0.53],
    ]);
    expect(s.rows.filter((r) => r.reference).map((r) => r.seed)).toEqual([1, 2]);
  });

  it("writes CSV with raw numbers and JSON with every cell", async () => {
    const dir = await sweepDir();
    const s = await summarizeDirectory(dir, { metric: ["auc", "bandwidth", "latency"] });
    const csv = summaryCsv(s).trim().split("\n");
    expect(csv[0]).toBe("coverRate,defense,reference,seed,seeds,strongest,auc,auc.lo,auc.hi,bandwidth,bandwidth.lo,bandwidth.hi,latency.p99,latency.p99.lo,latency.p99.hi");
    expect(csv[4]).toMatch(/^10,cover,false,,2,,0\.525\d*,0\.48\d*,0\.57\d*,3,2\.7\d*,3\.3\d*,400000,320000,480000$/);
    const json = JSON.parse(formatSummary(s, "json"));
    expect(json.kind).toBe("chaff-summary");
    expect(json.rows[3].params).toEqual({ coverRate: 10 });
  });
});

describe("chaff summary of a run", () => {
  it("has one row per defense with its strongest observer's figures and its costs, latency in the unit that reads best", async () => {
    const m = structuredClone(base);
    m.arms[2].cost.addedLatencyMs.p99 = { estimate: 163_443.6, lo: 150_000, hi: 170_000 };
    const dir = runDir(m);
    const s = await summarizeDirectory(dir);
    expect(s.source).toBe("run");
    expect(s.rows.map((r) => [r.defense, r.strongest])).toEqual([
      ["none", "volume-correlation@isp"],
      ["padme", "volume-correlation@isp"],
      ["constant-rate", "volume-correlation@isp"],
    ]);
    const auc = base.arms[2].strongest[0].auc;
    expect(s.rows[2].figures.auc).toMatchObject({ estimate: auc.estimate, lo: auc.lo, hi: auc.hi });
    const md = summaryMarkdown(s);
    expect(md).toContain("added latency p99 (s)");
    expect(md).toMatch(/\| constant-rate \| device constant-rate, server constant-rate \| volume-correlation@isp \| 0\.\d{3} \[0\.\d{3}, 0\.\d{3}\] \|/);
    expect(md).toContain("| 163 [150, 170] |");
    expect(md).not.toMatch(/163443/);
    // the activity task has its own strongest observer
    const activity = await summarizeDirectory(dir, { task: "activity", metric: ["auc"] });
    expect(activity.rows[0].figures.auc.estimate).toBe(base.arms[0].strongest.find((x) => x.task === "activity")!.auc.estimate);
  });

  it("names non-default shaper parameters", async () => {
    const m = structuredClone(base);
    m.arms[1].device = { shaper: "poisson-cover", params: { coverRate: 7 } };
    const s = await summarizeDirectory(runDir(m));
    expect(s.rows[1].shapers).toBe("device poisson-cover(coverRate=7), server padme");
  });

  it("refuses what it cannot show, one line per problem", async () => {
    const dir = runDir(base);
    await expect(summarizeDirectory(dir, { metric: ["nope"] })).rejects.toThrow(InputError);
    await expect(summarizeDirectory(dir, { metric: ["nope"] })).rejects.toThrow(/--metric "nope": expected one of auc, tpr@<fpr>/);
    await expect(summarizeDirectory(dir, { metric: ["tpr@1e-5"] })).rejects.toThrow(/no figure tpr@1e-5; it has .*tpr@1e-2/);
    await expect(summarizeDirectory(dir, { task: "burst" })).rejects.toThrow(/--task = "burst": this data has a strongest observer only for link, activity/);
    await expect(summarizeDirectory(dir, { target: "auc>=0.6" })).rejects.toThrow(/--target = "auc>=0.6"/);
    const empty = mkdtempSync(join(tmpdir(), "chaff-summary-empty-"));
    await expect(summarizeDirectory(empty)).rejects.toThrow(/holds neither metrics.json \(a run\) nor sweep.json \(a sweep\)/);
    await expect(summarizeDirectory(join(empty, "nowhere"))).rejects.toThrow(/not a directory/);
  });
});

describe("chaff summary (command line)", () => {
  it("prints the table, exit 0; bad input is one line and exit 2", async () => {
    const dir = await sweepDir();
    const r = chaff(["summary", dir, "--metric", "auc", "--metric", "bandwidth", "--target", "auc<=0.6"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("| 10 | cover | 2 | 0.525 [0.480, 0.570] | 300 [270, 330] | yes |");
    const csv = chaff(["summary", dir, "--format", "csv", "--metric", "auc"]);
    expect(csv.stdout.split("\n")[0]).toBe("coverRate,defense,reference,seed,seeds,strongest,auc,auc.lo,auc.hi");
    const bad = chaff(["summary", dir, "--format", "xml"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toBe('error: --format = "xml": expected one of md, csv, json');
    const missing = mkdtempSync(join(tmpdir(), "chaff-summary-none-"));
    mkdirSync(join(missing, "x"));
    const none = chaff(["summary", join(missing, "x")]);
    expect(none.status).toBe(2);
    rmSync(missing, { recursive: true, force: true });
  });
});

describe("helpers", () => {
  it("shortens swept paths to unique names", () => {
    expect(shortNames(["defenses[1].device.params.coverRate"])).toEqual(["coverRate"]);
    expect(shortNames(["defenses[1].device.params.coverRate", "defenses[1].server.params.coverRate", "durationSeconds"])).toEqual(["device.coverRate", "server.coverRate", "durationSeconds"]);
  });

  it("normalizes metric names", () => {
    expect(["tpr@0.001", "latency", "auc", "energy", "bogus", "tpr@2"].map(normalizeMetric)).toEqual(["tpr@1e-3", "latency.p99", "auc", "energy", null, null]);
  });
});
