import { describe, expect, it } from "vitest";
import { BinnedVolume, binCount, rebin } from "../../observers/binned-volume.ts";
import { seconds } from "../../sim/core/time.ts";
import { DOWN, UP } from "../../sim/core/kinds.ts";
import { synthetic } from "./synthetic.ts";

describe("binned volume", () => {
  it("adds bytes (or packets) to the bin of each packet, per user and direction", () => {
    const v = new BinnedVolume({ users: 2, start: seconds(100), end: seconds(130), binWidth: seconds(10) });
    v.packet(1, seconds(112), 1200, UP);
    v.packet(1, seconds(119.999999), 300, UP);
    v.packet(0, seconds(100), 80, DOWN);
    v.packet(0, seconds(99), 5000, DOWN); // before start
    v.packet(0, seconds(130), 5000, DOWN); // at end
    v.packet(7, seconds(110), 5000, DOWN); // unknown user
    expect(v.bins).toBe(3);
    expect(Array.from(v.row(UP, 1))).toEqual([0, 1500, 0]);
    expect(Array.from(v.row(DOWN, 0))).toEqual([80, 0, 0]);
    const p = new BinnedVolume({ users: 1, start: 0, end: seconds(2), binWidth: seconds(1), measure: "packets" });
    p.packet(0, 10, 1400, UP);
    p.packet(0, 20, 40, UP);
    expect(Array.from(p.row(UP, 0))).toEqual([2, 0]);
  });

  it("covers a partial last bin", () => {
    expect(binCount(0, seconds(25), seconds(10))).toBe(3);
    expect(binCount(0, seconds(30), seconds(10))).toBe(3);
  });

  it("rebins by summing adjacent bins", () => {
    const r = rebin(new Float32Array([1, 2, 3, 4, 5, 10, 20, 30, 40, 50]), 2, 5, 2);
    expect(r.bins).toBe(3);
    expect(Array.from(r.data)).toEqual([3, 7, 5, 30, 70, 50]);
  });

  it("memory is users × bins, whatever the traffic", () => {
    const small = synthetic({ users: 10, pairs: 3, seconds: 600, seed: 1 });
    const big = synthetic({ users: 10, pairs: 3, seconds: 600, seed: 1, coverRate: 20 });
    expect(big.packets).toBeGreaterThan(5 * small.packets);
    for (const syn of [small, big]) {
      const v = new BinnedVolume({ users: 10, start: 0, end: syn.end, binWidth: seconds(10) });
      const before = [v.up, v.down];
      syn.feed(v);
      expect(v.up.length).toBe(10 * 60);
      expect(v.down.length).toBe(10 * 60);
      expect(v.up).toBe(before[0]);
      expect(v.down).toBe(before[1]);
    }
  });

  it("refuses allocations past the cell limit, and bad widths, with the numbers", () => {
    expect(() => new BinnedVolume({ users: 1000, start: 0, end: seconds(3600), binWidth: 1000, maxCells: 1e6 })).toThrow(/1000 users × 3600000 bins/);
    expect(() => new BinnedVolume({ users: 1, start: 0, end: 10, binWidth: 0 })).toThrow(/binWidth = 0/);
    expect(() => new BinnedVolume({ users: 1, start: 10, end: 10, binWidth: 1 })).toThrow(/must be after start/);
  });
});
