import { describe, expect, it } from "vitest";
import { labelsFromPairs, pairCode } from "../../observers/pair-labels.ts";

describe("pair labels", () => {
  const n = 45;
  const labels = labelsFromPairs(
    n,
    [
      [3, 17],
      [17, 40],
      [44, 0],
      [5, 6],
    ],
    [
      [1, 2],
      [6, 5], // already positive: stays positive
    ],
  );

  it("codes, counts and initiators", () => {
    expect(pairCode(labels, 17, 3)).toBe(0);
    expect(pairCode(labels, 0, 44)).toBe(2);
    expect(pairCode(labels, 2, 1)).toBe(-1);
    expect(pairCode(labels, 2, 3)).toBe(-2);
    expect(labels.negativeCount).toBe((n * (n - 1)) / 2 - 5);
    expect(Array.from(labels.initiator)).toEqual([3, 17, 44, 5]);
  });

  it("ignores self-pairs, out-of-range users and repeats (the first occurrence fixes the initiator)", () => {
    const l = labelsFromPairs(4, [[1, 1], [0, 9], [2, 0], [0, 2]], [[3, 3], [-1, 2]]);
    expect(Array.from(l.initiator)).toEqual([2]);
    expect(Array.from(l.partner)).toEqual([0]);
    expect(l.negativeCount).toBe(5);
  });
});
