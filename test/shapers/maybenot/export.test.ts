/**
 * Export: chaff shapers compiled to Maybenot machines behave like the shapers
 * (shapers/maybenot/export.ts), measured over seeds with both running in chaff's engine.
 */
import { mean, standardDeviation } from "simple-statistics";
import { describe, expect, it } from "vitest";
import { definition as maybenot } from "../../../shapers/maybenot.ts";
import { definition as constantRate } from "../../../shapers/constant-rate.ts";
import { definition as poissonCover } from "../../../shapers/poisson-cover.ts";
import { definition as front } from "../../../shapers/front.ts";
import { parseMachine } from "../../../shapers/maybenot/codec.ts";
import { exportShaper } from "../../../shapers/maybenot/export.ts";
import { COVER, PADDING, REAL } from "../../../sim/core/kinds.ts";
import { rows, run } from "../run.ts";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { HERE } from "./helpers.ts";
import { feasibilityProblems } from "../../../sim/experiment/feasibility.ts";
import { parseExperiment } from "../../../sim/experiment/parse.ts";

const injected = (kind: number) => kind === PADDING || kind === COVER;

/** Real uplink packets at least `gap` apart (one per constant-rate tick at most). */
function sparseTrace(seed: number, count: number, gapMs: number): string {
  let t = 0;
  let x = seed;
  const parts: string[] = [];
  for (let i = 0; i < count; i++) {
    parts.push(`${t}ms s${200 + (i % 7) * 100}`);
    x = (x * 1103515245 + 12345) % 2147483648;
    t += gapMs + (x % (3 * gapMs));
  }
  return parts.join(", ");
}

describe("maybenot export", () => {
  it("exports decode as valid machines and refuse what has no machine equivalent", () => {
    for (const [name, p] of [
      ["constant-rate", { intervalSeconds: 0.05 }],
      ["poisson-cover", { coverRate: 2 }],
      ["front", { maxPadding: 100, windowMinSeconds: 2, windowMaxSeconds: 2 }],
    ] as const) {
      for (const s of exportShaper(name, p)) expect(parseMachine(s).states.length).toBeGreaterThan(0);
    }
    expect(() => exportShaper("front", { windowMinSeconds: 1, windowMaxSeconds: 2 })).toThrow(/needs one window/);
    expect(() => exportShaper("poisson-cover", { payloadRate: 1 })).toThrow(/payloadRate/);
    expect(() => exportShaper("jitter", {})).toThrow(/no machine export/);
  });

  it("the DAITA experiment's constant-rate-machine arm runs exactly the machine constant-rate exports to", async () => {
    const exp = JSON.parse(readFileSync(join(HERE, "..", "..", "..", "sim", "experiment", "builtin", "maybenot-daita.json"), "utf8"));
    const arm = exp.defenses.find((d: { name: string }) => d.name === "constant-rate-machine");
    const chaffArm = exp.defenses.find((d: { name: string }) => d.name === "constant-rate");
    expect(arm.device.params.machines).toEqual(exportShaper("constant-rate", { intervalSeconds: chaffArm.device.params.intervalSeconds }));
    expect(arm.server.params.machines).toEqual(arm.device.params.machines);
    // and the experiment is accepted as a whole
    expect(feasibilityProblems(await parseExperiment(exp))).toEqual([]);
  });

  it("constant rate: the machine sends exactly the packets chaff's constant-rate sends, at the same times", () => {
    for (let seed = 0; seed < 20; seed++) {
      const input = sparseTrace(seed, 30, 60);
      const until = 5_000_000;
      const chaff = run(constantRate, { cellBytes: 1500, intervalSeconds: 0.05, minDurationSeconds: 3600 }, input, { until, seed });
      const machine = run(maybenot, { machines: exportShaper("constant-rate", { intervalSeconds: 0.05 }) }, input, { until, seed });
      const a = rows(chaff.trace).map((r) => [r.time, r.kind === REAL ? 1 : 0]);
      const b = rows(machine.trace).map((r) => [r.time, r.kind === REAL ? 1 : 0]);
      expect(b).toEqual(a);
    }
  });

  it("Poisson cover: the same cover rate over seeds (means within 3 standard errors)", () => {
    const rate = 5;
    const until = 60_000_000;
    const chaffCounts: number[] = [];
    const machineCounts: number[] = [];
    for (let seed = 0; seed < 40; seed++) {
      const input = sparseTrace(seed, 10, 500);
      const c = run(poissonCover, { coverRate: rate }, input, { until, seed });
      const m = run(maybenot, { machines: exportShaper("poisson-cover", { coverRate: rate }) }, input, { until, seed: seed + 1000 });
      chaffCounts.push(rows(c.trace).filter((r) => injected(r.kind)).length);
      machineCounts.push(rows(m.trace).filter((r) => injected(r.kind)).length);
    }
    const se = Math.sqrt((standardDeviation(chaffCounts) ** 2 + standardDeviation(machineCounts) ** 2) / 40);
    expect(Math.abs(mean(chaffCounts) - mean(machineCounts))).toBeLessThan(3 * se);
    expect(Math.abs(mean(machineCounts) - rate * 60)).toBeLessThan(3 * Math.sqrt(rate * 60 / 40) + 1);
  });

  it("FRONT-like: padding counts per trace follow FRONT's U{1..N-1} budget; all padding follows the trace start", () => {
    const N = 60;
    const w = 1;
    const chaffCounts: number[] = [];
    const machineCounts: number[] = [];
    const machineOffsets: number[] = [];
    const chaffOffsets: number[] = [];
    for (let seed = 0; seed < 150; seed++) {
      const input = "100ms s300";
      const until = 60_000_000;
      const c = run(front, { maxPadding: N, windowMinSeconds: w, windowMaxSeconds: w }, input, { until, seed });
      const m = run(maybenot, { machines: exportShaper("front", { maxPadding: N, windowMinSeconds: w, windowMaxSeconds: w }) }, input, { until, seed });
      const cp = rows(c.trace).filter((r) => injected(r.kind));
      chaffCounts.push(cp.length);
      for (const r of cp) chaffOffsets.push((r.time - 100_000) / 1e6);
      const pads = rows(m.trace).filter((r) => injected(r.kind));
      machineCounts.push(pads.length);
      for (const r of pads) machineOffsets.push((r.time - 100_000) / 1e6);
    }
    expect(Math.min(...machineCounts)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...machineCounts)).toBeLessThanOrEqual(N - 1);
    // U{1..59}: mean 30, sd 17; the means of 150 draws agree within 3 standard errors
    const se = Math.sqrt((standardDeviation(chaffCounts) ** 2 + standardDeviation(machineCounts) ** 2) / 150);
    expect(Math.abs(mean(chaffCounts) - mean(machineCounts))).toBeLessThan(3 * se);
    expect(machineOffsets.every((t) => t >= 0)).toBe(true);
    // front-loaded like Rayleigh(1 s), though less sharply (an approximation, see export.ts):
    // FRONT puts 86% within 2w; the machine about two thirds, and most within 4w
    const within = (xs: number[], t: number) => xs.filter((x) => x <= t).length / xs.length;
    expect(within(chaffOffsets, 2 * w)).toBeGreaterThan(0.8);
    expect(within(machineOffsets, 2 * w)).toBeGreaterThan(0.6);
    expect(within(machineOffsets, 4 * w)).toBeGreaterThan(0.8);
  });
});
