/**
 * Learned pair classifier — a random forest (Breiman, "Random Forests", Machine Learning
 * 45, 2001) over hand-made flow-pair features; the score of a pair is the share of trees
 * that vote "linked". It stands in for
 * the learned correlators of reference §2.2–2.3 (DeepCorr, DeepCoFFEA) without a GPU:
 * it learns how to weigh the statistical observers' evidence, and it can learn the
 * defense it is trained against. Forest: random-forest.ts (exact CART splits on presorted
 * typed-array columns, bootstrap rows and a feature subset per tree from the seeded stream).
 *
 * Features of pair {A, B}, each the mean over the directions A → B and B → A, for each
 * direction pairing (direction-pairing.ts: A's uplink against B's downlink, uplink
 * against uplink, downlink against downlink, both directions against both; named
 * `feature:pairing`), so the forest can learn which side a defense leaves bare:
 * 1. Pearson r of binned bytes, `binSeconds` bins (volume-correlation.ts);
 * 2. the same at `coarseFactor` × wider bins;
 * 3. the cross-correlation peak over lags |ℓ| ≤ `maxLagBins` (lagged-correlation.ts);
 * 4. the event-match ratio, code preset (event-matching.ts);
 * 5. the χ² distance of packet-size histograms (size-histogram.ts);
 * 6. volume asymmetry |log(1 + bytes of A's side) − log(1 + bytes of B's side)|.
 * `pairing: "strongest"` (the default) gives all 24; a single pairing its 6 (`up-down`
 * is the feature set before pairings).
 *
 * Score: the share of trees voting "linked", ties broken by the one feature that best
 * separated linked from unlinked pairs in training (largest |AUC − ½|, read in its
 * direction), squashed into less than a quarter of one vote so it never reorders
 * different vote shares. A vote share alone leaves most pairs tied at 0, which throws
 * away the ordering the attacker has among them (and makes the low-FPR end a lottery).
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
import { forestFromJSON, trainForest, type RandomForest } from "./random-forest.ts";
import { rocAuc } from "./metrics/roc-auc.ts";
import { z } from "zod";
import { BinnedVolume, rebin } from "./binned-volume.ts";
import { BurstExtractor } from "./bursts.ts";
import { EVENT_PRESETS, EventSeries, type MatchRule } from "./event-matching.ts";
import { pairingParam, pairingsOf, pairingStreams, type DirectionPairing, type PairingChoice, type StreamIndex } from "./direction-pairing.ts";
import type { Observer, ObserverContext, ObserverDefinition, TaskScores, Tap } from "./observer.ts";
import type { Labels } from "./labels.ts";
import { pairTaskParam } from "./pair-task-param.ts";
import { linkTask, linkTaskSampled } from "./link-task.ts";
import { dotTile, dotUpper, lagScratch, laggedBlock, type BlockKernel, type LagOptions } from "./pair-kernels.ts";
import { pairCode, type LinkLabels } from "./pair-labels.ts";
import { standardizedCopy } from "./pair-rows.ts";
import { SizeHistogram, histogramDistance } from "./size-histogram.ts";
import type { Rng, Seed } from "../sim/core/rng.ts";
import type { Micros } from "../sim/core/time.ts";
import { seconds } from "../sim/core/time.ts";
import { DOWN, UP, type Direction } from "../sim/core/kinds.ts";

/** The features of one pairing. */
export const BASE_FEATURES = ["pearson-fine", "pearson-coarse", "lagged-peak", "event-match", "size-chi2", "volume-asymmetry"] as const;

/** The feature names under a pairing choice: each base feature of each pairing, `feature:pairing`, pairing after pairing. */
export function featureNames(choice: PairingChoice): string[] {
  return pairingsOf(choice).flatMap((p) => BASE_FEATURES.map((f) => `${f}:${p}`));
}

/** The default feature set: every pairing's. */
export const FEATURE_NAMES: readonly string[] = featureNames("strongest");

/** The row of a pair of a user with itself (never scored, only filling a block's diagonal): no correlation, the largest distance. */
function diagonalRow(pairings: number): number[] {
  const row: number[] = [];
  for (let k = 0; k < pairings; k++) row.push(0, 0, 0, 0, 2, 0);
  return row;
}

export const learnedClassifierSchema = z
  .object({
    binSeconds: z.number().positive().max(3600).meta({ unit: "seconds" }).default(10).describe("fine bin width, seconds"),
    coarseFactor: z.number().int().min(2).max(1000).meta({ unit: "fine bins per coarse bin" }).default(6).describe("coarse bin width, fine bins per coarse bin"),
    maxLagBins: z.number().int().min(1).max(1000).meta({ unit: "fine bins" }).default(3).describe("largest lag for the lagged feature, in fine bins"),
    histBins: z.number().int().min(2).max(4096).meta({ unit: "bins" }).default(32).describe("packet-size histogram bins over [0, histMaxSize) bytes (bins)"),
    histMaxSize: z.number().int().min(1).max(1_000_000).meta({ unit: "bytes" }).default(1600).describe("upper end of the size histogram's range, bytes; larger packets go to the last bin"),
    maxEvents: z.number().int().min(1).max(1_000_000).meta({ unit: "bursts" }).default(512).describe("burst slots per user and direction for the event features, bounded memory (bursts)"),
    trees: z.number().int().min(1).max(2000).meta({ unit: "trees" }).default(50).describe("trees in the forest"),
    maxDepth: z.number().int().min(1).max(64).meta({ unit: "levels" }).default(10).describe("deepest a tree may grow, levels"),
    minLeaf: z.number().int().min(1).max(10_000).meta({ unit: "samples" }).default(3).describe("fewest samples in a leaf"),
    featureFraction: z.number().gt(0).max(1).meta({ unit: "fraction" }).default(0.8).describe("share of the features each tree sees (fraction)"),
    negativesPerPositive: z.number().int().min(1).max(10_000).meta({ unit: "negatives" }).default(20).describe("negatives sampled per positive for training"),
    sampleNegatives: z.number().int().positive().meta({ unit: "pairs" }).optional().describe("score only this many random negative pairs (no ranks)"),
    maxNegatives: z.number().int().positive().meta({ unit: "pairs" }).default(2_000_000).describe("keep at most this many negative pairs (seeded sample)"),
    block: z.number().int().min(4).max(1024).meta({ unit: "rows" }).default(64).describe("rows per cache block of the all-pairs scorer"),
    pairing: pairingParam.describe("which direction pairings' features the forest gets: strongest = every pairing's (it learns which to weigh), or one pairing's (up-down: A's uplink with B's downlink and back)"),
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
    fine: Float32Array[];
    dc: number;
    coarse: Float32Array[];
    hist: Float32Array[];
    /** log1p of each user's total bytes per stream, as the volume-asymmetry feature reads it. */
    logTotals: Float64Array[];
    events: EventSeries;
  } | null = null;
  /** Scratch of `blockFeatures`. */
  private blockScratch = blockScratch(0);
  private used: Uint8Array;
  private readonly lag = lagScratch(1);
  private readonly one = new Float64Array(1);
  private readonly at0 = new Float64Array(1);
  private readonly lagOpts: LagOptions = { at0: this.at0 };
  /** The pairings whose features make a row, and their series. */
  readonly pairings: readonly DirectionPairing[];

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
    this.used = new Uint8Array(0);
    this.pairings = pairingsOf(p.pairing);
  }

  packet(endpoint: number, time: Micros, size: number, dir: Direction): void {
    this.volume.packet(endpoint, time, size, dir);
    this.bursts.packet(endpoint, time, size, dir);
    this.sizes.packet(endpoint, time, size, dir);
  }

  private prepare() {
    if (this.prepared) return this.prepared;
    this.bursts.finish();
    const { users, bins, up, down } = this.volume;
    const both = new Float32Array(up.length);
    for (let i = 0; i < both.length; i++) both[i] = up[i] + down[i];
    const raw = [up, down, both];
    const coarseRaw = raw.map((m) => rebin(m, users, bins, this.p.coarseFactor));
    const totals = raw.map((m) => {
      const t = new Float64Array(users);
      for (let u = 0; u < users; u++) for (let b = 0; b < bins; b++) t[u] += m[u * bins + b];
      return t;
    });
    const events = new EventSeries(this.bursts);
    this.used = new Uint8Array(events.maxEvents);
    this.prepared = {
      d: bins,
      fine: raw.map((m) => standardizedCopy(m, users, bins)),
      dc: coarseRaw[0].bins,
      coarse: coarseRaw.map((c) => standardizedCopy(c.data, users, c.bins)),
      hist: [this.sizes.distributions(UP), this.sizes.distributions(DOWN), this.sizes.totalDistributions()],
      logTotals: totals.map((t) => t.map((v) => Math.log1p(v))),
      events,
    };
    return this.prepared;
  }

  private dot(X: Float32Array, Y: Float32Array, d: number, i: number, j: number): number {
    dotTile(X, Y, d, 0, 0, d, i, i + 1, j, j + 1, this.one);
    return this.one[0];
  }

  /** The lagged peak of i → j; its lag-0 term (the fine Pearson r, the same doubles as `dot`) is left in `this.at0[0]`. */
  private lagged(X: Float32Array, Y: Float32Array, d: number, i: number, j: number): number {
    laggedBlock(X, Y, d, this.p.maxLagBins, "max", i, i + 1, j, j + 1, this.one, this.lag, this.lagOpts);
    return this.one[0];
  }

  /** The feature row of unordered pair {a, b} (symmetric in a and b): `BASE_FEATURES` for each pairing, in `featureNames` order. */
  features(a: number, b: number): number[] {
    const out = new Float64Array(6 * this.pairings.length);
    this.featuresInto(a, b, out, 0);
    return Array.from(out);
  }

  /** Writes the feature row of {a, b} to out[off ..]: the one computation behind `features` and the scorer. */
  featuresInto(a: number, b: number, out: Float64Array, off: number): void {
    const f = this.prepare();
    let o = off;
    for (const p of this.pairings) {
      const { x, y } = pairingStreams(p);
      // The fine Pearson r is the lag scan's lag-0 term, taken from it rather than computed again.
      if (x === y) {
        // Same series on both sides: the correlations, the lagged peak (lags both ways) and
        // the χ² distance are the same doubles either way round, so each is computed once
        // (0.5·(v + v) = v exactly); event matching is not symmetric.
        const peak = this.lagged(f.fine[x], f.fine[x], f.d, a, b);
        out[o++] = this.at0[0];
        out[o++] = this.dot(f.coarse[x], f.coarse[x], f.dc, a, b);
        out[o++] = peak;
        this.pairTail(x, y, a, b, out, o);
        o += 3;
        continue;
      }
      const peakAB = this.lagged(f.fine[x], f.fine[y], f.d, a, b);
      const fineAB = this.at0[0];
      const peakBA = this.lagged(f.fine[x], f.fine[y], f.d, b, a);
      const fineBA = this.at0[0];
      out[o++] = 0.5 * (fineAB + fineBA);
      out[o++] = 0.5 * (this.dot(f.coarse[x], f.coarse[y], f.dc, a, b) + this.dot(f.coarse[x], f.coarse[y], f.dc, b, a));
      out[o++] = 0.5 * (peakAB + peakBA);
      this.pairTail(x, y, a, b, out, o);
      o += 3;
    }
  }

  /**
   * The last three features of pair {a, b} under streams x → y, into out[o .. o + 3): event
   * matches, χ² size-histogram distance, log-volume asymmetry, each the mean of both ways
   * round (computed once when x = y, where both ways give the same doubles; event
   * matching is not symmetric). Shared by `featuresInto` and `blockFeatures`.
   */
  private pairTail(x: StreamIndex, y: StreamIndex, a: number, b: number, out: Float64Array, o: number): void {
    const f = this.prepare();
    const hb = this.p.histBins;
    const lx = f.logTotals[x];
    const ly = f.logTotals[y];
    out[o] = 0.5 * (f.events.match(a, x, b, y, this.rule, this.used) + f.events.match(b, x, a, y, this.rule, this.used));
    if (x === y) {
      out[o + 1] = histogramDistance(f.hist[x], f.hist[x], hb, a, b, "chi2");
      out[o + 2] = Math.abs(lx[a] - lx[b]);
    } else {
      out[o + 1] = 0.5 * (histogramDistance(f.hist[x], f.hist[y], hb, a, b, "chi2") + histogramDistance(f.hist[x], f.hist[y], hb, b, a, "chi2"));
      out[o + 2] = 0.5 * (Math.abs(lx[a] - ly[b]) + Math.abs(lx[b] - ly[a]));
    }
  }

  /**
   * The feature rows of every pair (i, j) of rows [i0, i1) × [j0, j1), row-major into
   * out[((i − i0)·(j1 − j0) + (j − j0))·width ..], the diagonal (i = j) as `diagonalRow`.
   * The correlation features come from the blocked kernels (pair-kernels.ts: each cell
   * summed in the same order as one pair alone) and the rest from `pairTail`, as
   * `featuresInto` takes them, so every row is the same doubles as `featuresInto` gives it.
   * With `upper` (a square block, i0 = j0 and i1 = j1) only the rows of cells j > i are
   * written, the pairs a link task reads of its diagonal blocks.
   *
   * No product is computed twice: the fine r is the lag scan's lag-0 term; on a square
   * block, s(j → i) is the transposed cell of s(i → j)'s own block, and a same-series
   * pairing (symmetric: s(i → j) = s(j → i), at lag ℓ as at −ℓ the other way round)
   * computes the upper triangle only and reads each lower cell from its mirror.
   */
  blockFeatures(i0: number, i1: number, j0: number, j1: number, out: Float64Array, opts?: { readonly upper?: boolean }): void {
    const f = this.prepare();
    const width = 6 * this.pairings.length;
    const h = i1 - i0;
    const w = j1 - j0;
    const cells = h * w;
    const square = i0 === j0 && i1 === j1;
    const upper = opts?.upper === true;
    if (upper && !square) throw new RangeError(`blockFeatures: upper needs a square block, got [${i0}, ${i1}) × [${j0}, ${j1})`);
    if (this.blockScratch.lagAB.length < cells) this.blockScratch = blockScratch(cells);
    const { fineAB, fineBA, coarseAB, coarseBA, lagAB, lagBA, lag } = this.blockScratch;
    const L = this.p.maxLagBins;
    // Column `col` of every cell to fill: s(i → j) (same series), read from the upper triangle
    // on a square block; or the mean of s(i → j) and s(j → i), the latter from the block's own
    // transposed cell when the block is square.
    const put = (col: number, ab: Float64Array, ba: Float64Array, same: boolean) => {
      for (let i = i0; i < i1; i++) {
        for (let j = upper ? i + 1 : j0; j < j1; j++) {
          if (i === j) continue;
          const c = (i - i0) * w + (j - j0);
          let v: number;
          if (same) v = square && j < i ? ab[(j - i0) * w + (i - j0)] : ab[c];
          else v = 0.5 * (ab[c] + (square ? ab[(j - i0) * w + (i - j0)] : ba[(j - j0) * h + (i - i0)]));
          out[c * width + col] = v;
        }
      }
    };
    this.pairings.forEach((p, k) => {
      const { x, y } = pairingStreams(p);
      const base = 6 * k;
      const same = x === y;
      const X = f.fine[x];
      const Y = f.fine[y];
      const Xc = f.coarse[x];
      const Yc = f.coarse[y];
      if (square && same) {
        laggedBlock(X, Y, f.d, L, "max", i0, i1, i0, i1, lagAB, lag, { upper: true, at0: fineAB });
        dotUpper(Xc, Yc, f.dc, 0, 0, f.dc, i0, i1, coarseAB);
      } else {
        laggedBlock(X, Y, f.d, L, "max", i0, i1, j0, j1, lagAB, lag, { at0: fineAB });
        dotTile(Xc, Yc, f.dc, 0, 0, f.dc, i0, i1, j0, j1, coarseAB);
        if (!same && !square) {
          laggedBlock(X, Y, f.d, L, "max", j0, j1, i0, i1, lagBA, lag, { at0: fineBA });
          dotTile(Xc, Yc, f.dc, 0, 0, f.dc, j0, j1, i0, i1, coarseBA);
        }
      }
      put(base, fineAB, fineBA, same);
      put(base + 1, coarseAB, coarseBA, same);
      put(base + 2, lagAB, lagBA, same);
      for (let i = i0; i < i1; i++) {
        for (let j = upper ? i + 1 : j0; j < j1; j++) {
          if (i !== j) this.pairTail(x, y, i, j, out, ((i - i0) * w + (j - j0)) * width + base + 3);
        }
      }
    });
    if (upper) return;
    const diagonal = diagonalRow(this.pairings.length);
    for (let i = Math.max(i0, j0); i < Math.min(i1, j1); i++) out.set(diagonal, ((i - i0) * w + (i - j0)) * width);
  }
}

/** Scratch of `blockFeatures` for blocks of up to `cells` cells: each correlation feature's directed scores i → j and j → i. */
function blockScratch(cells: number) {
  const a = () => new Float64Array(cells);
  return { fineAB: a(), fineBA: a(), coarseAB: a(), coarseBA: a(), lagAB: a(), lagBA: a(), lag: lagScratch(cells) };
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

/** The feature that breaks ties between equal vote shares, and the direction it is read in. */
interface TieBreak {
  readonly feature: number;
  readonly sign: 1 | -1;
}

/** The feature whose training AUC is furthest from ½ (the first on ties), read in the direction that ranks linked pairs high. */
function bestSingleFeature(features: readonly (readonly number[])[], labels: readonly number[]): TieBreak {
  let best: TieBreak = { feature: 0, sign: 1 };
  let gap = -1;
  for (let k = 0; k < features[0].length; k++) {
    const pos: number[] = [];
    const neg: number[] = [];
    for (let r = 0; r < features.length; r++) (labels[r] === 1 ? pos : neg).push(features[r][k]);
    const auc = rocAuc(pos, neg);
    if (Math.abs(auc - 0.5) > gap) {
      gap = Math.abs(auc - 0.5);
      best = { feature: k, sign: auc >= 0.5 ? 1 : -1 };
    }
  }
  return best;
}

export class LearnedClassifierObserver implements Observer {
  readonly tap: PairFeatureExtractor;
  private forest: RandomForest | null = null;
  private tieBreak: TieBreak | null = null;

  constructor(
    private readonly params: LearnedClassifierParams,
    private readonly ctx: ObserverContext,
  ) {
    this.tap = new PairFeatureExtractor(params, ctx.users, ctx.start, ctx.end);
    if (params.model) {
      const { tieBreak, ...forest } = params.model as { tieBreak?: TieBreak } & Record<string, unknown>;
      this.forest = forestFromJSON(forest);
      this.tieBreak = tieBreak ?? null;
    }
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
    return { featureNames: featureNames(this.params.pairing), features, labels: y, seed: this.ctx.rng.seed };
  }

  /** Fits the forest on rows from a separate run (`from.seed` must differ from this run's seed). */
  train(features: readonly (readonly number[])[], labels: readonly number[], from?: Pick<TrainingSet, "seed" | "featureNames">): void {
    if (from && from.seed === this.ctx.rng.seed) {
      throw new Error(`learned-classifier: training data comes from seed ${String(from.seed)}, the test run's own seed; train on a disjoint seed and population`);
    }
    const names = featureNames(this.params.pairing);
    if (from && from.featureNames.join() !== names.join()) {
      throw new Error(`learned-classifier: training features [${from.featureNames.join(", ")}] differ from [${names.join(", ")}]`);
    }
    if (features.length !== labels.length || features.length === 0) {
      throw new Error(`learned-classifier: ${features.length} feature rows and ${labels.length} labels; expected equal, non-zero counts`);
    }
    if (!labels.includes(1) || !labels.includes(0)) throw new Error("learned-classifier: training labels need both classes (0 and 1)");
    const p = this.params;
    // A node is split only when each side keeps minLeaf samples (with bootstrap multiplicity);
    // each tree sees round(featureFraction · features) features (random-forest.ts).
    const forest = trainForest(features, labels, this.ctx.rng.child("forest"), {
      trees: p.trees,
      maxDepth: p.maxDepth,
      minLeaf: p.minLeaf,
      featureFraction: p.featureFraction,
    });
    this.forest = forest;
    this.tieBreak = bestSingleFeature(features, labels);
  }

  /** The trained forest as JSON, to pass back as the `model` parameter. */
  model(): Record<string, unknown> {
    if (!this.forest) throw new Error("learned-classifier: no model yet; call train() first");
    return JSON.parse(JSON.stringify({ ...this.forest.toJSON(), tieBreak: this.tieBreak ?? undefined })) as Record<string, unknown>;
  }

  /**
   * The share of trees voting "linked" for each of the `n` rows laid out row-major in X,
   * into out, ties broken by the training's best single feature (less than a quarter of a
   * vote either way).
   */
  predictFlat(X: Float64Array, n: number, out: Float64Array): Float64Array {
    return this.predictRange(X, 0, n, out);
  }

  /** `predictFlat` for rows [from, to) only, into out[from, to). */
  private predictRange(X: Float64Array, from: number, to: number, out: Float64Array): Float64Array {
    const forest = this.forest;
    if (!forest) throw new Error("learned-classifier: score() before train(); train on a separate run's trainingSet() or pass a saved model");
    const d = forest.features;
    const T = forest.trees.length;
    const tb = this.tieBreak;
    for (let i = from; i < to; i++) {
      let tie = 0;
      if (tb) {
        const f = tb.sign * X[i * d + tb.feature];
        tie = (0.24 / T) * (f / (1 + Math.abs(f)));
      }
      out[i] = forest.votes(X, 1, i * d) + tie;
    }
    return out;
  }

  score(runLabels: Labels): TaskScores {
    const p = this.params;
    if (!this.forest) throw new Error("learned-classifier: score() before train(); train on a separate run's trainingSet() or pass a saved model");
    const labels = runLabels.pairs(p.task);
    const rng = this.ctx.rng.child("negatives");
    const width = 6 * this.tap.pairings.length;
    if (this.forest.features !== width) throw new Error(`learned-classifier: the model takes ${this.forest.features} features per row; pairing "${String(p.pairing)}" gives ${width}`);
    let X = new Float64Array(0);
    let S = new Float64Array(0);
    const room = (n: number) => {
      if (X.length < n * width) {
        X = new Float64Array(n * width);
        S = new Float64Array(n);
      }
    };
    if (p.sampleNegatives !== undefined) {
      return linkTaskSampled(
        labels,
        (a, b, out) => {
          room(a.length);
          for (let k = 0; k < a.length; k++) this.tap.featuresInto(a[k], b[k], X, k * width);
          this.predictFlat(X, a.length, S);
          for (let k = 0; k < a.length; k++) out[k] = S[k];
        },
        p.sampleNegatives,
        rng,
        p.task,
      );
    }
    // The score is symmetric, so a diagonal block needs its pairs j > i only (`upper`): the
    // features and votes of its other half are not computed.
    const kernel: BlockKernel = Object.assign(
      (i0: number, i1: number, j0: number, j1: number, out: Float64Array) => {
        const k = (i1 - i0) * (j1 - j0);
        room(k);
        this.tap.blockFeatures(i0, i1, j0, j1, X);
        this.predictFlat(X, k, S);
        for (let q = 0; q < k; q++) out[q] = S[q];
      },
      {
        upper: (i0: number, i1: number, out: Float64Array) => {
          const h = i1 - i0;
          room(h * h);
          this.tap.blockFeatures(i0, i1, i0, i1, X, { upper: true });
          for (let i = i0; i + 1 < i1; i++) {
            const from = (i - i0) * h + (i + 1 - i0);
            const to = (i - i0 + 1) * h;
            this.predictRange(X, from, to, S);
            for (let q = from; q < to; q++) out[q] = S[q];
          }
        },
      },
    );
    return linkTask(labels, kernel, { task: p.task, symmetric: true, block: p.block, maxNegatives: p.maxNegatives, rng });
  }
}

export const definition: ObserverDefinition<LearnedClassifierParams> = {
  learns: true,
  name: "learned-classifier",
  summary: "random forest over pair features (volume correlations, lagged peak, event matches, size histograms) under every direction pairing, trained on a separate run",
  citation: "Breiman, Random Forests, Machine Learning 2001 (random-forest.ts); features from Levine et al. FC 2004, Saleh et al. CISS 2015, Bahramali et al. NDSS 2020",
  task: "link",
  vantage: "isp",
  vantages: ["local", "isp", "vpn-provider", "vpn-exit", "server", "global"],
  sees: "per user and direction: bytes per time window, bursts (end time and size), packet-size histogram, each direction of A compared with each of B; plus what it learned from a separate training run",
  cannotSee: "payloads, which packets are padding or cover, the defense's code or parameters (only their effect on its training traffic), the test run's labels",
  schema: learnedClassifierSchema,
  create: (params, ctx) => new LearnedClassifierObserver(params, ctx),
};
