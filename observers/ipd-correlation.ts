/**
 * Inter-packet-delay (IPD) correlation — the classic timing correlator of the flow-
 * correlation literature (reference §2.1 "Inter-packet-delay correlation"; DeepCorr,
 * Nasr, Bahramali, Houmansadr, CCS 2018, feeds the first ℓ = 300 IPDs of each flow to
 * its network [C], the window this observer keeps by default).
 *
 * Rule (link task): keep the times of the first `packets` packets of each user and
 * direction. Turn each into the sequence of log inter-packet delays
 * log(1 + Δt / 1 ms), standardize it over its own length, and zero-fill the rest of a
 * fixed-length row. The directed score s(A → B) is the dot product of A's uplink row
 * with B's downlink row (Pearson's r when both have the full number of packets; over
 * their common prefix otherwise); the pair's score combines both directions. That is
 * `pairing: "up-down"`; the other pairings (direction-pairing.ts) compare A's uplink
 * with B's uplink, the downlinks, or the first packets of each link in both directions
 * together, and the default `strongest` takes per pair the largest of the four, each
 * standardized over all pairs. Streams with fewer than `minPackets` delays score 0. Only packets larger than `minSize`
 * bytes count, so tiny acknowledgements can be filtered out.
 *
 * Memory is users × 2 × `packets` times, fixed at construction; the tap is O(1).
 *
 * @example
 * const obs = definition.create(definition.schema.parse({ packets: 300 }), ctx);
 * const scores = obs.score(labels);
 */
import { z } from "zod";
import { checkCells } from "./binned-volume.ts";
import type { Observer, ObserverContext, ObserverDefinition, TaskScores, Tap } from "./observer.ts";
import type { Labels } from "./labels.ts";
import { pairTaskParam } from "./pair-task-param.ts";
import { linkTaskTerms } from "./link-task.ts";
import { pairingParam, rowPairingPlan, scaleUsersParam, STREAM_DOWN, STREAM_UP, type StreamIndex } from "./direction-pairing.ts";
import { correlationKernel } from "./pair-kernels.ts";
import type { Micros } from "../sim/core/time.ts";
import { MILLISECOND } from "../sim/core/time.ts";
import { DOWN, UP, type Direction } from "../sim/core/kinds.ts";

export const ipdCorrelationSchema = z
  .object({
    packets: z.number().int().min(3).max(100_000).meta({ unit: "packets" }).default(300).describe("packets kept per user and direction (DeepCorr ℓ = 300)"),
    minPackets: z.number().int().min(2).meta({ unit: "inter-packet delays" }).default(20).describe("streams with fewer inter-packet delays score 0"),
    minSize: z.number().int().min(0).meta({ unit: "bytes" }).default(0).describe("ignore packets of this many bytes or fewer"),
    combine: z.enum(["mean", "max"]).default("mean").describe("how the two directions' correlations make the pair's score: their mean or the larger"),
    pairing: pairingParam,
    scaleUsers: scaleUsersParam,
    maxNegatives: z.number().int().positive().meta({ unit: "pairs" }).default(2_000_000).describe("keep at most this many negative pairs (seeded sample)"),
    block: z.number().int().min(4).max(1024).meta({ unit: "rows" }).default(64).describe("rows per cache block of the all-pairs scorer"),
    task: pairTaskParam,
  })
  .strict();

export type IpdCorrelationParams = z.infer<typeof ipdCorrelationSchema>;

/** Keeps the first K packet times of each user and direction (stream s = user·2 + dir). */
export class FirstPackets implements Tap {
  readonly users: number;
  readonly k: number;
  readonly minSize: number;
  readonly times: Float64Array;
  readonly counts: Int32Array;

  constructor(users: number, k: number, minSize = 0) {
    checkCells("ipd correlation", users, 2 * k);
    this.users = users;
    this.k = k;
    this.minSize = minSize;
    this.times = new Float64Array(users * 2 * k);
    this.counts = new Int32Array(users * 2);
  }

  packet(endpoint: number, time: Micros, size: number, dir: Direction): void {
    if (size <= this.minSize || endpoint < 0 || endpoint >= this.users) return;
    const s = endpoint * 2 + dir;
    const c = this.counts[s];
    if (c < this.k) {
      this.times[s * this.k + c] = time;
      this.counts[s] = c + 1;
    }
  }

  /**
   * Rows of K − 1 standardized log-IPDs for one direction (users × (K − 1)): each
   * stream standardized over the delays it has, zero beyond them; zero rows for streams
   * with fewer than `minDelays` delays.
   */
  ipdRows(dir: Direction, minDelays: number): Float32Array {
    const M = new Float32Array(this.users * (this.k - 1));
    for (let u = 0; u < this.users; u++) {
      const s = u * 2 + dir;
      ipdRow(this.times, s * this.k, this.counts[s], minDelays, M, u * (this.k - 1));
    }
    return M;
  }

  /**
   * The same rows for both directions together: the first K packets of the user's link
   * whichever way they went (the two directions' first K, merged in time order).
   */
  totalIpdRows(minDelays: number): Float32Array {
    const { k, users, times, counts } = this;
    const M = new Float32Array(users * (k - 1));
    const merged = new Float64Array(k);
    for (let u = 0; u < users; u++) {
      const a = (u * 2 + UP) * k;
      const b = (u * 2 + DOWN) * k;
      const na = counts[u * 2 + UP];
      const nb = counts[u * 2 + DOWN];
      let i = 0;
      let j = 0;
      let m = 0;
      while (m < k && (i < na || j < nb)) merged[m++] = j >= nb || (i < na && times[a + i] <= times[b + j]) ? times[a + i++] : times[b + j++];
      ipdRow(merged, 0, m, minDelays, M, u * (k - 1));
    }
    return M;
  }
}

let logIpd = new Float64Array(0);

/**
 * Writes the standardized log-IPDs of `count` times from `times[t0]` into M from `o` (left
 * zero below `minDelays` delays). Centred and scaled in double precision before the
 * Float32 store, with a floor relative to the mean: a constant stream (a constant-rate
 * link) becomes a zero row, which correlates 0 with everything, not a row of equal
 * values left by Float32 rounding.
 */
function ipdRow(times: Float64Array, t0: number, count: number, minDelays: number, M: Float32Array, o: number): void {
  const m = count - 1;
  if (m < minDelays) return;
  if (logIpd.length < m) logIpd = new Float64Array(m);
  let sum = 0;
  for (let i = 0; i < m; i++) {
    const v = Math.log1p((times[t0 + i + 1] - times[t0 + i]) / MILLISECOND);
    logIpd[i] = v;
    sum += v;
  }
  const mean = sum / m;
  let ss = 0;
  for (let i = 0; i < m; i++) ss += (logIpd[i] - mean) ** 2;
  if (!(ss > 1e-12 * (mean * mean * m + 1e-30))) return;
  const scale = 1 / Math.sqrt(ss);
  for (let i = 0; i < m; i++) M[o + i] = (logIpd[i] - mean) * scale;
}

class IpdCorrelationObserver implements Observer {
  readonly tap: FirstPackets;
  constructor(
    private readonly params: IpdCorrelationParams,
    private readonly ctx: ObserverContext,
  ) {
    this.tap = new FirstPackets(ctx.users, params.packets, params.minSize);
  }

  score(labels: Labels): TaskScores {
    const p = this.params;
    const d = p.packets - 1;
    const series = (s: StreamIndex): Float32Array =>
      s === STREAM_UP ? this.tap.ipdRows(UP, p.minPackets) : s === STREAM_DOWN ? this.tap.ipdRows(DOWN, p.minPackets) : this.tap.totalIpdRows(p.minPackets);
    const plan = rowPairingPlan(p.pairing, series, (X, Y) => correlationKernel(X, Y, d), {
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

export const definition: ObserverDefinition<IpdCorrelationParams> = {
  name: "ipd-correlation",
  summary: "correlation of the log inter-packet delays of A's first packets with B's, under every direction pairing (uplink with downlink, uplinks, downlinks, both): the strongest",
  citation: "Flow correlation on inter-packet delays (reference §2.1); window of ℓ = 300 packets as in DeepCorr, Nasr et al., CCS 2018",
  task: "link",
  vantage: "isp",
  vantages: ["local", "isp", "vpn-provider", "vpn-exit", "server", "global"],
  sees: "the arrival times of the first packets of each user's uplink and downlink",
  cannotSee: "payloads, packet sizes (beyond the size filter), anything after the first packets, which packets are padding or cover",
  schema: ipdCorrelationSchema,
  create: (params, ctx) => new IpdCorrelationObserver(params, ctx),
};
