/**
 * FRONT — Gong & Wang, "Zero-delay Lightweight Defenses against Website
 * Fingerprinting", USENIX Security 2020 (defenses.md §3.5; reference
 * websitefingerprinting/WebsiteFingerprinting `defenses/front/main.py`).
 *
 * Rule, per trace and independently at each end: draw a padding budget n uniformly from
 * the integers [1, N), a window w uniformly from [W_min, W_max] seconds, and n padding
 * times i.i.d. Rayleigh(σ = w) after the trace start (density (t/w²)·e^(−t²/2w²)); send
 * one padding packet at each. Real packets are never delayed. The Rayleigh shape front-
 * loads the noise: 39.35% of it falls in [0, w], 86.47% in [0, 2w].
 *
 * Messaging adaptation: FRONT was defined per page load. Here a trace starts when a real
 * packet is queued after at least `idleGapSeconds` without one (or at the first real
 * packet); a new trace replaces whatever remains of the previous schedule. The
 * simulation in the paper drops dummies after the last real packet; an online shaper
 * cannot know which packet is last, so the whole schedule plays out. The default gap,
 * 1 s, is the soft-start window of WFDefProxy's FRONT transport (defenses.md §6), taken
 * here as an assumption.
 *
 * Defaults FT-1: N = 1700, W ∈ [1, 14] s [Dg]. Padding packets default to the link MTU
 * (Tor cells are all one size; here a dummy should look like a full real packet).
 *
 * Speed: a trace draws up to N − 1 times but usually plays only the first few before
 * the next trace replaces it, so the schedule is kept as its uniforms, not its times.
 * Inversion t = σ·√(−2 ln(1 − U)) is non-decreasing in U (the generator's U are
 * multiples of 2⁻³², far apart compared with the error of ln), so sorting the U sorts
 * the times, and a time is computed only when it is next to play. The U are grouped by
 * a counting pass on ⌊U·n⌋ (uniform: about one per bucket), and each bucket is sorted
 * only when play reaches it: O(1) amortized per draw, in preallocated typed arrays; one
 * timer plays them out. No allocation per packet.
 *
 * @example
 * // N = 3, W = [1, 1] s: "0 s100" → "0 s100" followed by 1 or 2 padding packets
 * // ("…s1500p") at Rayleigh(1 s) offsets from 0; 39% of such offsets fall below 1 s.
 */
import { z } from "zod";
import type { RandomSource } from "./random.ts";
import { seconds, type Micros } from "../sim/core/time.ts";
import { PADDING } from "../sim/core/kinds.ts";
import { bytes, duration, integer, sizeWithin } from "./params.ts";
import { BaseShaper, type ShaperActions, type ShaperContext, type ShaperDeclaration, type ShaperDefinition, declare } from "./shaper.ts";

const NAME = "front";
const TIMER = 0;

const schema = z
  .object({
    maxPadding: integer({ min: 2, max: 1_000_000 }, "packets").default(1700).describe("N: the padding budget per trace is uniform on the integers [1, N), packets"),
    windowMinSeconds: duration({ max: 3600 }).default(1).describe("W_min: smallest Rayleigh scale of the padding times, seconds"),
    windowMaxSeconds: duration({ max: 3600 }).default(14).describe("W_max: largest Rayleigh scale, seconds (≥ windowMinSeconds)"),
    idleGapSeconds: duration({ zero: true }).default(1).describe("a real packet after this long without one starts a new trace, seconds"),
    paddingBytes: bytes().optional().describe("size of padding packets, bytes (default: the link MTU)"),
  })
  .strict()
  .refine((p) => p.windowMinSeconds <= p.windowMaxSeconds, {
    path: ["windowMaxSeconds"],
    error: (issue) => {
      const p = issue.input as { windowMinSeconds: number; windowMaxSeconds: number };
      return `expected a number >= windowMinSeconds (${p.windowMinSeconds}), got ${p.windowMaxSeconds}`;
    },
  });

export type FrontParams = z.infer<typeof schema>;

const declaration: ShaperDeclaration = declare({ injects: true });

/** P(T ≤ t) for T ~ Rayleigh(σ): 1 − e^(−t²/2σ²). */
export function rayleighCdf(t: number, sigma: number): number {
  return t <= 0 ? 0 : 1 - Math.exp(-(t * t) / (2 * sigma * sigma));
}

/** Scratch for the bucket pass, shared by every FRONT (a trace is drawn and bucketed in one synchronous call). */
let drawn = new Float64Array(0);
let bucketIndex = new Int32Array(0);
let bucketStart = new Int32Array(0);

/** The bucket of a uniform x in [0, 1) among n: ⌊x·n⌋. */
function bucketOf(x: number, n: number): number {
  const b = (x * n) | 0;
  return b < n ? b : n - 1;
}

/**
 * Draws n uniforms from `rng` (in stream order; in one bulk call when the source has
 * `fill`) and writes them to `into[0, n)` grouped by bucket ⌊U·n⌋ in ascending bucket
 * order (a counting sort on the bucket); within a bucket they are in draw order until
 * `Front.sortBucket` sorts them.
 */
function drawBucketed(rng: RandomSource, n: number, into: Float64Array): void {
  if (drawn.length < n) {
    drawn = new Float64Array(n);
    bucketIndex = new Int32Array(n);
    bucketStart = new Int32Array(n + 1);
  }
  const u = drawn;
  const bi = bucketIndex;
  const start = bucketStart;
  if (rng.fill !== undefined) rng.fill(u, n);
  else for (let i = 0; i < n; i++) u[i] = rng.next();
  for (let i = 0; i < n; i++) {
    const b = bucketOf(u[i], n);
    bi[i] = b;
    start[b + 1]++;
  }
  for (let b = 1; b <= n; b++) start[b] += start[b - 1];
  for (let i = 0; i < n; i++) into[start[bi[i]]++] = u[i];
  start.fill(0, 0, n + 1);
}

class Front extends BaseShaper {
  readonly declaration = declaration;
  private readonly rng: RandomSource;
  private readonly maxPadding: number;
  private readonly wMin: number;
  private readonly wMax: number;
  private readonly idleGap: Micros;
  private readonly size: number;
  /**
   * The current trace's uniforms, grouped by bucket in ascending bucket order; entries
   * [0, sorted) are sorted (a bucket is sorted when play reaches it); entries
   * [next, count) are still to play.
   */
  private readonly draws: Float64Array;
  private count = 0;
  private sorted = 0;
  private next = 0;
  /** Time of entry `next` (valid while next < count). */
  private nextAt: Micros = 0;
  private origin: Micros = 0;
  private sigma = 0;
  private lastReal: Micros = -Infinity;
  /** Window w (seconds) of the current trace, for tests and reports. */
  window = Number.NaN;

  constructor(p: FrontParams, ctx: ShaperContext) {
    super();
    this.rng = ctx.rng;
    this.maxPadding = p.maxPadding;
    this.wMin = p.windowMinSeconds;
    this.wMax = p.windowMaxSeconds;
    this.idleGap = seconds(p.idleGapSeconds);
    this.size = sizeWithin(NAME, "paddingBytes", p.paddingBytes, ctx.mtu);
    this.draws = new Float64Array(p.maxPadding - 1);
  }

  override onQueued(now: Micros, _size: number, out: ShaperActions): void {
    const gap = now - this.lastReal;
    this.lastReal = now;
    // the trace starts at `lastReal` (now): a µs time passed to a call V8 does not inline is boxed
    if (gap >= this.idleGap) this.startTrace(out);
  }

  override onTimer(now: Micros, _id: number, out: ShaperActions): void {
    while (this.next < this.count && this.nextAt <= now) {
      const k = ++this.next;
      if (k < this.count) {
        if (k === this.sorted) this.sortBucket();
        // `timeOf(k)` written out: a double returned from a call V8 does not inline is boxed
        this.nextAt = this.origin + Math.round(this.sigma * Math.sqrt(-2 * Math.log(1 - this.draws[k])));
      }
      out.sendPadding(this.size, PADDING);
    }
    if (this.next < this.count) out.setTimer(TIMER, this.nextAt);
  }

  /** Sorts the next bucket in place (entries [sorted, end of its bucket)): then they are final. */
  private sortBucket(): void {
    const d = this.draws;
    const n = this.count;
    const first = this.sorted;
    const b = bucketOf(d[first], n);
    let end = first + 1;
    while (end < n && bucketOf(d[end], n) === b) end++;
    for (let i = first + 1; i < end; i++) {
      const x = d[i];
      let j = i - 1;
      while (j >= first && d[j] > x) {
        d[j + 1] = d[j];
        j--;
      }
      d[j + 1] = x;
    }
    this.sorted = end;
  }

  /** The padding time of sorted entry k: the trace start plus Rayleigh(σ) by inversion, as the lab's `Rng.rayleigh` computes it. */
  private timeOf(k: number): Micros {
    return this.origin + Math.round(this.sigma * Math.sqrt(-2 * Math.log(1 - this.draws[k])));
  }

  /** Starts a trace at the real packet just queued (`lastReal`). */
  private startTrace(out: ShaperActions): void {
    const rng = this.rng;
    const n = rng.int(1, this.maxPadding);
    const w = rng.uniform(this.wMin, this.wMax);
    drawBucketed(rng, n, this.draws);
    this.origin = this.lastReal;
    this.sigma = w * 1e6;
    this.count = n;
    this.sorted = 0;
    this.next = 0;
    this.sortBucket();
    this.nextAt = this.timeOf(0);
    this.window = w;
    out.setTimer(TIMER, this.nextAt);
  }
}

export const definition: ShaperDefinition<FrontParams> = {
  name: NAME,
  summary: "FRONT: per trace, n ~ U[1, N) padding packets at Rayleigh(w) times, w ~ U[W_min, W_max]; zero delay",
  citation: "Gong & Wang, Zero-delay Lightweight Defenses against Website Fingerprinting, USENIX Security 2020",
  schema,
  declaration,
  create: (p, ctx) => new Front(p, ctx),
};
