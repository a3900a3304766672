import { mean, standardDeviation } from "simple-statistics";
import { describe, expect, it } from "vitest";
import { definition } from "../../shapers/poisson-cover.ts";
import { COVER, REAL, UP } from "../../sim/core/kinds.ts";
import { ksStatistic, rows, run } from "./run.ts";

const expCdf = (meanUs: number) => (x: number) => 1 - Math.exp(-x / meanUs);

describe("poisson-cover (Loopix)", () => {
  it("by default sends Loopix-rate cover (20/min) and leaves real packets alone", () => {
    const out = run(definition, {}, "0 s300, 1s s1200, 2s r80", { until: 600_000_000 });
    const r = rows(out.trace);
    expect(r.filter((x) => x.kind === REAL && x.dir === UP).map((x) => x.time)).toEqual([0, 1_000_000]);
    const cover = r.filter((x) => x.kind === COVER);
    // 600 s at 1/3 per s: 200 expected, Poisson sd ≈ 14
    expect(Math.abs(cover.length - 200)).toBeLessThan(4 * Math.sqrt(200));
    expect(cover.every((x) => x.size === 1500)).toBe(true);
    expect(out.addedDelays).toEqual([0, 0]);
  });

  it("cover gaps are exponential with mean 1/λ (KS test)", () => {
    const out = run(definition, { coverRate: 10, packetBytes: 200 }, "0 s100", { until: 300_000_000 });
    const times = rows(out.trace).filter((x) => x.kind === COVER).map((x) => x.time);
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    expect(gaps.length).toBeGreaterThan(2500);
    expect(ksStatistic(gaps, expCdf(100_000))).toBeLessThan(1.63 / Math.sqrt(gaps.length));
    expect(mean(gaps)).toBeCloseTo(100_000, -4);
    expect(standardDeviation(gaps) / mean(gaps)).toBeGreaterThan(0.9); // exponential: cv = 1
  });

  it("with a payload stream, every packet is a fixed-size cell at Poisson(λ_P) ticks, real bytes intact", () => {
    const input = "0 s1500#1, 1ms s300#2, 2ms s700#1";
    const out = run(definition, { coverRate: 0, payloadRate: 5, packetBytes: 500 }, input, { until: 400_000_000 });
    const up = rows(out.trace).filter((x) => x.dir === UP);
    expect(up.every((x) => x.size === 500)).toBe(true);
    expect(up.reduce((a, x) => a + x.payload, 0)).toBe(2500);
    expect(out.egress.queuedPackets).toBe(0);
    // real cells first (5 of them: 1500 + 300 + 700 = 2500 bytes), then drop cover at every tick
    expect(up.slice(0, 5).every((x) => x.kind === REAL)).toBe(true);
    expect(up.slice(5).every((x) => x.kind === COVER)).toBe(true);
    const gaps = up.slice(1).map((x, i) => x.time - up[i].time);
    expect(ksStatistic(gaps, expCdf(200_000))).toBeLessThan(1.63 / Math.sqrt(gaps.length));
  });

  it("declares delays and splits only when real packets are bound to the payload stream", () => {
    expect(run(definition, {}, "0 s1").shaper.declaration.delays).toBe(false);
    expect(run(definition, { payloadRate: 1 }, "0 s1").shaper.declaration.splits).toBe(true);
    expect(definition.declaration.delays).toBe(true);
  });
});
