/**
 * Conservation, for every shaper in the registry: over random traces, random valid
 * parameters, both sides and random engine budgets, no shaper loses, duplicates or
 * reorders a real byte (per flow, the delivered byte stream is the input's, packet
 * boundaries included), the engine never sees time go backwards or an invalid action
 * (it throws), and each shaper's declaration is truthful: no padding or cover unless it
 * injects, no delay unless it delays, no growth unless it pads, no split unless it splits.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadShapers } from "../../sim/experiment/registries.ts";
import { type ShaperSide } from "../../shapers/shaper.ts";
import { validateShaperParams } from "../../sim/experiment/registries.ts";
import { UNLIMITED, type Budget } from "../../sim/engine/budget.ts";
import { stream } from "../../sim/core/rng.ts";
import { shapeTrace } from "../../sim/engine/shape-trace.ts";
import { Trace } from "../../sim/core/trace.ts";
import { DOWN, REAL, UP } from "../../sim/core/kinds.ts";

const defs = await loadShapers();

const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const seconds = (min: number, max: number) => fc.double({ min, max, noNaN: true });
const size = (min = 200) => opt(fc.integer({ min, max: 1500 }));

/** Random valid parameters per shaper, bounded so that every queue drains within the run. */
const PARAMS: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
  "fixed-bucket": fc.record({ blockBytes: fc.integer({ min: 1, max: 4096 }) }),
  "signal-padding": fc.record({ mode: fc.constantFrom("content", "attachment"), blockBytes: fc.integer({ min: 1, max: 400 }) }),
  "constant-rate": fc.record({
    cellBytes: fc.integer({ min: 200, max: 1500 }),
    intervalSeconds: seconds(0.005, 0.05),
    minDurationSeconds: seconds(0, 2),
    alwaysOn: fc.boolean(),
  }),
  "poisson-cover": fc.record({
    coverRate: seconds(0, 20),
    payloadRate: fc.oneof(fc.constant(0), seconds(20, 200)),
    packetBytes: size(300),
  }),
  front: fc
    .record({ maxPadding: fc.integer({ min: 2, max: 200 }), windowMinSeconds: seconds(0.01, 2), extra: seconds(0, 3), idleGapSeconds: seconds(0, 2), paddingBytes: size(1) })
    .map(({ extra, ...p }) => ({ ...p, windowMaxSeconds: p.windowMinSeconds + extra })),
  "adaptive-padding": fc.record({ removeTokens: fc.boolean(), stopOnReal: fc.boolean(), reactToReceived: fc.boolean(), paddingBytes: size(1) }),
  "background-cover": fc.record({ ratePerSecond: seconds(0.1, 50), gaps: fc.constantFrom("constant", "exponential"), packetBytes: size(1) }),
  jitter: fc.record({ distribution: fc.constantFrom("exponential", "uniform"), meanDelaySeconds: seconds(1e-6, 0.5), maxDelaySeconds: seconds(0, 1) }),
  batching: fc.oneof(
    fc.record({ intervalSeconds: seconds(0.001, 2), threshold: fc.constant(null) }),
    fc.record({ intervalSeconds: fc.constant(null), threshold: fc.integer({ min: 1, max: 10 }) }),
    fc.record({ intervalSeconds: seconds(0.001, 2), threshold: fc.integer({ min: 1, max: 10 }) }),
  ),
  tamaraw: fc.record({
    cellBytes: fc.integer({ min: 300, max: 1500 }),
    intervalOutSeconds: seconds(0.001, 0.03),
    intervalInSeconds: seconds(0.001, 0.03),
    padMultiple: fc.integer({ min: 1, max: 50 }),
    idleGapSeconds: seconds(0, 1),
  }),
  "cs-buflo": fc.record({
    cellBytes: fc.integer({ min: 1000, max: 1500 }),
    initialRhoSeconds: seconds(0.01, 0.25),
    minRhoSeconds: seconds(0.001, 0.05),
    maxRhoSeconds: seconds(0.05, 0.25),
    quietSeconds: seconds(0, 3),
  }),
  regulator: fc.record({
    surgeRate: seconds(10, 500),
    decay: seconds(0.5, 1),
    threshold: seconds(0.5, 10),
    maxPadding: fc.integer({ min: 1, max: 500 }),
    uploadRatio: seconds(1, 10),
    delayCapSeconds: seconds(0.01, 3),
    idleGapSeconds: seconds(0, 3),
    paddingBytes: size(1),
  }),
  "walkie-talkie": fc.record({ burstGapSeconds: seconds(0.001, 0.3), minBurstBytes: fc.integer({ min: 1, max: 5000 }), ratio: seconds(1.1, 4) }),
};

/** Shapers whose rule may keep packets waiting for more traffic (a threshold mix). */
const MAY_HOLD = (name: string, params: Record<string, unknown>) => name === "batching" && params.intervalSeconds === null;

const packet = fc.record({
  dt: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 500_000 })),
  size: fc.integer({ min: 1, max: 1500 }),
  fullPayload: fc.boolean(),
  payloadFrac: fc.double({ min: 0, max: 1, noNaN: true }),
  up: fc.double({ min: 0, max: 1, noNaN: true }),
  flow: fc.integer({ min: 0, max: 3 }),
});
const traceArb = fc.array(packet, { minLength: 1, maxLength: 50 }).map((pkts) => {
  const t = new Trace();
  let time = 0;
  for (const p of pkts) {
    time += p.dt;
    const payload = p.fullPayload ? p.size : Math.floor(p.size * p.payloadFrac);
    t.push(time, p.size, payload, p.up < 0.7 ? UP : DOWN, REAL, p.flow);
  }
  return t;
});
const budgetArb: fc.Arbitrary<Budget> = fc.oneof(
  fc.constant(UNLIMITED),
  fc.record({
    maxAddedDelay: fc.integer({ min: 1000, max: 5_000_000 }),
    maxPaddingFraction: fc.double({ min: 0.05, max: 1, noNaN: true }),
    maxPaddingRate: fc.oneof(fc.constant(Infinity), fc.double({ min: 1, max: 1000, noNaN: true })),
  }),
);

describe("conservation: every registered shaper delivers every real byte once, in order", () => {
  it("covers every shaper in the registry", () => {
    expect(defs.size).toBeGreaterThanOrEqual(17);
  });

  for (const [name, def] of defs) {
    it(name, () => {
      fc.assert(
        fc.property(
          traceArb,
          PARAMS[name] ?? fc.constant({}),
          fc.constantFrom<ShaperSide>("device", "server"),
          budgetArb,
          fc.integer({ min: 0, max: 1_000_000 }),
          (input, raw, side, budget, seed) => {
            const params = validateShaperParams(def, raw);
            const shaper = def.create(params, { rng: stream(seed, `conservation/${name}`), side, mtu: 1500 });
            const last = input.time[input.length - 1];
            const until = last + 60_000_000;
            const { trace, pieces, egress, addedDelays } = shapeTrace(shaper, input, { until, budget, name });
            const d = shaper.declaration;

            // the real uplink input, per flow and in order
            const inRows: { time: number; size: number; payload: number; flow: number }[] = [];
            for (let i = 0; i < input.length; i++) {
              if (input.dir[i] === UP) inRows.push({ time: input.time[i], size: input.size[i], payload: input.payload[i], flow: input.flow[i] });
            }
            const drained = egress.queuedPackets === 0;
            if (budget === UNLIMITED && !MAY_HOLD(name, raw)) expect(drained).toBe(true);
            if (budget.maxAddedDelay !== Infinity) expect(drained).toBe(true);

            for (const flow of new Set(inRows.map((r) => r.flow))) {
              const want = inRows.filter((r) => r.flow === flow).map((r) => r.payload);
              const got = pieces.filter((p) => p.flow === flow).map((p) => p.bytes);
              // every input packet boundary is a boundary of the delivered stream
              const cuts = new Set<number>();
              let acc = 0;
              for (const b of got) cuts.add((acc += b));
              const delivered = acc;
              let expected = 0;
              for (const w of want) {
                expected += w;
                if (expected <= delivered && w > 0) expect(cuts.has(expected)).toBe(true);
              }
              if (drained && !d.drops) expect(delivered).toBe(expected);
              else expect(delivered).toBeLessThanOrEqual(expected);
              if (!d.splits && !d.reorders && !d.drops && drained) {
                expect(got).toEqual(want);
              }
            }
            expect(pieces.every((p) => p.flow !== -1 && p.bytes >= 0)).toBe(true);

            // truthful declarations, checked on the uplink output
            const outReal: { time: number; size: number; payload: number }[] = [];
            let injected = 0;
            for (let i = 0; i < trace.length; i++) {
              if (trace.dir[i] !== UP) continue;
              if (trace.kind[i] === REAL) outReal.push({ time: trace.time[i], size: trace.size[i], payload: trace.payload[i] });
              else injected++;
              expect(trace.time[i]).toBeLessThanOrEqual(until);
            }
            if (!d.injects) expect(injected).toBe(0);
            if (!d.splits) {
              expect(outReal.length).toBe(drained ? inRows.length : outReal.length);
              outReal.forEach((r, k) => {
                expect(r.payload).toBe(inRows[k].payload);
                expect(r.time).toBeGreaterThanOrEqual(inRows[k].time);
                if (!d.pads) expect(r.size).toBe(inRows[k].size);
                if (!d.delays && budget === UNLIMITED) expect(r.time).toBe(inRows[k].time);
              });
            }
            if (!d.delays && budget === UNLIMITED) expect(addedDelays.every((x) => x === 0)).toBe(true);
          },
        ),
        { numRuns: 40 },
      );
    });
  }
});
