import { mean } from "simple-statistics";
import { describe, expect, it } from "vitest";
import { definition, rayleighCdf } from "../../shapers/front.ts";
import { Trace } from "../../sim/core/trace.ts";
import { PADDING, REAL, UP } from "../../sim/core/kinds.ts";
import { ksStatistic, rows, run } from "./run.ts";

describe("front", () => {
  it("Rayleigh mass anchors (defenses.md §7 anchor 6): 39.35% within w, 86.47% within 2w", () => {
    expect(rayleighCdf(5, 5)).toBeCloseTo(0.3935, 4);
    expect(rayleighCdf(10, 5)).toBeCloseTo(0.8647, 4);
    expect(rayleighCdf(0, 5)).toBe(0);
  });

  it("padding times follow Rayleigh(w) after the trace start (KS test)", () => {
    const w = 5;
    const out = run(definition, { maxPadding: 20_000, windowMinSeconds: w, windowMaxSeconds: w, paddingBytes: 514 }, "2s s100", {
      until: 200_000_000,
      seed: 7,
    });
    const offsets = rows(out.trace)
      .filter((r) => r.kind === PADDING)
      .map((r) => (r.time - 2_000_000) / 1e6);
    expect(offsets.length).toBeGreaterThan(1000);
    expect(offsets.every((t) => t >= 0)).toBe(true);
    expect(ksStatistic(offsets, (t) => rayleighCdf(t, w))).toBeLessThan(1.63 / Math.sqrt(offsets.length));
    // and they are not uniform or exponential on the same support
    expect(ksStatistic(offsets, (t) => 1 - Math.exp(-t / (w * Math.sqrt(Math.PI / 2))))).toBeGreaterThan(0.05);
  });

  it("draws n ~ U[1, N) per trace and w ~ U[W_min, W_max]; real packets are never delayed", () => {
    const counts: number[] = [];
    for (let seed = 0; seed < 300; seed++) {
      const out = run(definition, { maxPadding: 101, windowMinSeconds: 1, windowMaxSeconds: 3 }, "0 s100, 1ms s200", {
        until: 100_000_000,
        seed,
      });
      const r = rows(out.trace);
      expect(r.filter((x) => x.kind === REAL).map((x) => x.time)).toEqual([0, 1000]);
      counts.push(r.filter((x) => x.kind === PADDING).length);
      const w = (out.shaper as unknown as { window: number }).window;
      expect(w).toBeGreaterThanOrEqual(1);
      expect(w).toBeLessThanOrEqual(3);
    }
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...counts)).toBeLessThanOrEqual(100);
    // U{1..100}: mean 50.5, sd 28.9; the mean of 300 is within ±5 with margin
    expect(Math.abs(mean(counts) - 50.5)).toBeLessThan(5);
  });

  it("starts a new trace only after the idle gap", () => {
    const params = { maxPadding: 3, windowMinSeconds: 0.001, windowMaxSeconds: 0.001, idleGapSeconds: 1 };
    // packets 0.5 s apart: one trace; then 2 s quiet: a second trace
    const input = new Trace();
    for (const t of [0, 500_000, 1_000_000, 3_000_000]) input.push(t, 100, 100, UP, REAL, 0);
    const out = run(definition, params, input, { until: 10_000_000 });
    const padding = rows(out.trace).filter((r) => r.kind === PADDING);
    // w = 1 ms: each trace's 1..2 dummies land within ~10 ms of its start
    const near = (t0: number) => padding.filter((r) => r.time >= t0 && r.time < t0 + 10_000).length;
    expect(near(0)).toBeGreaterThanOrEqual(1);
    expect(near(500_000) + near(1_000_000)).toBe(0);
    expect(near(3_000_000)).toBeGreaterThanOrEqual(1);
    expect(near(0) + near(3_000_000)).toBe(padding.length);
  });

  it("rejects W_max < W_min, naming the parameter", () => {
    expect(() => run(definition, { windowMinSeconds: 5, windowMaxSeconds: 2 }, "0 s1")).toThrow(
      /shaper "front" parameter windowMaxSeconds = 2: expected a number >= windowMinSeconds \(5\)/,
    );
  });
});
