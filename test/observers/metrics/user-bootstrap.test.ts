import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  bootstrapScoresAll,
  drawTimeWeights,
  drawUserWeights,
  replicateInterval,
  replicateScoreMetrics,
  rocAuc,
  rocAucSorted,
  scoreResolvability,
  topKAccuracy,
  tprAtFpr,
  weightedScoreMetrics,
  type CaseScores,
} from "../../../observers/metrics.ts";
import { stream } from "../../../sim/core/rng.ts";

/** Pair scores among `users` users with integer (so heavily tied) scores, ranks included. */
const pairScores = fc
  .record({
    users: fc.integer({ min: 3, max: 9 }),
    pos: fc.array(fc.tuple(fc.integer({ min: 0, max: 8 }), fc.nat(100), fc.nat(100), fc.nat(3), fc.nat(5), fc.nat(5)), { minLength: 1, maxLength: 20 }),
    neg: fc.array(fc.tuple(fc.integer({ min: 0, max: 8 }), fc.nat(100), fc.nat(100)), { minLength: 1, maxLength: 40 }),
  })
  .map(({ users, pos, neg }) => {
    const u = (x: number) => x % users;
    const other = (a: number, b: number) => (u(a) === u(b) ? (u(a) + 1) % users : u(b));
    return {
      users,
      scores: {
        positives: Float64Array.from(pos, (p) => p[0]),
        negatives: Float64Array.from(neg, (q) => q[0]),
        usersPerCase: 2 as const,
        positiveUsers: Int32Array.from(pos.flatMap((p) => [u(p[1]), other(p[1], p[2])])),
        negativeUsers: Int32Array.from(neg.flatMap((q) => [u(q[1]), other(q[1], q[2])])),
        ranks: Int32Array.from(pos, (p) => p[3]),
        rankTies: Int32Array.from(pos, (p) => p[4]),
        rankBelow: Int32Array.from(pos, (p) => p[5]),
      },
    };
  });

const FPRS = [0.01, 0.1, 0.25, 0.5];

describe("user weights", () => {
  it("draws N users with replacement per replicate: counts sum to N, mean 1, a function of the stream", () => {
    const W = drawUserWeights(50, 400, stream(1, "metrics/users"));
    let total = 0;
    for (let r = 0; r < 400; r++) {
      const w = W.weights(r);
      expect(w.reduce((a, b) => a + b, 0)).toBe(50);
      total += w[7];
    }
    expect(total / 400).toBeGreaterThan(0.85);
    expect(total / 400).toBeLessThan(1.15);
    expect(drawUserWeights(50, 400, stream(1, "metrics/users")).counts).toEqual(W.counts);
    expect(drawUserWeights(50, 400, stream(2, "metrics/users")).counts).not.toEqual(W.counts);
    expect(() => drawUserWeights(0, 10, stream(1, "x"))).toThrow(/users = 0/);
  });

  it("weighs a per-user case by its user and a pair by both its users", () => {
    const perUser: CaseScores = { positives: [3, 2], negatives: [2, 1], usersPerCase: 1, positiveUsers: [0, 1], negativeUsers: [2, 3] };
    expect(weightedScoreMetrics(perUser, 1, [1, 1, 1, 1], { fprs: [0.25] })).toEqual({ auc: 0.875, tprAt: [0.75], topK: [] });
    expect(weightedScoreMetrics(perUser, 1, [2, 0, 1, 1]).auc).toBe(1); // user 1's tied positive drops out
    // Pairs: positive {0,1} at 3, {2,3} at 1; negative {0,2} at 2. Weights w = [1, 1, 2, 0]:
    // positive {2,3} weighs 2·0 = 0, so only the positive above the negative remains.
    const pairs: CaseScores = { positives: [3, 1], negatives: [2], usersPerCase: 2, positiveUsers: [0, 1, 2, 3], negativeUsers: [0, 2] };
    expect(weightedScoreMetrics(pairs, 1, [1, 1, 1, 1]).auc).toBe(0.5);
    expect(weightedScoreMetrics(pairs, 1, [1, 1, 2, 0]).auc).toBe(1);
    expect(weightedScoreMetrics(pairs, 1, [0, 1, 1, 1]).auc).toBeNaN(); // no negative weight left
  });
});

describe("user-weighted metrics", () => {
  it("with every weight 1 are exactly the unweighted AUC, tie-aware TPR at FPR and top-k", () => {
    fc.assert(
      fc.property(pairScores, ({ users, scores }) => {
        const m = weightedScoreMetrics(scores, 1, new Float64Array(users).fill(1), { fprs: FPRS, ks: [1, 3] });
        expect(m.auc).toBe(rocAuc(scores.positives, scores.negatives));
        FPRS.forEach((f, i) => expect(m.tprAt[i]).toBe(tprAtFpr(scores.positives, scores.negatives, f).tpr));
        expect(m.topK).toEqual([topKAccuracy(scores.ranks, 1, scores.rankTies), topKAccuracy(scores.ranks, 3, scores.rankTies)]);
        // and the replicates' estimate is the same
        const rep = replicateScoreMetrics(scores, 1, drawUserWeights(users, 3, stream(1, "w")), { fprs: FPRS, ks: [1, 3] });
        expect(rep.estimate).toEqual(m);
      }),
    );
  });

  it("are identical under any strictly increasing map of the scores, replicate by replicate", () => {
    fc.assert(
      fc.property(pairScores, ({ users, scores }) => {
        const W = drawUserWeights(users, 20, stream(2, "w"));
        const f = (x: number) => Math.exp(x / 10) * 3 + 1;
        const a = replicateScoreMetrics(scores, 1, W, { fprs: FPRS, ks: [1] });
        const b = replicateScoreMetrics({ ...scores, positives: scores.positives.map(f), negatives: scores.negatives.map(f) }, 1, W, { fprs: FPRS, ks: [1] });
        expect(b.estimate).toEqual(a.estimate);
        expect(b.auc).toEqual(a.auc);
        expect(b.tprAt).toEqual(a.tprAt);
        expect(b.topK).toEqual(a.topK);
      }),
    );
  });

  it("give TPR = FPR when every score is tied, whatever the weights", () => {
    const n = 30;
    const m = 400;
    const scores: CaseScores = {
      positives: new Float64Array(n).fill(0.4),
      negatives: new Float64Array(m).fill(0.4),
      usersPerCase: 1,
      positiveUsers: Int32Array.from({ length: n }, (_, i) => i % 20),
      negativeUsers: Int32Array.from({ length: m }, (_, i) => i % 20),
    };
    const rep = replicateScoreMetrics(scores, 1, drawUserWeights(20, 50, stream(3, "w")), { fprs: FPRS });
    FPRS.forEach((f, i) => {
      expect(rep.estimate.tprAt[i]).toBe(f);
      for (const x of rep.tprAt[i]) expect(x).toBeCloseTo(f, 12);
    });
    for (const x of rep.auc) expect(x).toBe(0.5);
  });

  it("read an inverted observer the other way round: the oriented metrics are the original's, bit for bit", () => {
    fc.assert(
      fc.property(pairScores, ({ users, scores }) => {
        const W = drawUserWeights(users, 20, stream(4, "w"));
        const inverted = { ...scores, positives: scores.positives.map((x) => -x), negatives: scores.negatives.map((x) => -x), ranks: scores.rankBelow, rankBelow: scores.ranks };
        const a = replicateScoreMetrics(scores, 1, W, { fprs: FPRS, ks: [1, 2] });
        const b = replicateScoreMetrics(inverted, -1, W, { fprs: FPRS, ks: [1, 2] });
        expect(b.estimate).toEqual(a.estimate);
        expect(b.auc).toEqual(a.auc);
        expect(b.tprAt).toEqual(a.tprAt);
        expect(b.topK).toEqual(a.topK);
        // Read the right way round, the inverted observer's AUC is 1 − the original's.
        expect(replicateScoreMetrics(inverted, 1, W).estimate.auc).toBeCloseTo(1 - a.estimate.auc, 12);
      }),
    );
  });

  it("give a paired difference of exactly 0 in every replicate when an arm is compared with itself", () => {
    const r = stream(5, "arm");
    const users = 60;
    const pu: number[] = [];
    const nu: number[] = [];
    const pos: number[] = [];
    const neg: number[] = [];
    for (let u = 0; u < users; u++) {
      for (let v = u + 1; v < users; v++) {
        const linked = r.bernoulli(0.05);
        (linked ? pos : neg).push(Math.round(10 * r.normal(linked ? 1 : 0, 1)) / 10); // ties too
        (linked ? pu : nu).push(u, v);
      }
    }
    const arm: CaseScores = { positives: pos, negatives: neg, usersPerCase: 2, positiveUsers: pu, negativeUsers: nu };
    const again: CaseScores = { ...arm, positives: Float64Array.from(pos), negatives: Float64Array.from(neg) };
    const W = drawUserWeights(users, 500, stream(5, "metrics/users"));
    const a = replicateScoreMetrics(arm, 1, W, { fprs: [0.01, 0.1] });
    const b = replicateScoreMetrics(again, 1, W, { fprs: [0.01, 0.1] });
    const diffs = [a.auc.map((x, i) => x - b.auc[i]), a.tprAt[0].map((x, i) => x - b.tprAt[0][i]), a.tprAt[1].map((x, i) => x - b.tprAt[1][i])];
    for (const d of diffs) {
      for (const x of d) expect(x).toBe(0);
      expect(replicateInterval(d, 0)).toMatchObject({ lo: 0, hi: 0, undefined: 0 });
    }
    // ... while the replicates themselves do vary
    expect(Math.max(...a.auc) - Math.min(...a.auc)).toBeGreaterThan(0.02);
  });
});

describe("replicateInterval", () => {
  it("leaves undefined replicates out, counts them, and gives up when too many are undefined", () => {
    const i = replicateInterval(Float64Array.of(0.1, 0.3, Number.NaN, 0.2, 0.4), 0.25, { level: 0.5, maxUndefined: 0.25 });
    expect(i).toMatchObject({ estimate: 0.25, replicates: 5, undefined: 1 });
    expect(i.lo).toBeCloseTo(0.175, 12);
    expect(i.hi).toBeCloseTo(0.325, 12);
    expect(replicateInterval(Float64Array.of(0.1, Number.NaN), 0.1)).toMatchObject({ lo: null, hi: null, undefined: 1 });
  });
});

describe("scoreResolvability", () => {
  it("counts cases and distinct users on each side", () => {
    const s: CaseScores = { positives: [1, 2, 3], negatives: [0, 0], usersPerCase: 2, positiveUsers: [0, 1, 1, 2, 0, 2], negativeUsers: [3, 4, 3, 5] };
    const r = scoreResolvability(s, [0.1]);
    expect(r).toMatchObject({ positives: 3, negatives: 2, positiveUsers: 3, negativeUsers: 3, positivesResolvable: false, auc: false, tprAt: [false], topK: false });
  });
});

/**
 * A world with strong user effects: hub users whose pairs all score high (a heavy-tailed
 * activity a_u, pair score a_u·a_v), and users who are easier or harder to link (a
 * per-user separation d_u). Cases that share a user are then correlated, and a bootstrap
 * that treats pairs (or one end of each) as independent makes its intervals too narrow.
 */
function hubWorld(seed: number, users: number): CaseScores & { positiveUsers: Int32Array; negativeUsers: Int32Array; positives: Float64Array; negatives: Float64Array } {
  const r = stream(seed, "test/hub-world");
  const a = Float64Array.from({ length: users }, () => r.lognormal(0, 0.8));
  const d = Float64Array.from({ length: users }, () => r.normal(1, 1.2));
  const pos: number[] = [];
  const neg: number[] = [];
  const pu: number[] = [];
  const nu: number[] = [];
  for (let u = 0; u < users; u++) {
    for (let v = u + 1; v < users; v++) {
      const linked = r.bernoulli(6 / users);
      const s = a[u] * a[v] + r.normal(0, 0.3) + (linked ? 0.5 * (d[u] + d[v]) : 0);
      (linked ? pos : neg).push(s);
      (linked ? pu : nu).push(u, v);
    }
  }
  return { positives: Float64Array.from(pos), negatives: Float64Array.from(neg), usersPerCase: 2, positiveUsers: Int32Array.from(pu), negativeUsers: Int32Array.from(nu) };
}

describe("coverage on a world with strong user effects", () => {
  it("the user bootstrap covers the across-seed mean AUC at least 85% of the time; resampling pairs, or one end of each, does not", () => {
    const S = 100;
    const R = 200;
    const users = 40;
    const est: number[] = [];
    const intervals: Record<"users" | "pairs" | "oneEnd", [number, number][]> = { users: [], pairs: [], oneEnd: [] };
    for (let s = 0; s < S; s++) {
      const w = hubWorld(s, users);
      const rep = replicateScoreMetrics(w, 1, drawUserWeights(users, R, stream(s, "users")), { fprs: [] });
      est.push(rep.estimate.auc);
      const u = replicateInterval(rep.auc, rep.estimate.auc);
      intervals.users.push([u.lo as number, u.hi as number]);
      // Pairs as independent cases: no users, so each case is its own resampling unit.
      const naive = replicateScoreMetrics({ positives: w.positives, negatives: w.negatives }, 1, drawUserWeights(w.positives.length + w.negatives.length, R, stream(s, "pairs")), { fprs: [] });
      const p = replicateInterval(naive.auc, naive.estimate.auc);
      intervals.pairs.push([p.lo as number, p.hi as number]);
      // The old scheme: cluster each pair on one of its users.
      const firstEnd = (ids: Int32Array) => ids.filter((_, k) => k % 2 === 0);
      const [o] = bootstrapScoresAll(
        { positives: w.positives, negatives: w.negatives, positiveClusters: firstEnd(w.positiveUsers), negativeClusters: firstEnd(w.negativeUsers) },
        [rocAucSorted],
        stream(s, "one-end"),
        { resamples: R },
      );
      intervals.oneEnd.push([o.lo, o.hi]);
    }
    const mean = est.reduce((a, b) => a + b, 0) / S;
    const coverage = (iv: [number, number][]) => iv.filter(([lo, hi]) => lo <= mean && mean <= hi).length / S;
    const users95 = coverage(intervals.users);
    expect(users95).toBeGreaterThanOrEqual(0.85);
    // The check can fail: the schemes that ignore users fall below it on the same worlds.
    expect(coverage(intervals.pairs)).toBeLessThan(0.8);
    expect(coverage(intervals.oneEnd)).toBeLessThan(0.85);
    expect(coverage(intervals.oneEnd)).toBeLessThan(users95 - 0.1);
  });
});

/**
 * Per-user cases over time with events that touch many users at once: in a fifth of the
 * windows most users become active together, and how visible activity is varies from
 * window to window (d_w). Resampling users alone cannot see that variation.
 */
function eventWorld(seed: number, users: number, windows: number): CaseScores {
  const r = stream(seed, "test/event-world");
  const c = Float64Array.from({ length: users }, () => r.normal(0, 0.5));
  const pos: number[] = [];
  const neg: number[] = [];
  const pu: number[] = [];
  const nu: number[] = [];
  const pt: number[] = [];
  const nt: number[] = [];
  for (let w = 0; w < windows; w++) {
    const event = r.bernoulli(0.2);
    const d = r.normal(1, 1);
    for (let u = 0; u < users; u++) {
      const active = event ? r.bernoulli(0.6) : r.bernoulli(0.03);
      (active ? pos : neg).push(c[u] + r.normal(0, 1) + (active ? d : 0));
      (active ? pu : nu).push(u);
      (active ? pt : nt).push(w * 60e6);
    }
  }
  return {
    positives: pos,
    negatives: neg,
    usersPerCase: 1,
    positiveUsers: pu,
    negativeUsers: nu,
    positiveTimes: pt,
    negativeTimes: nt,
  };
}

describe("time blocks as a second factor", () => {
  it("draws blocks of time like users, and leaves the estimate alone", () => {
    const T = drawTimeWeights(0, 1800e6, 60e6, 50, stream(1, "metrics/time"));
    expect(T.blocks).toBe(30);
    expect(T.weights.weights(3).reduce((a, b) => a + b, 0)).toBe(30);
    const x = eventWorld(1, 10, 30);
    const W = drawUserWeights(10, 50, stream(1, "metrics/users"));
    const withTime = replicateScoreMetrics(x, 1, W, { fprs: [0.1], time: T });
    const without = replicateScoreMetrics(x, 1, W, { fprs: [0.1] });
    expect(withTime.timeBlocks).toBe(true);
    expect(without.timeBlocks).toBe(false);
    expect(withTime.estimate).toEqual(without.estimate);
    expect(withTime.auc).not.toEqual(without.auc);
    // Pairs carry no times: the time weights are not used.
    const pairs: CaseScores = { positives: [2, 1], negatives: [1, 0], usersPerCase: 2, positiveUsers: [0, 1, 1, 2], negativeUsers: [0, 2, 2, 3] };
    expect(replicateScoreMetrics(pairs, 1, drawUserWeights(4, 50, stream(2, "u")), { time: T }).timeBlocks).toBe(false);
  });

  it("covers the across-seed mean where resampling users alone does not", () => {
    const S = 100;
    const R = 200;
    const est: number[] = [];
    const users: [number, number][] = [];
    const crossed: [number, number][] = [];
    for (let s = 0; s < S; s++) {
      const x = eventWorld(s, 30, 30);
      const W = drawUserWeights(30, R, stream(s, "users"));
      const T = drawTimeWeights(0, 30 * 60e6, 60e6, R, stream(s, "time"));
      const a = replicateScoreMetrics(x, 1, W, { fprs: [] });
      const b = replicateScoreMetrics(x, 1, W, { fprs: [], time: T });
      est.push(a.estimate.auc);
      const ia = replicateInterval(a.auc, a.estimate.auc);
      const ib = replicateInterval(b.auc, b.estimate.auc);
      users.push([ia.lo as number, ia.hi as number]);
      crossed.push([ib.lo as number, ib.hi as number]);
    }
    const mean = est.reduce((a, b) => a + b, 0) / S;
    const coverage = (iv: [number, number][]) => iv.filter(([lo, hi]) => lo <= mean && mean <= hi).length / S;
    expect(coverage(crossed)).toBeGreaterThanOrEqual(0.85);
    expect(coverage(users)).toBeLessThan(0.7);
  });
});
