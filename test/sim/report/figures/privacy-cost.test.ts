import { describe, expect, it } from "vitest";
import { isBaselineArm, privacyCostRows, rowsFromCollected, strongestRows, sweepSummary, type CollectedSummary } from "../../../../sim/report/figures/privacy-cost.ts";
import { syntheticRun } from "./synthetic.ts";

describe("privacyCostRows", () => {
  const m = syntheticRun().metrics;
  const rows = privacyCostRows(m);

  it("has one row per defense and observer, and one per defense and task for its strongest observer, named after the run", () => {
    const plain = rows.filter((r) => !r.strongest);
    expect(plain).toHaveLength(m.arms.length * m.arms[0].observers.length);
    expect(rows.filter((r) => r.strongest)).toHaveLength(m.arms.reduce((n, a) => n + a.strongest.length, 0));
    expect(new Set(rows.map((r) => r.run))).toEqual(new Set(["synthetic-s7"]));
    expect(plain.filter((r) => r.baseline).map((r) => r.defense)).toEqual(["none", "none"]);
  });

  it("marks the strongest observer's row with the run's strongest figures", () => {
    const arm = structuredClone(m.arms[1]);
    arm.strongest[0].auc = { estimate: 0.97, lo: 0.95, hi: 0.99, resolvable: true };
    const [marked] = privacyCostRows({ ...m, arms: [arm] }).filter((r) => r.strongest && r.task === "link");
    expect([marked.observer, marked.vantage, marked.auc, marked.aucLo, marked.aucHi]).toEqual(["volume-correlation", "isp", 0.97, 0.95, 0.99]);
    expect(strongestRows(privacyCostRows({ ...m, arms: [arm] }))).toEqual([marked]);
  });

  it("copies privacy and cost with their intervals, and null for what is not resolvable", () => {
    const r = rows.find((x) => x.defense === "constant-rate" && x.observer === "volume-correlation" && !x.strongest)!;
    const arm = m.arms[2];
    expect(r.auc).toBe(arm.observers[0].summary.auc.estimate);
    expect(r.bandwidth).toBe(4.2);
    expect([r.bandwidthLo, r.bandwidthHi]).toEqual([3.9, 4.6]);
    expect(r.joulesPerHour).toBe(820);
    // the largest reported FPR is 1e-2; resolvable with 1500 negatives
    expect(r.tprFpr).toBe(0.01);
    expect(r.tpr).toBe(arm.observers[0].summary.tprAt["1e-2"].estimate);
    const unresolvable = privacyCostRows({ ...m, arms: [{ ...arm, observers: [{ ...arm.observers[0], summary: { ...arm.observers[0].summary, tprAt: { "1e-4": { ...arm.observers[0].summary.tprAt["1e-4"] } } } }] }] });
    expect(unresolvable[0].tpr).toBeNull();
  });

  it("picks the strongest link observer per defense, falling back to all tasks", () => {
    const best = strongestRows(rows);
    expect(best.map((r) => r.defense)).toEqual(["none", "padme", "constant-rate"]);
    expect(new Set(best.map((r) => r.task))).toEqual(new Set(["link"]));
    const activityOnly = strongestRows(rows.filter((r) => r.task === "activity"));
    expect(activityOnly).toHaveLength(3);
    for (const r of strongestRows(rows, "activity")) {
      const same = rows.filter((x) => x.defense === r.defense && x.task === "activity");
      expect(r.auc).toBe(Math.max(...same.map((x) => x.auc as number)));
    }
  });

  it("marks only the defense with no shaper on either side as the baseline", () => {
    expect(m.arms.map(isBaselineArm)).toEqual([true, false, false]);
  });

  it("builds a sweep summary over several runs", () => {
    const s = sweepSummary("two", [{ run: "a", metrics: m }, { run: "b", metrics: m }]);
    expect(s.kind).toBe("chaff-sweep-summary");
    expect(s.rows).toHaveLength(2 * rows.length);
    expect(new Set(s.rows.map((r) => r.run))).toEqual(new Set(["a", "b"]));
  });
});

describe("rowsFromCollected", () => {
  const fig = (config: string, defense: string, observer: string | null, metric: string, mean: number | null, min = mean, max = mean) => ({
    config,
    params: { "defenses[1].device.params.rate": config === "a" ? 1 : 2 },
    defense,
    observer,
    metric,
    mean,
    min,
    max,
  });
  const summary: CollectedSummary = {
    experiment: "sweep-x",
    figures: [
      fig("a", "none", null, "bandwidth", 0),
      fig("a", "none", "volume-correlation@isp", "auc", 0.9, 0.88, 0.93),
      fig("a", "none", "volume-correlation@isp", "tpr@1e-3", 0.2),
      fig("a", "none", "volume-correlation@isp", "tpr@1e-2", 0.6, 0.5, 0.7),
      fig("a", "cover", null, "bandwidth", 0.8, 0.7, 0.9),
      fig("a", "cover", null, "latency.p99", 12),
      fig("a", "cover", null, "energy", 400),
      fig("a", "cover", "volume-correlation@isp", "auc", 0.6),
      fig("b", "cover", null, "bandwidth", 1.6),
      fig("b", "cover", "volume-correlation@isp", "auc", 0.55),
    ],
  };
  const rows = rowsFromCollected(summary, { none: { device: "none", server: "none" }, cover: { device: "poisson-cover", server: "poisson-cover" } });

  it("marks the rows of each task's strongest observer, so strongestRows picks them", () => {
    const withStrongest: CollectedSummary = {
      ...summary,
      figures: [...summary.figures, fig("a", "cover", "strongest:link", "auc", 0.64, 0.6, 0.7), fig("a", "none", "strongest:link", "auc", 0.91)],
    };
    const all = rowsFromCollected(withStrongest, { none: { device: "none", server: "none" }, cover: { device: "poisson-cover", server: "poisson-cover" } });
    const marked = all.filter((r) => r.strongest);
    expect(marked.map((r) => [r.run, r.defense, r.observer, r.task, r.auc])).toEqual([
      ["a", "none", "strongest", "link", 0.91],
      ["a", "cover", "strongest", "link", 0.64],
    ]);
    expect(strongestRows(all).map((r) => [r.defense, r.auc])).toEqual([
      ["none", 0.91],
      ["cover", 0.64],
    ]);
  });

  it("makes one row per setting, defense and observer, with the mean and the range over seeds", () => {
    expect(rows.map((r) => `${r.run}/${r.defense}`)).toEqual(["a/none", "a/cover", "b/cover"]);
    const none = rows[0];
    expect([none.auc, none.aucLo, none.aucHi]).toEqual([0.9, 0.88, 0.93]);
    expect([none.observer, none.vantage, none.baseline, none.seed]).toEqual(["volume-correlation", "isp", true, null]);
    // the TPR at the largest FPR reported
    expect([none.tprFpr, none.tpr, none.tprLo, none.tprHi]).toEqual([0.01, 0.6, 0.5, 0.7]);
    const cover = rows[1];
    expect([cover.device, cover.bandwidth, cover.bandwidthLo, cover.latencyP99Ms, cover.joulesPerHour]).toEqual(["poisson-cover", 0.8, 0.7, 12, 400]);
    expect(rows[2].params).toEqual({ "defenses[1].device.params.rate": 2 });
    expect(rows[2].latencyP99Ms).toBeNull();
  });
});
