import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { definition, padme } from "../../shapers/padme.ts";
import { stream } from "../../sim/core/rng.ts";
import { shapeTrace } from "../../sim/engine/shape-trace.ts";
import { parseTrace, printTrace } from "../../sim/core/trace-notation.ts";

describe("padme", () => {
  it("matches the PURBs reference vectors (dedis/paper_purbs padding_test.go)", () => {
    expect(padme(67)).toBe(72);
    expect(padme(74)).toBe(80);
    expect(padme(9)).toBe(10);
    expect(padme(129)).toBe(144);
    expect(padme(1000)).toBe(1024);
    expect(padme(1025)).toBe(1088);
    expect(padme(4097)).toBe(4352);
    expect(padme(10_000)).toBe(10_240);
    for (let k = 0; k < 31; k++) expect(padme(2 ** k)).toBe(2 ** k);
    expect(padme(0)).toBe(0);
    expect(padme(1)).toBe(1);
  });

  it("is monotone, idempotent, never shrinks, and stays under 12% overhead", () => {
    let prev = 0;
    let worst = 0;
    for (let l = 1; l <= 1 << 17; l++) {
      const p = padme(l);
      expect(p).toBeGreaterThanOrEqual(l);
      expect(p).toBeGreaterThanOrEqual(prev);
      if ((p - l) / l > worst) worst = (p - l) / l;
      prev = p;
    }
    expect(worst).toBeCloseTo(15 / 129, 12);
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 2 ** 52 }), (l) => {
        const p = padme(l);
        return p >= l && padme(p) === p && (p - l) / l < 0.12;
      }),
    );
  });

  it("rejects lengths that are not non-negative integers", () => {
    expect(() => padme(-1)).toThrow(/expected an integer length/);
    expect(() => padme(1.5)).toThrow(/expected an integer length/);
    expect(() => padme(Number.NaN)).toThrow(/expected an integer length/);
  });

  it("as a shaper, pads records and leaves packets and timing alone", () => {
    const shaper = definition.create({}, { rng: stream(1, "t"), side: "device", mtu: 1500 });
    expect(shaper.padRecord?.(129)).toBe(144);
    const out = shapeTrace(shaper, parseTrace("0 s100, 1ms s1000, 2ms r80"));
    expect(printTrace(out.trace)).toBe("0 s100, 1ms s1000, 2ms r80");
  });
});
