import { describe, expect, it } from "vitest";
import { bayesianDetectionRate, rocAuc, summarizeScores, tprAtFpr } from "../../../observers/metrics.ts";
import type { TaskScores } from "../../../observers/observer.ts";
import { stream } from "../../../sim/core/rng.ts";

/** Every number in a JSON value, with its path. */
function numbers(v: unknown, path = "$"): [string, number][] {
  if (typeof v === "number") return [[path, v]];
  if (v === null || typeof v !== "object") return [];
  return Object.entries(v).flatMap(([k, x]) => numbers(x, `${path}.${k}`));
}

function linkScores(seed: number, users: number): TaskScores {
  // All pairs among `users`: one positive per user, users−1 negatives each, ranks among users.
  const r = stream(seed, "test/summary");
  const positives = new Float64Array(users);
  const negatives = new Float64Array(users * (users - 1));
  const ranks = new Int32Array(users);
  const positiveClusters = new Int32Array(users);
  const negativeClusters = new Int32Array(users * (users - 1));
  let j = 0;
  for (let u = 0; u < users; u++) {
    positives[u] = r.normal(2.5, 1);
    positiveClusters[u] = u;
    let rank = 0;
    for (let v = 0; v < users - 1; v++) {
      const s = r.normal(0, 1);
      if (s > positives[u]) rank++;
      negatives[j] = s;
      negativeClusters[j++] = u;
    }
    ranks[u] = rank;
  }
  return { task: "link", positives, negatives, ranks, candidates: users, positiveClusters, negativeClusters };
}

describe("summarizeScores", () => {
  const scores = linkScores(1, 120); // 14,280 negatives: resolvable at 1e-2 and 1e-3, not 1e-4
  const summary = summarizeScores(scores, stream(2, "metrics"), { resamples: 200 });

  it("is plain JSON with no NaN or Infinity", () => {
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary);
    for (const [path, x] of numbers(summary)) expect(Number.isFinite(x), path).toBe(true);
  });

  it("reports the point estimates of the individual metrics", () => {
    expect(summary.positives).toBe(120);
    expect(summary.negatives).toBe(14_280);
    expect(summary.auc.estimate).toBe(rocAuc(scores.positives, scores.negatives));
    expect(summary.tprAt["1e-2"].estimate).toBe(tprAtFpr(scores.positives, scores.negatives, 1e-2).tpr);
    expect(summary.tprAt["1e-3"].estimate).toBe(tprAtFpr(scores.positives, scores.negatives, 1e-3).tpr);
  });

  it("marks FPRs without 10/FPR negatives as not resolvable, with null figures", () => {
    expect(summary.tprAt["1e-2"]).toMatchObject({ resolvable: true, negatives: 14_280, negativesNeeded: 1000 });
    expect(summary.tprAt["1e-3"]).toMatchObject({ resolvable: true, negativesNeeded: 10_000 });
    expect(summary.tprAt["1e-4"]).toEqual({
      estimate: null,
      lo: null,
      hi: null,
      resolvable: false,
      negatives: 14_280,
      negativesNeeded: 100_000,
    });
    expect(summary.bdr.at["1e-4"]).toEqual({ estimate: null, lo: null, hi: null, resolvable: false });
  });

  it("gives BDR at the base rate 1/candidates, from the TPR at the nominal FPR", () => {
    expect(summary.bdr.baseRate).toBeCloseTo(1 / 120, 15);
    const t = summary.tprAt["1e-2"];
    const b = summary.bdr.at["1e-2"];
    expect(b.estimate).toBeCloseTo(bayesianDetectionRate(t.estimate as number, 1e-2, 1 / 120), 15);
    expect(b.lo).toBeCloseTo(bayesianDetectionRate(t.lo as number, 1e-2, 1 / 120), 15);
    expect(b.hi).toBeCloseTo(bayesianDetectionRate(t.hi as number, 1e-2, 1 / 120), 15);
    const other = summarizeScores(scores, stream(2, "metrics"), { resamples: 50, baseRate: 1e-6 });
    expect(other.bdr.baseRate).toBe(1e-6);
    expect(other.bdr.at["1e-3"].estimate as number).toBeLessThan(b.estimate as number);
  });

  it("gives top-1 and top-5 with intervals, top-1 <= top-5", () => {
    const top1 = summary.top1;
    const top5 = summary.top5;
    expect(top1).not.toBeNull();
    expect(top5).not.toBeNull();
    const ranks = scores.ranks as Int32Array;
    expect(top1?.estimate).toBe(ranks.filter((r) => r < 1).length / ranks.length);
    expect(top5?.estimate).toBe(ranks.filter((r) => r < 5).length / ranks.length);
    expect(top1?.estimate as number).toBeLessThanOrEqual(top5?.estimate as number);
    expect(top1?.hi as number).toBeLessThanOrEqual(top5?.hi as number);
    for (const i of [summary.auc, summary.tprAt["1e-2"], top1, top5]) {
      expect(i?.lo as number).toBeLessThanOrEqual(i?.estimate as number);
      expect(i?.hi as number).toBeGreaterThanOrEqual(i?.estimate as number);
    }
  });

  it("is deterministic for a seed", () => {
    expect(summarizeScores(scores, stream(2, "metrics"), { resamples: 200 })).toEqual(summary);
    expect(summarizeScores(scores, stream(3, "metrics"), { resamples: 200 })).not.toEqual(summary);
  });

  it("degrades to nulls when a class is empty or ranks are absent, still without NaN", () => {
    const empty = summarizeScores({ positives: new Float64Array([1, 2]), negatives: new Float64Array(0) }, stream(1, "m"));
    expect(empty.auc).toEqual({ estimate: null, lo: null, hi: null });
    expect(empty.tprAt["1e-2"].resolvable).toBe(false);
    expect(empty.top1).toBeNull();
    expect(empty.bdr.baseRate).toBe(1); // 2 positives out of 2 cases
    expect(JSON.parse(JSON.stringify(empty))).toEqual(empty);
    const none = summarizeScores({ positives: [], negatives: [] }, stream(1, "m"), { fprs: [0.5] });
    expect(none.bdr.baseRate).toBeNull();
    expect(Object.keys(none.tprAt)).toEqual(["5e-1"]);
  });

  it("rejects bad options", () => {
    expect(() => summarizeScores(scores, stream(1, "m"), { fprs: [0] })).toThrow(/fprs contains 0; expected FPRs in \(0, 1\)/);
    expect(() => summarizeScores(scores, stream(1, "m"), { baseRate: 2 })).toThrow(/baseRate = 2/);
  });
});
