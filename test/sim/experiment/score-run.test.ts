/**
 * The run's scoring (score-run.ts) on constructed scores whose answers are known: a
 * paired difference of an arm with itself is exactly 0, an inverted observer read with
 * orientation −1 gives the original's figures, the strongest observer's figures are the
 * maximum over observers inside every replicate, a defense that lowers an observer is
 * judged "lower" only when the paired interval excludes 0, and the table, the figure rows,
 * tune's row and the report name the same strongest observer.
 */
import { describe, expect, it } from "vitest";
import type { TaskScores } from "../../../observers/observer.ts";
import { stream } from "../../../sim/core/rng.ts";
import type { ArmRun } from "../../../sim/experiment/run-arm.ts";
import { experimentSchema, type Experiment } from "../../../sim/experiment/schema.ts";
import { scoreRun } from "../../../sim/experiment/score-run.ts";
import { privacyCostRows, strongestRows } from "../../../sim/report/figures/privacy-cost.ts";
import { strongest } from "../../../sim/report/text.ts";
import { metricRows, strongestRow } from "../../../sim/runs/metric-rows.ts";

const USERS = 60;

function experiment(defenses: string[]): Experiment {
  return experimentSchema.parse({
    name: "scoring",
    purpose: "scoring test",
    seed: 5,
    population: { users: USERS },
    defenses: defenses.map((name) => (name === "none" ? { name } : { name, device: { shaper: "padme" }, server: { shaper: "padme" } })),
    observers: [{ observer: "volume-correlation", vantage: "isp" }, { observer: "lagged-correlation", vantage: "isp" }],
    metrics: { resamples: 200, fprs: [1e-2] },
  });
}

/** Pair scores for USERS users: positives are pairs (2k, 2k+1), shifted up by `shift`; every other pair is a negative. */
function pairScores(shift: number, seed: number): TaskScores {
  const rng = stream(seed, "score-run-test");
  const pos: number[] = [];
  const neg: number[] = [];
  const pu: number[] = [];
  const nu: number[] = [];
  for (let u = 0; u < USERS; u++) {
    for (let v = u + 1; v < USERS; v++) {
      const linked = v === u + 1 && u % 2 === 0;
      (linked ? pos : neg).push(rng.normal(linked ? shift : 0, 1));
      (linked ? pu : nu).push(u, v);
    }
  }
  return { task: "link", positives: Float64Array.from(pos), negatives: Float64Array.from(neg), usersPerCase: 2, positiveUsers: Int32Array.from(pu), negativeUsers: Int32Array.from(nu) };
}

function negated(s: TaskScores): TaskScores {
  return { ...s, positives: s.positives.map((x) => -x), negatives: s.negatives.map((x) => -x) };
}

function arm(name: string, scores: [TaskScores, 1 | -1][]): ArmRun {
  return {
    arm: {
      defense: name,
      device: { shaper: name === "none" ? "none" : "padme", params: {} },
      server: { shaper: name === "none" ? "none" : "padme", params: {} },
      traffic: { messages: 0, delivered: 0, conversations: 0, packets: 0 },
      cost: {} as ArmRun["arm"]["cost"],
    },
    scores: scores.map(([s, orientation], index) => ({ index, scores: s, orientation, trainingAuc: null })),
    extra: { defense: name, events: 0, packets: 0, timelines: [], roc: [], addedLatencyMs: new Float64Array(0), joulesPerHour: new Float64Array(0) },
  };
}

describe("scoreRun", () => {
  it("gives a paired difference of exactly 0, with a zero-width interval, for an arm against itself", async () => {
    const a = pairScores(2, 1);
    const b = pairScores(1, 2);
    const scored = await scoreRun(experiment(["none", "same"]), [arm("none", [[a, 1], [b, 1]]), arm("same", [[a, 1], [b, 1]])]);
    const diffs = scored.arms[1].versusUndefended!;
    expect(diffs.length).toBeGreaterThan(0);
    for (const d of diffs) {
      if (d.verdict === "not resolvable") continue;
      expect(d.difference).toEqual({ estimate: 0, lo: 0, hi: 0 });
      expect(d.verdict).toBe("no detectable change");
    }
  });

  it("reads an inverted observer with orientation −1 exactly as the original", async () => {
    const a = pairScores(2, 3);
    const scored = await scoreRun(experiment(["none", "flipped"]), [arm("none", [[a, 1], [a, 1]]), arm("flipped", [[negated(a), -1], [a, 1]])]);
    const [plain, flipped] = scored.arms.map((x) => x.observers[0].summary);
    expect(flipped.auc).toEqual(plain.auc);
    expect(flipped.tprAt).toEqual(plain.tprAt);
    expect(plain.auc.estimate!).toBeGreaterThan(0.8);
  });

  it("takes the strongest observer's figures as the maximum over observers inside each replicate", async () => {
    const strong = pairScores(2.5, 4);
    const weak = pairScores(0.8, 5);
    const scored = await scoreRun(experiment(["none"]), [arm("none", [[weak, 1], [strong, 1]])]);
    const a = scored.arms[0];
    const s = a.strongest.find((x) => x.task === "link")!;
    expect(s.observer).toBe("lagged-correlation@isp");
    expect(s.observers).toBe(2);
    for (const o of a.observers) {
      expect(s.auc.estimate!).toBeGreaterThanOrEqual(o.summary.auc.estimate!);
      expect(s.auc.lo!).toBeGreaterThanOrEqual(o.summary.auc.lo! - 1e-12);
      expect(s.auc.hi!).toBeGreaterThanOrEqual(o.summary.auc.hi! - 1e-12);
    }
  });

  it("calls a defense lower only when the paired interval excludes 0, and names one strongest observer everywhere", async () => {
    const scored = await scoreRun(experiment(["none", "weaker"]), [
      arm("none", [[pairScores(2.5, 6), 1], [pairScores(1, 7), 1]]),
      arm("weaker", [[pairScores(0.3, 8), 1], [pairScores(1, 7), 1]]),
    ]);
    const d = scored.arms[1].versusUndefended!;
    const vc = d.find((x) => x.observer === "volume-correlation@isp" && x.metric === "auc")!;
    expect(vc.verdict).toBe("lower");
    expect(vc.difference.hi!).toBeLessThan(0);
    const lc = d.find((x) => x.observer === "lagged-correlation@isp" && x.metric === "auc")!;
    expect(lc.difference).toEqual({ estimate: 0, lo: 0, hi: 0 });

    const metrics = { experiment: "scoring", purpose: "t", seed: 5, durationSeconds: 1, users: USERS, arms: scored.arms.map((x) => ({ ...x, cost: fakeCost() })) };
    const rows = metricRows(metrics);
    const figureRows = strongestRows(privacyCostRows(metrics));
    for (const a of metrics.arms) {
      const named = a.strongest.find((x) => x.task === "link")!.observer;
      expect(strongest(a)?.observer).toBe(named);
      const fr = figureRows.find((r) => r.defense === a.defense)!;
      expect(`${fr.observer}@${fr.vantage}`).toBe(named);
      expect(fr.auc).toBe(strongest(a)!.auc.estimate);
      expect(strongestRow(rows, a.defense, "auc")?.estimate).toBe(strongest(a)!.auc.estimate);
    }
  });
});

function fakeCost(): ArmRun["arm"]["cost"] {
  const iv = { estimate: 0, lo: 0, hi: 0 };
  return {
    bandwidthOverhead: { total: iv, device: iv, server: iv },
    addedLatencyMs: { p50: iv, p95: iv, p99: iv, messages: 0 },
    endToEndLatencyMs: { p50: iv, p95: iv, p99: iv },
    energy: { radio: "lte", joulesPerHour: iv, wakeupsPerHour: iv },
    budget: { refusedPadding: 0, forcedReleases: 0 },
  };
}
