/**
 * Adaptive activity detector — the `activity` task (is this user really communicating in
 * this window, or is what its link carries only background and cover?) answered by an
 * adversary that knows cover exists: a multilayer perceptron (perceptron.ts: back-propagation
 * and Adam on typed arrays, seeded) trained on windows of a disjoint population running the
 * same defense, as the cover literature's own threat model asks
 * (Piotrowska et al., "The Loopix Anonymity System", USENIX Security 2017 §2: the
 * adversary knows the cover distribution; Juarez et al., "Toward an Efficient Website
 * Fingerprinting Defense" (WTF-PAD), ESORICS 2016: defenses are evaluated against a
 * classifier trained on defended traces). The naive `activity-detector` scores a window
 * against the user's own median and never learns what cover looks like.
 *
 * Rule: per user and window of `windowSeconds`, the features of window-features.ts
 * (each direction's volume, packet count, size mean, spread and mix, inter-packet gap
 * statistics, the volume against the user's usual level; the peak and spread of
 * `subBins` sub-bins; the neighbouring windows' volume), standardized by the training
 * set's mean and spread, into a perceptron of `hidden` ReLU layers trained with the
 * logistic loss (Adam, seeded initial weights and batch order). The score of a window
 * is the network's logit (log-odds of "active"): continuous, so windows rarely tie (a
 * forest's vote shares would tie far more). The network has the architecture, Glorot
 * draws, batch order and Adam settings seeded-network.ts uses with TensorFlow.js, but it
 * is trained on typed arrays in double precision (perceptron.ts), so its weights and
 * scores differ from a TensorFlow.js float32 fit; TensorFlow.js's per-operation overhead
 * made that training a fifth of the default experiment's time.
 *
 * Training (the lab's adaptive adversary, sim/experiment/training.ts): on the training
 * run, `trainingSet(labels)` returns the feature rows of up to `maxTrainingWindows`
 * windows drawn uniformly (a seeded sample, so the class balance is the run's), labelled
 * by that run's `Labels.activeWindows`; `train` fits the network before this run is
 * scored. Cases are every (user, window) of this run, labelled by `Labels.activeWindows`
 * only; each carries its user and its window's start time.
 *
 * Vantage: a user's access link (local Wi-Fi, ISP by default; also a VPN exit, the
 * server, global). Sees, per user, the time, size and direction of each packet, and what
 * the defense's traffic looked like in its training run. Cannot see which packets are
 * cover or padding, payloads, who the user talks to, message boundaries, the defense's
 * code or parameters (only their effect on its training traffic), or the test run's labels.
 *
 * @example
 * const trainer = definition.create(params, trainCtx); // fed the training run
 * const set = trainer.trainingSet!(trainLabels);
 * const obs = definition.create(params, testCtx);     // fed the test run
 * obs.train!(set.features, set.labels, set);
 * obs.score(testLabels); // one case per user and window
 */
import { z } from "zod";
import type { Labels } from "./labels.ts";
import { activityCases } from "./activity-cases.ts";
import type { Observer, ObserverContext, ObserverDefinition, TaskScores, TrainingData } from "./observer.ts";
import { standardize, standardizer, type Standardizer } from "./standardizer.ts";
import { trainPerceptron, type Perceptron } from "./perceptron.ts";
import { WINDOW_FEATURES, WindowFeatureTap, windowFeatureRows } from "./window-features.ts";
import { seconds } from "../sim/core/time.ts";

export const adaptiveActivitySchema = z
  .object({
    windowSeconds: z.number().positive().max(86_400).meta({ unit: "seconds" }).default(60).describe("window length: one case per user and window (seconds)"),
    subBins: z.number().int().min(1).max(3600).meta({ unit: "sub-bins per window" }).default(12).describe("resolution inside a window for the peak and burstiness features, sub-bins per window"),
    hidden: z.array(z.number().int().min(1).max(1024)).max(8).default([32, 16]).describe("widths of the perceptron's hidden layers"),
    epochs: z.number().int().min(1).max(1000).meta({ unit: "epochs" }).default(40).describe("training passes over the training windows (epochs)"),
    batch: z.number().int().min(1).max(65_536).meta({ unit: "windows" }).default(64).describe("training windows per Adam step (windows)"),
    learningRate: z.number().gt(0).max(1).meta({ unit: "ratio" }).default(0.003).describe("Adam's step size (learning rate, a ratio)"),
    maxTrainingWindows: z.number().int().min(10).max(1_000_000).meta({ unit: "windows" }).default(6000).describe("training windows drawn from the training run, a seeded uniform sample (windows)"),
  })
  .strict();

export type AdaptiveActivityParams = z.infer<typeof adaptiveActivitySchema>;

const NAME = "adaptive-activity-detector";

class AdaptiveActivityObserver implements Observer {
  readonly tap: WindowFeatureTap;
  private net: Perceptron | null = null;
  private scale: Standardizer | null = null;

  constructor(
    private readonly p: AdaptiveActivityParams,
    private readonly ctx: ObserverContext,
  ) {
    const sub = Math.round(seconds(p.windowSeconds) / p.subBins);
    if (sub < 1) throw new RangeError(`${NAME}: windowSeconds / subBins = ${p.windowSeconds / p.subBins} s is below 1 µs`);
    this.tap = new WindowFeatureTap({ users: ctx.users, start: ctx.start, end: ctx.end, window: sub * p.subBins, subBins: p.subBins });
  }

  trainingSet(labels: Labels): TrainingData {
    const { users, windows, window, start } = this.tap;
    const active = labels.activeWindows(start, window, windows);
    const rows = windowFeatureRows(this.tap);
    const n = users * windows;
    // A seeded partial Fisher–Yates shuffle: the first m indices are a uniform sample without replacement.
    const idx = Int32Array.from({ length: n }, (_, i) => i);
    const m = Math.min(n, this.p.maxTrainingWindows);
    const rng = this.ctx.rng.child("training-windows");
    for (let i = 0; i < m; i++) {
      const j = rng.int(i, n);
      const t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    const chosen = Array.from(idx.subarray(0, m)).sort((a, b) => a - b);
    return { featureNames: WINDOW_FEATURES, features: chosen.map((i) => rows[i]), labels: chosen.map((i) => active[i]), seed: this.ctx.rng.seed };
  }

  train(features: readonly (readonly number[])[], labels: readonly number[], from?: Pick<TrainingData, "seed" | "featureNames">): void {
    if (from && from.seed === this.ctx.rng.seed) throw new Error(`${NAME}: training data comes from seed ${String(from.seed)}, the test run's own seed; train on a disjoint seed and population`);
    if (from && from.featureNames.join() !== WINDOW_FEATURES.join()) throw new Error(`${NAME}: training features [${from.featureNames.join(", ")}] differ from [${WINDOW_FEATURES.join(", ")}]`);
    if (features.length !== labels.length || features.length === 0) throw new Error(`${NAME}: ${features.length} feature rows and ${labels.length} labels; expected equal, non-zero counts`);
    if (!labels.includes(1) || !labels.includes(0)) throw new Error(`${NAME}: training labels need both classes (0 and 1): the training run had no active or no idle window`);
    const d = WINDOW_FEATURES.length;
    this.scale = standardizer(features);
    const X = standardize(features, this.scale);
    const rng = this.ctx.rng.child("network");
    const net = trainPerceptron(X, labels, d, { hidden: this.p.hidden, epochs: this.p.epochs, batch: this.p.batch, rate: this.p.learningRate }, rng.child("init"), rng.child("batches"));
    this.net = net;
  }

  /** The score (logit of "active") of every (user, window), user after user. */
  windowScores(): Float64Array {
    if (!this.net || !this.scale) throw new Error(`${NAME}: score() before train(); train on a separate run's trainingSet()`);
    const rows = windowFeatureRows(this.tap);
    const d = WINDOW_FEATURES.length;
    const X = standardize(rows, this.scale);
    return this.net.logits(X, rows.length, new Float64Array(rows.length));
  }

  score(labels: Labels): TaskScores {
    const { windows: W, window, start } = this.tap;
    const scores = this.windowScores();
    const active = labels.activeWindows(start, window, W); // which cases are positive, nothing else
    return activityCases(scores, active, W, start, window);
  }
}

export const definition: ObserverDefinition<AdaptiveActivityParams> = {
  learns: true,
  name: "adaptive-activity-detector",
  summary: "neural network over per-window volume, peak, burstiness, size mix and gap statistics, trained on a separate run of the same defense: knows what cover looks like",
  citation: "multilayer perceptron (Rumelhart et al., Nature 1986; Adam, Kingma & Ba, ICLR 2015; perceptron.ts, seeded); adversary that knows the cover distribution: Piotrowska et al., Loopix, USENIX Security 2017; Juarez et al., WTF-PAD, ESORICS 2016",
  task: "activity",
  vantage: "isp",
  vantages: ["local", "isp", "vpn-provider", "vpn-exit", "server", "global"],
  sees: "per user and window, each direction's bytes, packets, packet-size mix and inter-packet gaps, sub-window peaks, the user's usual level and the neighbouring windows; plus what the defense's traffic looked like in a separate training run",
  cannotSee: "which packets are padding or cover, payloads, who the user talks to, message boundaries, the defense's code or parameters, the test run's labels",
  schema: adaptiveActivitySchema,
  create: (params, ctx) => new AdaptiveActivityObserver(params, ctx),
};
