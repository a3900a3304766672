/**
 * Seeded percentile bootstrap confidence interval.
 *
 * Rule: draw B resamples of the n cases with replacement, compute the statistic on each,
 * and take the (1−level)/2 and (1+level)/2 quantiles of the B values as the interval
 * (Efron & Tibshirani, "An Introduction to the Bootstrap", 1993, ch. 13, the percentile
 * interval). DESIGN §6: "Every figure carries a seeded bootstrap confidence interval";
 * reference/traffic-and-adversaries.md §2.4 item 6: resample flows, not windows of the
 * same flow, which `clusters` does: with a cluster id per case, whole clusters are drawn
 * (as many draws as there are clusters) and all their cases enter the resample (the
 * cluster bootstrap, Davison & Hinkley, "Bootstrap Methods and their Application", 1997,
 * §3.8), so a resample's length varies.
 *
 * The statistic receives the case indices of one resample as an Int32Array; the same
 * array is reused for every resample, so the statistic must not keep it. The estimate
 * is the statistic on the identity indices 0..n−1. Draws come from `rng` only (pass a
 * dedicated child stream), so the interval is a function of the seed. Quantiles use
 * simple-statistics' `quantileSorted` (linear interpolation, R type 7). The percentile
 * interval need not contain the estimate when the statistic is strongly biased; it is
 * reported as is, not widened.
 *
 * @example
 * const x = [3, 1, 4, 1, 5, 9, 2, 6];
 * const meanOf = (idx: Int32Array) => { let s = 0; for (const i of idx) s += x[i]; return s / idx.length; };
 * bootstrapCi(meanOf, x.length, stream(1, "ci"));
 * // => { estimate: 3.875, lo: 2.25, hi: 5.75 }
 */
import { quantileSorted } from "simple-statistics";
import type { Rng } from "../../sim/core/rng.ts";
import { checkInteger } from "./validate.ts";
import { timed } from "../../sim/core/phase-timer.ts";

export interface BootstrapOptions {
  /** Number of resamples B (default 1000). */
  readonly resamples?: number;
  /** Coverage of the interval (default 0.95). */
  readonly level?: number;
}

export interface BootstrapCiOptions extends BootstrapOptions {
  /** Cluster id of each of the n cases: resample clusters instead of cases. */
  readonly clusters?: ArrayLike<number>;
}

export interface Interval {
  readonly estimate: number;
  readonly lo: number;
  readonly hi: number;
}

/** Validated resample count and level. */
export function bootstrapSettings(opts: BootstrapOptions, fn: string): { resamples: number; level: number } {
  const resamples = opts.resamples ?? 1000;
  const level = opts.level ?? 0.95;
  checkInteger(resamples, fn, "resamples", 1);
  if (!(level > 0 && level < 1)) throw new RangeError(`${fn}: level = ${level}; expected a coverage in (0, 1)`);
  return { resamples, level };
}

/** Throws unless a statistic's value is a number (NaN means the statistic was undefined). */
export function checkStatistic(value: number, fn: string, where: string): number {
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new RangeError(`${fn}: the statistic returned ${value} on ${where}; expected a number`);
  }
  return value;
}

/** The percentile interval of the resampled values `stats` (sorted in place). */
export function percentileInterval(stats: Float64Array, estimate: number, level: number): Interval {
  stats.sort();
  const sorted = stats as unknown as number[]; // quantileSorted only indexes and reads length
  return {
    estimate,
    lo: quantileSorted(sorted, (1 - level) / 2),
    hi: quantileSorted(sorted, (1 + level) / 2),
  };
}

/** Dense cluster index 0..C−1 per case, and the cases of each cluster (CSR layout). */
function groupClusters(clusters: ArrayLike<number>, n: number, fn: string) {
  if (clusters.length !== n) {
    throw new RangeError(`${fn}: clusters has ${clusters.length} entries for ${n} cases; expected one cluster id per case`);
  }
  const dense = new Map<number, number>();
  const of = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const id = clusters[i];
    if (!Number.isSafeInteger(id)) throw new RangeError(`${fn}: clusters[${i}] = ${id}; expected an integer id`);
    let c = dense.get(id);
    if (c === undefined) {
      c = dense.size;
      dense.set(id, c);
    }
    of[i] = c;
  }
  const count = dense.size;
  const start = new Int32Array(count + 1);
  for (let i = 0; i < n; i++) start[of[i] + 1]++;
  for (let c = 0; c < count; c++) start[c + 1] += start[c];
  const members = new Int32Array(n);
  const fill = start.slice(0, count);
  for (let i = 0; i < n; i++) members[fill[of[i]]++] = i;
  return { count, start, members };
}

export function bootstrapCi(
  statistic: (sampleIdx: Int32Array) => number,
  n: number,
  rng: Rng,
  opts: BootstrapCiOptions = {},
): Interval {
  // the run's bootstrap phase when a phase timer is active (sim/core/phase-timer.ts)
  return timed("bootstrap", () => bootstrapCiUntimed(statistic, n, rng, opts));
}

function bootstrapCiUntimed(statistic: (sampleIdx: Int32Array) => number, n: number, rng: Rng, opts: BootstrapCiOptions): Interval {
  const fn = "bootstrapCi";
  checkInteger(n, fn, "n", 1);
  const { resamples, level } = bootstrapSettings(opts, fn);
  const groups = opts.clusters === undefined ? null : groupClusters(opts.clusters, n, fn);

  let idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  const estimate = checkStatistic(statistic(idx), fn, "the full sample");
  const stats = new Float64Array(resamples);

  for (let b = 0; b < resamples; b++) {
    let sample: Int32Array;
    if (groups === null) {
      for (let i = 0; i < n; i++) idx[i] = rng.int(0, n);
      sample = idx;
    } else {
      let len = 0;
      for (let d = 0; d < groups.count; d++) {
        const g = rng.int(0, groups.count);
        const from = groups.start[g];
        const to = groups.start[g + 1];
        if (len + to - from > idx.length) {
          const grown = new Int32Array(Math.max(2 * idx.length, len + to - from));
          grown.set(idx.subarray(0, len));
          idx = grown;
        }
        idx.set(groups.members.subarray(from, to), len);
        len += to - from;
      }
      sample = len === idx.length ? idx : idx.subarray(0, len);
    }
    stats[b] = checkStatistic(statistic(sample), fn, `resample ${b}`);
  }
  return percentileInterval(stats, estimate, level);
}
