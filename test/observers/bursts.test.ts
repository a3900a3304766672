import { describe, expect, it } from "vitest";
import { BurstExtractor } from "../../observers/bursts.ts";
import { ms, seconds } from "../../sim/core/time.ts";
import { DOWN, UP } from "../../sim/core/kinds.ts";
import { synthetic } from "./synthetic.ts";

describe("burst extractor", () => {
  it("splits on the gap, filters small packets and bursts, times events by their last packet", () => {
    const e = new BurstExtractor({ users: 2, gap: seconds(1), minPacket: 40, minBurst: 1500, maxEvents: 8 });
    e.packet(0, 0, 1400, UP);
    e.packet(0, ms(10), 40, UP); // not counted (≤ 40 B), does not extend the burst
    e.packet(0, ms(900), 1400, UP);
    e.packet(0, ms(2000), 1400, UP); // 1.1 s later: a new burst
    e.packet(0, ms(2500), 100, UP); // 1500 B burst: not > 1500, dropped
    e.packet(1, ms(5), 3000, DOWN);
    e.finish();
    e.finish(); // idempotent
    expect(e.count(0, UP)).toBe(1);
    const o = e.offset(0, UP);
    expect(e.time[o]).toBe(ms(900));
    expect(e.first[o]).toBe(0);
    expect(e.size[o]).toBe(2800);
    expect(e.count(1, DOWN)).toBe(1);
    expect(e.count(1, UP)).toBe(0);
  });

  it("stores at most maxEvents per stream and counts the rest", () => {
    const e = new BurstExtractor({ users: 1, gap: ms(100), minPacket: 0, minBurst: 0, maxEvents: 3 });
    for (let k = 0; k < 10; k++) e.packet(0, seconds(k), 500, UP);
    e.finish();
    expect(e.count(0, UP)).toBe(3);
    expect(e.totalDropped()).toBe(7);
  });

  it("memory is fixed by users and maxEvents, not by traffic", () => {
    const syn = synthetic({ users: 8, pairs: 2, seconds: 900, seed: 2, coverRate: 10 });
    const e = new BurstExtractor({ users: 8, gap: ms(500), minPacket: 0, minBurst: 0, maxEvents: 32 });
    const arrays = [e.time, e.first, e.size];
    syn.feed(e);
    e.finish();
    expect(syn.packets).toBeGreaterThan(100_000);
    expect(e.time.length).toBe(8 * 2 * 32);
    [e.time, e.first, e.size].forEach((a, i) => expect(a).toBe(arrays[i]));
    expect(e.totalDropped()).toBeGreaterThan(0);
  });

  it("refuses an allocation past its slot limit", () => {
    expect(() => new BurstExtractor({ users: 100_000, gap: 1, minPacket: 0, minBurst: 0, maxEvents: 1000 })).toThrow(/exceeds the limit/);
  });
});
