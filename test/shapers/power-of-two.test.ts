import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { definition, nextPowerOfTwo } from "../../shapers/power-of-two.ts";
import { build, run } from "./run.ts";

describe("power-of-two", () => {
  it("pads to the next power of two", () => {
    expect(nextPowerOfTwo(0)).toBe(0);
    expect(nextPowerOfTwo(1)).toBe(1);
    expect(nextPowerOfTwo(3)).toBe(4);
    expect(nextPowerOfTwo(129)).toBe(256);
    expect(nextPowerOfTwo(1500)).toBe(2048);
    for (let k = 0; k <= 52; k++) {
      expect(nextPowerOfTwo(2 ** k)).toBe(2 ** k);
      if (k >= 1 && k < 52) expect(nextPowerOfTwo(2 ** k + 1)).toBe(2 ** (k + 1));
    }
    expect(build(definition).padRecord?.(1025)).toBe(2048);
  });

  it("is the least power of two ≥ L (monotone, idempotent, < 2L)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 52 }), (l) => {
        const p = nextPowerOfTwo(l);
        return p >= l && p < 2 * l && Number.isInteger(Math.log2(p)) && nextPowerOfTwo(p) === p;
      }),
    );
  });

  it("gives 17 distinct sizes over lengths 1..2^16 (defenses.md §2.1 leakage table)", () => {
    const sizes = new Set<number>();
    for (let l = 1; l <= 1 << 16; l++) sizes.add(nextPowerOfTwo(l));
    expect(sizes.size).toBe(17);
  });

  it("rejects lengths that are not non-negative integers", () => {
    expect(() => nextPowerOfTwo(-1)).toThrow(/expected an integer length/);
    expect(() => nextPowerOfTwo(2.5)).toThrow(/expected an integer length/);
  });

  it("leaves packets and timing alone", () => {
    expect(run(definition, {}, "0 s100, 1ms s1000").text).toBe("0 s100, 1ms s1000");
  });
});
