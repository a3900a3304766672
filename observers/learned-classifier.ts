/**
 * Learned pair classifier — a random forest (Breiman, "Random Forests", Machine Learning
 * 45, 2001) over hand-made flow-pair features; the score of a pair is the share of trees
 * that vote "linked". It stands in for
 * the learned correlators of reference §2.2–2.3 (DeepCorr, DeepCoFFEA) without a GPU:
 * it learns how to weigh the statistical observers' evidence, and it can learn the
 * defense it is trained against. Forest: the `ml-random-forest` package (mljs).
 *
 * Features of pair {A, B}, each the mean over the directions A → B and B → A:
 * 1. Pearson r of binned bytes, `binSeconds` bins (volume-correlation.ts);
 * 2. the same at `coarseFactor` × wider bins;
 * 3. the cross-correlation peak over lags |ℓ| ≤ `maxLagBins` (lagged-correlation.ts);
 * 4. the event-match ratio, code preset (event-matching.ts);
 * 5. the χ² distance of packet-size histograms (size-histogram.ts);
 * 6. volume asymmetry |log(1 + bytes up_A) − log(1 + bytes down_B)|.
 *
 * How the experiment runner must train it (DESIGN §6: learned observers train on a
 * population and seeds disjoint from the test population; the adaptive adversary
 * trains on the defended traffic it will face):
 * 1. Run a training simulation with its own seed (hence its own population and
 *    traffic), the same vantage, the same defense (shapers and parameters) and this
 *    observer with the same feature parameters. At its end call
 *    `observer.trainingSet(labels)` instead of `score`: feature rows for every linked pair
 *    and `negativesPerPositive` sampled unlinked pairs, with the training run's labels,
 *    stamped with the training seed.
 * 2. Create the test run's observer and call `train(set.features, set.labels, set)`
 *    before `score` (or pass a saved `model()` as the `model` parameter). `train`
 *    refuses a set stamped with the test run's own seed.
 * 3. Run the test simulation and call `score(labels)` as for any link observer.
 *
 * @example
 * const trainer = definition.create(params, trainCtx); // feed the training run
 * const set = trainer.trainingSet(trainLabels);
 * const obs = definition.create(params, testCtx);     // feed the test run
 * obs.train(set.features, set.labels, set);
 * const scores = obs.score(testLabels);
 */
import { RandomForestClassifier } from "ml-random-forest";
import { z } from "zod";
import { BinnedVolume, rebin } from "./binned-volume.ts";
import { BurstExtractor } from "./bursts.ts";
import { EVENT_PRESETS, matchRatio, type MatchRule } from "./event-matching.ts";
import type { Observer, ObserverContext, ObserverDefinition, TaskScores, Tap } from "./observer.ts";
import type { Labels } from "./labels.ts";
import { pairTaskParam } from "./pair-task-param.ts";
import { linkTask, linkTaskSampled } from "./link-task.ts";
import { dotTile, lagScratch, laggedBlock } from "./pair-kernels.ts";
import { pairCode, type LinkLabels } from "./pair-labels.ts";
import { standardizedCopy } from "./pair-rows.ts";
import { SizeHistogram, histogramDistance } from "./size-histogram.ts";
import type { Rng, Seed } from "../sim/core/rng.ts";
import type { Micros } from "../sim/core/time.ts";
import { seconds } from "../sim/core/time.ts";
import { DOWN, UP, type Direction } from "../sim/core/kinds.ts";

export const FEATURE_NAMES = ["pearson-fine", "pearson-coarse", "lagged-peak", "event-match", "size-chi2", "volume-asymmetry"] as const;

export const learnedClassifierSchema = z
  .object({
    binSeconds: z.number().positive().max(3600).default(10).describe("fine bin width, seconds"),
    coarseFactor: z.number().int().min(2).max(1000).default(6).describe("coarse bins = this many fine bins"),
    maxLagBins: z.number().int().min(1).max(1000).default(3).describe("largest lag for the lagged feature, in fine bins"),
    histBins: z.number().int().min(2).max(4096).default(32),
    histMaxSize: z.number().int().min(1).max(1_000_000).default(1600),
    maxEvents: z.number().int().min(1).max(1_000_000).default(512),
    trees: z.number().int().min(1).max(2000).default(50).describe("trees in the forest"),
    maxDepth: z.number().int().min(1).max(64).default(10),
    minLeaf: z.number().int().min(1).max(10_000).default(3).describe("fewest samples in a leaf"),
    featureFraction: z.number().gt(0).max(1).default(0.8).describe("share of the features each tree sees"),
    negativesPerPositive: z.number().int().min(1).max(10_000).default(20).describe("negatives sampled per positive for training"),
    sampleNegatives: z.number().int().positive().optional().describe("score only this many random negative pairs (no ranks)"),
    maxNegatives: z.number().int().positive().default(2_000_000),
    block: z.number().int().min(4).max(1024).default(64),
    task: pairTaskParam,
    model: z.record(z.string(), z.unknown()).optional().describe("a trained model saved by model()"),
  })
  .strict();

export type LearnedClassifierParams = z.infer<typeof learnedClassifierSchema>;

/** Training data from a separate simulation run. */
export interface TrainingSet {
  readonly featureNames: readonly string[];
  readonly features: number[][];
  readonly labels: number[];
  /** Seed of the run that produced it (checked against the test run's). */
  readonly seed: Seed;
}

/** Taps every feature extractor at once and computes the six pair features. */
export class PairFeatureExtractor implements Tap {
  readonly volume: BinnedVolume;
  readonly bursts: BurstExtractor;
  readonly sizes: SizeHistogram;
  private readonly rule: MatchRule;
  private prepared: {
    d: number;
    fineUp: Float32Array;
    fineDown: Float32Array;
    dc: number;
    coarseUp: Float32Array;
    coarseDown: Float32Array;
    histUp: Float32Array;
    histDown: Float32Array;
    totalUp: Float64Array;
    totalDown: Float64Array;
  } | null = null;
  private readonly used: Uint8Array;
  private readonly lag = lagScratch(1);
  private readonly one = new Float64Array(1);

  constructor(
    private readonly p: LearnedClassifierParams,
    users: number,
    start: Micros,
    end: Micros,
  ) {
    const code = EVENT_PRESETS.code;
    this.volume = new BinnedVolume({ users, start, end, binWidth: seconds(p.binSeconds) });
    this.bursts = new BurstExtractor({ users, gap: seconds(code.gapSeconds), minPacket: code.minPacket, minBurst: code.minBurst, maxEvents: p.maxEvents });
    this.sizes = new SizeHistogram(users, p.histBins, p.histMaxSize);
    this.rule = { delta: seconds(code.deltaSeconds), gamma: code.gamma, relative: code.gammaRelative, exclusive: code.exclusive, denominator: code.denominator };
    this.used = new Uint8Array(p.maxEvents);
  }

  packet(endpoint: number, time: Micros, size: number, dir: Direction): void {
    this.volume.packet(endpoint, time, size, dir);
    this.bursts.packet(endpoint, time, size, dir);
    this.sizes.packet(endpoint, time, size, dir);
  }

  private prepare() {
    if (this.prepared) return this.prepared;
    this.bursts.finish();
    const { users, bins } = this.volume;
    const cu = rebin(this.volume.up, users, bins, this.p.coarseFactor);
    const cd = rebin(this.volume.down, users, bins, this.p.coarseFactor);
    const totalUp = new Float64Array(users);
    const totalDown = new Float64Array(users);
    for (let u = 0; u < users; u++) {
      for (let b = 0; b < bins; b++) {
        totalUp[u] += this.volume.up[u * bins + b];
        totalDown[u] += this.volume.down[u * bins + b];
      }
    }
    this.prepared = {
      d: bins,
      fineUp: standardizedCopy(this.volume.up, users, bins),
      fineDown: standardizedCopy(this.volume.down, users, bins),
      dc: cu.bins,
      coarseUp: standardizedCopy(cu.data, users, cu.bins),
      coarseDown: standardizedCopy(cd.data, users, cd.bins),
      histUp: this.sizes.distributions(UP),
      histDown: this.sizes.distributions(DOWN),
      totalUp,
      totalDown,
    };
    return this.prepared;
  }

  private dot(X: Float32Array, Y: Float32Array, d: number, i: number, j: number): number {
    dotTile(X, Y, d, 0, 0, d, i, i + 1, j, j + 1, this.one);
    return this.one[0];
  }

  private lagged(X: Float32Array, Y: Float32Array, d: number, i: number, j: number): number {
    laggedBlock(X, Y, d, this.p.maxLagBins, "max", i, i + 1, j, j + 1, this.one, this.lag);
    return this.one[0];
  }

  /** The feature row of unordered pair {a, b} (symmetric in a and b). */
  features(a: number, b: number): number[] {
    const f = this.prepare();
    const hb = this.p.histBins;
    return [
      0.5 * (this.dot(f.fineUp, f.fineDown, f.d, a, b) + this.dot(f.fineUp, f.fineDown, f.d, b, a)),
      0.5 * (this.dot(f.coarseUp, f.coarseDown, f.dc, a, b) + this.dot(f.coarseUp, f.coarseDown, f.dc, b, a)),
      0.5 * (this.lagged(f.fineUp, f.fineDown, f.d, a, b) + this.lagged(f.fineUp, f.fineDown, f.d, b, a)),
      0.5 * (matchRatio(this.bursts, a, b, this.rule, this.used) + matchRatio(this.bursts, b, a, this.rule, this.used)),
      0.5 * (histogramDistance(f.histUp, f.histDown, hb, a, b, "chi2") + histogramDistance(f.histUp, f.histDown, hb, b, a, "chi2")),
      0.5 *
        (Math.abs(Math.log1p(f.totalUp[a]) - Math.log1p(f.totalDown[b])) + Math.abs(Math.log1p(f.totalUp[b]) - Math.log1p(f.totalDown[a]))),
    ];
  }
}

/** Samples `m` unordered negative pairs uniformly (with replacement) from the seeded stream. */
function sampleNegativePairs(labels: LinkLabels, m: number, rng: Rng): [number, number][] {
  const n = labels.users;
  const out: [number, number][] = [];
  const want = Math.min(m, labels.negativeCount);
  while (out.length < want) {
    const i = rng.int(0, n);
    const j = rng.int(0, n);
    if (i !== j && pairCode(labels, i, j) === -2) out.push([Math.min(i, j), Math.max(i, j)]);
  }
  return out;
}

export class LearnedClassifierObserver implements Observer {
  readonly tap: PairFeatureExtractor;
  private forest: RandomForestClassifier | null = null;

  constructor(
    private readonly params: LearnedClassifierParams,
    private readonly ctx: ObserverContext,
  ) {
    this.tap = new PairFeatureExtractor(params, ctx.users, ctx.start, ctx.end);
    if (params.model) this.forest = RandomForestClassifier.load(params.model as unknown as Parameters<typeof RandomForestClassifier.load>[0]);
  }

  /** Feature rows and labels of this (training) run: all linked pairs, and sampled unlinked ones. */
  trainingSet(runLabels: Labels): TrainingSet {
    const labels = runLabels.pairs(this.params.task);
    const P = labels.initiator.length;
    if (P === 0) throw new Error("learned-classifier: the training run has no linked pairs to learn from");
    const features: number[][] = [];
    const y: number[] = [];
    for (let k = 0; k < P; k++) {
      features.push(this.tap.features(labels.initiator[k], labels.partner[k]));
      y.push(1);
    }
    for (const [a, b] of sampleNegativePairs(labels, P * this.params.negativesPerPositive, this.ctx.rng.child("training-negatives"))) {
      features.push(this.tap.features(a, b));
      y.push(0);
    }
    return { featureNames: [...FEATURE_NAMES], features, labels: y, seed: this.ctx.rng.seed };
  }

  /** Fits the forest on rows from a separate run (`from.seed` must differ from this run's seed). */
  train(features: readonly (readonly number[])[], labels: readonly number[], from?: Pick<TrainingSet, "seed" | "featureNames">): void {
    if (from && from.seed === this.ctx.rng.seed) {
      throw new Error(`learned-classifier: training data comes from seed ${String(from.seed)}, the test run's own seed; train on a disjoint seed and population`);
    }
    if (from && from.featureNames.join() !== FEATURE_NAMES.join()) {
      throw new Error(`learned-classifier: training features [${from.featureNames.join(", ")}] differ from [${FEATURE_NAMES.join(", ")}]`);
    }
    if (features.length !== labels.length || features.length === 0) {
      throw new Error(`learned-classifier: ${features.length} feature rows and ${labels.length} labels; expected equal, non-zero counts`);
    }
    if (!labels.includes(1) || !labels.includes(0)) throw new Error("learned-classifier: training labels need both classes (0 and 1)");
    const p = this.params;
    const forest = new RandomForestClassifier({
      nEstimators: p.trees,
      maxFeatures: Math.max(1, Math.round(p.featureFraction * FEATURE_NAMES.length)),
      replacement: false,
      useSampleBagging: true,
      noOOB: true,
      seed: this.ctx.rng.child("forest").int(0, 2 ** 31 - 1),
      // A classification forest, not a regression one: ml-cart's regression trees never
      // split a node whose best split is perfect (post-split error 0 equals the root's
      // "parent gain" 0), so they learn nothing from cleanly separable training data.
      treeOptions: { maxDepth: p.maxDepth, minNumSamples: p.minLeaf },
    });
    forest.train(
      features.map((r) => [...r]),
      [...labels],
    );
    this.forest = forest;
  }

  /** The trained forest as JSON, to pass back as the `model` parameter. */
  model(): Record<string, unknown> {
    if (!this.forest) throw new Error("learned-classifier: no model yet; call train() first");
    return JSON.parse(JSON.stringify(this.forest.toJSON())) as Record<string, unknown>;
  }

  /**
   * The share of trees voting "linked" for each row. Counted here from the per-tree
   * votes: ml-random-forest 2.1.0's predictProbability starts its sum at the first
   * tree's label (a reduce without an initial value), which drops that tree's vote.
   */
  predict(rows: number[][]): number[] {
    if (!this.forest) throw new Error("learned-classifier: score() before train(); train on a separate run's trainingSet() or pass a saved model");
    const votes = this.forest.predictionValues(rows);
    const out = new Array<number>(votes.rows);
    for (let i = 0; i < votes.rows; i++) {
      let yes = 0;
      for (let t = 0; t < votes.columns; t++) if (votes.get(i, t) === 1) yes++;
      out[i] = yes / votes.columns;
    }
    return out;
  }

  score(runLabels: Labels): TaskScores {
    const p = this.params;
    if (!this.forest) throw new Error("learned-classifier: score() before train(); train on a separate run's trainingSet() or pass a saved model");
    const labels = runLabels.pairs(p.task);
    const rng = this.ctx.rng.child("negatives");
    if (p.sampleNegatives !== undefined) {
      return linkTaskSampled(
        labels,
        (a, b, out) => {
          const rows: number[][] = [];
          for (let k = 0; k < a.length; k++) rows.push(this.tap.features(a[k], b[k]));
          const s = rows.length ? this.predict(rows) : [];
          for (let k = 0; k < s.length; k++) out[k] = s[k];
        },
        p.sampleNegatives,
        rng,
        p.task,
      );
    }
    return linkTask(
      labels,
      (i0, i1, j0, j1, out) => {
        const rows: number[][] = [];
        for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) rows.push(i === j ? [0, 0, 0, 0, 2, 0] : this.tap.features(i, j));
        const s = this.predict(rows);
        for (let k = 0; k < s.length; k++) out[k] = s[k];
      },
      { task: p.task, symmetric: true, block: p.block, maxNegatives: p.maxNegatives, rng },
    );
  }
}

export const definition: ObserverDefinition<LearnedClassifierParams> = {
  learns: true,
  name: "learned-classifier",
  summary: "random forest over pair features (volume correlations, lagged peak, event matches, size histograms), trained on a separate run",
  citation: "Breiman, Random Forests, Machine Learning 2001 (ml-random-forest); features from Levine et al. FC 2004, Saleh et al. CISS 2015, Bahramali et al. NDSS 2020",
  task: "link",
  vantage: "isp",
  vantages: ["local", "isp", "vpn-exit", "server", "global"],
  sees: "per user and direction: bytes per time window, bursts (end time and size), packet-size histogram; plus what it learned from a separate training run",
  cannotSee: "payloads, which packets are padding or cover, the defense's code or parameters (only their effect on its training traffic), the test run's labels",
  schema: learnedClassifierSchema,
  create: (params, ctx) => new LearnedClassifierObserver(params, ctx),
};
