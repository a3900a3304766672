/**
 * Direction pairings (observers/direction-pairing.ts) on constructed traffic whose answer
 * is known: users 2k and 2k + 1 (k < pairs) chat — one sends, the other's downlink gets
 * the message after a latency, it answers within a few seconds and the first one's
 * downlink gets the answer — and every other user receives and sends the same kind of
 * messages with the outside world. With `oneSided`, every uplink is a constant rate (a
 * 700 B packet every 100 ms, what the messages were is hidden), so A's uplink against B's
 * downlink carries nothing, while both ends of a chat still receive in the same seconds.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { definition as volume } from "../../observers/volume-correlation.ts";
import { definition as lagged } from "../../observers/lagged-correlation.ts";
import { definition as events } from "../../observers/event-matching.ts";
import { definition as ipd } from "../../observers/ipd-correlation.ts";
import { definition as sizes } from "../../observers/size-histogram.ts";
import { definition as learned, featureNames, type LearnedClassifierObserver } from "../../observers/learned-classifier.ts";
import { DIRECTION_PAIRINGS, pairingPlan, scaleSubset } from "../../observers/direction-pairing.ts";
import type { ObserverDefinition, Tap, TaskScores } from "../../observers/observer.ts";
import type { PairPool } from "../../observers/pair-pool.ts";
import { createPairPool } from "../../sim/parallel/pair-pool.ts";
import { validateObserverParams } from "../../sim/experiment/registries.ts";
import { labelsFromTruth } from "../../sim/experiment/labels.ts";
import { stream } from "../../sim/core/rng.ts";
import { MILLISECOND, SECOND } from "../../sim/core/time.ts";
import { DOWN, UP, type Direction } from "../../sim/core/kinds.ts";
import { TYPE_CODE, Truth } from "../../sim/world/truth.ts";
import type { Labels } from "../../observers/labels.ts";
import { auc, top1 } from "./synthetic.ts";

interface World {
  readonly users: number;
  readonly end: number;
  readonly labels: Labels;
  feed(tap: Tap): void;
}

function chats(o: { users: number; pairs: number; seconds: number; seed: number; oneSided: boolean }): World {
  const end = o.seconds * SECOND;
  const streams = Array.from({ length: o.users * 2 }, () => [] as [number, number][]);
  const put = (u: number, dir: Direction, t: number, size: number) => {
    if (t >= 0 && t < end) streams[u * 2 + dir].push([Math.round(t), size]);
  };
  const burst = (u: number, dir: Direction, t: number, bytes: number) => {
    if (dir === UP && o.oneSided) return; // the uplink is the constant rate below
    for (let off = 0, k = 0; off < bytes; off += 1400, k++) put(u, dir, t + k * 2 * MILLISECOND, Math.min(1400, bytes - off));
  };
  const truth = new Truth();
  const gap = 40 * SECOND;
  const latency = 150 * MILLISECOND;
  for (let k = 0; k < o.pairs; k++) {
    const a = 2 * k;
    const b = a + 1;
    const conv = truth.conversations.add("direct", a, b, 0);
    const r = stream(o.seed, `pairing-test/pair/${k}`);
    for (let t = r.exponential(gap); t < end; t += r.exponential(gap)) {
      const [from, to] = r.bernoulli(0.5) ? [a, b] : [b, a];
      const bytes = r.int(100, 3000);
      truth.messages.add(from, to, TYPE_CODE.text, bytes, conv, 0, Math.round(t));
      burst(from, UP, t, bytes);
      burst(to, DOWN, t + latency, bytes);
      const back = t + latency + r.uniform(0.5, 2.5) * SECOND;
      const answer = r.int(100, 3000);
      truth.messages.add(to, from, TYPE_CODE.text, answer, conv, 0, Math.round(back));
      burst(to, UP, back, answer);
      burst(from, DOWN, back + latency, answer);
    }
  }
  for (let u = 2 * o.pairs; u < o.users; u++) {
    const r = stream(o.seed, `pairing-test/solo/${u}`);
    for (let t = r.exponential(gap); t < end; t += r.exponential(gap)) {
      const bytes = r.int(100, 3000);
      if (r.bernoulli(0.5)) {
        truth.messages.add(u, -1, TYPE_CODE.text, bytes, -1, 0, Math.round(t));
        burst(u, UP, t, bytes);
        burst(u, DOWN, t + latency + r.uniform(0.5, 2.5) * SECOND, r.int(100, 3000));
      } else {
        truth.messages.add(-1, u, TYPE_CODE.text, bytes, -1, 0, Math.round(t));
        burst(u, DOWN, t, bytes);
        burst(u, UP, t + r.uniform(0.5, 2.5) * SECOND, r.int(100, 3000));
      }
    }
  }
  if (o.oneSided) for (let u = 0; u < o.users; u++) for (let t = 0; t < end; t += 100 * MILLISECOND) put(u, UP, t, 700);
  for (const s of streams) s.sort((x, y) => x[0] - y[0]);
  return {
    users: o.users,
    end,
    labels: labelsFromTruth(truth, o.users),
    feed(tap) {
      for (let u = 0; u < o.users; u++) for (const [t, size] of streams[u * 2 + UP]) tap.packet(u, t, size, UP);
      for (let u = o.users - 1; u >= 0; u--) for (const [t, size] of streams[u * 2 + DOWN]) tap.packet(u, t, size, DOWN);
    },
  };
}

const oneSided = chats({ users: 40, pairs: 12, seconds: 1800, seed: 7, oneSided: true });
const twoSided = chats({ users: 24, pairs: 8, seconds: 1800, seed: 8, oneSided: false });

function observe<P extends Record<string, unknown>>(def: ObserverDefinition<P>, raw: Record<string, unknown>, w: World, seed = 1, pairPools?: (k: number) => PairPool) {
  const obs = def.create(validateObserverParams(def, raw) as P, { users: w.users, start: 0, end: w.end, rng: stream(seed, `observer/${def.name}`), pairPools });
  w.feed(obs.tap);
  return obs;
}

const score = <P extends Record<string, unknown>>(def: ObserverDefinition<P>, raw: Record<string, unknown>, w: World): TaskScores => observe(def, raw, w).score(w.labels);

/** Every scored pair's score, by "i,j" (i < j). */
function byPair(s: TaskScores): Map<string, number> {
  const m = new Map<string, number>();
  const put = (users: Int32Array, scores: Float64Array) => {
    for (let k = 0; k < scores.length; k++) m.set(`${Math.min(users[2 * k], users[2 * k + 1])},${Math.max(users[2 * k], users[2 * k + 1])}`, scores[k]);
  };
  put(s.positiveUsers, s.positives);
  put(s.negativeUsers, s.negatives);
  return m;
}

describe("direction pairings on a one-sided defense (every uplink at a constant rate)", () => {
  for (const [def, raw] of [
    [volume, {}],
    [lagged, { binSeconds: 2, maxLagBins: 5 }],
    [events, {}],
  ] as const) {
    it(`${def.name}: A's uplink against B's downlink is at chance; the strongest pairing links them`, () => {
      const classic = score(def as ObserverDefinition, { ...raw, pairing: "up-down" }, oneSided);
      expect(auc(classic.positives, classic.negatives)).toBe(0.5);
      const strongest = score(def as ObserverDefinition, raw, oneSided);
      expect(strongest.positives.length).toBe(12);
      expect(strongest.negatives.length).toBe((40 * 39) / 2 - 12);
      expect(auc(strongest.positives, strongest.negatives), def.name).toBeGreaterThan(0.95);
      expect(top1(strongest), def.name).toBeGreaterThan(0.5);
      const downs = score(def as ObserverDefinition, { ...raw, pairing: "down-down" }, oneSided);
      expect(auc(downs.positives, downs.negatives), def.name).toBeGreaterThan(0.95);
    });
  }

  it("ipd-correlation: the classic pairing is at chance (a constant uplink's delays are a zero row); both observers score every pairing", () => {
    const classic = score(ipd, { pairing: "up-down" }, oneSided);
    expect(auc(classic.positives, classic.negatives)).toBe(0.5);
    // (size-histogram's classic pairing is not flat here: A's constant uplink histogram is
    // compared with B's downlink one, whose distance varies with B alone.)
    for (const def of [ipd, sizes] as ObserverDefinition[]) {
      for (const pairing of ["strongest", ...DIRECTION_PAIRINGS]) {
        const s = score(def, { pairing }, oneSided);
        expect(s.positives.length + s.negatives.length, `${def.name} ${pairing}`).toBe((40 * 39) / 2);
        expect([...s.positives, ...s.negatives].every(Number.isFinite), `${def.name} ${pairing}`).toBe(true);
      }
    }
  });

  it("a pairing whose scores do not vary (a constant-rate side) is left out of the strongest", () => {
    const plan = pairingPlan(
      "strongest",
      (p) => ({ kernel: (i0, i1, j0, j1, out) => out.fill(p === "down-down" ? i0 * 7 + j0 : 0, 0, (i1 - i0) * (j1 - j0)), symmetric: true }),
      { users: 10, combine: "mean", rng: stream(1, "flat"), scaleUsers: 64 },
    );
    expect(plan.pairings).toEqual(["down-down"]);
    expect(plan.terms[0].sd).toBeGreaterThan(0);
  });
});

describe("strongest = per pair the largest pairing score, each standardized over all pairs", () => {
  it("equals the maximum of the single pairings' scores, standardized by hand (all pairs set the scale when the users are fewer than scaleUsers)", () => {
    for (const [def, raw] of [
      [volume, {}],
      [lagged, { binSeconds: 2, maxLagBins: 3 }],
      [events, { preset: "code" }],
      [sizes, {}],
    ] as const) {
      const singles = DIRECTION_PAIRINGS.map((pairing) => byPair(score(def as ObserverDefinition, { ...raw, pairing }, twoSided)));
      const strongest = byPair(score(def as ObserverDefinition, raw, twoSided));
      expect(strongest.size).toBe((24 * 23) / 2);
      const scales = singles.map((m) => {
        const v = [...m.values()];
        const mean = v.reduce((a, b) => a + b, 0) / v.length;
        return { mean, sd: Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length) };
      });
      for (const s of scales) expect(s.sd, def.name).toBeGreaterThan(0); // two-sided traffic: every pairing varies
      for (const [pair, got] of strongest) {
        const want = Math.max(...singles.map((m, k) => (m.get(pair)! - scales[k].mean) / scales[k].sd));
        expect(got, `${def.name} ${pair}`).toBeCloseTo(want, 9);
      }
    }
  });

  it("with fewer scale users than users (a seeded subset sets the scale), the strongest pairing still links the one-sided pairs", () => {
    for (const [def, raw] of [
      [volume, { scaleUsers: 8 }],
      [events, { scaleUsers: 8 }],
    ] as const) {
      const s = score(def as ObserverDefinition, raw, oneSided);
      expect(auc(s.positives, s.negatives), def.name).toBeGreaterThan(0.95);
    }
  });

  it("the scale subset is a seeded draw of distinct users (all of them when fewer)", () => {
    expect(Array.from(scaleSubset(5, 48, stream(1, "s")))).toEqual([0, 1, 2, 3, 4]);
    const a = scaleSubset(500, 64, stream(2, "s"));
    expect(new Set(a).size).toBe(64);
    expect(Array.from(a)).toEqual(Array.from(scaleSubset(500, 64, stream(2, "s"))));
    expect(Array.from(a)).toEqual(Array.from(a).sort((x, y) => x - y));
  });
});

describe("scoreAsync equals score bit for bit under every pairing", () => {
  let pool: PairPool;
  beforeAll(() => {
    pool = createPairPool(2);
  });
  afterAll(async () => {
    await pool.close();
  });

  it("volume and lagged correlation on the lab's worker pool", async () => {
    for (const [def, raw] of [
      [volume, { workers: 2 }],
      [lagged, { workers: 2, binSeconds: 2, maxLagBins: 4, block: 8 }],
      [volume, { workers: 2, pairing: "down-down", block: 8 }],
    ] as const) {
      const a = observe(def, raw, oneSided, 3, () => pool);
      const b = observe(def, raw, oneSided, 3);
      const sa = await a.scoreAsync!(oneSided.labels);
      const sb = b.score(oneSided.labels);
      expect(Array.from(sa.positives)).toEqual(Array.from(sb.positives));
      expect(Array.from(sa.negatives)).toEqual(Array.from(sb.negatives));
      expect(Array.from(sa.ranks!)).toEqual(Array.from(sb.ranks!));
      expect(Array.from(sa.negativeUsers)).toEqual(Array.from(sb.negativeUsers));
    }
  }, 60_000);
});

describe("the learned classifier gets every pairing's features", () => {
  const raw = { trees: 25, negativesPerPositive: 10 };

  it("names each base feature per pairing, and its down-down Pearson feature is volume-correlation's down-down score", () => {
    const names = featureNames("strongest");
    expect(names.length).toBe(24);
    for (const p of DIRECTION_PAIRINGS) expect(names).toContain(`pearson-fine:${p}`);
    expect(featureNames("up-down")).toEqual(["pearson-fine:up-down", "pearson-coarse:up-down", "lagged-peak:up-down", "event-match:up-down", "size-chi2:up-down", "volume-asymmetry:up-down"]);
    const obs = observe(learned, raw, oneSided) as LearnedClassifierObserver;
    const downs = byPair(score(volume, { pairing: "down-down" }, oneSided));
    const k = names.indexOf("pearson-fine:down-down");
    for (const [a, b] of [
      [0, 1],
      [2, 3],
      [0, 5],
      [7, 30],
    ]) {
      expect(obs.tap.features(a, b)[k]).toBe(downs.get(`${a},${b}`));
      expect(obs.tap.features(a, b)).toEqual(obs.tap.features(b, a));
    }
  });

  it("trained on another one-sided run, links the pairs that the up-down features alone cannot", () => {
    const train = chats({ users: 40, pairs: 14, seconds: 1800, seed: 9, oneSided: true });
    const result = (pairing: string) => {
      const trainer = observe(learned, { ...raw, pairing }, train, 9) as LearnedClassifierObserver;
      const set = trainer.trainingSet(train.labels);
      expect(set.featureNames).toEqual(featureNames(pairing as "strongest"));
      const obs = observe(learned, { ...raw, pairing }, oneSided, 10) as LearnedClassifierObserver;
      obs.train(set.features, set.labels, set);
      const s = obs.score(oneSided.labels);
      return auc(s.positives, s.negatives);
    };
    const every = result("strongest");
    const classic = result("up-down");
    expect(every).toBeGreaterThan(0.95);
    expect(classic).toBeLessThan(0.75);
  });
});
