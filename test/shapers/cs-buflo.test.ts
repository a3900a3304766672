import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { csBufloPaddingDone, csBufloRho, definition } from "../../shapers/cs-buflo.ts";
import { Trace } from "../../sim/core/trace.ts";
import { DOWN, PADDING, REAL, UP } from "../../sim/core/kinds.ts";
import { rows, run } from "./run.ts";

describe("cs-buflo", () => {
  it("padding target: total a multiple of 2^⌈log₂ real⌉, or a power of two", () => {
    expect(csBufloPaddingDone(0, 4)).toBe(false);
    expect(csBufloPaddingDone(3, 4)).toBe(true);
    expect(csBufloPaddingDone(5, 8)).toBe(true);
    expect(csBufloPaddingDone(5, 12)).toBe(false);
    expect(csBufloPaddingDone(5, 16)).toBe(true);
    expect(csBufloPaddingDone(9, 48)).toBe(true); // multiple of 16
    expect(csBufloPaddingDone(9, 40)).toBe(false);
    expect(csBufloPaddingDone(17, 64)).toBe(true);
  });

  it("ρ is the largest power of two (seconds) not above the median gap, clamped to [1/16, 8] s", () => {
    const min = 62_500;
    const max = 8_000_000;
    expect(csBufloRho(300_000, min, max)).toBe(250_000);
    expect(csBufloRho(1_000_000, min, max)).toBe(1_000_000);
    expect(csBufloRho(1_999_999, min, max)).toBe(1_000_000);
    expect(csBufloRho(10_000, min, max)).toBe(min);
    expect(csBufloRho(0, min, max)).toBe(min);
    expect(csBufloRho(100_000_000, min, max)).toBe(max);
  });

  it("sends fixed cells at U[0, 2ρ] gaps and stops once quiet with the target met", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ dt: fc.integer({ min: 0, max: 3_000_000 }), size: fc.integer({ min: 1, max: 1500 }), up: fc.boolean() }), {
          minLength: 1,
          maxLength: 30,
        }),
        fc.integer({ min: 0, max: 1000 }),
        (pkts, seed) => {
          const input = new Trace();
          let time = 0;
          for (const p of pkts) {
            time += p.dt;
            input.push(time, p.size, p.size, p.up ? UP : DOWN, REAL, 0);
          }
          const out = run(definition, { cellBytes: 1000 }, input, { until: time + 600_000_000, seed });
          const up = rows(out.trace).filter((r) => r.dir === UP);
          expect(up.every((r) => r.size === 1000)).toBe(true);
          expect(out.egress.queuedPackets).toBe(0);
          expect(up.reduce((a, r) => a + r.payload, 0)).toBe(input.payloadBytes(UP));
          for (let i = 1; i < up.length; i++) expect(up[i].time - up[i - 1].time).toBeLessThanOrEqual(2 * 8_000_000);
          // the last cell of the run is sent at least the quiet time after the last real packet
          const realUp = rows(input).filter((r) => r.dir === UP);
          if (realUp.length > 0) expect(up.at(-1)!.time).toBeGreaterThanOrEqual(realUp.at(-1)!.time + 2_000_000);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("a burst of 5 real cells ends, after 2 s of quiet, with a total that is a multiple of 8", () => {
    // 3 × 1500 B in 1000-byte cells: 5 real cells; 2^⌈log₂ 5⌉ = 8
    const out = run(definition, { cellBytes: 1000 }, "0 s1500, 0 s1500, 0 s1500", { until: 600_000_000, seed: 5 });
    const cells = rows(out.trace);
    expect(cells.slice(0, 5).every((r) => r.kind === REAL)).toBe(true);
    expect(cells.slice(5).every((r) => r.kind === PADDING)).toBe(true);
    expect(cells.length % 8).toBe(0);
    expect(cells.length).toBeGreaterThanOrEqual(8);
    expect(cells.at(-1)!.time).toBeGreaterThanOrEqual(2_000_000);
  });

  it("a single real cell: any total meets the payload target, so the first cell sent after 2 s of quiet is the last", () => {
    const out = run(definition, {}, "0 s100", { until: 600_000_000, seed: 5 });
    const cells = rows(out.trace);
    expect(cells.at(-1)!.time).toBeGreaterThanOrEqual(2_000_000);
    expect(cells.at(-2)!.time).toBeLessThan(2_000_000);
  });

  it("adapts ρ to the application's rate at power-of-two crossings", () => {
    const input = new Trace();
    for (let i = 0; i < 40; i++) input.push(i * 300_000, 200, 200, UP, REAL, 0);
    const out = run(definition, { cellBytes: 1000, quietSeconds: 100 }, input, { until: 12_000_000 });
    // median gap 300 ms → ρ = 2^⌊log₂ 0.3⌋ s = 250 ms
    expect((out.shaper as unknown as { rho: number }).rho).toBe(250_000);
  });
});
