import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { stream } from "../../../sim/core/rng.ts";

describe("named RNG streams", () => {
  it("draw exactly seedrandom's Alea sequence for the stream's seed text", () => {
    for (const [seed, path] of [[1, "user/42/messages"], [987654321, "shaper/device/3"], ["x", ""]] as const) {
      const ours = stream(seed, path);
      const theirs = seedrandom.alea(`chaff|${seed}|${path}`);
      for (let i = 0; i < 10_000; i++) expect(ours.next()).toBe(theirs());
    }
  });

  it("are independent by path: a child or a new sibling never shifts another stream", () => {
    const a1 = stream(5, "a");
    const a1draws = Array.from({ length: 5 }, () => a1.next());
    const a2 = stream(5, "a");
    stream(5, "b").next();
    a2.child("c").next();
    expect(Array.from({ length: 5 }, () => a2.next())).toEqual(a1draws);
    expect(stream(5, "a").next()).not.toBe(stream(6, "a").next());
    expect(stream(5, "a/c").next()).toBe(stream(5, "a").child("c").next());
  });

  it("samples with the right means", () => {
    const r = stream(2, "moments");
    const n = 200_000;
    let e = 0;
    let p = 0;
    let u = 0;
    for (let i = 0; i < n; i++) {
      e += r.exponential(3);
      p += Math.min(r.pareto(1, 3), 1e6);
      u += r.int(0, 10);
    }
    expect(e / n).toBeCloseTo(3, 1);
    expect(p / n).toBeCloseTo(1.5, 1); // Pareto(xm 1, α 3) mean α·xm/(α−1)
    expect(u / n).toBeCloseTo(4.5, 1);
  });
});
