/**
 * Sequence correlator — a learned flow correlator after DeepCoFFEA (Oh, Yang, Mathews,
 * Holland, Rahman, Hopper, Wright, "DeepCoFFEA: Improved Flow Correlation Attacks on Tor
 * via Metric Learning and Amplification", IEEE S&P 2022), on DeepCorr's input (Nasr,
 * Bahramali, Houmansadr, "DeepCorr: Strong Flow Correlation Attacks on Tor Using Deep
 * Learning", ACM CCS 2018): it learns from the packet sequences themselves rather than
 * from hand-made pair features.
 *
 * Rule:
 * 1. Flow windows (flow-windows.ts): per user, windows of `windowSeconds` starting every
 *    `stepSeconds`, each the first `packets` packets of each direction as (size, gap).
 *    A window takes part only where both users of a pair carry at least `minPackets`
 *    packets in it (DeepCoFFEA keeps windows with more than 20 packets at both ends;
 *    messaging is sparser, hence a parameter).
 * 2. Two embedding networks (DeepCoFFEA's pair of feature-embedding networks, one per
 *    side of a flow): F embeds a window as the side that sends, G as the side that
 *    receives; each a small 1-D CNN (two convolutions over the packet sequence, the
 *    second of stride 2, then a dense layer) to an `embedding`-dimensional vector.
 *    Trained with the triplet loss on cosine similarity, max(0, margin − cos(F(a), G(p))
 *    + cos(F(a), G(n))): anchor a a window of one user, p the same window of a user
 *    it talks to (a linked pair, `labels.pairs(task)` of the training run), n the same
 *    window of a sampled stranger active in it. Weights, triplet sample and batch order
 *    all come from named seeded streams (seeded-network.ts): same seed, same scores.
 * 3. Window voting (DeepCoFFEA's amplification): in each window, user A votes for B when
 *    cos(F(A), G(B)) is among the top `voteShare` of A's similarities to every user
 *    active in that window (DeepCoFFEA's local threshold at a rank percentile of each
 *    flow's similarity row). The score of pair {A, B} is the number of windows in which
 *    A votes for B and B for A (each ½), so the ROC over this score is DeepCoFFEA's
 *    sweep of "at least k windows vote yes"; pairs with equal votes are ordered by their
 *    mean cosine over the windows both were active in (scaled below a quarter of a vote,
 *    so it never reorders different vote counts: a scoring choice that favours the
 *    attacker, who keeps its ordering among pairs of equal votes).
 * Scored on every pair the link task scores (link-task.ts), with ranks.
 *
 * Why DeepCoFFEA's embeddings rather than DeepCorr's pairwise network: the embeddings
 * cost one network pass per user and window and a dot product per pair, where DeepCorr
 * runs its network on every pair of flows (N² passes per window), which no CPU budget of
 * seconds allows at 200 users; and the voting over overlapping windows is what
 * DeepCoFFEA adds to drive the false-positive rate down.
 *
 * Vantage: every user's access link at once (the ISP by default). Sees, per user and
 * window, the sizes and gaps of the first packets of each direction, and what linked
 * pairs' sequences looked like under the same defense in a separate training run. Cannot
 * see which packets are padding or cover, payloads, packets beyond the first `packets`
 * of a window, the defense's code or parameters, or the test run's labels.
 *
 * @example
 * const trainer = definition.create(params, trainCtx); // fed the training run
 * const set = trainer.trainingSet!(trainLabels);      // triplets of flow windows
 * const obs = definition.create(params, testCtx);     // fed the test run
 * obs.train!(set.features, set.labels, set);
 * obs.score(testLabels);                              // every pair, scored by window votes
 */
import type { Scalar } from "@tensorflow/tfjs";
import { z } from "zod";
import { FlowWindows } from "./flow-windows.ts";
import type { Labels } from "./labels.ts";
import { linkTask } from "./link-task.ts";
import type { Observer, ObserverContext, ObserverDefinition, TaskScores, TrainingData } from "./observer.ts";
import { pairCode } from "./pair-labels.ts";
import { pairTaskParam } from "./pair-task-param.ts";
import { conv1d, cpuBackend, dense, fit, sequential, type Layer } from "./seeded-network.ts";
import type { Rng } from "../sim/core/rng.ts";
import { seconds } from "../sim/core/time.ts";

export const sequenceCorrelatorSchema = z
  .object({
    windowSeconds: z.number().positive().max(86_400).meta({ unit: "seconds" }).default(30).describe("flow window length (seconds)"),
    stepSeconds: z.number().positive().max(86_400).meta({ unit: "seconds" }).default(15).describe("a new window every this many seconds (at most windowSeconds: windows overlap)"),
    packets: z.number().int().min(4).max(1024).meta({ unit: "packets" }).default(32).describe("packets kept per window and direction (DeepCorr's flow length ℓ)"),
    minPackets: z.number().int().min(1).max(100_000).meta({ unit: "packets" }).default(4).describe("a window votes only where both users carry at least this many packets in it (both directions)"),
    network: z.enum(["mlp", "cnn"]).default("mlp").describe("embedding network: mlp (one hidden layer over the window's cells) or cnn (two 1-D convolutions over the packets: DeepCorr's and DeepCoFFEA's shape, about 50 times slower on the CPU backend)"),
    hidden: z.number().int().min(1).max(4096).meta({ unit: "units" }).default(64).describe("hidden units of the mlp embedding network"),
    filters: z.number().int().min(1).max(256).meta({ unit: "filters" }).default(8).describe("filters of the cnn's first convolution (the second has twice as many)"),
    kernel: z.number().int().min(1).max(64).meta({ unit: "packets" }).default(5).describe("the cnn's convolution width (packets)"),
    embedding: z.number().int().min(2).max(512).meta({ unit: "dimensions" }).default(32).describe("size of the embedding vector (dimensions)"),
    margin: z.number().gt(0).max(2).meta({ unit: "cosine similarity" }).default(0.1).describe("triplet-loss margin on cosine similarity (DeepCoFFEA: 0.1)"),
    maxTriplets: z.number().int().min(1).max(1_000_000).meta({ unit: "triplets" }).default(2000).describe("training triplets drawn from the training run (a seeded sample)"),
    epochs: z.number().int().min(1).max(1000).meta({ unit: "epochs" }).default(10).describe("training passes over the training triplets (epochs)"),
    batch: z.number().int().min(1).max(65_536).meta({ unit: "triplets" }).default(64).describe("triplets per Adam step"),
    learningRate: z.number().gt(0).max(1).meta({ unit: "ratio" }).default(0.001).describe("Adam's step size (learning rate, a ratio)"),
    voteShare: z.number().gt(0).max(1).meta({ unit: "fraction" }).default(0.1).describe("a user votes, in each window, for the candidates in this top share (a fraction) of its similarity row"),
    maxNegatives: z.number().int().positive().meta({ unit: "pairs" }).default(2_000_000).describe("keep at most this many negative pairs (a seeded sample)"),
    block: z.number().int().min(4).max(1024).meta({ unit: "rows" }).default(64).describe("rows per cache block of the all-pairs scorer"),
    task: pairTaskParam,
  })
  .strict()
  .refine((p) => p.stepSeconds <= p.windowSeconds, { message: "stepSeconds must be at most windowSeconds", path: ["stepSeconds"] });

export type SequenceCorrelatorParams = z.infer<typeof sequenceCorrelatorSchema>;

const NAME = "sequence-correlator";

/** Names of a training row's cells: the anchor's, the linked partner's and the stranger's window, packet by packet, channel by channel. */
function tripletFeatureNames(packets: number): string[] {
  const names: string[] = [];
  for (const role of ["anchor", "linked", "stranger"]) for (let k = 0; k < packets; k++) for (const c of ["up-size", "up-gap", "down-size", "down-gap"]) names.push(`${role}:${k}:${c}`);
  return names;
}

class SequenceCorrelator implements Observer {
  readonly tap: FlowWindows;
  private nets: { F: Layer; G: Layer } | null = null;

  constructor(
    private readonly p: SequenceCorrelatorParams,
    private readonly ctx: ObserverContext,
  ) {
    this.tap = new FlowWindows({ users: ctx.users, start: ctx.start, end: ctx.end, window: seconds(p.windowSeconds), step: seconds(p.stepSeconds), packets: p.packets });
  }

  /** Per window, the users active in it (at least `minPackets` packets), ascending. */
  private activeUsers(): Int32Array[] {
    const { users, windows } = this.tap;
    const out: Int32Array[] = [];
    for (let w = 0; w < windows; w++) {
      const list: number[] = [];
      for (let u = 0; u < users; u++) if (this.tap.packetsIn(u, w) >= this.p.minPackets) list.push(u);
      out.push(Int32Array.from(list));
    }
    return out;
  }

  /**
   * Triplets of this (training) run's flow windows, one row each: a window of one user
   * of a linked pair (the anchor), the same window of its partner, the same window of a
   * stranger active in it. Every (linked pair, shared active window, orientation) is a
   * candidate; `maxTriplets` of them are drawn by a seeded shuffle. Labels are 1: row
   * r's second block is linked to its anchor, its third is not.
   */
  trainingSet(runLabels: Labels): TrainingData {
    const labels = runLabels.pairs(this.p.task);
    const { windows } = this.tap;
    const active = this.activeUsers();
    const isActive = (u: number, w: number) => this.tap.packetsIn(u, w) >= this.p.minPackets;
    const cand: number[] = []; // (k · windows + w) · 2 + orientation
    for (let k = 0; k < labels.initiator.length; k++) {
      for (let w = 0; w < windows; w++) if (isActive(labels.initiator[k], w) && isActive(labels.partner[k], w)) cand.push((k * windows + w) * 2, (k * windows + w) * 2 + 1);
    }
    if (cand.length === 0) throw new Error(`${NAME}: the training run has no linked pair active (≥ ${this.p.minPackets} packets each) in a common window to learn from`);
    const rng = this.ctx.rng.child("training-triplets");
    const m = Math.min(cand.length, this.p.maxTriplets);
    for (let i = 0; i < m; i++) {
      const j = rng.int(i, cand.length);
      const t = cand[i];
      cand[i] = cand[j];
      cand[j] = t;
    }
    const features: number[][] = [];
    for (let i = 0; i < m; i++) {
      const c = cand[i];
      const o = c % 2;
      const w = Math.floor(c / 2) % windows;
      const k = Math.floor(c / 2 / windows);
      const x = o === 0 ? labels.initiator[k] : labels.partner[k];
      const y = o === 0 ? labels.partner[k] : labels.initiator[k];
      let z = -1;
      const pool = active[w];
      for (let a = 0; a < 64 && z < 0; a++) {
        const v = pool[rng.int(0, pool.length)];
        if (v !== x && pairCode(labels, x, v) === -2) z = v;
      }
      if (z < 0) continue; // no stranger active in this window
      features.push([...this.tap.sequence(x, w), ...this.tap.sequence(y, w), ...this.tap.sequence(z, w)]);
    }
    if (features.length === 0) throw new Error(`${NAME}: the training run has no stranger active in any window a linked pair shares`);
    return { featureNames: tripletFeatureNames(this.p.packets), features, labels: features.map(() => 1), seed: this.ctx.rng.seed };
  }

  /**
   * An embedding network. `cnn`: conv(4 → f, width k) → conv(f → 2f, width k, stride 2)
   * → dense → `embedding` (DeepCorr's and DeepCoFFEA's shape, small). `mlp`: the window's
   * packets × 4 cells → `hidden` ReLU → `embedding`. Unit-length output.
   */
  private network(rng: Rng): Layer {
    const p = this.p;
    const L = p.packets;
    const f = p.filters;
    let body: Layer;
    let flat: number;
    if (p.network === "cnn") {
      body = sequential([conv1d(4, f, p.kernel, 1, rng.child("conv/0")), conv1d(f, 2 * f, p.kernel, 2, rng.child("conv/1"))]);
      flat = Math.ceil(L / 2) * 2 * f;
    } else {
      body = dense(L * 4, p.hidden, rng.child("hidden"), "relu");
      flat = p.hidden;
    }
    const head = dense(flat, p.embedding, rng.child("dense"), "linear");
    const tf = cpuBackend();
    return {
      variables: [...body.variables, ...head.variables],
      apply: (x) => {
        const n = x.shape[0];
        const h = body.apply(p.network === "cnn" ? x : tf.reshape(x, [n, L * 4]));
        const e = head.apply(tf.reshape(h, [n, flat]));
        return tf.div(e, tf.add(tf.norm(e, "euclidean", 1, true), 1e-12)); // unit length: a dot product is the cosine
      },
    };
  }

  train(features: readonly (readonly number[])[], labels: readonly number[], from?: Pick<TrainingData, "seed" | "featureNames">): void {
    if (from && from.seed === this.ctx.rng.seed) throw new Error(`${NAME}: training data comes from seed ${String(from.seed)}, the test run's own seed; train on a disjoint seed and population`);
    const names = tripletFeatureNames(this.p.packets);
    if (from && from.featureNames.join() !== names.join()) throw new Error(`${NAME}: training rows of ${from.featureNames.length} cells differ from this observer's ${names.length} (packets = ${this.p.packets})`);
    if (features.length !== labels.length || features.length === 0) throw new Error(`${NAME}: ${features.length} training rows and ${labels.length} labels; expected equal, non-zero counts`);
    if (features.some((r) => r.length !== names.length)) throw new Error(`${NAME}: a training row is not ${names.length} cells long (three windows of ${this.p.packets} packets × 4 channels)`);
    const tf = cpuBackend();
    const L = this.p.packets;
    const cell = L * 4;
    const rows = new Float32Array(features.length * 3 * cell);
    features.forEach((r, i) => rows.set(r, i * 3 * cell));
    const rng = this.ctx.rng.child("network");
    const F = this.network(rng.child("F"));
    const G = this.network(rng.child("G"));
    const margin = this.p.margin;
    fit(
      [...F.variables, ...G.variables],
      features.length,
      (idx) => {
        const n = idx.length;
        const part = (role: number) => {
          const out = new Float32Array(n * cell);
          idx.forEach((r, k) => out.set(rows.subarray((r * 3 + role) * cell, (r * 3 + role + 1) * cell), k * cell));
          return tf.tensor3d(out, [n, L, 4]);
        };
        const a = F.apply(part(0));
        const pos = tf.sum(tf.mul(a, G.apply(part(1))), 1);
        const neg = tf.sum(tf.mul(a, G.apply(part(2))), 1);
        return tf.mean(tf.relu(tf.add(tf.sub(neg, pos), margin))) as Scalar;
      },
      { epochs: this.p.epochs, batch: this.p.batch, rate: this.p.learningRate, rng: rng.child("batches") },
    );
    this.nets = { F, G };
  }

  /** Unit embeddings by F and G of every active (user, window): (u · windows + w) · embedding; zeros elsewhere. */
  private embed(active: Int32Array[]): { F: Float32Array; G: Float32Array } {
    const nets = this.nets!;
    const tf = cpuBackend();
    const { users, windows, packets: L } = this.tap;
    const D = this.p.embedding;
    const cell = L * 4;
    const out = { F: new Float32Array(users * windows * D), G: new Float32Array(users * windows * D) };
    const items: number[] = [];
    for (let w = 0; w < windows; w++) for (const u of active[w]) items.push(u * windows + w);
    const chunk = 1024;
    for (let i0 = 0; i0 < items.length; i0 += chunk) {
      const part = items.slice(i0, i0 + chunk);
      const x = new Float32Array(part.length * cell);
      part.forEach((it, k) => x.set(this.tap.seq.subarray(it * cell, (it + 1) * cell), k * cell));
      for (const side of ["F", "G"] as const) {
        const e = tf.tidy(() => nets[side].apply(tf.tensor3d(x, [part.length, L, 4])).dataSync() as Float32Array);
        part.forEach((it, k) => out[side].set(e.subarray(k * D, (k + 1) * D), it * D));
      }
    }
    return out;
  }

  score(runLabels: Labels): TaskScores {
    if (!this.nets) throw new Error(`${NAME}: score() before train(); train on a separate run's trainingSet()`);
    cpuBackend();
    const labels = runLabels.pairs(this.p.task);
    const { users, windows: W } = this.tap;
    const D = this.p.embedding;
    const active = this.activeUsers();
    const emb = this.embed(active);
    const on = new Uint8Array(users * W);
    for (let w = 0; w < W; w++) for (const u of active[w]) on[u * W + w] = 1;
    const cos = (i: number, j: number, w: number) => {
      const a = (i * W + w) * D;
      const b = (j * W + w) * D;
      let s = 0;
      for (let d = 0; d < D; d++) s += emb.F[a + d] * emb.G[b + d];
      return s;
    };
    // Local thresholds (DeepCoFFEA): per sending user and window, the similarity at rank ⌈voteShare · candidates⌉ of its row.
    const tau = new Float64Array(users * W).fill(Infinity);
    for (let w = 0; w < W; w++) {
      const list = active[w];
      if (list.length < 2) continue;
      const row = new Float64Array(list.length - 1);
      const k = Math.max(1, Math.ceil(this.p.voteShare * (list.length - 1)));
      for (const i of list) {
        let n = 0;
        for (const j of list) if (j !== i) row[n++] = cos(i, j, w);
        row.sort();
        tau[i * W + w] = row[row.length - k];
      }
    }
    const pairScore = (i: number, j: number) => {
      if (i === j) return 0;
      let votes = 0;
      let sum = 0;
      let n = 0;
      for (let w = 0; w < W; w++) {
        if (!on[i * W + w] || !on[j * W + w]) continue;
        const sij = cos(i, j, w);
        const sji = cos(j, i, w);
        if (sij >= tau[i * W + w]) votes += 0.5;
        if (sji >= tau[j * W + w]) votes += 0.5;
        sum += sij + sji;
        n += 2;
      }
      return votes + (n > 0 ? 0.24 * Math.max(-1, Math.min(1, sum / n)) : 0);
    };
    return linkTask(
      labels,
      (i0, i1, j0, j1, out) => {
        const wd = j1 - j0;
        for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) out[(i - i0) * wd + (j - j0)] = pairScore(i, j);
      },
      { task: this.p.task, symmetric: true, block: this.p.block, maxNegatives: this.p.maxNegatives, rng: this.ctx.rng.child("negatives") },
    );
  }
}

export const definition: ObserverDefinition<SequenceCorrelatorParams> = {
  learns: true,
  name: NAME,
  summary: "DeepCoFFEA-style learned correlator: CNN embeddings of each user's packet-size and gap sequences per window, trained with a triplet loss on a separate run, pairs scored by window votes",
  citation: "Oh et al., DeepCoFFEA, IEEE S&P 2022 (embeddings, triplet loss, window voting); Nasr, Bahramali, Houmansadr, DeepCorr, ACM CCS 2018 (size and gap sequences); TensorFlow.js CPU backend, seeded",
  task: "link",
  vantage: "isp",
  vantages: ["local", "isp", "vpn-provider", "vpn-exit", "server", "global"],
  sees: "per user and overlapping time window, the sizes and gaps of the first packets of each direction; plus what linked pairs' sequences looked like under the same defense in a separate training run",
  cannotSee: "payloads, which packets are padding or cover, packets beyond the first of each window, the defense's code or parameters, the test run's labels",
  schema: sequenceCorrelatorSchema as unknown as z.ZodType<SequenceCorrelatorParams>,
  create: (params, ctx) => new SequenceCorrelator(params, ctx),
};
