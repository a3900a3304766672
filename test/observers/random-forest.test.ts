import { describe, expect, it } from "vitest";
import { forestFromJSON, trainForest } from "../../observers/random-forest.ts";
import { stream } from "../../sim/core/rng.ts";
import { InputError } from "../../sim/core/validation.ts";

/** n rows of d features; the label is 1 exactly when feature `signal` exceeds 0.5, every other feature noise. */
function thresholdData(n: number, d: number, signal: number, seed: number) {
  const rng = stream(seed, "test/data");
  const X = new Float64Array(n * d);
  const y = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    for (let f = 0; f < d; f++) X[r * d + f] = rng.next();
    y[r] = X[r * d + signal] > 0.5 ? 1 : 0;
  }
  return { X, y };
}

describe("random forest (Breiman 2001)", () => {
  it("classifies cleanly separable data perfectly, on the training rows and on new rows", () => {
    const d = 6;
    const { X, y } = thresholdData(400, d, 2, 1);
    const forest = trainForest(X, y, stream(1, "forest"), { trees: 20, featureFraction: 1, minLeaf: 1 });
    // A tree that did not draw a row near 0.5 may put its threshold on the row's other side; away from the gap every tree agrees.
    for (let r = 0; r < 400; r++) if (Math.abs(X[r * d + 2] - 0.5) > 0.02) expect(forest.votes(X, 1, r * d)).toBe(y[r]);
    const whole = trainForest(X, y, stream(1, "forest"), { trees: 5, bootstrap: false });
    for (let r = 0; r < 400; r++) expect(whole.votes(X, 1, r * d)).toBe(y[r]);
    const test = thresholdData(200, d, 2, 2);
    const out = forest.votesMany(test.X, 1, new Float64Array(200));
    let wrong = 0;
    // A new row within the gap between the nearest training values on either side of 0.5 may fall either way.
    for (let r = 0; r < 200; r++) if (Math.abs(test.X[r * d + 2] - 0.5) > 0.02 && Math.round(out[r]) !== test.y[r]) wrong++;
    expect(wrong).toBe(0);
  });

  it("puts all the importance on the one informative feature of a one-split problem", () => {
    const d = 4;
    const { X, y } = thresholdData(300, d, 1, 3);
    const forest = trainForest(X, y, stream(3, "forest"), { trees: 10, maxDepth: 1 });
    expect(forest.importance[1]).toBe(1);
    expect(forest.importance[0] + forest.importance[2] + forest.importance[3]).toBe(0);
  });

  it("a stump splits at the midpoint between the classes", () => {
    const X = [[0], [1], [2], [10], [11], [12]];
    const y = [0, 0, 0, 1, 1, 1];
    const forest = trainForest(X, y, stream(1, "stump"), { trees: 1, bootstrap: false, maxDepth: 1 });
    expect(forest.trees[0].feature[0]).toBe(0);
    expect(forest.trees[0].threshold[0]).toBe(6);
    expect(forest.votes([5.9])).toBe(0);
    expect(forest.votes([6.1])).toBe(1);
  });

  it("never leaves fewer than minLeaf samples in a leaf, and stops at maxDepth", () => {
    const X = [[0], [1], [2], [3], [4], [5]];
    const y = [1, 0, 0, 0, 0, 0];
    const forest = trainForest(X, y, stream(1, "leaf"), { trees: 1, bootstrap: false, minLeaf: 2 });
    // The only pure split (0 | 1..5) would leave one sample on the left: not allowed, so the tree cannot isolate row 0.
    expect(forest.votes([0])).toBe(0);
    const deep = thresholdData(300, 3, 0, 4);
    const shallow = trainForest(deep.X, deep.y, stream(4, "f"), { trees: 3, maxDepth: 2 });
    for (const t of shallow.trees) {
      const depth = (node: number): number => (t.feature[node] < 0 ? 0 : 1 + Math.max(depth(t.left[node]), depth(t.right[node])));
      expect(depth(0)).toBeLessThanOrEqual(2);
    }
  });

  it("is a function of the seed: same stream, same forest; another stream, another bootstrap", () => {
    const { X, y } = thresholdData(300, 5, 0, 5);
    // Noisy labels so that trees differ with their bootstrap samples.
    const noisy = y.map((v, i) => (i % 7 === 0 ? 1 - v : v));
    const a = trainForest(X, noisy, stream(9, "forest"), { trees: 8, featureFraction: 0.6 });
    const b = trainForest(X, noisy, stream(9, "forest"), { trees: 8, featureFraction: 0.6 });
    const c = trainForest(X, noisy, stream(10, "forest"), { trees: 8, featureFraction: 0.6 });
    expect(JSON.stringify(a.toJSON())).toBe(JSON.stringify(b.toJSON()));
    expect(JSON.stringify(a.toJSON())).not.toBe(JSON.stringify(c.toJSON()));
  });

  it("round-trips through JSON with the same votes", () => {
    const { X, y } = thresholdData(200, 4, 3, 6);
    const noisy = y.map((v, i) => (i % 5 === 0 ? 1 - v : v));
    const forest = trainForest(X, noisy, stream(6, "forest"), { trees: 7, featureFraction: 0.5 });
    const back = forestFromJSON(JSON.parse(JSON.stringify(forest.toJSON())));
    const a = forest.votesMany(X, 1, new Float64Array(200));
    const b = back.votesMany(X, 1, new Float64Array(200));
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  it("rejects bad input with an InputError naming the field", () => {
    expect(() => trainForest([[1], [Number.NaN]], [0, 1], stream(1, "x"))).toThrow(/X\[1\]\[0\] = NaN/);
    expect(() => trainForest([[1], [2]], [0, 0.5], stream(1, "x"))).toThrow(InputError);
    expect(() => trainForest([[1], [2]], [0, 1], stream(1, "x"), { featureFraction: 0 })).toThrow(/featureFraction = 0/);
    expect(() => forestFromJSON({ kind: "other" })).toThrow(/model.kind/);
  });
});
