/**
 * The cost of a defense, measured in the run itself (DESIGN §5 "Cost is measured, not
 * estimated"): bandwidth overhead, per-message added latency and end-to-end latency,
 * and phone radio energy, each with a seeded bootstrap interval.
 *
 * - Bandwidth overhead = wire bytes / real bytes − 1 on the access links (what the
 *   user's plan and radio pay), a ratio of sums over users; the interval resamples users.
 * - Added latency per message = the delay shaping added at each hop it crossed, measured
 *   exactly against a virtual unshaped link (see `sim/engine/egress.ts`); quantiles over
 *   delivered person-to-person messages; the interval resamples messages.
 * - Energy = joules per device-hour and radio wake-ups per device-hour from the RRC
 *   model (`sim/world/radio.ts`); the interval resamples devices.
 */
import { quantileSorted } from "simple-statistics";
import { bootstrapCi } from "../../observers/metrics.ts";
import type { Rng } from "../core/rng.ts";

export interface Interval {
  estimate: number | null;
  lo: number | null;
  hi: number | null;
}

const EMPTY: Interval = { estimate: null, lo: null, hi: null };

function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function json(i: { estimate: number; lo: number; hi: number }): Interval {
  return { estimate: finite(i.estimate), lo: finite(i.lo), hi: finite(i.hi) };
}

/** Ratio of sums Σnum/Σden − 1 with a bootstrap over cases. */
export function overheadInterval(num: Float64Array, den: Float64Array, rng: Rng, resamples: number, level: number): Interval {
  const n = num.length;
  if (n === 0) return EMPTY;
  let total = 0;
  for (let i = 0; i < n; i++) total += den[i];
  if (total === 0) return EMPTY;
  return json(
    bootstrapCi(
      (idx) => {
        let a = 0;
        let b = 0;
        for (let k = 0; k < idx.length; k++) {
          a += num[idx[k]];
          b += den[idx[k]];
        }
        return b > 0 ? a / b - 1 : 0;
      },
      n,
      rng,
      { resamples, level },
    ),
  );
}

/** Mean with a bootstrap over cases. */
export function meanInterval(values: Float64Array, rng: Rng, resamples: number, level: number): Interval {
  const n = values.length;
  if (n === 0) return EMPTY;
  return json(
    bootstrapCi(
      (idx) => {
        let s = 0;
        for (let k = 0; k < idx.length; k++) s += values[idx[k]];
        return s / idx.length;
      },
      n,
      rng,
      { resamples, level },
    ),
  );
}

/**
 * Quantiles of `values` with bootstrap intervals. Resampling works on ranks: values are
 * sorted once, each resample counts how often each rank is drawn and walks the counts to
 * the quantile's position, O(n) per resample and no sorting inside the loop.
 */
export function quantileIntervals(values: Float64Array, qs: readonly number[], rng: Rng, resamples: number, level: number): Interval[] {
  const n = values.length;
  if (n === 0) return qs.map(() => EMPTY);
  const sorted = Float64Array.from(values).sort();
  const counts = new Int32Array(n);
  const draws = qs.map(() => new Float64Array(resamples));
  for (let b = 0; b < resamples; b++) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[rng.int(0, n)]++;
    qs.forEach((q, j) => {
      // the same position rule simple-statistics' quantileSorted uses for a sample of n
      const target = Math.min(n - 1, Math.max(0, Math.ceil(n * q) - 1));
      let seen = 0;
      let r = 0;
      while (r < n && seen + counts[r] <= target) {
        seen += counts[r];
        r++;
      }
      draws[j][b] = sorted[Math.min(r, n - 1)];
    });
  }
  const alpha = (1 - level) / 2;
  return qs.map((q, j) => {
    const d = draws[j].sort();
    return json({ estimate: quantileSorted(Array.from(sorted), q), lo: quantileSorted(Array.from(d), alpha), hi: quantileSorted(Array.from(d), 1 - alpha) });
  });
}
