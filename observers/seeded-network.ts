/**
 * Seeded networks — the small neural networks of the learned observers, built on
 * TensorFlow.js (`@tensorflow/tfjs`, its pure-JavaScript CPU backend: single-threaded,
 * nothing downloaded at install or run time, and it starts in worker threads as in the
 * main one) so that training is reproducible bit for bit:
 * - every weight starts from the project's named seeded streams (Glorot/Xavier uniform:
 *   Glorot & Bengio, "Understanding the difficulty of training deep feedforward neural
 *   networks", AISTATS 2010), never from TensorFlow's own random source;
 * - mini-batches are taken in an order drawn from a seeded stream;
 * - the CPU backend runs the same float32 operations in the same order on any machine
 *   and thread, so the same seed gives the same weights and the same scores.
 * Optimiser: Adam (Kingma & Ba, ICLR 2015), tfjs's own.
 *
 * This file holds what the observers share: the backend, dense and 1-D convolution
 * layers with seeded weights and a seeded mini-batch loop (feature standardization is
 * standardizer.ts).
 *
 * TensorFlow.js is loaded on first use (`cpuBackend()`, which every layer and `fit`
 * call), not when this file is imported: the observer registry imports every observer,
 * and loading tfjs costs about 0.7 CPU-seconds in each process and worker thread, most
 * of which never train a network. It is loaded with Node's `require` (synchronously,
 * because an observer's `train` is synchronous): the package's Node entry, `main`
 * (`dist/tf.node.js`), the same module an `import` of it resolves to, so the same code
 * runs and the same seed gives the same weights.
 *
 * @example
 * const tf = cpuBackend();
 * const net = mlp([8, 16, 1], rng.child("init"));
 * fit(net.variables, (x, y) => lossOf(net.apply(x), y), X, Y, { epochs: 10, batch: 64, rate: 1e-3, rng: rng.child("batches") });
 */
import { createRequire } from "node:module";
import type * as TF from "@tensorflow/tfjs";
import type { Rng } from "../sim/core/rng.ts";

/** TensorFlow.js once `cpuBackend()` has loaded it and started its CPU backend. */
let loaded: typeof TF | null = null;

/**
 * Loads TensorFlow.js on the first call, selects the CPU backend (synchronous for a
 * backend that initializes synchronously) and silences tfjs's console hints; returns
 * the library. Every function here that builds or trains a network calls it first.
 */
export function cpuBackend(): typeof TF {
  if (loaded === null) {
    const lib = createRequire(import.meta.url)("@tensorflow/tfjs") as typeof TF;
    lib.env().set("PROD", true);
    if (lib.getBackend() !== "cpu") void lib.setBackend("cpu");
    if (lib.getBackend() !== "cpu") throw new Error("seeded-network: the tfjs CPU backend did not start");
    loaded = lib;
  }
  return loaded;
}

/** A float32 tensor of `shape` with Glorot-uniform weights drawn from `rng` (limit √(6 / (fanIn + fanOut))). */
export function glorot(shape: number[], fanIn: number, fanOut: number, rng: Rng): TF.Variable {
  const tf = cpuBackend();
  const n = shape.reduce((a, b) => a * b, 1);
  const lim = Math.sqrt(6 / (fanIn + fanOut));
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = rng.uniform(-lim, lim);
  return tf.variable(tf.tensor(v, shape, "float32"));
}

export interface Layer {
  readonly variables: TF.Variable[];
  apply(x: TF.Tensor): TF.Tensor;
}

/** A fully connected layer `inDim → outDim`, weights seeded, biases 0; `relu` or none. */
export function dense(inDim: number, outDim: number, rng: Rng, activation: "relu" | "linear" = "relu"): Layer {
  const tf = cpuBackend();
  const w = glorot([inDim, outDim], inDim, outDim, rng);
  const b = tf.variable(tf.zeros([outDim]));
  return {
    variables: [w, b],
    apply: (x) => {
      const y = tf.add(tf.matMul(x as TF.Tensor2D, w as TF.Tensor2D), b);
      return activation === "relu" ? tf.relu(y) : y;
    },
  };
}

/** A 1-D convolution over [batch, length, channels] inputs, `filters` of width `kernel`, stride `stride`, same padding, ReLU. */
export function conv1d(channels: number, filters: number, kernel: number, stride: number, rng: Rng): Layer {
  const tf = cpuBackend();
  const w = glorot([kernel, channels, filters], kernel * channels, kernel * filters, rng);
  const b = tf.variable(tf.zeros([filters]));
  return {
    variables: [w, b],
    apply: (x) => tf.relu(tf.add(tf.conv1d(x as TF.Tensor3D, w as TF.Tensor3D, stride, "same"), b)),
  };
}

/** Layers applied in turn. */
export function sequential(layers: Layer[]): Layer {
  return { variables: layers.flatMap((l) => l.variables), apply: (x) => layers.reduce((h, l) => l.apply(h), x) };
}

/** A multilayer perceptron of the given widths, ReLU between layers, linear output. */
export function mlp(widths: readonly number[], rng: Rng): Layer {
  const layers: Layer[] = [];
  for (let k = 0; k + 1 < widths.length; k++) layers.push(dense(widths[k], widths[k + 1], rng.child(`layer/${k}`), k + 2 < widths.length ? "relu" : "linear"));
  return sequential(layers);
}

export interface FitOptions {
  readonly epochs: number;
  readonly batch: number;
  readonly rate: number;
  /** Draws each epoch's batch order. */
  readonly rng: Rng;
}

/**
 * Seeded mini-batch training: each epoch visits the `n` samples in an order drawn from
 * `opts.rng` (Fisher–Yates), in batches of `opts.batch`, and takes one Adam step on
 * `loss(batchIndices)`. Returns the mean loss of the last epoch.
 */
export function fit(variables: TF.Variable[], n: number, loss: (idx: Int32Array) => TF.Scalar, opts: FitOptions): number {
  const tf = cpuBackend();
  const opt = tf.train.adam(opts.rate);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  let last = 0;
  for (let e = 0; e < opts.epochs; e++) {
    for (let i = n - 1; i > 0; i--) {
      const j = opts.rng.int(0, i + 1);
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    let sum = 0;
    let batches = 0;
    for (let b0 = 0; b0 < n; b0 += opts.batch) {
      const idx = order.slice(b0, Math.min(n, b0 + opts.batch));
      const cost = opt.minimize(() => loss(idx), true, variables);
      if (cost) {
        sum += cost.dataSync()[0];
        cost.dispose();
      }
      batches++;
    }
    last = sum / Math.max(1, batches);
  }
  opt.dispose();
  return last;
}
