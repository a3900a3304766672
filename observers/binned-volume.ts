/**
 * Binned volume — the windowed-count feature of Levine, Reiter, Wang, Wright, "Timing
 * Attacks in Low-Latency Mix Systems", FC 2004, and Shmatikov & Wang, "Timing Analysis
 * in Low-Latency Mix Networks", ESORICS 2006: cut time into fixed windows and count what
 * each endpoint sends and receives in each.
 *
 * Rule: a packet of `size` bytes seen at time t on endpoint u, direction d, adds `size`
 * (or 1 when counting packets) to cell ⌊(t − start) / binWidth⌋ of row u of the
 * direction-d matrix. Packets before `start` or at/after `end` are ignored.
 *
 * Memory is fixed when the extractor is built: two Float32Array matrices of
 * users × bins (row-major, one row per user), whatever the number of packets. The tap
 * is O(1) and allocation-free. Several observers share this extractor (volume and
 * lagged correlation, the activity detector, the learned classifier).
 *
 * @example
 * const v = new BinnedVolume({ users: 2, start: 0, end: seconds(30), binWidth: seconds(10) });
 * v.packet(1, seconds(12), 1200, UP);
 * v.row(UP, 1) // => Float32Array [0, 1200, 0]
 */
import type { Tap } from "./observer.ts";
import type { Micros } from "../sim/core/time.ts";
import { UP, type Direction } from "../sim/core/kinds.ts";

export type VolumeMeasure = "bytes" | "packets";

export interface BinnedVolumeOptions {
  readonly users: number;
  readonly start: Micros;
  readonly end: Micros;
  /** Bin width in µs (a positive integer). */
  readonly binWidth: Micros;
  /** Sum bytes (default) or count packets. */
  readonly measure?: VolumeMeasure;
  /** Refuse to allocate more than this many cells per direction (default 2^26 ≈ 67 M, 256 MiB). */
  readonly maxCells?: number;
}

export const DEFAULT_MAX_CELLS = 2 ** 26;

/** Number of bins of width `binWidth` that cover [start, end): at least 1. */
export function binCount(start: Micros, end: Micros, binWidth: Micros): number {
  return Math.max(1, Math.ceil((end - start) / binWidth));
}

/** Checks a users × bins allocation against a cap before any memory is taken. */
export function checkCells(component: string, users: number, bins: number, maxCells = DEFAULT_MAX_CELLS): void {
  if (!Number.isSafeInteger(users) || users < 1) throw new RangeError(`${component}: users = ${users}, expected a positive integer`);
  if (users * bins > maxCells) {
    throw new RangeError(
      `${component}: ${users} users × ${bins} bins = ${users * bins} cells per direction exceeds the limit of ${maxCells}; use wider bins or fewer users`,
    );
  }
}

export class BinnedVolume implements Tap {
  readonly users: number;
  readonly bins: number;
  readonly start: Micros;
  readonly end: Micros;
  readonly binWidth: Micros;
  readonly measure: VolumeMeasure;
  /** Uplink volume, users × bins, row-major. */
  readonly up: Float32Array;
  /** Downlink volume, users × bins, row-major. */
  readonly down: Float32Array;
  private readonly countPackets: boolean;

  constructor(opts: BinnedVolumeOptions) {
    if (!Number.isSafeInteger(opts.binWidth) || opts.binWidth <= 0) {
      throw new RangeError(`binned volume: binWidth = ${opts.binWidth} µs, expected a positive integer`);
    }
    if (!(opts.end > opts.start)) throw new RangeError(`binned volume: end ${opts.end} must be after start ${opts.start}`);
    this.users = opts.users;
    this.start = opts.start;
    this.end = opts.end;
    this.binWidth = opts.binWidth;
    this.bins = binCount(opts.start, opts.end, opts.binWidth);
    checkCells("binned volume", opts.users, this.bins, opts.maxCells);
    this.measure = opts.measure ?? "bytes";
    this.countPackets = this.measure === "packets";
    this.up = new Float32Array(this.users * this.bins);
    this.down = new Float32Array(this.users * this.bins);
  }

  packet(endpoint: number, time: Micros, size: number, dir: Direction): void {
    if (time < this.start || time >= this.end || endpoint < 0 || endpoint >= this.users) return;
    const b = Math.floor((time - this.start) / this.binWidth);
    const m = dir === UP ? this.up : this.down;
    m[endpoint * this.bins + b] += this.countPackets ? 1 : size;
  }

  /** The matrix of one direction. */
  matrix(dir: Direction): Float32Array {
    return dir === UP ? this.up : this.down;
  }

  /** One user's row (a view, not a copy). */
  row(dir: Direction, user: number): Float32Array {
    return this.matrix(dir).subarray(user * this.bins, (user + 1) * this.bins);
  }
}

/**
 * Sums groups of `factor` adjacent bins: the same volumes at a `factor`-times wider bin
 * width, without tapping the traffic again. Returns a new users × ⌈bins/factor⌉ matrix.
 *
 * @example
 * rebin(new Float32Array([1, 2, 3, 4, 5]), 1, 5, 2) // => { data: [3, 7, 5], bins: 3 }
 */
export function rebin(src: Float32Array, users: number, bins: number, factor: number): { data: Float32Array; bins: number } {
  if (!Number.isSafeInteger(factor) || factor < 1) throw new RangeError(`rebin: factor = ${factor}, expected a positive integer`);
  const out = Math.ceil(bins / factor);
  const data = new Float32Array(users * out);
  for (let u = 0; u < users; u++) {
    const s = u * bins;
    const o = u * out;
    for (let b = 0; b < bins; b++) data[o + Math.floor(b / factor)] += src[s + b];
  }
  return { data, bins: out };
}
