/**
 * WTF-PAD adaptive padding — Juarez, Imani, Perry, Diaz, Wright, "Toward an Efficient
 * Website Fingerprinting Defense", ESORICS 2016, after Shmatikov & Wang's adaptive
 * padding (ESORICS 2006). Reference: wtfpad/wtfpad `src/adaptive.py`, `src/histograms.py`,
 * `config.ini` (defenses.md §3.4).
 *
 * Rule: a three-state machine per direction (WAIT, BURST, GAP) with one inter-arrival
 * histogram per state. A real packet sent in WAIT enters BURST. On every event (a packet
 * sent, or — with `reactToReceived` — received) in BURST or GAP, sample a timeout from
 * that state's histogram (the "receive" variant after a received packet). If the next
 * event comes first, the timeout is cancelled (with `removeTokens`, a token for the
 * observed gap is taken out of the histogram, refilled when empty). If the timeout fires,
 * send one padding packet; BURST moves to GAP, and GAP samples again, so fake bursts
 * follow the GAP histogram. Sampling the infinity bin ends the fake activity: BURST →
 * WAIT, GAP → BURST. With `stopOnReal`, a real packet sent in GAP returns to WAIT (as the
 * reference simulator does). Real packets are never delayed.
 *
 * Histograms as in the reference: 30 bins with edges 0, 10/2^29, …, 10/2, 10 s, filled
 * with the mass of Normal(mean, sd) from 10,000 draws (here the expected counts, from the
 * normal CDF, instead of a random sample), sampled uniformly within a bin, plus an
 * infinity bin: for BURST ⌈tokens/p⌉ tokens, for GAP ⌈tokens/(N − 1)⌉ so fake bursts
 * last N packets on average. Defaults: the `normal_rcv` configuration of the paper's
 * experiments [R]; the device side uses the client histograms, the server side the
 * server ones. Padding packets default to the link MTU (the reference rewrites every
 * packet to its 1443-byte MTU constant).
 *
 * @example
 * // A real packet at 0 in WAIT: BURST samples Normal(1.56 ms, 52.3 ms) from the client
 * // send-burst histogram; with probability ≈ 1/10 it draws infinity and stays silent,
 * // otherwise a padding packet follows unless another packet is sent first.
 */
import { errorFunction } from "simple-statistics";
import { z } from "zod";
import type { RandomSource } from "./random.ts";
import type { Micros } from "../sim/core/time.ts";
import { PADDING, REAL, type Kind } from "../sim/core/kinds.ts";
import { bytes, flag, number, sizeWithin } from "./params.ts";
import { BaseShaper, type ShaperActions, type ShaperContext, type ShaperDeclaration, type ShaperDefinition, declare } from "./shaper.ts";

const NAME = "adaptive-padding";
const TIMER = 0;

/** Histogram bins: edges in seconds 0, 10/2^29, …, 10 (the reference's exponential bins). */
export const BIN_COUNT = 30;
export const BIN_EDGES_SECONDS: Float64Array = (() => {
  const e = new Float64Array(BIN_COUNT + 1);
  for (let k = 1; k <= BIN_COUNT; k++) e[k] = 10 / 2 ** (BIN_COUNT - k);
  return e;
})();
const EDGES_US = BIN_EDGES_SECONDS.map((s) => s * 1e6);
/** Index of the infinity bin in a token array. */
export const INF_BIN = BIN_COUNT;
/** Draws the reference turns into a histogram. */
const DRAWS = 10_000;

const WAIT = 0;
const BURST = 1;
const GAP = 2;
const SEND = 0;
const RECEIVE = 1;

export interface DistributionSpec {
  /** BURST: p, infinity tokens ⌈tokens/p⌉; GAP: N, the mean fake-burst length in packets. */
  infinity: number;
  /** Mean and standard deviation of the normal inter-arrival time, seconds. */
  mean: number;
  sd: number;
}

function normalCdf(x: number, mean: number, sd: number): number {
  return 0.5 * (1 + errorFunction((x - mean) / (sd * Math.SQRT2)));
}

const templates = new Map<string, Int32Array>();

/**
 * The token counts of one histogram: bins 0…29 hold the expected number of 10,000
 * Normal(mean, sd) draws in [edge_k, edge_k+1), bin 30 the infinity tokens.
 */
export function histogramTokens(kind: "burst" | "gap", spec: DistributionSpec): Int32Array {
  const key = `${kind}|${spec.infinity}|${spec.mean}|${spec.sd}`;
  const cached = templates.get(key);
  if (cached) return cached;
  const t = new Int32Array(BIN_COUNT + 1);
  let other = 0;
  let below = normalCdf(0, spec.mean, spec.sd);
  for (let k = 0; k < BIN_COUNT; k++) {
    const above = normalCdf(BIN_EDGES_SECONDS[k + 1], spec.mean, spec.sd);
    t[k] = Math.round(DRAWS * (above - below));
    other += t[k];
    below = above;
  }
  const divisor = kind === "burst" ? spec.infinity : spec.infinity - 1;
  t[INF_BIN] = other === 0 ? 1 : Math.ceil(other / divisor);
  templates.set(key, t);
  return t;
}

function dist(kind: "burst" | "gap", d: DistributionSpec) {
  return z
    .object({
      infinity: (kind === "burst"
        ? number({ gt: 0, max: 1e6 }, "ratio").describe("p: the infinity bin holds ⌈tokens/p⌉ tokens, so about 1 draw in p+1 ends the burst (a ratio)")
        : number({ gt: 1, max: 1e6 }, "packets").describe("N: mean length of a fake burst, packets (the infinity bin holds ⌈tokens/(N − 1)⌉ tokens)")
      ).default(d.infinity),
      mean: number({ min: 0, max: 10 }, "seconds").default(d.mean).describe("mean of the normal law the histogram is filled from, seconds"),
      sd: number({ gt: 0, max: 10 }, "seconds").default(d.sd).describe("standard deviation of that normal law, seconds"),
    })
    .strict()
    .prefault({})
    .describe(kind === "burst" ? "histogram of timeouts sampled in BURST" : "histogram of timeouts sampled in GAP");
}

/** wtfpad/wtfpad config.ini [normal_rcv] (defenses.md §3.4 [R]). */
export const NORMAL_RCV = {
  client: {
    sendBurst: { infinity: 9, mean: 0.001564159, sd: 0.052329599 },
    sendGap: { infinity: 21, mean: 0.06129599, sd: 0.03995375 },
    receiveBurst: { infinity: 9, mean: 0.0000128746, sd: 0.0009227229 },
    receiveGap: { infinity: 21, mean: 0.0001368523, sd: 0.000923319 },
  },
  server: {
    sendBurst: { infinity: 19, mean: 0.00003600121, sd: 0.02753485 },
    sendGap: { infinity: 34, mean: 0.01325997, sd: 0.0973761 },
    receiveBurst: { infinity: 19, mean: 0.000004053116, sd: 0.01264329 },
    receiveGap: { infinity: 34, mean: 0.01325997, sd: 0.0126454036 },
  },
} as const;

function endpoint(d: (typeof NORMAL_RCV)["client" | "server"]) {
  return z
    .object({
      sendBurst: dist("burst", d.sendBurst).describe("BURST histogram after a sent packet"),
      sendGap: dist("gap", d.sendGap).describe("GAP histogram after a sent packet"),
      receiveBurst: dist("burst", d.receiveBurst).describe("BURST histogram after a received packet (reactToReceived)"),
      receiveGap: dist("gap", d.receiveGap).describe("GAP histogram after a received packet (reactToReceived)"),
    })
    .strict()
    .prefault({});
}

const schema = z
  .object({
    client: endpoint(NORMAL_RCV.client).describe("histograms used on the device (client) side"),
    server: endpoint(NORMAL_RCV.server).describe("histograms used on the server side"),
    removeTokens: flag().default(true).describe("take a token out of a histogram for every observed gap (reference default true)"),
    stopOnReal: flag().default(true).describe("a real packet sent during a fake burst returns the machine to WAIT"),
    reactToReceived: flag().default(true).describe("also sample timeouts after received packets, from the receive histograms"),
    paddingBytes: bytes().optional().describe("size of padding packets, bytes (default: the link MTU)"),
  })
  .strict();

export type AdaptivePaddingParams = z.infer<typeof schema>;

const declaration: ShaperDeclaration = declare({ injects: true, listensToReceive: true });

/** Histogram slots: state (BURST/GAP) × trigger (send/receive). */
const slot = (state: number, on: number): number => (state === BURST ? 0 : 2) + on;

class AdaptivePadding extends BaseShaper {
  readonly declaration: ShaperDeclaration;
  private readonly rng: RandomSource;
  private readonly size: number;
  private readonly removeTokens: boolean;
  private readonly stopOnReal: boolean;
  /** Four histograms (burst-send, burst-receive, gap-send, gap-receive), 31 bins each. */
  private readonly tokens = new Int32Array(4 * (BIN_COUNT + 1));
  private readonly totals = new Int32Array(4);
  /** Per histogram, the first bin (0…30) holding a token: bins below it are empty and skipped. */
  private readonly lowest = new Int32Array(4);
  private readonly templates: Int32Array[];
  private state = WAIT;
  private pending = -1;
  private armedAt: Micros = 0;
  private firesAt: Micros = 0;

  constructor(p: AdaptivePaddingParams, ctx: ShaperContext) {
    super();
    this.rng = ctx.rng;
    this.size = sizeWithin(NAME, "paddingBytes", p.paddingBytes, ctx.mtu);
    this.removeTokens = p.removeTokens;
    this.stopOnReal = p.stopOnReal;
    this.declaration = p.reactToReceived ? declaration : { ...declaration, listensToReceive: false };
    const e = ctx.side === "device" ? p.client : p.server;
    this.templates = [
      histogramTokens("burst", e.sendBurst),
      histogramTokens("burst", e.receiveBurst),
      histogramTokens("gap", e.sendGap),
      histogramTokens("gap", e.receiveGap),
    ];
    for (let h = 0; h < 4; h++) this.refill(h);
  }

  override onSent(now: Micros, _size: number, kind: Kind, out: ShaperActions): void {
    if (kind !== REAL) return; // our own padding is handled where it is sent
    if (this.state === WAIT) this.state = BURST;
    else if (this.state === GAP && this.stopOnReal) this.state = WAIT;
    this.event(now, SEND, out);
  }

  override onReceived(now: Micros, _size: number, _kind: Kind, out: ShaperActions): void {
    this.event(now, RECEIVE, out);
  }

  override onTimer(now: Micros, _id: number, out: ShaperActions): void {
    const h = this.pending;
    if (h < 0) return;
    this.pending = -1;
    if (this.removeTokens) this.removeToken(h, this.firesAt - this.armedAt);
    if (this.state === BURST) this.state = GAP;
    out.sendPadding(this.size, PADDING);
    this.arm(now, SEND, out);
  }

  private event(now: Micros, on: number, out: ShaperActions): void {
    if (this.pending >= 0) {
      if (this.removeTokens) this.removeToken(this.pending, now - this.armedAt);
      this.pending = -1;
      out.cancelTimer(TIMER);
    }
    this.arm(now, on, out);
  }

  private arm(now: Micros, on: number, out: ShaperActions): void {
    if (this.state === WAIT) return;
    const h = slot(this.state, on);
    const timeout = this.sample(h);
    if (timeout < 0) {
      this.state = this.state === BURST ? WAIT : BURST;
      return;
    }
    this.pending = h;
    this.armedAt = now;
    this.firesAt = now + timeout;
    out.setTimer(TIMER, this.firesAt);
  }

  /** A timeout in µs from histogram h, or −1 for the infinity bin. */
  private sample(h: number): number {
    const base = h * (BIN_COUNT + 1);
    let r = Math.floor(this.rng.next() * this.totals[h]);
    let k = this.lowest[h]; // empty bins below would not change r
    for (; k < BIN_COUNT; k++) {
      r -= this.tokens[base + k];
      if (r < 0) break;
    }
    if (k === BIN_COUNT) return -1;
    const lo = EDGES_US[k];
    return Math.round(lo + (EDGES_US[k + 1] - lo) * this.rng.next());
  }

  /** Takes one token for a gap of `gap` µs: its bin, else the nearest non-empty bin below, else above. */
  private removeToken(h: number, gap: Micros): void {
    const base = h * (BIN_COUNT + 1);
    const t = this.tokens;
    // k: how many of the edges 1…30 are <= gap (the edges ascend), by bisection
    let k = 0;
    let hi = BIN_COUNT;
    while (k < hi) {
      const mid = (k + hi + 1) >> 1;
      if (gap >= EDGES_US[mid]) k = mid;
      else hi = mid - 1;
    }
    const lowest = this.lowest[h];
    let j: number;
    if (k >= lowest) {
      j = k;
      while (t[base + j] === 0) j--; // stops at `lowest` at the latest
    } else {
      j = lowest; // every bin from k up to `lowest` is empty
      if (j > BIN_COUNT) return;
    }
    if (--t[base + j] === 0 && j === lowest) {
      let l = lowest + 1;
      while (l <= BIN_COUNT && t[base + l] === 0) l++;
      this.lowest[h] = l;
    }
    if (--this.totals[h] === 0) this.refill(h);
  }

  private refill(h: number): void {
    const template = this.templates[h];
    this.tokens.set(template, h * (BIN_COUNT + 1));
    let total = 0;
    for (let k = 0; k <= BIN_COUNT; k++) total += template[k];
    this.totals[h] = total;
    let l = 0;
    while (l <= BIN_COUNT && template[l] === 0) l++;
    this.lowest[h] = l;
  }
}

export const definition: ShaperDefinition<AdaptivePaddingParams> = {
  name: NAME,
  summary: "WTF-PAD: BURST/GAP adaptive padding from inter-arrival histograms (normal_rcv defaults); zero delay",
  citation: "Juarez, Imani, Perry, Diaz, Wright, Toward an Efficient Website Fingerprinting Defense, ESORICS 2016",
  schema,
  declaration,
  create: (p, ctx) => new AdaptivePadding(p, ctx),
};
