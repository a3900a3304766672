/**
 * The percentile interval of a statistic's bootstrap replicates, leaving out undefined
 * (NaN) replicates and saying how many there were.
 *
 * Rule: the (1 − level)/2 and (1 + level)/2 quantiles of the defined replicate values
 * (Efron & Tibshirani, "An Introduction to the Bootstrap", 1993, ch. 13, the percentile
 * interval; quantiles by linear interpolation, R type 7, as `percentileInterval`). The
 * values may be one metric's replicates (`replicateScoreMetrics`), a paired difference
 * of two arms computed replicate by replicate, or a maximum over observers taken inside
 * each replicate. A replicate is NaN when a class had no weight in it; if more than
 * `maxUndefined` (default 5%) of them are, the interval is null: the data cannot
 * support one.
 *
 * @example
 * replicateInterval(Float64Array.of(0.1, 0.3, NaN, 0.2, 0.4), 0.25, { level: 0.5, maxUndefined: 0.25 })
 * // => { estimate: 0.25, lo: 0.175, hi: 0.325, replicates: 5, undefined: 1 }
 */
import { quantileSorted } from "simple-statistics";

export interface ReplicateInterval {
  readonly estimate: number;
  /** Null when too many replicates were undefined. */
  readonly lo: number | null;
  readonly hi: number | null;
  readonly replicates: number;
  /** Replicates left out because the statistic was undefined (NaN) in them. */
  readonly undefined: number;
}

export function replicateInterval(values: ArrayLike<number>, estimate: number, opts: { readonly level?: number; readonly maxUndefined?: number } = {}): ReplicateInterval {
  const level = opts.level ?? 0.95;
  const maxUndefined = opts.maxUndefined ?? 0.05;
  if (!(level > 0 && level < 1)) throw new RangeError(`replicateInterval: level = ${level}; expected a coverage in (0, 1)`);
  if (!(maxUndefined >= 0 && maxUndefined <= 1)) throw new RangeError(`replicateInterval: maxUndefined = ${maxUndefined}; expected a share in [0, 1]`);
  const R = values.length;
  const defined = new Float64Array(R);
  let d = 0;
  for (let r = 0; r < R; r++) if (!Number.isNaN(values[r])) defined[d++] = values[r];
  const undef = R - d;
  if (d === 0 || undef > maxUndefined * R) return { estimate, lo: null, hi: null, replicates: R, undefined: undef };
  const sorted = defined.subarray(0, d).sort() as unknown as number[]; // quantileSorted only indexes and reads length
  return { estimate, lo: quantileSorted(sorted, (1 - level) / 2), hi: quantileSorted(sorted, (1 + level) / 2), replicates: R, undefined: undef };
}
