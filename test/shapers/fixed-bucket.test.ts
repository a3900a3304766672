import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { definition, padToBlock } from "../../shapers/fixed-bucket.ts";
import { build, run } from "./run.ts";

describe("fixed-bucket", () => {
  it("rounds up to a multiple of the block (default 512)", () => {
    const s = build(definition);
    expect(s.padRecord?.(0)).toBe(0);
    expect(s.padRecord?.(1)).toBe(512);
    expect(s.padRecord?.(512)).toBe(512);
    expect(s.padRecord?.(513)).toBe(1024);
    expect(padToBlock(1000, 128)).toBe(1024);
    expect(padToBlock(56, 468)).toBe(468); // RFC 8467 response block
    expect(padToBlock(500, 468)).toBe(936);
  });

  it("never shrinks, lands on a block boundary, adds less than one block, and is idempotent", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 50 }), fc.integer({ min: 1, max: 1 << 20 }), (l, b) => {
        const p = padToBlock(l, b);
        return p >= l && p % b === 0 && p - l < b && padToBlock(p, b) === p;
      }),
    );
  });

  it("leaks ⌈log₂⌈M/b⌉⌉ bits: 128 distinct sizes for lengths 1..2^16 at b = 512", () => {
    const sizes = new Set<number>();
    for (let l = 1; l <= 1 << 16; l++) sizes.add(padToBlock(l, 512));
    expect(sizes.size).toBe(128);
  });

  it("leaves packets and timing alone", () => {
    expect(run(definition, { blockBytes: 100 }, "0 s100, 1ms s1000, 2ms r80").text).toBe("0 s100, 1ms s1000, 2ms r80");
  });
});
