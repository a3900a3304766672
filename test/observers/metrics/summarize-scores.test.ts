import { describe, expect, it } from "vitest";
import { bayesianDetectionRate, drawUserWeights, rocAuc, summarizeScores, topKAccuracy, tprAtFpr } from "../../../observers/metrics.ts";
import type { TaskScores } from "../../../observers/observer.ts";
import { stream } from "../../../sim/core/rng.ts";

/** Every number in a JSON value, with its path. */
function numbers(v: unknown, path = "$"): [string, number][] {
  if (typeof v === "number") return [[path, v]];
  if (v === null || typeof v !== "object") return [];
  return Object.entries(v).flatMap(([k, x]) => numbers(x, `${path}.${k}`));
}

function linkScores(seed: number, users: number): TaskScores {
  // One positive per user (u with u + 1), users − 1 negative pairs each, ranks among users.
  const r = stream(seed, "test/summary");
  const positives = new Float64Array(users);
  const negatives = new Float64Array(users * (users - 1));
  const ranks = new Int32Array(users);
  const rankTies = new Int32Array(users);
  const rankBelow = new Int32Array(users);
  const positiveUsers = new Int32Array(2 * users);
  const negativeUsers = new Int32Array(2 * users * (users - 1));
  let j = 0;
  for (let u = 0; u < users; u++) {
    positives[u] = r.normal(2.5, 1);
    positiveUsers[2 * u] = u;
    positiveUsers[2 * u + 1] = (u + 1) % users;
    let rank = 0;
    for (let v = 0; v < users - 1; v++) {
      const s = r.normal(0, 1);
      if (s > positives[u]) rank++;
      negatives[j] = s;
      negativeUsers[2 * j] = u;
      negativeUsers[2 * j + 1] = (u + 2 + v) % users;
      j++;
    }
    ranks[u] = rank;
    rankBelow[u] = users - 2 - rank;
  }
  return { task: "link", positives, negatives, ranks, rankTies, rankBelow, candidates: users, usersPerCase: 2, positiveUsers, negativeUsers };
}

describe("summarizeScores", () => {
  const scores = linkScores(1, 120); // 14,280 negatives: resolvable at 1e-2 and 1e-3, not 1e-4
  const summary = summarizeScores(scores, stream(2, "metrics"), { resamples: 200 });

  it("is plain JSON with no NaN or Infinity", () => {
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary);
    for (const [path, x] of numbers(summary)) expect(Number.isFinite(x), path).toBe(true);
  });

  it("reports the point estimates of the individual metrics, and the users behind the cases", () => {
    expect(summary.positives).toBe(120);
    expect(summary.negatives).toBe(14_280);
    expect(summary.positiveUsers).toBe(120);
    expect(summary.negativeUsers).toBe(120);
    expect(summary.bootstrap).toBe("users");
    expect(summary.auc.resolvable).toBe(true);
    expect(summary.notResolvable).toEqual([expect.stringMatching(/TPR at FPR 0.0001: 14280 negatives from 120 users; at least 100000 negatives/)]);
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
    expect(top1?.estimate).toBe(topKAccuracy(ranks, 1, scores.rankTies));
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
    expect(empty.auc).toEqual({ estimate: null, lo: null, hi: null, resolvable: false });
    expect(empty.bootstrap).toBe("cases");
    expect(empty.tprAt["1e-2"].resolvable).toBe(false);
    expect(empty.top1).toBeNull();
    expect(empty.bdr.baseRate).toBe(1); // 2 positives out of 2 cases
    expect(JSON.parse(JSON.stringify(empty))).toEqual(empty);
    const none = summarizeScores({ positives: [], negatives: [] }, stream(1, "m"), { fprs: [0.5] });
    expect(none.bdr.baseRate).toBeNull();
    expect(Object.keys(none.tprAt)).toEqual(["5e-1"]);
  });

  it("marks figures not resolvable when positives are too few, or come from too few users", () => {
    const few = { ...scores, positives: scores.positives.subarray(0, 9), positiveUsers: scores.positiveUsers.subarray(0, 18), ranks: undefined };
    const s = summarizeScores(few, stream(2, "metrics"), { resamples: 100 });
    expect(s.auc.resolvable).toBe(false);
    expect(s.auc.estimate).not.toBeNull(); // the number stays, flagged
    expect(s.tprAt["1e-2"]).toMatchObject({ estimate: null, resolvable: false });
    expect(s.notResolvable[0]).toMatch(/9 positives from 10 users; at least 10 positives from 10 users are needed/);
    // Twelve positives, all between users 0 and 1: enough cases, too few users.
    const oneUser = { ...few, positives: new Float64Array(12).fill(3), positiveUsers: new Int32Array(24).map((_, i) => i % 2) };
    expect(summarizeScores(oneUser, stream(2, "metrics"), { resamples: 100 }).notResolvable[0]).toMatch(/12 positives from 2 users/);
  });

  it("uses shared replicates when given, and the orientation", () => {
    const W = drawUserWeights(120, 200, stream(9, "users"));
    const a = summarizeScores(scores, stream(2, "metrics"), { weights: W });
    const b = summarizeScores(scores, stream(5, "other"), { weights: W, resamples: 200 });
    expect(b).toEqual(a); // the rng is not used when the weights are given
    const flipped = { ...scores, positives: scores.positives.map((x) => -x), negatives: scores.negatives.map((x) => -x), ranks: scores.rankBelow, rankBelow: scores.ranks };
    const c = summarizeScores(flipped, stream(2, "metrics"), { weights: W, orientation: -1 });
    expect({ ...c, orientation: 1 }).toEqual(a);
    expect(() => summarizeScores(scores, stream(1, "m"), { weights: W, resamples: 100 })).toThrow(/resamples = 100 but the shared weights hold 200/);
  });

  it("rejects bad options", () => {
    expect(() => summarizeScores(scores, stream(1, "m"), { fprs: [0] })).toThrow(/fprs contains 0; expected FPRs in \(0, 1\)/);
    expect(() => summarizeScores(scores, stream(1, "m"), { baseRate: 2 })).toThrow(/baseRate = 2/);
  });
});
