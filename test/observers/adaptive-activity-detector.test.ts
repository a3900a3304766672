/**
 * The adaptive activity detector on a constructed case whose answer is known: cover that
 * looks like activity to the naive detector (bursts of the same volume in the same
 * windows' sub-bins) but differs in a learnable way (cover is 600 B packets every 10 ms,
 * a real message 1400 B segments 2 ms apart with small acknowledgements coming back).
 * Trained on one population, scored on another: the adaptive detector separates real
 * windows from cover windows, the naive one cannot.
 */
import { describe, expect, it } from "vitest";
import { definition } from "../../observers/adaptive-activity-detector.ts";
import { definition as naive } from "../../observers/activity-detector.ts";
import type { Labels } from "../../observers/labels.ts";
import type { Observer } from "../../observers/observer.ts";
import { WINDOW_FEATURES } from "../../observers/window-features.ts";
import { DOWN, UP } from "../../sim/core/kinds.ts";
import { stream } from "../../sim/core/rng.ts";
import { MILLISECOND, SECOND } from "../../sim/core/time.ts";
import { getObserver, validateObserverParams } from "../../sim/experiment/registries.ts";
import { auc } from "./synthetic.ts";

const USERS = 30;
const WINDOWS = 40;
const WINDOW = 60 * SECOND;

interface World {
  readonly active: Uint8Array;
  feed(obs: Observer): void;
}

/**
 * Each user and minute: active with probability 0.3 (a message of 8–60 full segments 2 ms
 * apart, acknowledged by 60 B packets on the downlink); otherwise covered with
 * probability 0.8 (the same number of bytes as 600 B packets every 10 ms on the uplink, and an echo of
 * cover on the downlink), a 100 B keepalive every 20 s whatever happens.
 */
function world(seed: number): World {
  const r = stream(seed, "test/adaptive-activity");
  const active = new Uint8Array(USERS * WINDOWS);
  const pk: [number, number, number, 0 | 1][] = [];
  for (let u = 0; u < USERS; u++) {
    for (let w = 0; w < WINDOWS; w++) {
      const t0 = w * WINDOW;
      for (let k = 0; k < 3; k++) pk.push([u, t0 + k * 20 * SECOND + r.int(0, SECOND), 100, UP]);
      const real = r.bernoulli(0.3);
      const cover = r.bernoulli(0.8);
      if (real) {
        active[u * WINDOWS + w] = 1;
        const n = r.int(8, 60);
        const at = t0 + r.int(1, 50) * SECOND;
        for (let k = 0; k < n; k++) {
          pk.push([u, at + k * 2 * MILLISECOND, 1400, UP]);
          if (k % 2 === 1) pk.push([u, at + k * 2 * MILLISECOND + 40 * MILLISECOND, 60, DOWN]);
        }
      }
      else if (cover) {
        const n = Math.round((r.int(8, 60) * 1400) / 600);
        const at = t0 + r.int(1, 50) * SECOND;
        for (let k = 0; k < n; k++) {
          pk.push([u, at + k * 10 * MILLISECOND, 600, UP]);
          if (k % 4 === 0) pk.push([u, at + k * 10 * MILLISECOND + 5 * MILLISECOND, 600, DOWN]);
        }
      }
    }
  }
  pk.sort((a, b) => a[1] - b[1] || a[0] - b[0] || a[3] - b[3]);
  return { active, feed: (obs) => pk.forEach(([u, t, s, d]) => obs.tap.packet(u, t, s, d)) };
}

function labels(active: Uint8Array): Labels {
  return {
    users: USERS,
    pairs: () => {
      throw new Error("not a pair task");
    },
    activeWindows: (_start, window, windows) => {
      expect([window, windows]).toEqual([WINDOW, WINDOWS]);
      return active;
    },
    carried: () => 0,
  };
}

const params = validateObserverParams(definition, {});
const ctx = (seed: number) => ({ users: USERS, start: 0, end: WINDOWS * WINDOW, rng: stream(seed, "observer/adaptive-activity-detector") });

function trained(trainSeed: number, testSeed: number): { obs: Observer; test: World } {
  const train = world(trainSeed);
  const trainer = definition.create(params, ctx(trainSeed));
  train.feed(trainer);
  const set = trainer.trainingSet!(labels(train.active));
  const test = world(testSeed);
  const obs = definition.create(params, ctx(testSeed));
  test.feed(obs);
  obs.train!(set.features, set.labels, set);
  return { obs, test };
}

describe("adaptive-activity-detector", () => {
  it("learns what cover looks like: far above the naive detector on cover that peaks like activity", () => {
    const { obs, test } = trained(1, 2);
    const s = obs.score(labels(test.active));
    const n = naive.create(validateObserverParams(naive, {}), ctx(2));
    test.feed(n);
    const ns = n.score(labels(test.active));
    const a = auc(s.positives, s.negatives);
    const na = auc(ns.positives, ns.negatives);
    console.log(`adaptive AUC ${a.toFixed(3)}, naive AUC ${na.toFixed(3)}`);
    expect(s.positives.length + s.negatives.length).toBe(USERS * WINDOWS);
    expect(a).toBeGreaterThan(0.95);
    expect(na).toBeLessThan(0.8);
    expect(a - na).toBeGreaterThan(0.2);
    // Each case carries its user and its window's start.
    expect(s.positiveUsers.length).toBe(s.positives.length);
    expect(s.positiveTimes!.every((t) => t % WINDOW === 0)).toBe(true);
  });

  it("is deterministic: the same runs and seeds give the same scores", () => {
    const a = trained(1, 2);
    const b = trained(1, 2);
    const sa = a.obs.score(labels(a.test.active));
    const sb = b.obs.score(labels(b.test.active));
    expect(Array.from(sb.positives)).toEqual(Array.from(sa.positives));
    expect(Array.from(sb.negatives)).toEqual(Array.from(sa.negatives));
  });

  it("builds a training set of every window up to maxTrainingWindows, labelled by the training run", () => {
    const train = world(1);
    const trainer = definition.create(validateObserverParams(definition, { maxTrainingWindows: 100 }), ctx(1));
    train.feed(trainer);
    const set = trainer.trainingSet!(labels(train.active));
    expect(set.features.length).toBe(100);
    expect(set.featureNames).toEqual(WINDOW_FEATURES);
    expect(set.features.every((r) => r.length === WINDOW_FEATURES.length && r.every(Number.isFinite))).toBe(true);
    expect(set.seed).toBe(1);
  });

  it("refuses to score untrained or to train on its own seed; is registered; rejects bad parameters naming them", async () => {
    const test = world(3);
    const obs = definition.create(params, ctx(3));
    test.feed(obs);
    expect(() => obs.score(labels(test.active))).toThrow(/before train/);
    expect(() => obs.train!([[0]], [1], { seed: 3, featureNames: WINDOW_FEATURES })).toThrow(/own seed/);
    expect(() => obs.train!([WINDOW_FEATURES.map(() => 0)], [1])).toThrow(/both classes/);
    expect(await getObserver("adaptive-activity-detector")).toBe(definition);
    expect(definition.learns).toBe(true);
    expect(() => validateObserverParams(definition, { epochs: 0 })).toThrow(/observer "adaptive-activity-detector" parameter epochs = 0/);
  });
});
