/**
 * Multilayer perceptron for binary labels on typed arrays: fully connected ReLU hidden
 * layers and one linear output unit read as the logit of class 1 (Rumelhart, Hinton &
 * Williams, "Learning representations by back-propagating errors", Nature 323, 1986),
 * trained on the mean logistic loss by mini-batch Adam (Kingma & Ba, "Adam: A Method
 * for Stochastic Optimization", ICLR 2015).
 *
 * Rule: weights start Glorot-uniform in ±√(6 / (fan-in + fan-out)) (Glorot & Bengio,
 * AISTATS 2010), drawn from `init.child("layer/k")` for layer k in [in, out] row-major
 * order and rounded to float32, biases 0 (the draws seeded-network.ts makes, so the
 * same seed starts from the same weights). Each epoch visits the rows in an order drawn
 * from the `batches` stream (a Fisher–Yates shuffle from the last index down, as
 * seeded-network.ts `fit` draws it), in batches of
 * `batch` rows, one Adam step per batch with β₁ = 0.9, β₂ = 0.999, ε = 1e-7 (the
 * TensorFlow.js defaults) and bias-corrected moments. Gradients are back-propagated by
 * hand in double precision, so a step costs a few small matrix products and allocates
 * nothing: the same network TensorFlow.js trains, without its per-operation overhead
 * (tens of kernel dispatches and tensor allocations per step).
 *
 * Determinism: a function of the rows, labels, options and the two streams; the same
 * doubles on any thread. Bad input throws `InputError` naming the field.
 *
 * @example
 * const net = trainPerceptron(X, y, d, { hidden: [32, 16], epochs: 40, batch: 64, rate: 0.003 }, init, batches);
 * net.logits(X, n, out); // log-odds of class 1 per row
 */
import type { Rng } from "../sim/core/rng.ts";
import { InputError, showValue } from "../sim/core/validation.ts";

export interface PerceptronOptions {
  /** Widths of the hidden ReLU layers. */
  readonly hidden: readonly number[];
  /** Passes over the rows. */
  readonly epochs: number;
  /** Rows per Adam step. */
  readonly batch: number;
  /** Adam's step size. */
  readonly rate: number;
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-7;

function bad(field: string, value: unknown, expected: string): InputError {
  return new InputError(`perceptron: ${field} = ${showValue(value)}: expected ${expected}`);
}

/** A trained network: layer k maps widths[k] inputs to widths[k + 1] outputs. */
export class Perceptron {
  constructor(
    readonly widths: readonly number[],
    /** Layer k's weights, [widths[k]][widths[k + 1]] row-major. */
    readonly weights: readonly Float64Array[],
    readonly biases: readonly Float64Array[],
  ) {}

  /** The output logit of each of the n rows of X (row-major, widths[0] columns), into out. */
  logits(X: ArrayLike<number>, n: number, out: Float64Array): Float64Array {
    const d = this.widths[0];
    if (X.length < n * d) throw bad("X.length", X.length, `at least ${n} rows × ${d} features`);
    const L = this.weights.length;
    const act = this.widths.map((w) => new Float64Array(w));
    for (let r = 0; r < n; r++) {
      const a0 = act[0];
      for (let k = 0; k < d; k++) a0[k] = X[r * d + k];
      for (let l = 0; l < L; l++) forwardRow(act[l], 0, this.weights[l], this.biases[l], act[l + 1], 0, this.widths[l], this.widths[l + 1], l + 1 < L);
      out[r] = act[L][0];
    }
    return out;
  }
}

/** z[zo ..] = a[ao ..]·W + b (W row-major [nin][nout]), ReLU when `relu`. */
function forwardRow(a: Float64Array, ao: number, W: Float64Array, b: Float64Array, z: Float64Array, zo: number, nin: number, nout: number, relu: boolean): void {
  for (let j = 0; j < nout; j++) z[zo + j] = b[j];
  for (let i = 0; i < nin; i++) {
    const ai = a[ao + i];
    if (ai === 0) continue;
    const o = i * nout;
    for (let j = 0; j < nout; j++) z[zo + j] += ai * W[o + j];
  }
  if (relu) for (let j = 0; j < nout; j++) if (z[zo + j] < 0) z[zo + j] = 0;
}

/**
 * Trains a perceptron on the n = y.length rows of X (row-major, d columns; standardize
 * them first) with labels 0/1, from the `init` stream's weights and the `batches`
 * stream's batch order.
 */
export function trainPerceptron(X: ArrayLike<number>, y: ArrayLike<number>, d: number, opts: PerceptronOptions, init: Rng, batches: Rng): Perceptron {
  const n = y.length;
  if (!Number.isInteger(d) || d < 1) throw bad("d", d, "a positive number of features");
  if (n < 1) throw bad("y.length", n, "at least one row");
  if (X.length !== n * d) throw bad("X.length", X.length, `${n} rows × ${d} features = ${n * d}`);
  for (let i = 0; i < X.length; i++) if (!Number.isFinite(X[i])) throw bad(`X[${Math.floor(i / d)}][${i % d}]`, X[i], "a finite number");
  for (let i = 0; i < n; i++) if (y[i] !== 0 && y[i] !== 1) throw bad(`y[${i}]`, y[i], "0 or 1");
  opts.hidden.forEach((h, k) => {
    if (!Number.isInteger(h) || h < 1) throw bad(`hidden[${k}]`, h, "a positive integer width");
  });
  if (!Number.isInteger(opts.epochs) || opts.epochs < 1) throw bad("epochs", opts.epochs, "a positive integer");
  if (!Number.isInteger(opts.batch) || opts.batch < 1) throw bad("batch", opts.batch, "a positive integer");
  if (!(opts.rate > 0) || !Number.isFinite(opts.rate)) throw bad("rate", opts.rate, "a positive step size");

  const widths = [d, ...opts.hidden, 1];
  const L = widths.length - 1;
  const W: Float64Array[] = [];
  const B: Float64Array[] = [];
  for (let l = 0; l < L; l++) {
    const nin = widths[l];
    const nout = widths[l + 1];
    const rng = init.child(`layer/${l}`);
    const lim = Math.sqrt(6 / (nin + nout));
    const w = new Float64Array(nin * nout);
    for (let i = 0; i < w.length; i++) w[i] = Math.fround(rng.uniform(-lim, lim));
    W.push(w);
    B.push(new Float64Array(nout));
  }
  // Adam state and gradients, one array per parameter array.
  const params = [...W, ...B];
  const grads = params.map((p) => new Float64Array(p.length));
  const m1 = params.map((p) => new Float64Array(p.length));
  const m2 = params.map((p) => new Float64Array(p.length));
  const gW = grads.slice(0, L);
  const gB = grads.slice(L);
  let acc1 = BETA1;
  let acc2 = BETA2;

  // Activations (after ReLU; the input for layer 0) and their gradients for one batch, row-major [batch][width].
  const bmax = Math.min(opts.batch, n);
  const act = widths.map((w) => new Float64Array(bmax * w));
  const delta = widths.map((w) => new Float64Array(bmax * w));
  const order = Int32Array.from({ length: n }, (_, i) => i);

  for (let e = 0; e < opts.epochs; e++) {
    for (let i = n - 1; i > 0; i--) {
      const j = batches.int(0, i + 1);
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    for (let b0 = 0; b0 < n; b0 += opts.batch) {
      const bs = Math.min(n, b0 + opts.batch) - b0;
      // Forward.
      const a0 = act[0];
      for (let r = 0; r < bs; r++) {
        const src = order[b0 + r] * d;
        for (let k = 0; k < d; k++) a0[r * d + k] = X[src + k];
      }
      for (let l = 0; l < L; l++) {
        const nin = widths[l];
        const nout = widths[l + 1];
        const relu = l + 1 < L;
        for (let r = 0; r < bs; r++) forwardRow(act[l], r * nin, W[l], B[l], act[l + 1], r * nout, nin, nout, relu);
      }
      // d(mean logistic loss)/d(logit) = (σ(z) − y) / batch.
      const out = act[L];
      const dz = delta[L];
      for (let r = 0; r < bs; r++) {
        const z = out[r];
        const s = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
        dz[r] = (s - y[order[b0 + r]]) / bs;
      }
      // Backward: gradients of each layer's weights and biases, and of its input.
      for (let l = L - 1; l >= 0; l--) {
        const nin = widths[l];
        const nout = widths[l + 1];
        const a = act[l];
        const g = delta[l + 1];
        const gw = gW[l];
        const gb = gB[l];
        gw.fill(0);
        gb.fill(0);
        for (let r = 0; r < bs; r++) {
          const go = r * nout;
          const ao = r * nin;
          for (let j = 0; j < nout; j++) gb[j] += g[go + j];
          for (let i = 0; i < nin; i++) {
            const ai = a[ao + i];
            if (ai === 0) continue;
            const o = i * nout;
            for (let j = 0; j < nout; j++) gw[o + j] += ai * g[go + j];
          }
        }
        if (l === 0) break;
        // The input's gradient, through the previous layer's ReLU (zero where it was cut).
        const w = W[l];
        const da = delta[l];
        for (let r = 0; r < bs; r++) {
          const go = r * nout;
          const ao = r * nin;
          for (let i = 0; i < nin; i++) {
            if (a[ao + i] <= 0) {
              da[ao + i] = 0;
              continue;
            }
            const o = i * nout;
            let s = 0;
            for (let j = 0; j < nout; j++) s += w[o + j] * g[go + j];
            da[ao + i] = s;
          }
        }
      }
      // Adam step with bias-corrected moments.
      const c1 = 1 - acc1;
      const c2 = 1 - acc2;
      for (let q = 0; q < params.length; q++) {
        const p = params[q];
        const g = grads[q];
        const u = m1[q];
        const v = m2[q];
        for (let i = 0; i < p.length; i++) {
          const gi = g[i];
          u[i] = BETA1 * u[i] + (1 - BETA1) * gi;
          v[i] = BETA2 * v[i] + (1 - BETA2) * gi * gi;
          p[i] -= (opts.rate * (u[i] / c1)) / (Math.sqrt(v[i] / c2) + EPSILON);
        }
      }
      acc1 *= BETA1;
      acc2 *= BETA2;
    }
  }
  return new Perceptron(widths, W, B);
}
