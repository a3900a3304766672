import { describe, expect, it } from "vitest";
import { validateObserverParams } from "../../sim/experiment/registries.ts";
import { definition } from "../../observers/volume-correlation.ts";
import { stream } from "../../sim/core/rng.ts";
import { Truth } from "../../sim/world/truth.ts";
import { labelsFromTruth } from "../../sim/experiment/labels.ts";
import { createPairPool } from "../../sim/parallel/pair-pool.ts";
import { auc, meanOf, run, synthetic, top1 } from "./synthetic.ts";

const plain = synthetic({ users: 40, pairs: 12, seconds: 1200, seed: 11 });
const cbr = synthetic({ users: 40, pairs: 12, seconds: 1200, seed: 11, constantRate: { intervalMs: 50, size: 700 } });

describe("volume-correlation", () => {
  it("links conversing pairs far above chance (Pearson and Spearman)", () => {
    for (const rank of [false, true]) {
      const s = run(definition, { rank }, plain);
      expect(s.task).toBe("link");
      expect(s.positives.length).toBe(12);
      expect(s.negatives.length).toBe((40 * 39) / 2 - 12);
      expect(auc(s.positives, s.negatives)).toBeGreaterThan(0.97);
      expect(top1(s)).toBeGreaterThan(0.8);
    }
  });

  it("answers the group-link question with the same pair scores when asked to", () => {
    // Groups {0, 1, 24} and {2, 3, 25}, both active: co-members include the conversing pairs
    // {0, 1} and {2, 3}, which the link task counts as positives too.
    const t = plain.truth;
    const saved = [t.groups, t.conversations.length] as const;
    t.groups = [
      [0, 1, 24],
      [2, 3, 25],
    ];
    t.conversations.add("group", 0, -1, 0);
    t.conversations.add("group", 2, -2, 0);
    try {
      const labels = labelsFromTruth(t, plain.users);
      const obs = definition.create(validateObserverParams(definition, { task: "group-link" }), { users: 40, start: plain.start, end: plain.end, rng: stream(1, "vc") });
      plain.feed(obs.tap);
      const g = obs.score(labels);
      expect(g.task).toBe("group-link");
      expect(g.positives.length).toBe(6);
      expect(g.negatives.length).toBe((40 * 39) / 2 - 6 - 10); // the other 10 contacts are left out
      const link = run(definition, {}, { ...plain, labels });
      expect(link.negatives.length).toBe((40 * 39) / 2 - 12 - 4); // co-members who are not contacts are left out
      // The conversing co-members' scores are the link task's.
      expect(g.positives[0]).toBe(link.positives[0]);
    } finally {
      t.groups = saved[0];
      t.conversations.length = saved[1];
    }
  });

  it("is at chance against constant-rate traffic", () => {
    for (const params of [{}, { rank: true }, { measure: "packets", maxLagBins: 2 }]) {
      const s = run(definition, params, cbr);
      expect(Math.abs(auc(s.positives, s.negatives) - 0.5)).toBeLessThan(0.02);
      // every candidate ties: the true partner is first with chance 1/(N − 1), not 0
      expect(top1(s)).toBeCloseTo(1 / (cbr.users - 1), 12);
    }
  });

  it("independent Poisson cover lowers the scores of true pairs, down to chance", () => {
    // Texts only (100–900 B), so cover packets (100–1400 B) can drown them.
    const at = (coverRate: number) => run(definition, { binSeconds: 1 }, synthetic({ users: 40, pairs: 12, seconds: 600, seed: 11, coverRate, photoShare: 0 }));
    const none = at(0);
    const light = at(0.2);
    const heavy = at(5);
    expect(auc(none.positives, none.negatives)).toBeGreaterThan(0.97);
    expect(meanOf(light.positives)).toBeLessThan(meanOf(none.positives) - 0.2);
    expect(meanOf(heavy.positives)).toBeLessThan(meanOf(light.positives));
    expect(auc(light.positives, light.negatives)).toBeLessThan(auc(none.positives, none.negatives));
    expect(auc(heavy.positives, heavy.negatives)).toBeLessThan(0.75);
  });

  it("caps negatives by a seeded sample", () => {
    const s = run(definition, { maxNegatives: 50 }, plain);
    expect(s.negatives.length).toBe(50);
    expect(Array.from(run(definition, { maxNegatives: 50 }, plain).negatives)).toEqual(Array.from(s.negatives));
  });

  it("says what it sees and cannot see, and rejects bad parameters by name", () => {
    expect(definition.sees.length).toBeGreaterThan(10);
    expect(definition.cannotSee.length).toBeGreaterThan(10);
    expect(definition.vantages).toContain(definition.vantage);
    expect(() => validateObserverParams(definition, { binSeconds: -1 })).toThrow(/observer "volume-correlation" parameter binSeconds = -1/);
    expect(() => validateObserverParams(definition, { binSeconds: Number.NaN })).toThrow(/binSeconds/);
    expect(() => validateObserverParams(definition, { maxLagBins: 1.5 })).toThrow(/maxLagBins = 1.5/);
    expect(() => validateObserverParams(definition, { bogus: 1 })).toThrow(/bogus/);
  });
});

describe("volume-correlation on a worker pool", () => {
  it("scores exactly what the single-threaded path scores, on the pool the lab injects", async () => {
    const users = 40;
    const asked: number[] = [];
    const pairPools = (k: number) => {
      asked.push(k);
      return createPairPool(k);
    };
    const make = (workers: number) => definition.create(definition.schema.parse({ workers, binSeconds: 1 }), { users, start: 0, end: 120e6, rng: stream(4, "vc"), pairPools });
    const one = make(1);
    const two = make(2);
    const rng = stream(4, "traffic");
    for (let k = 0; k < 4000; k++) {
      const u = rng.int(0, users);
      const t = rng.int(0, 120e6);
      const size = rng.int(60, 1500);
      const dir = rng.bernoulli(0.5) ? 0 : 1;
      one.tap.packet(u, t, size, dir);
      two.tap.packet(u, t, size, dir);
    }
    const truth = new Truth();
    for (let a = 0; a < users; a += 2) truth.conversations.add("direct", a, a + 1, 0);
    const labels = labelsFromTruth(truth, users);
    const single = one.score(labels);
    const pooled = await two.scoreAsync!(labels);
    expect(asked).toEqual([2]);
    expect(Array.from(pooled.positives)).toEqual(Array.from(single.positives));
    expect(Array.from(pooled.negatives)).toEqual(Array.from(single.negatives));
  });
});

describe("volume-correlation reusing the scale pass's blocks", () => {
  it("with no more users than scaleUsers, scores the same doubles as the pool path, which computes every block afresh", async () => {
    // Lags both ways, and a link-task block smaller than the scale pass's (its blocks and
    // the positives' cells are copied out of the scale pass's larger blocks).
    for (const params of [{ binSeconds: 1, maxLagBins: 4 }, { binSeconds: 1, maxLagBins: 3, block: 8, peak: "zscore" }, { binSeconds: 10, combine: "max", block: 12 }]) {
      const make = (workers: number) =>
        definition.create(definition.schema.parse({ ...params, workers }), { users: plain.users, start: plain.start, end: plain.end, rng: stream(5, "vc") });
      const memo = make(1);
      const fresh = make(2); // no lab pool: the inline pool, one block at a time from the rows
      plain.feed(memo.tap);
      plain.feed(fresh.tap);
      const a = memo.score(plain.labels);
      const b = await fresh.scoreAsync!(plain.labels);
      expect(a.positives.length).toBe(12);
      expect(Array.from(a.positives)).toEqual(Array.from(b.positives));
      expect(Array.from(a.negatives)).toEqual(Array.from(b.negatives));
      expect(Array.from(a.ranks!)).toEqual(Array.from(b.ranks!));
    }
  });
});
