import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { definition } from "../../shapers/constant-rate.ts";
import { Trace } from "../../sim/core/trace.ts";
import { UP, REAL, DOWN } from "../../sim/core/kinds.ts";
import { run, rows } from "./run.ts";

const small = { cellBytes: 1000, intervalSeconds: 0.02, minDurationSeconds: 0 };

describe("constant-rate (BuFLO)", () => {
  it("fills d-byte cells every ρ from the queue, splitting packets", () => {
    expect(run(definition, small, "0 s1200, 5ms s300", { until: 1_000_000 }).text).toBe("0 s1000, 20ms s1000/500");
  });

  it("keeps sending padding cells until τ has passed, then stops", () => {
    const out = run(definition, { ...small, minDurationSeconds: 0.1 }, "0 s1200, 5ms s300", { until: 1_000_000 });
    expect(out.text).toBe("0 s1000, 20ms s1000/500, 40ms s1000p, 60ms s1000p, 80ms s1000p");
  });

  it("starts a new session when traffic resumes after it stopped", () => {
    const out = run(definition, small, "0 s500, 1s s200, 1010ms r80", { until: 2_000_000 });
    expect(out.text).toBe("0 s1000/500, 1s s1000/200, 1010ms r80");
  });

  it("with alwaysOn, emits exactly one cell every ρ from the start, idle or not", () => {
    const out = run(definition, { ...small, alwaysOn: true }, "35ms s1500, 36ms s100", { until: 200_000 });
    expect(out.text).toBe(
      "0 s1000p, 20ms s1000p, 40ms s1000, 60ms s1000/600, 80ms s1000p, 100ms s1000p, 120ms s1000p, 140ms s1000p, 160ms s1000p, 180ms s1000p, 200ms s1000p",
    );
  });

  it("emits exactly at its rate whatever the input (random traces and parameters)", () => {
    const packet = fc.record({ dt: fc.integer({ min: 0, max: 300_000 }), size: fc.integer({ min: 1, max: 1500 }), up: fc.boolean() });
    fc.assert(
      fc.property(
        fc.array(packet, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 200, max: 1500 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 0, max: 500 }),
        fc.boolean(),
        (pkts, d, rhoMs, tauMs, alwaysOn) => {
          const input = new Trace();
          let t = 0;
          for (const p of pkts) {
            t += p.dt;
            input.push(t, p.size, p.size, p.up ? UP : DOWN, REAL, 0);
          }
          const rho = rhoMs * 1000;
          const params = { cellBytes: d, intervalSeconds: rhoMs / 1000, minDurationSeconds: tauMs / 1000, alwaysOn };
          const out = run(definition, params, input, { until: t + 15_000_000 });
          const sent = rows(out.trace).filter((r) => r.dir === UP);
          expect(sent.every((r) => r.size === d)).toBe(true);
          // within a session, consecutive cells are exactly ρ apart; always-on has one session from 0
          const starts: number[] = [];
          for (let i = 0; i < sent.length; i++) {
            const gap = i === 0 ? Infinity : sent[i].time - sent[i - 1].time;
            if (gap !== rho) starts.push(i);
            expect(gap === rho || gap > rho).toBe(true);
          }
          if (alwaysOn) expect(starts).toEqual([0]);
          if (alwaysOn) expect(sent[0].time).toBe(0);
          // every session lasts at least τ (its last cell is sent at or after start + τ − ρ)
          for (let s = 0; s < starts.length; s++) {
            const first = sent[starts[s]].time;
            const last = sent[(s + 1 < starts.length ? starts[s + 1] : sent.length) - 1].time;
            if (!alwaysOn) expect(last + rho).toBeGreaterThanOrEqual(first + tauMs * 1000);
          }
          const payload = sent.reduce((a, r) => a + r.payload, 0);
          expect(payload).toBe(input.payloadBytes(UP));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("refuses a cell larger than the link MTU, naming the parameter", () => {
    expect(() => run(definition, { cellBytes: 1500 }, "0 s100", { mtu: 1400 })).toThrow(/constant-rate.*cellBytes = 1500.*MTU 1400/);
  });
});
