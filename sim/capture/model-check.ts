/**
 * Model check: does a modeled conversation's traffic look like a captured one? Packet
 * sizes and inter-packet gaps, per direction, compared by the two-sample
 * Kolmogorov–Smirnov test, with quantile–quantile points for a figure — so a model's
 * realism is a number and a picture, not a belief.
 *
 * KS statistic D = sup |F_model(x) − F_capture(x)| over the pooled values (ties handled
 * by stepping past every copy of a value before comparing). Its p-value is the
 * asymptotic Kolmogorov distribution Q_KS(λ) = 2 Σ_{k≥1} (−1)^{k−1} exp(−2k²λ²) at
 * λ = (√Nₑ + 0.12 + 0.11/√Nₑ)·D, Nₑ = nm/(n+m) (Stephens, JRSS B 32, 1970; Press et al.,
 * Numerical Recipes, 3rd ed., §14.3.3). Caveats, stated with every result: sizes are
 * discrete with many ties, for which the test is conservative (p too large); and packets
 * in a trace are not independent draws, so read p as a yardstick, and D as the effect.
 *
 * Gaps are the times between consecutive packets of one direction (µs), QQ points the
 * 1st…99th percentiles of both samples (`quantileSorted` from simple-statistics).
 *
 * @example
 * ksTwoSample([1, 2, 3], [1, 2, 3]).d // => 0
 * modelCheck(modelTrace, captureTrace).rows.find((r) => r.feature === "size" && r.dir === "up")?.ks.d
 */
import { quantileSorted } from "simple-statistics";
import { DOWN, UP } from "../core/kinds.ts";
import type { Trace } from "../core/trace.ts";

export interface KsResult {
  /** The largest gap between the two empirical CDFs, 0..1. */
  d: number;
  /** Asymptotic p-value (null when a sample is empty). */
  p: number | null;
  n: number;
  m: number;
}

const numeric = (a: number, b: number) => a - b;

/**
 * A KS p-value as the model check prints it (its table and its QQ figure): four decimals,
 * or one significant digit in exponent form below 1e-4, "–" when there is none.
 *
 * @example
 * formatP(0.03125) // => "0.0313"
 * formatP(2e-7) // => "2.0e-7"
 */
export function formatP(p: number | null): string {
  if (p === null) return "–";
  return p < 1e-4 ? p.toExponential(1) : p.toFixed(4);
}

/** The asymptotic Kolmogorov survival function Q_KS(λ). */
export function kolmogorovQ(lambda: number): number {
  if (lambda < 0.2) return 1;
  let sum = 0;
  let sign = 1;
  for (let k = 1; k <= 100; k++) {
    const term = sign * Math.exp(-2 * k * k * lambda * lambda);
    sum += term;
    if (Math.abs(term) < 1e-12 * Math.abs(sum)) break;
    sign = -sign;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}

/** Two-sample Kolmogorov–Smirnov test. */
export function ksTwoSample(a: ArrayLike<number>, b: ArrayLike<number>): KsResult {
  const x = Array.from(a).sort(numeric);
  const y = Array.from(b).sort(numeric);
  const n = x.length;
  const m = y.length;
  if (n === 0 || m === 0) return { d: n === m ? 0 : 1, p: null, n, m };
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n && j < m) {
    const v = Math.min(x[i], y[j]);
    while (i < n && x[i] === v) i++;
    while (j < m && y[j] === v) j++;
    d = Math.max(d, Math.abs(i / n - j / m));
  }
  const ne = (n * m) / (n + m);
  const sq = Math.sqrt(ne);
  return { d, p: kolmogorovQ((sq + 0.12 + 0.11 / sq) * d), n, m };
}

export interface QqPoint {
  p: number;
  model: number;
  capture: number;
}

/** Quantiles of both samples at p = 1/(k+1) … k/(k+1). */
export function qqPoints(model: ArrayLike<number>, capture: ArrayLike<number>, k = 99): QqPoint[] {
  const x = Array.from(model).sort(numeric);
  const y = Array.from(capture).sort(numeric);
  if (x.length === 0 || y.length === 0) return [];
  const out: QqPoint[] = [];
  for (let i = 1; i <= k; i++) {
    const p = i / (k + 1);
    out.push({ p, model: quantileSorted(x, p), capture: quantileSorted(y, p) });
  }
  return out;
}

/** Wire sizes of one direction's packets. */
export function sizesOf(t: Trace, dir: 0 | 1): number[] {
  const out: number[] = [];
  for (let i = 0; i < t.length; i++) if (t.dir[i] === dir) out.push(t.size[i]);
  return out;
}

/** Gaps (µs) between consecutive packets of one direction. */
export function gapsOf(t: Trace, dir: 0 | 1): number[] {
  const out: number[] = [];
  let last = -1;
  for (let i = 0; i < t.length; i++) {
    if (t.dir[i] !== dir) continue;
    if (last >= 0) out.push(t.time[i] - last);
    last = t.time[i];
  }
  return out;
}

export interface ModelCheckRow {
  feature: "size" | "gap";
  dir: "up" | "down";
  /** Bytes for sizes, µs for gaps. */
  unit: "bytes" | "us";
  model: { n: number; median: number | null };
  capture: { n: number; median: number | null };
  ks: KsResult;
  qq: QqPoint[];
}

export interface ModelCheckResult {
  rows: ModelCheckRow[];
  caveats: string[];
}

export const MODEL_CHECK_CAVEATS = [
  "Sizes are discrete with many ties: the KS p-value is conservative (too large) for them.",
  "Packets in a trace are not independent draws: read the p-value as a yardstick and D (the largest CDF gap) as the effect.",
];

function median(sorted: number[]): number | null {
  return sorted.length ? quantileSorted(sorted, 0.5) : null;
}

export function modelCheck(model: Trace, capture: Trace, opts: { quantiles?: number } = {}): ModelCheckResult {
  const rows: ModelCheckRow[] = [];
  for (const feature of ["size", "gap"] as const) {
    for (const dir of [UP, DOWN] as const) {
      const a = feature === "size" ? sizesOf(model, dir) : gapsOf(model, dir);
      const b = feature === "size" ? sizesOf(capture, dir) : gapsOf(capture, dir);
      const sa = [...a].sort(numeric);
      const sb = [...b].sort(numeric);
      rows.push({
        feature,
        dir: dir === UP ? "up" : "down",
        unit: feature === "size" ? "bytes" : "us",
        model: { n: a.length, median: median(sa) },
        capture: { n: b.length, median: median(sb) },
        ks: ksTwoSample(sa, sb),
        qq: qqPoints(sa, sb, opts.quantiles ?? 99),
      });
    }
  }
  return { rows, caveats: MODEL_CHECK_CAVEATS };
}
