import { describe, expect, it } from "vitest";
import { validateObserverParams } from "../../sim/experiment/registries.ts";
import { SizeHistogram, definition, histogramDistance } from "../../observers/size-histogram.ts";
import { DOWN, UP } from "../../sim/core/kinds.ts";
import { auc, run, synthetic, top1 } from "./synthetic.ts";

describe("size-histogram", () => {
  it("bins sizes, clamps large packets into the last bin, normalizes rows", () => {
    const h = new SizeHistogram(2, 4, 1600);
    h.packet(0, 0, 100, UP); // bin 0
    h.packet(0, 0, 500, UP); // bin 1
    h.packet(0, 0, 9000, UP); // last bin
    h.packet(0, 0, 1599, UP); // last bin
    expect(Array.from(h.up.subarray(0, 4))).toEqual([1, 1, 0, 2]);
    const P = h.distributions(UP);
    expect(Array.from(P.subarray(0, 4))).toEqual([0.25, 0.25, 0, 0.5]);
    expect(Array.from(P.subarray(4, 8))).toEqual([0, 0, 0, 0]);
    expect(h.up.length).toBe(8);
  });

  it("L1 and χ² distances: 0 for equal rows, 2 for disjoint or empty rows", () => {
    const P = new Float32Array([0.5, 0.5, 0, 0, 0, 0, 0.5, 0.5, 0, 0, 0, 0]);
    for (const how of ["l1", "chi2"] as const) {
      expect(histogramDistance(P, P, 4, 0, 0, how)).toBe(0);
      expect(histogramDistance(P, P, 4, 0, 1, how)).toBeCloseTo(2, 6);
      expect(histogramDistance(P, P, 4, 0, 2, how)).toBe(2);
    }
    const Q = new Float32Array([0.5, 0.5, 0, 0, 0.25, 0.75, 0, 0]);
    expect(histogramDistance(Q, Q, 4, 0, 1, "l1")).toBeCloseTo(0.5, 6);
    expect(histogramDistance(Q, Q, 4, 0, 1, "chi2")).toBeCloseTo(0.0625 / 0.75 + 0.0625 / 1.25, 6);
  });

  it("links conversing pairs far above chance with every distance; constant rate is at chance", () => {
    const syn = synthetic({ users: 40, pairs: 12, seconds: 1200, seed: 15 });
    const cbr = synthetic({ users: 40, pairs: 12, seconds: 1200, seed: 15, constantRate: { intervalMs: 100, size: 600 } });
    for (const distance of ["l1", "chi2", "bhattacharyya"]) {
      const s = run(definition, { distance }, syn);
      expect(auc(s.positives, s.negatives)).toBeGreaterThan(0.95);
      expect(top1(s)).toBeGreaterThan(0.7);
      const c = run(definition, { distance }, cbr);
      expect(Math.abs(auc(c.positives, c.negatives) - 0.5)).toBeLessThan(0.02);
    }
  });

  it("cover in the same size range lowers the scores of true pairs", () => {
    const plain = run(definition, {}, synthetic({ users: 40, pairs: 12, seconds: 600, seed: 15, photoShare: 0 }));
    const cover = run(definition, {}, synthetic({ users: 40, pairs: 12, seconds: 600, seed: 15, photoShare: 0, coverRate: 2 }));
    expect(auc(cover.positives, cover.negatives)).toBeLessThan(auc(plain.positives, plain.negatives) - 0.1);
  });

  it("says what it sees and cannot see; rejects bad parameters", () => {
    expect(definition.sees.length).toBeGreaterThan(10);
    expect(definition.cannotSee.length).toBeGreaterThan(10);
    expect(() => validateObserverParams(definition, { bins: 1 })).toThrow(/observer "size-histogram" parameter bins = 1/);
    expect(() => validateObserverParams(definition, { distance: "cosine" })).toThrow(/distance = "cosine"/);
  });
});
