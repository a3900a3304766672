/**
 * Packet-size histogram distance — the size side channel of encrypted messaging
 * (Coull & Dyer, "Traffic Analysis of Encrypted Messaging Services: Apple iMessage and
 * Beyond", ACM CCR 2014: message lengths recovered from packet sizes; reference §4).
 * What A sends, B receives in packets of about the same sizes, so A's uplink size
 * distribution resembles B's downlink one.
 *
 * Rule (link task): count each user's packets per size bin, per direction (`bins`
 * equal bins over [0, `maxSize`) bytes, larger packets in the last bin), normalize to a
 * distribution, and score the directed pair A → B by the similarity of A's uplink
 * histogram p to B's downlink histogram q: −Σ|p − q| (`l1`), −Σ (p − q)² / (p + q)
 * (`chi2`, the symmetric χ² distance) or the Bhattacharyya coefficient Σ √(p·q)
 * (`bhattacharyya`, 1 − Hellinger², computed as a blocked dot product). A user with no
 * packets in a direction is at the largest distance (−2, or 0 for Bhattacharyya).
 * The pair's score combines both directions. That is `pairing: "up-down"`; the other
 * pairings (direction-pairing.ts) compare the uplink histograms, the downlink ones, or
 * each user's histogram of both directions together, and the default `strongest` takes
 * per pair the largest of the four similarities, each standardized over all pairs.
 *
 * Memory: users × bins per direction, fixed. The tap is O(1).
 *
 * @example
 * const obs = definition.create(definition.schema.parse({ distance: "chi2" }), ctx);
 * const scores = obs.score(labels);
 */
import { z } from "zod";
import { checkCells } from "./binned-volume.ts";
import type { Observer, ObserverContext, ObserverDefinition, TaskScores, Tap } from "./observer.ts";
import type { Labels } from "./labels.ts";
import { pairTaskParam } from "./pair-task-param.ts";
import { linkTaskTerms } from "./link-task.ts";
import { pairingParam, rowPairingPlan, scaleUsersParam, STREAM_DOWN, STREAM_UP, type StreamIndex } from "./direction-pairing.ts";
import { correlationKernel, pairKernel } from "./pair-kernels.ts";
import type { Micros } from "../sim/core/time.ts";
import { DOWN, UP, type Direction } from "../sim/core/kinds.ts";

export const sizeHistogramSchema = z
  .object({
    bins: z.number().int().min(2).max(4096).meta({ unit: "bins" }).default(32).describe("equal-width size bins over [0, maxSize) bytes (bins)"),
    maxSize: z.number().int().min(1).max(1_000_000).meta({ unit: "bytes" }).default(1600).describe("upper end of the binned range, bytes; larger packets go to the last bin"),
    distance: z.enum(["l1", "chi2", "bhattacharyya"]).default("chi2").describe("histogram similarity: l1 (−Σ|p − q|), chi2 (the symmetric χ² distance, negated) or bhattacharyya (Σ √(p·q))"),
    combine: z.enum(["mean", "max"]).default("mean").describe("how the two directions' similarities make the pair's score: their mean or the larger"),
    pairing: pairingParam,
    scaleUsers: scaleUsersParam,
    maxNegatives: z.number().int().positive().meta({ unit: "pairs" }).default(2_000_000).describe("keep at most this many negative pairs (seeded sample)"),
    block: z.number().int().min(4).max(1024).meta({ unit: "rows" }).default(64).describe("rows per cache block of the all-pairs scorer"),
    task: pairTaskParam,
  })
  .strict();

export type SizeHistogramParams = z.infer<typeof sizeHistogramSchema>;
export type HistogramDistance = SizeHistogramParams["distance"];

/** Per user and direction packet-size counts, users × bins each. */
export class SizeHistogram implements Tap {
  readonly users: number;
  readonly bins: number;
  readonly maxSize: number;
  readonly up: Float32Array;
  readonly down: Float32Array;

  constructor(users: number, bins: number, maxSize: number) {
    checkCells("size histogram", users, bins);
    this.users = users;
    this.bins = bins;
    this.maxSize = maxSize;
    this.up = new Float32Array(users * bins);
    this.down = new Float32Array(users * bins);
  }

  packet(endpoint: number, _time: Micros, size: number, dir: Direction): void {
    if (endpoint < 0 || endpoint >= this.users) return;
    const b = Math.min(this.bins - 1, Math.max(0, Math.floor((size * this.bins) / this.maxSize)));
    (dir === UP ? this.up : this.down)[endpoint * this.bins + b]++;
  }

  /** Row-normalized copy (each row sums to 1; empty rows stay 0), optionally square-rooted. */
  distributions(dir: Direction, sqrt = false): Float32Array {
    return this.normalized(dir === UP ? this.up : this.down, sqrt);
  }

  /** The same for both directions' packets together. */
  totalDistributions(sqrt = false): Float32Array {
    const both = new Float32Array(this.up.length);
    for (let i = 0; i < both.length; i++) both[i] = this.up[i] + this.down[i];
    return this.normalized(both, sqrt);
  }

  private normalized(src: Float32Array, sqrt: boolean): Float32Array {
    const out = new Float32Array(src.length);
    const d = this.bins;
    for (let u = 0; u < this.users; u++) {
      let s = 0;
      for (let b = 0; b < d; b++) s += src[u * d + b];
      if (s === 0) continue;
      for (let b = 0; b < d; b++) {
        const p = src[u * d + b] / s;
        out[u * d + b] = sqrt ? Math.sqrt(p) : p;
      }
    }
    return out;
  }
}

/** Distance between rows i of P and j of Q (length d); an empty row is at the largest distance, 2. */
export function histogramDistance(P: Float32Array, Q: Float32Array, d: number, i: number, j: number, how: "l1" | "chi2"): number {
  const a = i * d;
  const b = j * d;
  let mp = 0;
  let mq = 0;
  let s = 0;
  for (let k = 0; k < d; k++) {
    const p = P[a + k];
    const q = Q[b + k];
    mp += p;
    mq += q;
    if (how === "l1") s += Math.abs(p - q);
    else if (p + q > 0) s += ((p - q) * (p - q)) / (p + q);
  }
  return mp === 0 || mq === 0 ? 2 : s;
}

class SizeHistogramObserver implements Observer {
  readonly tap: SizeHistogram;
  constructor(
    private readonly params: SizeHistogramParams,
    private readonly ctx: ObserverContext,
  ) {
    this.tap = new SizeHistogram(ctx.users, params.bins, params.maxSize);
  }

  score(labels: Labels): TaskScores {
    const p = this.params;
    const d = this.tap.bins;
    const bc = p.distance === "bhattacharyya";
    const how = p.distance === "l1" ? "l1" : "chi2";
    const series = (s: StreamIndex): Float32Array =>
      s === STREAM_UP ? this.tap.distributions(UP, bc) : s === STREAM_DOWN ? this.tap.distributions(DOWN, bc) : this.tap.totalDistributions(bc);
    const kernelOf = (P: Float32Array, Q: Float32Array) => (bc ? correlationKernel(P, Q, d) : pairKernel((i, j) => -histogramDistance(P, Q, d, i, j, how)));
    const plan = rowPairingPlan(p.pairing, series, kernelOf, {
      users: this.tap.users,
      combine: p.combine,
      rng: this.ctx.rng.child("pairing-scale"),
      scaleUsers: p.scaleUsers,
    });
    return linkTaskTerms(labels.pairs(p.task), plan.kernels, plan.terms, {
      task: p.task,
      combine: p.combine,
      block: p.block,
      maxNegatives: p.maxNegatives,
      rng: this.ctx.rng.child("negatives"),
    });
  }
}

export const definition: ObserverDefinition<SizeHistogramParams> = {
  name: "size-histogram",
  summary: "similarity of A's and B's packet-size histograms under every direction pairing (uplink with downlink, uplinks, downlinks, both): the strongest",
  citation: "Coull & Dyer, Traffic Analysis of Encrypted Messaging Services: Apple iMessage and Beyond, ACM CCR 2014 (size side channel)",
  task: "link",
  vantage: "isp",
  vantages: ["local", "isp", "vpn-provider", "vpn-exit", "server", "global"],
  sees: "how many packets of each size each user sent and received over the whole run",
  cannotSee: "when packets were sent, payloads, which packets are padding or cover, the order of sizes",
  schema: sizeHistogramSchema,
  create: (params, ctx) => new SizeHistogramObserver(params, ctx),
};
