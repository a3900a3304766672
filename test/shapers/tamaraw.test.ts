import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { definition, tamarawPaddedCount } from "../../shapers/tamaraw.ts";
import { Trace } from "../../sim/core/trace.ts";
import { DOWN, REAL, UP } from "../../sim/core/kinds.ts";
import { rows, run } from "./run.ts";

/** k full cells' worth of real data queued at time 0. */
function backlog(cells: number, cellBytes = 750): Trace {
  const t = new Trace();
  for (let i = 0; i < cells; i++) t.push(0, cellBytes, cellBytes, UP, REAL, 0);
  return t;
}

describe("tamaraw", () => {
  it("pads a trace's cell count to the next multiple of L (defenses.md §7 anchor 8)", () => {
    expect([1, 100, 101, 250].map((n) => tamarawPaddedCount(n, 100))).toEqual([100, 100, 200, 300]);
    for (const [cells, expected] of [
      [1, 100],
      [100, 100],
      [101, 200],
      [250, 300],
    ]) {
      const out = run(definition, { idleGapSeconds: 0 }, backlog(cells), { until: 100_000_000 });
      const sent = rows(out.trace);
      expect(sent.length).toBe(expected);
      expect(sent.filter((r) => r.kind === REAL).length).toBe(cells);
      expect(sent.every((r) => r.size === 750)).toBe(true);
    }
  });

  it("sends at ρ_out = 20 ms on the device and ρ_in = 6 ms on the server side", () => {
    const small = { padMultiple: 4, idleGapSeconds: 0 };
    expect(run(definition, small, "0 s700", { until: 1_000_000 }).text).toBe("0 s750/700, 20ms s750p, 40ms s750p, 60ms s750p");
    expect(run(definition, small, "0 s700", { until: 1_000_000, side: "server" }).text).toBe("0 s750/700, 6ms s750p, 12ms s750p, 18ms s750p");
    // a 1500-byte packet is split over two cells
    expect(run(definition, small, "0 s1500", { until: 1_000_000 }).text).toBe("0 s750, 20ms s750, 40ms s750p, 60ms s750p");
  });

  it("keeps cells flowing through the idle gap before padding to L", () => {
    const out = run(definition, { padMultiple: 10, idleGapSeconds: 0.1, intervalOutSeconds: 0.02 }, "0 s100", { until: 10_000_000 });
    const t = rows(out.trace).map((r) => r.time);
    // 100 ms of quiet → cells at 0..100 ms (6), then padded to 10
    expect(t).toEqual([0, 20, 40, 60, 80, 100, 120, 140, 160, 180].map((ms) => ms * 1000));
  });

  it("random traces: every trace is a run of equally spaced cells whose count is a multiple of L", () => {
    const packet = fc.record({ dt: fc.integer({ min: 0, max: 400_000 }), size: fc.integer({ min: 1, max: 1500 }), up: fc.boolean() });
    fc.assert(
      fc.property(
        fc.array(packet, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 0, max: 300 }),
        fc.constantFrom<"device" | "server">("device", "server"),
        (pkts, L, rhoMs, gapMs, side) => {
          const input = new Trace();
          let time = 0;
          for (const p of pkts) {
            time += p.dt;
            input.push(time, p.size, p.size, p.up ? UP : DOWN, REAL, 0);
          }
          const rho = rhoMs * 1000;
          const params = { padMultiple: L, intervalOutSeconds: rhoMs / 1000, intervalInSeconds: rhoMs / 1000, idleGapSeconds: gapMs / 1000, cellBytes: 600 };
          const out = run(definition, params, input, { until: time + 30_000_000, side });
          const up = rows(out.trace).filter((r) => r.dir === UP);
          expect(up.every((r) => r.size === 600)).toBe(true);
          let runLength = 1;
          for (let i = 1; i <= up.length; i++) {
            if (i < up.length && up[i].time - up[i - 1].time === rho) {
              runLength++;
              continue;
            }
            expect(runLength % L).toBe(0);
            if (i < up.length) expect(up[i].time - up[i - 1].time).toBeGreaterThan(rho);
            runLength = 1;
          }
          expect(up.reduce((a, r) => a + r.payload, 0)).toBe(input.payloadBytes(UP));
        },
      ),
      { numRuns: 80 },
    );
  });
});
