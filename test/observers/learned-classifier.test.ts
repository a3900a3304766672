import { describe, expect, it } from "vitest";
import { FEATURE_NAMES, LearnedClassifierObserver, definition } from "../../observers/learned-classifier.ts";
import { validateObserverParams } from "../../sim/experiment/registries.ts";
import { stream } from "../../sim/core/rng.ts";
import { auc, synthetic, top1, type Synthetic } from "./synthetic.ts";

const params = validateObserverParams(definition, { trees: 25, negativesPerPositive: 10 });

function observe(syn: Synthetic, seed: number, raw = params): LearnedClassifierObserver {
  const obs = definition.create(raw, { users: syn.users, start: syn.start, end: syn.end, rng: stream(seed, "observer/learned") }) as LearnedClassifierObserver;
  syn.feed(obs.tap);
  return obs;
}

// Adaptive adversary: train on defended (cover) traffic of another population and seed.
const train = synthetic({ users: 40, pairs: 15, seconds: 1200, seed: 21, coverRate: 0.3, photoShare: 0.5 });
const test = synthetic({ users: 40, pairs: 12, seconds: 1200, seed: 22, coverRate: 0.3, photoShare: 0.5 });

describe("learned-classifier", () => {
  const trainer = observe(train, 21);
  const set = trainer.trainingSet(train.labels);

  it("builds a labelled training set: every linked pair and sampled unlinked ones", () => {
    expect(set.featureNames).toEqual([...FEATURE_NAMES]);
    expect(set.labels.filter((y) => y === 1).length).toBe(15);
    expect(set.labels.filter((y) => y === 0).length).toBe(150);
    expect(set.features.every((r) => r.length === FEATURE_NAMES.length && r.every(Number.isFinite))).toBe(true);
    expect(set.seed).toBe(21);
  });

  it("trained on a disjoint run, links the test run's pairs far above chance", () => {
    const obs = observe(test, 22);
    obs.train(set.features, set.labels, set);
    const s = obs.score(test.labels);
    expect(s.positives.length).toBe(12);
    expect(s.negatives.length).toBe((40 * 39) / 2 - 12);
    expect(auc(s.positives, s.negatives)).toBeGreaterThan(0.95);
    expect(top1(s)).toBeGreaterThan(0.6);
    // A saved model scores the same.
    const again = observe(test, 22, { ...params, model: obs.model() });
    const s2 = again.score(test.labels);
    expect(Array.from(s2.positives)).toEqual(Array.from(s.positives));
  });

  it("is at chance against constant-rate traffic", () => {
    const cbr = synthetic({ users: 40, pairs: 12, seconds: 1200, seed: 23, constantRate: { intervalMs: 100, size: 600 } });
    const obs = observe(cbr, 23);
    obs.train(set.features, set.labels, set);
    const s = obs.score(cbr.labels);
    expect(Math.abs(auc(s.positives, s.negatives) - 0.5)).toBeLessThan(0.02);
  });

  it("refuses to score untrained, to train on its own seed, or on mismatched data", () => {
    const obs = observe(test, 21);
    expect(() => obs.score(test.labels)).toThrow(/before train/);
    expect(() => obs.train(set.features, set.labels, set)).toThrow(/seed 21, the test run's own seed/);
    expect(() => obs.train(set.features, set.labels.slice(1))).toThrow(/feature rows/);
    expect(() => obs.train(set.features, set.labels.map(() => 0))).toThrow(/both classes/);
    expect(() => obs.train(set.features, set.labels, { seed: 5, featureNames: ["x"] })).toThrow(/differ/);
  });

  it("a block of pair rows is the same doubles as each pair's row alone (blocked kernels sum in the same order)", () => {
    const obs = observe(test, 22);
    const width = FEATURE_NAMES.length;
    // A block off the diagonal, one across it, a square one (s(j → i) read from its own
    // transposed cells, same-series pairings from the upper triangle), and ragged edges
    // (not multiples of the 4 × 4 register tile).
    for (const [i0, i1, j0, j1] of [[0, 9, 13, 27], [5, 18, 3, 22], [38, 40, 0, 40], [3, 21, 3, 21]]) {
      const out = new Float64Array((i1 - i0) * (j1 - j0) * width);
      obs.tap.blockFeatures(i0, i1, j0, j1, out);
      for (let i = i0; i < i1; i++) {
        for (let j = j0; j < j1; j++) {
          if (i === j) continue;
          const c = (i - i0) * (j1 - j0) + (j - j0);
          expect(Array.from(out.subarray(c * width, (c + 1) * width))).toEqual(obs.tap.features(i, j));
        }
      }
    }
  });

  it("a square block's upper rows (what the link task reads of a diagonal block) are each pair's row alone", () => {
    const obs = observe(test, 22);
    const width = FEATURE_NAMES.length;
    const [i0, i1] = [7, 40];
    const out = new Float64Array((i1 - i0) ** 2 * width).fill(Number.NaN);
    obs.tap.blockFeatures(i0, i1, i0, i1, out, { upper: true });
    for (let i = i0; i < i1; i++) {
      for (let j = i + 1; j < i1; j++) {
        const c = (i - i0) * (i1 - i0) + (j - i0);
        expect(Array.from(out.subarray(c * width, (c + 1) * width))).toEqual(obs.tap.features(i, j));
      }
    }
    // Only those rows are written.
    expect(Number.isNaN(out[((5 - 0) * (i1 - i0) + 2) * width])).toBe(true);
    expect(() => obs.tap.blockFeatures(0, 4, 1, 5, out, { upper: true })).toThrow(/square block/);
  });

  it("samples negatives when asked (large populations)", () => {
    const obs = observe(test, 22, { ...params, sampleNegatives: 100 });
    obs.train(set.features, set.labels, set);
    const s = obs.score(test.labels);
    expect(s.negatives.length).toBe(100);
    expect(s.ranks).toBeUndefined();
  });

  it("says what it sees and cannot see; rejects bad parameters", () => {
    expect(definition.sees.length).toBeGreaterThan(10);
    expect(definition.cannotSee.length).toBeGreaterThan(10);
    expect(() => validateObserverParams(definition, { featureFraction: 0 })).toThrow(/observer "learned-classifier" parameter featureFraction = 0/);
    expect(() => validateObserverParams(definition, { trees: 0 })).toThrow(/trees = 0/);
  });
});
