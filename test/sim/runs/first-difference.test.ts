import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { firstDifference, firstJsonDifference } from "../../../sim/runs/first-difference.ts";

describe("first difference", () => {
  it("names the JSON path of the first differing field", () => {
    const a = JSON.stringify({ arms: [{ cost: { bandwidth: 0.3, energy: 5 } }] });
    const b = JSON.stringify({ arms: [{ cost: { bandwidth: 0.31, energy: 5 } }] });
    expect(firstDifference("metrics.json", a, b)).toBe("arms[0].cost.bandwidth: 0.3 (expected) vs 0.31 (found)");
    expect(firstDifference("metrics.json", '{"a":[1,2]}', '{"a":[1,2,3]}')).toBe("a[2]: missing (expected) vs 3 (found)");
    expect(firstDifference("metrics.json", '{"a":1}', '{"a":1,"b":2}')).toBe("b: missing (expected) vs 2 (found)");
    expect(firstDifference("metrics.json", '{"a":1}', '{ "a": 1 }')).toMatch(/same JSON value, different bytes/);
  });

  it("names the first differing line of text, and the first byte otherwise", () => {
    expect(firstDifference("report.md", "# x\nsame\nold\n", "# x\nsame\nnew\n")).toBe('line 3: "old" (expected) vs "new" (found)');
    expect(firstDifference("a.png", Uint8Array.from([1, 2, 0, 4]), Uint8Array.from([1, 2, 0, 5]))).toBe("byte 3: 0x04 (expected) vs 0x05 (found)");
    expect(firstDifference("a.bin", Uint8Array.from([1, 0]), Uint8Array.from([1, 0, 9]))).toBe("length 2 bytes (expected) vs 3 (found)");
  });

  it("is null exactly when the values are equal", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        const same = JSON.stringify(a) === JSON.stringify(b);
        if (same) expect(firstJsonDifference(a, b)).toBeNull();
        const d = firstJsonDifference(a, b);
        if (d === null) expect(firstDifference("x.json", JSON.stringify(a), JSON.stringify(b)) === null || !same).toBe(true);
      }),
    );
    expect(firstDifference("x.txt", "same", "same")).toBeNull();
  });
});
