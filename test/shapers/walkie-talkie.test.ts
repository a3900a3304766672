import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { definition, molded } from "../../shapers/walkie-talkie.ts";
import { Trace } from "../../sim/core/trace.ts";
import { DOWN, PADDING, REAL, UP } from "../../sim/core/kinds.ts";
import { rows, run } from "./run.ts";

describe("walkie-talkie", () => {
  it("molds burst sizes to the ladder m·q^k", () => {
    expect(molded(1, 1500, 2)).toBe(1500);
    expect(molded(1500, 1500, 2)).toBe(1500);
    expect(molded(1501, 1500, 2)).toBe(3000);
    expect(molded(3001, 1500, 2)).toBe(6000);
    expect(molded(2000, 1000, 1.5)).toBe(2250);
  });

  it("holds sends while a downlink burst arrives and pads each outgoing burst to its rung", () => {
    const out = run(definition, {}, "0 s1000, 10ms r80, 20ms s500, 30ms r80", { until: 1_000_000 });
    expect(out.text).toBe("0 s1000, 10ms s500p, 10ms r80, 30ms r80, 80ms s500, 130ms s1000p");
    expect(out.addedDelays).toEqual([0, 60_000]);
  });

  it("pads a large burst in MTU-size packets plus a remainder", () => {
    const out = run(definition, { minBurstBytes: 1000 }, "0 s1500, 1ms s1500, 2ms s1400", { until: 1_000_000 });
    // 4400 B → 8000 B: 3600 B of padding
    expect(out.text).toBe("0 s1500, 1ms s1500, 2ms s1400, 52ms s1500p, 52ms s1500p, 52ms s600p");
  });

  it("is half-duplex: no real packet leaves within the burst gap after a received packet", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ dt: fc.integer({ min: 0, max: 100_000 }), size: fc.integer({ min: 1, max: 1500 }), up: fc.boolean() }), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.integer({ min: 1, max: 200 }),
        (pkts, gapMs) => {
          const input = new Trace();
          let time = 0;
          for (const p of pkts) {
            time += p.dt;
            input.push(time, p.size, p.size, p.up ? UP : DOWN, REAL, 0);
          }
          const gap = gapMs * 1000;
          const out = run(definition, { burstGapSeconds: gapMs / 1000 }, input, { until: time + 2 * gap });
          const r = rows(out.trace);
          const received = r.filter((x) => x.dir === DOWN).map((x) => x.time);
          const sentReal = r.filter((x) => x.dir === UP && x.kind === REAL);
          for (const s of sentReal) for (const t of received) expect(s.time > t && s.time < t + gap).toBe(false);
          expect(sentReal.reduce((a, x) => a + x.payload, 0)).toBe(input.payloadBytes(UP));
          // at ratio 2 a burst of b bytes in k packets gets < max(b, 1500) ≤ 1500·k bytes of padding
          const padding = r.filter((x) => x.dir === UP && x.kind === PADDING).reduce((a, x) => a + x.size, 0);
          expect(padding).toBeLessThanOrEqual(1500 * sentReal.length);
        },
      ),
      { numRuns: 100 },
    );
  });
});
