import { describe, expect, it } from "vitest";
import { grown } from "../../../sim/core/grown.ts";

describe("grown", () => {
  it("keeps the type and the contents, doubling by default", () => {
    const a = Int32Array.of(1, -2, 3);
    const b = grown(a);
    expect(b).toBeInstanceOf(Int32Array);
    expect(Array.from(b)).toEqual([1, -2, 3, 0, 0, 0]);
    const f = grown(Float64Array.of(0.5), 4);
    expect(f).toBeInstanceOf(Float64Array);
    expect(Array.from(f)).toEqual([0.5, 0, 0, 0]);
  });

  it("refuses to shrink", () => {
    expect(() => grown(new Uint8Array(4), 2)).toThrow(/length 2; expected an integer >= the current length 4/);
  });
});
