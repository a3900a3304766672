/**
 * The sequence correlator on constructed cases whose answer is known. In the synthetic
 * world (test/observers/synthetic.ts) a linked pair's flows are shifted copies with
 * noise: every packet A sends reaches B's downlink after a latency plus per-message
 * jitter, while strangers' flows are independent. Trained on one population and scored
 * on another, it links the pairs far above chance; against constant-rate traffic (every
 * user's every window the same sequence) it has nothing to learn and scores exactly at
 * chance; and the same seeds give bit-identical scores.
 */
import { describe, expect, it } from "vitest";
import { definition } from "../../observers/sequence-correlator.ts";
import { FlowWindows } from "../../observers/flow-windows.ts";
import type { Observer } from "../../observers/observer.ts";
import { DOWN, UP } from "../../sim/core/kinds.ts";
import { stream } from "../../sim/core/rng.ts";
import { SECOND } from "../../sim/core/time.ts";
import { getObserver, validateObserverParams } from "../../sim/experiment/registries.ts";
import { auc, synthetic, top1, type Synthetic } from "./synthetic.ts";

const params = validateObserverParams(definition, {});

function observe(syn: Synthetic, seed: number, raw = params): Observer {
  const obs = definition.create(raw, { users: syn.users, start: syn.start, end: syn.end, rng: stream(seed, "observer/sequence-correlator") });
  syn.feed(obs.tap);
  return obs;
}

function trainedOn(train: Synthetic, trainSeed: number, test: Synthetic, testSeed: number, raw = params): Observer {
  const set = observe(train, trainSeed, raw).trainingSet!(train.labels);
  const obs = observe(test, testSeed, raw);
  obs.train!(set.features, set.labels, set);
  return obs;
}

const train = synthetic({ users: 40, pairs: 15, seconds: 1500, seed: 31, messageMean: 40 });
const test = synthetic({ users: 40, pairs: 15, seconds: 1500, seed: 32, messageMean: 40 });

describe("flow windows", () => {
  it("puts a packet in every window that covers it, its gap measured from the window's start, then from the previous packet", () => {
    const fw = new FlowWindows({ users: 2, start: 0, end: 60 * SECOND, window: 30 * SECOND, step: 15 * SECOND, packets: 2 });
    expect(fw.windows).toBe(3);
    fw.packet(0, 20 * SECOND, 1500, UP);
    fw.packet(0, 20 * SECOND + 999_000, 750, UP);
    fw.packet(0, 21 * SECOND, 300, UP); // beyond 2 packets: counted, not kept
    fw.packet(1, 50 * SECOND, 1500, DOWN);
    fw.packet(7, 20 * SECOND, 1500, UP); // not a user
    expect([fw.packetsIn(0, 0), fw.packetsIn(0, 1), fw.packetsIn(0, 2), fw.packetsIn(1, 2)]).toEqual([3, 3, 0, 1]);
    const w0 = Array.from(fw.sequence(0, 0));
    expect(w0[0]).toBe(1);
    expect(w0[1]).toBeCloseTo(Math.log10(1 + 20_000) / 4, 6);
    expect(w0[4]).toBe(0.5);
    expect(w0[5]).toBeCloseTo(Math.log10(1 + 999) / 4, 6);
    expect(fw.sequence(0, 1)[1]).toBeCloseTo(Math.log10(1 + 5_000) / 4, 6); // window 1 starts at 15 s
    expect(fw.sequence(1, 2)[2]).toBe(1); // down size
  });
});

describe("sequence-correlator", () => {
  it("trained on another population, links pairs whose flows are shifted copies with noise, not independent ones", () => {
    const s = trainedOn(train, 31, test, 32, validateObserverParams(definition, { epochs: 5 })).score(test.labels);
    const a = auc(s.positives, s.negatives);
    console.log(`sequence-correlator on the synthetic world: AUC ${a.toFixed(3)}, top-1 ${top1(s).toFixed(3)}`);
    expect(s.positives.length).toBe(15);
    expect(s.negatives.length).toBe((40 * 39) / 2 - 15);
    expect(a).toBeGreaterThan(0.9);
  }, 600_000);

  it("is deterministic: the same runs and seeds give bit-identical scores", () => {
    const small = validateObserverParams(definition, { maxTriplets: 200, epochs: 1 });
    const a = trainedOn(train, 31, test, 32, small).score(test.labels);
    const b = trainedOn(train, 31, test, 32, small).score(test.labels);
    expect(Array.from(b.positives)).toEqual(Array.from(a.positives));
    expect(Array.from(b.negatives)).toEqual(Array.from(a.negatives));
    const c = trainedOn(train, 33, test, 32, small).score(test.labels);
    expect(Array.from(c.negatives)).not.toEqual(Array.from(a.negatives));
  }, 600_000);

  it("is exactly at chance against constant-rate traffic on both sides", () => {
    const cbr = (seed: number) => synthetic({ users: 40, pairs: 15, seconds: 1500, seed, messageMean: 40, constantRate: { intervalMs: 200, size: 600 } });
    const small = validateObserverParams(definition, { maxTriplets: 200, epochs: 1 });
    const s = trainedOn(cbr(34), 34, cbr(35), 35, small).score(cbr(35).labels);
    expect(auc(s.positives, s.negatives)).toBe(0.5);
  }, 600_000);

  it("refuses to score untrained, to train on its own seed or on rows of another shape; is registered; rejects bad parameters", async () => {
    const obs = observe(test, 32);
    expect(() => obs.score(test.labels)).toThrow(/before train/);
    const set = observe(train, 32, validateObserverParams(definition, { maxTriplets: 10 })).trainingSet!(train.labels);
    expect(() => obs.train!(set.features, set.labels, set)).toThrow(/own seed/);
    expect(() => obs.train!([[1, 2, 3]], [1])).toThrow(/cells long/);
    expect(await getObserver("sequence-correlator")).toBe(definition);
    expect(() => validateObserverParams(definition, { packets: 2 })).toThrow(/observer "sequence-correlator" parameter packets = 2/);
    expect(() => validateObserverParams(definition, { windowSeconds: 10, stepSeconds: 20 })).toThrow(/stepSeconds/);
  }, 600_000);
});
