/**
 * The statistical disclosure attack on constructed mixes whose answer is known: a target
 * with fixed partners among random background traffic (Danezis 2003's model, then
 * Mathewson & Dingledine 2004's unequal weights and non-uniform background).
 */
import { describe, expect, it } from "vitest";
import { StatisticalDisclosureObserver, definition, disclosureMatrix, schema, type StatisticalDisclosureParams } from "../../observers/statistical-disclosure.ts";
import { RoundTap } from "../../observers/rounds.ts";
import { SECOND } from "../../sim/core/time.ts";
import { stream } from "../../sim/core/rng.ts";
import { DOWN, UP } from "../../sim/core/kinds.ts";
import { ROUND, contextFor, feedMix, labelsOf, type MixCase } from "./long-term-cases.ts";

const exact = { roundSeconds: 60, lagRounds: 0, minEventBytes: 0, pairing: "send-receive" } as const;

function observe(c: MixCase, params: Partial<StatisticalDisclosureParams> = {}) {
  const obs = definition.create(schema.parse({ ...exact, ...params }), contextFor(c.users, c.rounds)) as StatisticalDisclosureObserver;
  feedMix(obs.tap, c);
  return obs;
}

/** Target 0's candidates ranked by its row of the matrix, best first. */
function ranking(V: Float64Array, n: number, a: number): number[] {
  return Array.from({ length: n }, (_, b) => b)
    .filter((b) => b !== a)
    .sort((x, y) => V[a * n + y] - V[a * n + x]);
}

const oneFriend: MixCase = { users: 60, rounds: 400, target: 0, partners: [[7, 1]], targetRate: 0.5, background: 12, seed: 1 };

describe("statistical disclosure (Danezis 2003)", () => {
  it("identifies a target's one fixed partner among random background after enough rounds", () => {
    for (const variant of ["danezis", "mathewson-dingledine"] as const) {
      const obs = observe(oneFriend, { variant });
      const V = obs.matrix();
      expect(ranking(V, 60, 0)[0], variant).toBe(7);
      // The estimate is the share of the target's messages: about 1 for its only partner, about 0 for the rest.
      expect(V[0 * 60 + 7], variant).toBeGreaterThan(0.8);
      expect(V[0 * 60 + 7], variant).toBeLessThan(1.2);
      const others = ranking(V, 60, 0).slice(1).map((b) => Math.abs(V[b]));
      expect(Math.max(...others), variant).toBeLessThan(0.35);
    }
  });

  it("needs rounds: after 5 rounds the partner is not yet singled out, after 400 it is, and the link task says so", () => {
    const obs = observe(oneFriend, { variant: "danezis" });
    const early = obs.matrix(5 * ROUND);
    const late = obs.matrix();
    const margin = (V: Float64Array) => V[7] - Math.max(...ranking(V, 60, 0).slice(1).map((b) => V[b]));
    expect(margin(early)).toBeLessThan(margin(late));
    expect(margin(late)).toBeGreaterThan(0.5);
    const labels = labelsOf(60, [[0, 7]]);
    const scores = obs.score(labels);
    expect(scores.task).toBe("link");
    expect(scores.positives.length).toBe(1);
    expect(scores.negatives.length).toBe((60 * 59) / 2 - 1);
    expect(scores.ranks![0]).toBe(0);
    expect(scores.candidates).toBe(59);
    expect(Array.from(scores.positiveUsers)).toEqual([0, 7]);
    expect(scores.negativeUsers.length).toBe(2 * scores.negatives.length);
    const id = obs.identification(labels);
    expect(id.targetCount).toBe(2);
    expect(id.best[0]).toBe(7);
    expect(id.rate).toBeGreaterThanOrEqual(0.5);
  });
});

describe("statistical disclosure with unequal weights and background (Mathewson & Dingledine 2004)", () => {
  it("recovers unequal partner shares", () => {
    const c: MixCase = { users: 60, rounds: 1500, target: 0, partners: [[7, 0.7], [9, 0.3]], targetRate: 0.6, background: 12, seed: 2 };
    const V = observe(c).matrix();
    expect(ranking(V, 60, 0).slice(0, 2)).toEqual([7, 9]);
    expect(V[7]).toBeGreaterThan(0.55);
    expect(V[7]).toBeLessThan(0.85);
    expect(V[9]).toBeGreaterThan(0.15);
    expect(V[9]).toBeLessThan(0.45);
  });

  it("learns a non-uniform background from the rounds the target is silent, where the uniform model is fooled", () => {
    // Background traffic goes to user 3 nine times in ten: Danezis's uniform background mistakes 3 for a partner.
    const weights = Array.from({ length: 60 }, (_, b) => (b === 3 ? 9 * 59 : 1));
    const c: MixCase = { users: 60, rounds: 600, target: 0, partners: [[7, 1]], targetRate: 0.5, background: 12, recipientWeights: weights, seed: 3 };
    const md = observe(c, { variant: "mathewson-dingledine" }).matrix();
    const dz = observe(c, { variant: "danezis" }).matrix();
    expect(ranking(md, 60, 0)[0]).toBe(7);
    expect(ranking(dz, 60, 0)[0]).toBe(3);
  });

  it("with delivery in the next round, needs the lag to see the partner", () => {
    // The partner's downloads come one round late: lag 0 misses them, lag 1 catches them.
    const tapCase = (lag: number) => {
      const obs = definition.create(schema.parse({ ...exact, lagRounds: lag }), contextFor(30, 300)) as StatisticalDisclosureObserver;
      for (let r = 0; r < 299; r++) {
        const t = r * ROUND + SECOND;
        if (r % 2 === 0) {
          obs.tap.packet(0, t, 1000, UP);
          obs.tap.packet(5, t + ROUND, 1000, DOWN);
        }
        const other = 1 + (r % 29);
        obs.tap.packet(other, t + 3 * SECOND, 1000, UP);
        obs.tap.packet(1 + ((r * 7) % 29), t + 3 * SECOND + 1000, 1000, DOWN);
      }
      return obs.matrix();
    };
    expect(ranking(tapCase(1), 30, 0)[0]).toBe(5);
    expect(ranking(tapCase(0), 30, 0)[0]).not.toBe(5);
  });
});

describe("direction pairings", () => {
  it("links a pair whose uploads are hidden (a one-sided defense) by what they both receive", () => {
    // Users 0 and 7 converse in half the rounds; their uploads never show (shaped on the device),
    // their downloads do; 12 background messages a round among the others.
    const build = (pairing: StatisticalDisclosureParams["pairing"]) => {
      const obs = definition.create(schema.parse({ ...exact, pairing }), contextFor(40, 400)) as StatisticalDisclosureObserver;
      const r = stream(9, "one-sided");
      for (let round = 0; round < 400; round++) {
        const t0 = round * ROUND;
        let slot = 0;
        if (r.bernoulli(0.5)) {
          obs.tap.packet(7, t0 + 1_000_000, 1000, DOWN);
          obs.tap.packet(0, t0 + 3_000_000, 1000, DOWN);
          slot = 2;
        }
        for (let k = 0; k < 12; k++) {
          const from = 1 + r.int(0, 39);
          let to = 1 + r.int(0, 39);
          if (from === 7 || to === 7 || to === from) continue;
          const t = t0 + (slot + 2 * k) * 2_000_000 + 5_000_000;
          obs.tap.packet(from, t, 1000, UP);
          obs.tap.packet(to, t + 1000, 1000, DOWN);
        }
      }
      return obs;
    };
    const labels = labelsOf(40, [[0, 7]]);
    const own = build("send-receive").score(labels);
    expect(own.ranks![0]).toBeGreaterThan(0);
    for (const pairing of ["receive-receive", "all"] as const) {
      const s = build(pairing).score(labels);
      expect(s.ranks![0], pairing).toBe(0);
    }
  });
});

describe("the round tap", () => {
  it("counts events (bursts), not packets, in the round of their first packet, above the size floor", () => {
    const tap = new RoundTap({ users: 2, start: 0, end: 3 * ROUND, roundWidth: ROUND, burstGap: SECOND, minEventBytes: 500 });
    tap.packet(0, 10 * SECOND, 1400, UP);
    tap.packet(0, 10.5 * SECOND, 1400, UP); // same event
    tap.packet(0, 59.8 * SECOND, 300, UP); // its own event, below the floor alone…
    tap.packet(0, 60.3 * SECOND, 300, UP); // …but 600 B with this one: counted in round 0
    tap.packet(1, 70 * SECOND, 200, DOWN); // below the floor
    tap.packet(1, 130 * SECOND, 900, DOWN); // round 2, closed by flush
    tap.packet(1, 200 * SECOND, 900, DOWN); // after the end: ignored
    tap.flush();
    tap.flush();
    expect(Array.from(tap.sent)).toEqual([2, 0, 0, 0, 0, 0]);
    expect(Array.from(tap.received)).toEqual([0, 0, 0, 0, 0, 1]);
  });

  it("refuses a users × rounds grid over the cap before allocating it", () => {
    expect(() => new RoundTap({ users: 10, start: 0, end: 1000 * ROUND, roundWidth: ROUND, burstGap: SECOND, minEventBytes: 0, maxCells: 5000 })).toThrow(/10 users × 1000 bins/);
  });
});

describe("statistical disclosure parameters", () => {
  it("documents its vantage, what it sees and cannot see, and its sources", () => {
    expect(definition.vantage).toBe("server");
    expect(definition.citation).toMatch(/Danezis.*2003.*Mathewson & Dingledine.*2004/);
    expect(definition.cannotSee).toMatch(/sealed sender/);
    const p = schema.parse({});
    expect(p).toMatchObject({ variant: "mathewson-dingledine", roundSeconds: 20, lagRounds: 1, minEventBytes: 320, combine: "mean", task: "link" });
    expect(schema.safeParse({ roundSeconds: 0 }).success).toBe(false);
    expect(schema.safeParse({ variant: "other" }).success).toBe(false);
  });

  it("scores a target that never sent as no evidence (0), not as a number the metrics refuse", () => {
    const tap = new RoundTap({ users: 3, start: 0, end: ROUND, roundWidth: ROUND, burstGap: SECOND, minEventBytes: 0 });
    tap.packet(1, SECOND, 1000, UP);
    tap.packet(2, 2 * SECOND, 1000, DOWN);
    tap.flush();
    for (const variant of ["danezis", "mathewson-dingledine"] as const) {
      const V = disclosureMatrix(tap, 1, 0, variant);
      expect(Array.from(V.subarray(0, 3))).toEqual([0, 0, 0]);
      for (const x of V) expect(Number.isFinite(x)).toBe(true);
    }
  });
});
