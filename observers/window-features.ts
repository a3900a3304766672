/**
 * Window features — per user and fixed time window, the statistics a passive observer of
 * an access link would hand a classifier to tell real communication from background and
 * cover: volume, peak and burstiness over sub-bins, packet-size mix and inter-packet
 * gaps, for each direction. The website-fingerprinting and activity-inference
 * literature uses the same families of per-window statistics (volume, packet-size
 * distribution, timing): Panchenko et al., "Website Fingerprinting at Internet Scale",
 * NDSS 2016 (cumulative sizes and counts); Hayes & Danezis, "k-fingerprinting", USENIX
 * Security 2016 (per-window counts, size and inter-arrival statistics); Bahramali et al.,
 * NDSS 2020 §1 (the messaging observer sees sizes and times only).
 *
 * Vantage: a user's access link. Sees, per packet, the user, time, wire size and
 * direction. Cannot see which packets are cover or padding, payloads, or peers.
 *
 * Memory is fixed when the tap is built: `STATS` doubles per user, direction and window,
 * plus `subBins` doubles per user and window, whatever the number of packets; the tap is
 * O(1) and allocation-free. A gap is the time since the previous packet of the same
 * user and direction (across window edges), so a window's gap statistics describe its
 * own packets' spacing.
 *
 * @example
 * const wf = new WindowFeatureTap({ users: 2, start: 0, end: seconds(120), window: seconds(60), subBins: 6 });
 * wf.packet(0, seconds(61), 1400, UP);
 * windowFeatureRows(wf)[0 * wf.windows + 1]; // user 0, window 1: its feature row (FEATURE_NAMES order)
 */
import type { Tap } from "./observer.ts";
import type { Micros } from "../sim/core/time.ts";
import { DOWN, UP, type Direction } from "../sim/core/kinds.ts";

/** Per direction and window: the accumulated statistics, in this order. */
const BYTES = 0;
const PACKETS = 1;
const SIZE_SQ = 2;
const SMALL = 3; // packets of < 200 B (ACKs, texts, most control traffic)
const LARGE = 4; // packets of ≥ 1200 B (full segments: media and file transfers)
const GAPS = 5; // gaps counted
const LOG_GAP = 6; // Σ log10(gap in ms + 0.001)
const LOG_GAP_SQ = 7;
const MIN_GAP = 8; // smallest gap, ms (Infinity until one is seen)
const STATS = 9;

/** The names of a window's features, in row order. */
export const WINDOW_FEATURES: readonly string[] = [
  ...["up", "down"].flatMap((d) => [
    `log-bytes:${d}`,
    `log-packets:${d}`,
    `mean-size:${d}`,
    `size-sd:${d}`,
    `small-share:${d}`,
    `large-share:${d}`,
    `mean-log-gap:${d}`,
    `log-gap-sd:${d}`,
    `log-min-gap:${d}`,
    `log-bytes-vs-usual:${d}`,
  ]),
  "log-peak-sub-bin",
  "log-peak-vs-usual",
  "sub-bin-cv",
  "busy-sub-bin-share",
  "log-bytes-previous-window",
  "log-bytes-next-window",
];

export interface WindowFeatureOptions {
  readonly users: number;
  readonly start: Micros;
  readonly end: Micros;
  /** Window length (µs); a multiple of `subBins` µs. */
  readonly window: Micros;
  readonly subBins: number;
}

export class WindowFeatureTap implements Tap {
  readonly users: number;
  readonly start: Micros;
  readonly window: Micros;
  readonly windows: number;
  readonly subBins: number;
  private readonly subWidth: Micros;
  /** stats[((u · 2 + dir) · windows + w) · STATS + k]. */
  readonly stats: Float64Array;
  /** sub[(u · windows + w) · subBins + b]: bytes of both directions. */
  readonly sub: Float64Array;
  /** The previous packet's time per user and direction (−1: none yet). */
  private readonly last: Float64Array;

  constructor(o: WindowFeatureOptions) {
    if (!(o.window > 0) || !(o.subBins >= 1) || o.window % o.subBins !== 0) {
      throw new RangeError(`window features: window ${o.window} µs is not a positive multiple of subBins ${o.subBins}`);
    }
    this.users = o.users;
    this.start = o.start;
    this.window = o.window;
    this.subBins = o.subBins;
    this.subWidth = o.window / o.subBins;
    this.windows = Math.max(1, Math.ceil((o.end - o.start) / o.window));
    this.stats = new Float64Array(o.users * 2 * this.windows * STATS);
    for (let i = MIN_GAP; i < this.stats.length; i += STATS) this.stats[i] = Infinity;
    this.sub = new Float64Array(o.users * this.windows * o.subBins);
    this.last = new Float64Array(o.users * 2).fill(-1);
  }

  packet(endpoint: number, time: Micros, size: number, dir: Direction): void {
    if (endpoint < 0 || endpoint >= this.users) return;
    const rel = time - this.start;
    const w = Math.floor(rel / this.window);
    if (rel < 0 || w >= this.windows) return;
    const base = ((endpoint * 2 + dir) * this.windows + w) * STATS;
    const s = this.stats;
    s[base + BYTES] += size;
    s[base + PACKETS] += 1;
    s[base + SIZE_SQ] += size * size;
    if (size < 200) s[base + SMALL] += 1;
    else if (size >= 1200) s[base + LARGE] += 1;
    const li = endpoint * 2 + dir;
    const prev = this.last[li];
    if (prev >= 0 && time >= prev) {
      const gapMs = (time - prev) / 1000;
      const lg = Math.log10(gapMs + 0.001);
      s[base + GAPS] += 1;
      s[base + LOG_GAP] += lg;
      s[base + LOG_GAP_SQ] += lg * lg;
      if (gapMs < s[base + MIN_GAP]) s[base + MIN_GAP] = gapMs;
    }
    this.last[li] = time;
    const b = Math.min(this.subBins - 1, Math.floor((rel - w * this.window) / this.subWidth));
    this.sub[(endpoint * this.windows + w) * this.subBins + b] += size;
  }
}

function medianOf(values: Float64Array): number {
  const s = Float64Array.from(values).sort();
  const n = s.length;
  return n % 2 === 1 ? s[n >> 1] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/**
 * The feature row of every (user, window), user after user (`WINDOW_FEATURES` order).
 * "Usual" is the user's median over the run's windows: the observer's model of that
 * user's idle pattern, from the same traffic it scores (as the naive detector's).
 */
export function windowFeatureRows(tap: WindowFeatureTap): number[][] {
  const { users, windows: W, subBins: K, stats: s, sub } = tap;
  const rows: number[][] = new Array(users * W);
  const logBytes = [new Float64Array(W), new Float64Array(W)];
  const peaks = new Float64Array(W);
  const subAll = new Float64Array(W * K);
  for (let u = 0; u < users; u++) {
    for (const d of [UP, DOWN]) for (let w = 0; w < W; w++) logBytes[d][w] = Math.log1p(s[((u * 2 + d) * W + w) * STATS + BYTES]);
    for (let w = 0; w < W; w++) {
      let mx = 0;
      for (let b = 0; b < K; b++) {
        const v = sub[(u * W + w) * K + b];
        subAll[w * K + b] = v;
        if (v > mx) mx = v;
      }
      peaks[w] = Math.log1p(mx);
    }
    const usual = [medianOf(logBytes[UP]), medianOf(logBytes[DOWN])];
    const usualSub = Math.log1p(medianOf(subAll));
    for (let w = 0; w < W; w++) {
      const row: number[] = [];
      for (const d of [UP, DOWN]) {
        const o = ((u * 2 + d) * W + w) * STATS;
        const n = s[o + PACKETS];
        const mean = n > 0 ? s[o + BYTES] / n : 0;
        const g = s[o + GAPS];
        const mg = g > 0 ? s[o + LOG_GAP] / g : 6; // no gap in the window: 10^6 ms, "idle"
        row.push(
          logBytes[d][w],
          Math.log1p(n),
          mean,
          n > 0 ? Math.sqrt(Math.max(0, s[o + SIZE_SQ] / n - mean * mean)) : 0,
          n > 0 ? s[o + SMALL] / n : 0,
          n > 0 ? s[o + LARGE] / n : 0,
          mg,
          g > 1 ? Math.sqrt(Math.max(0, s[o + LOG_GAP_SQ] / g - mg * mg)) : 0,
          g > 0 ? Math.log10(s[o + MIN_GAP] + 0.001) : 6,
          logBytes[d][w] - usual[d],
        );
      }
      let sum = 0;
      let ss = 0;
      let busy = 0;
      for (let b = 0; b < K; b++) {
        const v = sub[(u * W + w) * K + b];
        sum += v;
        ss += v * v;
        if (v > 0) busy++;
      }
      const m = sum / K;
      const both = (x: number) => Math.log1p(Math.expm1(logBytes[UP][x]) + Math.expm1(logBytes[DOWN][x]));
      row.push(
        peaks[w],
        peaks[w] - usualSub,
        m > 0 ? Math.sqrt(Math.max(0, ss / K - m * m)) / m : 0,
        busy / K,
        w > 0 ? both(w - 1) : 0,
        w + 1 < W ? both(w + 1) : 0,
      );
      rows[u * W + w] = row;
    }
  }
  return rows;
}
