import { describe, expect, it } from "vitest";
import { trainPerceptron } from "../../observers/perceptron.ts";
import { rocAuc } from "../../observers/metrics/roc-auc.ts";
import { stream } from "../../sim/core/rng.ts";

/** Rows on the square [−1, 1]²; label 1 inside the circle of radius 0.6 (no line separates the classes). */
function circle(n: number, seed: number) {
  const rng = stream(seed, "test/circle");
  const X = new Float64Array(2 * n);
  const y = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    X[2 * r] = rng.uniform(-1, 1);
    X[2 * r + 1] = rng.uniform(-1, 1);
    y[r] = X[2 * r] ** 2 + X[2 * r + 1] ** 2 < 0.36 ? 1 : 0;
  }
  return { X, y };
}

function meanLoss(z: Float64Array, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < z.length; i++) s += Math.max(z[i], 0) - z[i] * y[i] + Math.log1p(Math.exp(-Math.abs(z[i])));
  return s / z.length;
}

describe("perceptron (back-propagation, Adam)", () => {
  it("learns a boundary no line draws: AUC near 1 on new rows", () => {
    const train = circle(600, 1);
    const net = trainPerceptron(train.X, train.y, 2, { hidden: [16, 8], epochs: 60, batch: 32, rate: 0.01 }, stream(1, "init"), stream(1, "batches"));
    const test = circle(400, 2);
    const z = net.logits(test.X, 400, new Float64Array(400));
    const pos = Array.from(z).filter((_, i) => test.y[i] === 1);
    const neg = Array.from(z).filter((_, i) => test.y[i] === 0);
    expect(rocAuc(pos, neg)).toBeGreaterThan(0.97);
  });

  it("steps along the back-propagated gradient: Adam's first tiny step lowers the loss by rate × Σ|∂loss/∂θ|, the gradient measured by finite differences", () => {
    // Adam's first step moves every parameter by −rate·sign(g) (up to ε), so the loss falls by about rate·Σ|g|.
    // Check it against the gradient measured by finite differences on the full batch.
    const { X, y } = circle(50, 3);
    const opts = { hidden: [5], epochs: 1, batch: 50, rate: 1e-6 };
    const before = trainPerceptron(X, y, 2, { ...opts, rate: 1e-300 }, stream(3, "init"), stream(3, "batches"));
    const after = trainPerceptron(X, y, 2, opts, stream(3, "init"), stream(3, "batches"));
    const loss = (net: typeof before) => meanLoss(net.logits(X, 50, new Float64Array(50)), y);
    // Σ|∂loss/∂θ| by central differences over every weight and bias of `before`.
    let l1 = 0;
    const h = 1e-6;
    for (const arr of [...before.weights, ...before.biases]) {
      for (let i = 0; i < arr.length; i++) {
        const keep = arr[i];
        arr[i] = keep + h;
        const up = loss(before);
        arr[i] = keep - h;
        const down = loss(before);
        arr[i] = keep;
        l1 += Math.abs((up - down) / (2 * h));
      }
    }
    const drop = loss(before) - loss(after);
    expect(drop).toBeGreaterThan(0);
    expect(drop / (1e-6 * l1)).toBeCloseTo(1, 2);
  });

  it("is a function of its streams: same streams, same logits; another batch order, other logits", () => {
    const { X, y } = circle(200, 4);
    const opts = { hidden: [8], epochs: 3, batch: 16, rate: 0.01 };
    const a = trainPerceptron(X, y, 2, opts, stream(4, "init"), stream(4, "batches"));
    const b = trainPerceptron(X, y, 2, opts, stream(4, "init"), stream(4, "batches"));
    const c = trainPerceptron(X, y, 2, opts, stream(4, "init"), stream(5, "batches"));
    const za = Array.from(a.logits(X, 200, new Float64Array(200)));
    expect(Array.from(b.logits(X, 200, new Float64Array(200)))).toEqual(za);
    expect(Array.from(c.logits(X, 200, new Float64Array(200)))).not.toEqual(za);
  });

  it("rejects bad input with an InputError naming the field", () => {
    const opts = { hidden: [4], epochs: 1, batch: 4, rate: 0.01 };
    expect(() => trainPerceptron([0, 1, 2], [0, 1], 2, opts, stream(1, "i"), stream(1, "b"))).toThrow(/X.length = 3/);
    expect(() => trainPerceptron([0, 1, 2, 3], [0, 2], 2, opts, stream(1, "i"), stream(1, "b"))).toThrow(/y\[1\] = 2/);
    expect(() => trainPerceptron([0, 1, 2, Number.NaN], [0, 1], 2, opts, stream(1, "i"), stream(1, "b"))).toThrow(/X\[1\]\[1\] = NaN/);
    expect(() => trainPerceptron([0, 1, 2, 3], [0, 1], 2, { ...opts, hidden: [0] }, stream(1, "i"), stream(1, "b"))).toThrow(/hidden\[0\] = 0/);
  });
});
