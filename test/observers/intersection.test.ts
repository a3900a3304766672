/**
 * The intersection (hitting-set) attack on constructed mixes whose answer is known:
 * a target with one fixed partner among random recipients (Kesdogan, Agrawal & Penz
 * 2002), exactly and with noise.
 */
import { describe, expect, it } from "vitest";
import { IntersectionObserver, definition, intersectionMatrix, schema, type IntersectionParams } from "../../observers/intersection.ts";
import { RoundTap, standardizeOffDiagonal } from "../../observers/rounds.ts";
import { SECOND } from "../../sim/core/time.ts";
import { stream } from "../../sim/core/rng.ts";
import { DOWN, UP } from "../../sim/core/kinds.ts";
import { ROUND, contextFor, feedMix, labelsOf, type MixCase } from "./long-term-cases.ts";

function observe(c: MixCase, params: Partial<IntersectionParams> = {}) {
  const obs = definition.create(schema.parse({ roundSeconds: 60, lagRounds: 0, minEventBytes: 0, pairing: "send-receive", ...params }), contextFor(c.users, c.rounds)) as IntersectionObserver;
  feedMix(obs.tap, c);
  return obs;
}

function ranking(V: Float64Array, n: number, a: number): number[] {
  return Array.from({ length: n }, (_, b) => b)
    .filter((b) => b !== a)
    .sort((x, y) => V[a * n + y] - V[a * n + x]);
}

const small: MixCase = { users: 80, rounds: 200, target: 0, partners: [[11, 1]], targetRate: 0.4, background: 5, seed: 4 };

describe("intersection attack (Kesdogan et al. 2002)", () => {
  it("narrows the target's observation sets down to its one partner: the exact intersection", () => {
    const obs = observe(small, { score: "exact" });
    const V = obs.matrix();
    const survivors = ranking(V, 80, 0).filter((b) => V[b] === 1);
    expect(survivors).toEqual([11]);
    // Round by round the survivors only shrink: several after the first observation, the partner alone at the end.
    const counts: number[] = [];
    for (let k = 1; k <= 40; k++) {
      const Vk = obs.matrix(k * ROUND);
      const alive = ranking(Vk, 80, 0).filter((b) => Vk[b] === 1);
      if (alive.length === 0) continue; // the target has not sent yet
      expect(alive).toContain(11);
      counts.push(alive.length);
    }
    expect(counts[0]).toBeGreaterThan(1);
    for (let i = 1; i < counts.length; i++) expect(counts[i]).toBeLessThanOrEqual(counts[i - 1]);
    expect(counts.at(-1)).toBe(1);
  });

  it("keeps the partner on top with noise, where the exact intersection loses it", () => {
    const noisy: MixCase = { ...small, rounds: 400, missing: 0.2, seed: 5 };
    const exact = observe(noisy, { score: "exact" }).matrix();
    expect(ranking(exact, 80, 0).filter((b) => exact[b] === 1)).toEqual([]);
    for (const score of ["zscore", "excess"] as const) {
      const V = observe(noisy, { score }).matrix();
      expect(ranking(V, 80, 0)[0], score).toBe(11);
    }
  });

  it("discounts a recipient who is in every round anyway (its background presence)", () => {
    // User 3 receives in nearly every round: the exact attack cannot tell it from the partner; the z-score can.
    const weights = Array.from({ length: 80 }, (_, b) => (b === 3 ? 40 * 79 : 1));
    const busy: MixCase = { ...small, rounds: 400, background: 8, recipientWeights: weights, seed: 6 };
    const exact = observe(busy, { score: "exact" }).matrix();
    expect(exact[3]).toBeGreaterThan(0.95);
    const z = observe(busy, { score: "zscore" }).matrix();
    expect(ranking(z, 80, 0)[0]).toBe(11);
    expect(z[11]).toBeGreaterThan(z[3] + 3);
  });

  it("scores the link task with the pair's users and ranks, and the partner-identification rate", () => {
    const obs = observe({ ...small, rounds: 300 });
    const labels = labelsOf(80, [[0, 11]], [[0, 3]]);
    const s = obs.score(labels);
    expect(s.positives.length).toBe(1);
    expect(s.negatives.length).toBe((80 * 79) / 2 - 2);
    expect(s.ranks![0]).toBe(0);
    expect(Array.from(s.positiveUsers)).toEqual([0, 11]);
    for (const x of s.negatives) expect(s.positives[0]).toBeGreaterThan(x);
    const id = obs.identification(labels);
    expect(id.best[0]).toBe(11);
    expect(id.identified).toBeGreaterThanOrEqual(1);
  });

  it("counts presence, not messages: ten messages in a round are one observation", () => {
    const tap = new RoundTap({ users: 3, start: 0, end: 2 * ROUND, roundWidth: ROUND, burstGap: SECOND, minEventBytes: 0 });
    tap.packet(0, SECOND, 1000, UP);
    for (let k = 0; k < 10; k++) tap.packet(1, (2 + 2 * k) * SECOND, 1000, DOWN);
    tap.packet(2, 3 * SECOND, 1000, DOWN);
    tap.packet(2, ROUND + SECOND, 1000, DOWN);
    tap.flush();
    const V = intersectionMatrix(tap, 2, 0, "exact");
    expect(V[0 * 3 + 1]).toBe(1);
    expect(V[0 * 3 + 2]).toBe(1);
    expect(Array.from(V.subarray(3, 9))).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

describe("direction pairings", () => {
  it("links a pair whose uplinks are one endless event (a device-side constant rate) by what both receive", () => {
    // Every uplink shows one event at the start (the shaper's cells never pause); users 0 and 7
    // converse in half the rounds, so both receive; background messages among the others.
    const build = (score: IntersectionParams["score"], pairing: IntersectionParams["pairing"]) => {
      const obs = definition.create(schema.parse({ roundSeconds: 60, lagRounds: 0, minEventBytes: 0, score, pairing }), contextFor(40, 400)) as IntersectionObserver;
      for (let u = 0; u < 40; u++) obs.tap.packet(u, 500_000, 1500, UP);
      const r = stream(10, "one-sided");
      for (let round = 0; round < 400; round++) {
        const t0 = round * ROUND;
        if (r.bernoulli(0.5)) {
          obs.tap.packet(7, t0 + 2_000_000, 1000, DOWN);
          obs.tap.packet(0, t0 + 4_000_000, 1000, DOWN);
        }
        for (let k = 0; k < 6; k++) {
          const to = 1 + r.int(0, 39);
          if (to !== 7) obs.tap.packet(to, t0 + (6 + 2 * k) * SECOND, 1000, DOWN);
        }
      }
      return obs;
    };
    const labels = labelsOf(40, [[0, 7]]);
    for (const score of ["surprise", "zscore"] as const) {
      expect(build(score, "send-receive").score(labels).ranks![0], `${score} send-receive`).toBeGreaterThan(0);
      expect(build(score, "receive-receive").score(labels).ranks![0], `${score} receive-receive`).toBe(0);
    }
    // With every pairing, the degenerate ones (one shared observation for every pair) must not drown the signal.
    for (const score of ["surprise", "zscore"] as const) expect(build(score, "all").score(labels).ranks![0], `${score} all`).toBe(0);
  });
});

describe("standardizing a pairing's scores", () => {
  it("puts a matrix on the scale of its off-diagonal spread, and a constant one at 0", () => {
    const V = standardizeOffDiagonal(Float64Array.from([9, 1, 3, 5, 9, 7, 0, 2, 9]), 3);
    const off = [V[1], V[2], V[3], V[5], V[6], V[7]];
    expect(off.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 12);
    expect(off.reduce((a, b) => a + b * b, 0) / 6).toBeCloseTo(1, 12);
    expect([V[0], V[4], V[8]]).toEqual([0, 0, 0]);
    expect(Array.from(standardizeOffDiagonal(Float64Array.from([1, 23, 23, 23]), 2))).toEqual([0, 0, 0, 0]);
  });
});

describe("intersection parameters", () => {
  it("documents its vantage, what it sees and cannot see, and its sources", () => {
    expect(definition.vantage).toBe("server");
    expect(definition.citation).toMatch(/Kesdogan, Agrawal & Penz.*2002/);
    expect(definition.sees).toMatch(/sets/);
    expect(schema.parse({})).toMatchObject({ score: "zscore", roundSeconds: 20, lagRounds: 1, minEventBytes: 320 });
    expect(schema.safeParse({ score: "approximate" }).success).toBe(false);
  });
});
