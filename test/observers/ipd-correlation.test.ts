import { describe, expect, it } from "vitest";
import { FirstPackets, definition } from "../../observers/ipd-correlation.ts";
import { validateObserverParams } from "../../sim/experiment/registries.ts";
import { ms } from "../../sim/core/time.ts";
import { DOWN, UP } from "../../sim/core/kinds.ts";
import { auc, run, synthetic, top1 } from "./synthetic.ts";

describe("ipd-correlation", () => {
  it("keeps only the first K packets per user and direction (bounded memory)", () => {
    const f = new FirstPackets(3, 5, 40);
    for (let k = 0; k < 100; k++) f.packet(1, ms(k), 100, UP);
    f.packet(1, ms(1), 40, DOWN); // too small
    expect(f.times.length).toBe(3 * 2 * 5);
    expect(f.counts[1 * 2 + UP]).toBe(5);
    expect(f.counts[1 * 2 + DOWN]).toBe(0);
    expect(Array.from(f.times.subarray((1 * 2 + UP) * 5, (1 * 2 + UP) * 5 + 5))).toEqual([0, 1000, 2000, 3000, 4000]);
  });

  it("rows are standardized log delays; short streams give zero rows", () => {
    const f = new FirstPackets(2, 6);
    const times = [0, 10, 30, 70, 150, 310];
    for (const t of times) f.packet(0, ms(t), 500, UP);
    f.packet(1, 0, 500, UP);
    f.packet(1, ms(5), 500, UP);
    const M = f.ipdRows(UP, 3);
    const r0 = Array.from(M.subarray(0, 5));
    expect(r0.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 5);
    expect(r0.reduce((a, b) => a + b * b, 0)).toBeCloseTo(1, 5);
    for (let i = 1; i < 5; i++) expect(r0[i]).toBeGreaterThan(r0[i - 1]); // growing delays
    expect(Array.from(M.subarray(5, 10))).toEqual([0, 0, 0, 0, 0]);
  });

  it("links conversing pairs far above chance; constant rate is at chance; cover hurts", () => {
    const plain = run(definition, {}, synthetic({ users: 40, pairs: 12, seconds: 1200, seed: 13 }));
    expect(auc(plain.positives, plain.negatives)).toBeGreaterThan(0.95);
    expect(top1(plain)).toBeGreaterThan(0.8);
    const cbr = run(definition, {}, synthetic({ users: 40, pairs: 12, seconds: 1200, seed: 13, constantRate: { intervalMs: 100, size: 500 } }));
    expect(Math.abs(auc(cbr.positives, cbr.negatives) - 0.5)).toBeLessThan(0.02);
    const cover = run(definition, {}, synthetic({ users: 40, pairs: 12, seconds: 1200, seed: 13, coverRate: 2 }));
    expect(auc(cover.positives, cover.negatives)).toBeLessThan(auc(plain.positives, plain.negatives) - 0.1);
  });

  it("says what it sees and cannot see; rejects bad parameters", () => {
    expect(definition.sees.length).toBeGreaterThan(10);
    expect(definition.cannotSee.length).toBeGreaterThan(10);
    expect(() => validateObserverParams(definition, { packets: 2 })).toThrow(/observer "ipd-correlation" parameter packets = 2/);
  });
});
