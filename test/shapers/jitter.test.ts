import fc from "fast-check";
import { mean } from "simple-statistics";
import { describe, expect, it } from "vitest";
import { definition } from "../../shapers/jitter.ts";
import { Trace } from "../../sim/core/trace.ts";
import { DOWN, REAL, UP } from "../../sim/core/kinds.ts";
import { rows, run } from "./run.ts";

const traceArb = fc.array(
  fc.record({ dt: fc.integer({ min: 0, max: 200_000 }), size: fc.integer({ min: 1, max: 1500 }), flow: fc.integer({ min: 0, max: 3 }), up: fc.boolean() }),
  { minLength: 1, maxLength: 60 },
);

function build(pkts: { dt: number; size: number; flow: number; up: boolean }[]): Trace {
  const t = new Trace();
  let time = 0;
  for (const p of pkts) {
    time += p.dt;
    t.push(time, p.size, p.size, p.up ? UP : DOWN, REAL, p.flow);
  }
  return t;
}

describe("jitter", () => {
  it("with J = 0 nothing moves", () => {
    expect(run(definition, { distribution: "uniform", maxDelaySeconds: 0 }, "0 s100, 1ms s200, 1ms r80", { until: 1000 }).text).toBe(
      "0 s100, 1ms s200, 1ms r80",
    );
  });

  it("keeps order: each packet leaves at max(own release, previous release); uniform delays stay within [0, J]", () => {
    fc.assert(
      fc.property(traceArb, fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 1000 }), (pkts, jMs, seed) => {
        const input = build(pkts);
        const J = jMs * 1000;
        const out = run(definition, { distribution: "uniform", maxDelaySeconds: jMs / 1000 }, input, { seed, until: input.time[input.length - 1] + J });
        const inUp = rows(input).filter((r) => r.dir === UP);
        const outUp = rows(out.trace).filter((r) => r.dir === UP);
        expect(outUp.map((r) => [r.size, r.flow])).toEqual(inUp.map((r) => [r.size, r.flow]));
        for (let i = 0; i < outUp.length; i++) {
          const wait = outUp[i].time - inUp[i].time;
          expect(wait).toBeGreaterThanOrEqual(0);
          if (i > 0) expect(outUp[i].time).toBeGreaterThanOrEqual(outUp[i - 1].time);
          // a packet not held back by its predecessor left after its own draw, ≤ J
          if (i === 0 || outUp[i].time > outUp[i - 1].time) expect(wait).toBeLessThanOrEqual(J);
        }
      }),
      { numRuns: 100 },
    );
  });

  it("exponential delays have mean 1/μ for isolated packets", () => {
    const input = new Trace();
    for (let i = 0; i < 2000; i++) input.push(i * 10_000_000, 100, 100, UP, REAL, 0);
    const out = run(definition, { meanDelaySeconds: 0.1 }, input, { until: 2000 * 10_000_000 });
    const delays = rows(out.trace).map((r, i) => r.time - input.time[i]);
    expect(delays.every((d) => d >= 0)).toBe(true);
    // mean 100 ms, sd of the mean 100/√2000 ≈ 2.2 ms
    expect(Math.abs(mean(delays) - 100_000)).toBeLessThan(10_000);
    expect(out.addedDelays.length).toBe(2000);
  });

  it("stays aligned when the engine forces releases to honour a delay budget", () => {
    const input = build(Array.from({ length: 50 }, (_, i) => ({ dt: 1000, size: 100 + i, flow: 0, up: true })));
    const budget = { maxAddedDelay: 20_000, maxPaddingFraction: 1, maxPaddingRate: Infinity };
    const out = run(definition, { meanDelaySeconds: 1 }, input, { budget, until: 100_000_000 });
    const up = rows(out.trace);
    expect(up.map((r) => r.size)).toEqual(rows(input).map((r) => r.size));
    expect(out.egress.stats.forcedReleases).toBeGreaterThan(0);
    expect(Math.max(...up.map((r, i) => r.time - input.time[i]))).toBeLessThanOrEqual(20_000);
  });
});
