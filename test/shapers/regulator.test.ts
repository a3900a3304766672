import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { definition, regulatorRate } from "../../shapers/regulator.ts";
import { Trace } from "../../sim/core/trace.ts";
import { DOWN, PADDING, REAL, UP } from "../../sim/core/kinds.ts";
import { rows, run } from "./run.ts";

describe("regulator", () => {
  it("target rate decays as R·D^t (defenses.md §7 anchor 7): 149.2 pkt/s at 10 s, 1 pkt/s floor from 90.9 s", () => {
    expect(regulatorRate(277, 0.94, 0)).toBe(277);
    expect(regulatorRate(277, 0.94, 1)).toBeCloseTo(260.38, 2);
    expect(regulatorRate(277, 0.94, 10)).toBeCloseTo(149.2, 1);
    expect(regulatorRate(277, 0.94, 20)).toBeCloseTo(80.4, 1);
    expect(regulatorRate(277, 0.94, 90.8)).toBeGreaterThan(1);
    expect(regulatorRate(277, 0.94, 91)).toBe(1);
    expect(Math.log(1 / 277) / Math.log(0.94)).toBeCloseTo(90.9, 1);
  });

  it("server side: ticks follow the decaying surge, padding fills them, the floor is one per second", () => {
    // one real packet at 0 starts a surge; the budget (uniform on [0, 10^6)) outlasts it
    const out = run(definition, { maxPadding: 1_000_000, idleGapSeconds: 200, paddingBytes: 514 }, "0 s500", {
      side: "server",
      until: 100_000_000,
      seed: 2,
    });
    const t = rows(out.trace).map((r) => r.time);
    expect(rows(out.trace)[0].kind).toBe(REAL);
    expect(rows(out.trace).slice(1).every((r) => r.kind === PADDING)).toBe(true);
    // each gap is 1/r at the tick that set it
    for (let i = 1; i < t.length; i++) {
      const expected = Math.round(1e6 / regulatorRate(277, 0.94, t[i - 1] / 1e6));
      expect(t[i] - t[i - 1]).toBe(expected);
    }
    const near10 = t.findIndex((x) => x >= 10_000_000);
    expect(1e6 / (t[near10 + 1] - t[near10])).toBeCloseTo(149.2, 0);
    const after = t.filter((x) => x > 91_000_000);
    expect(after.length).toBeGreaterThan(3);
    for (let i = 1; i < after.length; i++) expect(after[i] - after[i - 1]).toBe(1_000_000);
    const before = t.filter((x) => x < 90_000_000);
    for (let i = 1; i < before.length; i++) expect(before[i] - before[i - 1]).toBeLessThan(1_000_000);
    // the surge carries ≈ ∫R·D^t dt ≈ 4,461 packets before the floor
    expect(Math.abs(t.filter((x) => x < 90_900_000).length - 4461)).toBeLessThan(60);
  });

  it("server side: a backlog above T·r(t) restarts the surge, and the budget caps padding", () => {
    const input = new Trace();
    input.push(0, 100, 100, UP, REAL, 0);
    for (let i = 0; i < 200; i++) input.push(30_000_000, 100, 100, UP, REAL, 0); // 200 > 3.55 · r(30 s) ≈ 154
    const out = run(definition, { maxPadding: 50, idleGapSeconds: 100 }, input, { side: "server", until: 60_000_000 });
    const r = rows(out.trace);
    expect(r.filter((x) => x.kind === PADDING).length).toBeLessThan(50);
    const real = r.filter((x) => x.kind === REAL && x.time >= 30_000_000).map((x) => x.time);
    expect(real.length).toBe(200);
    // after the restart the backlog drains at ≈ 277/s, not at r(30 s) ≈ 43/s
    expect(real[1] - real[0]).toBe(Math.round(1e6 / 277));
    expect(real.at(-1)! - real[0]).toBeLessThan(1_000_000);
  });

  it("device side: no upload waits more than C; slots follow received packets at ratio 1/U", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ dt: fc.integer({ min: 0, max: 500_000 }), up: fc.boolean() }), { minLength: 1, maxLength: 80 }),
        fc.integer({ min: 1, max: 3000 }),
        (pkts, capMs) => {
          const input = new Trace();
          let time = 0;
          for (const p of pkts) {
            time += p.dt;
            input.push(time, 200, 200, p.up ? UP : DOWN, REAL, 0);
          }
          const out = run(definition, { delayCapSeconds: capMs / 1000 }, input, { until: time + capMs * 1000 });
          const inUp = rows(input).filter((r) => r.dir === UP);
          const outUp = rows(out.trace).filter((r) => r.dir === UP && r.kind === REAL);
          expect(outUp.length).toBe(inUp.length);
          outUp.forEach((r, i) => {
            expect(r.time - inUp[i].time).toBeGreaterThanOrEqual(0);
            expect(r.time - inUp[i].time).toBeLessThanOrEqual(capMs * 1000);
          });
        },
      ),
      { numRuns: 100 },
    );
    // a long download: uplink packets (real or padding) ≈ downloads / 3.95
    const input = new Trace();
    for (let i = 0; i < 20_000; i++) input.push(i * 1000, 1500, 1500, DOWN, REAL, 0);
    const out = run(definition, {}, input);
    const up = rows(out.trace).filter((r) => r.dir === UP).length;
    const expected = 20_000 / 3.95;
    expect(Math.abs(up - expected)).toBeLessThan(4 * Math.sqrt(expected));
  });
});
