/**
 * Durations in the unit that reads best. The lab measures latency in milliseconds, but
 * "163443.6 ms" is not how anyone reads 2.7 minutes: a figure, a note or a table shows a
 * duration in ms below one second, in s below three minutes, and in min (or h) above,
 * with three significant digits. An axis picks one unit for its whole range (from its
 * largest value), and a log axis may label each tick in its own unit (1 ms, 1 s, 1 min).
 * Pure and dependency-free, so the notebooks and the CLI format durations the same way.
 *
 * @example
 * formatMs(163443.6)                          // => "163 s"
 * formatMs(0.25)                              // => "0.25 ms"
 * formatMsInterval({ estimate: 1200, lo: 900, hi: 1500 }) // => "1.2 s [0.9, 1.5]"
 * durationUnit(250_000)                       // => { name: "min", ms: 60000 }
 */

export interface DurationUnit {
  name: "µs" | "ms" | "s" | "min" | "h";
  /** Milliseconds in one unit. */
  ms: number;
}

export const MS: DurationUnit = { name: "ms", ms: 1 };
export const SEC: DurationUnit = { name: "s", ms: 1000 };
export const MIN: DurationUnit = { name: "min", ms: 60_000 };
export const HOUR: DurationUnit = { name: "h", ms: 3_600_000 };

/** The unit a duration of `ms` (or a range up to `ms`) reads best in: ms < 1 s ≤ s < 3 min ≤ min < 3 h ≤ h. */
export function durationUnit(ms: number): DurationUnit {
  const a = Math.abs(ms);
  if (!(a >= 1000)) return MS;
  if (a < 180_000) return SEC;
  if (a < 10_800_000) return MIN;
  return HOUR;
}

/** A number with `sig` significant digits, no exponent, trailing zeros dropped; integers ≥ 10^sig kept whole. */
export function sigFigures(x: number, sig = 3): string {
  if (x === 0 || !Number.isFinite(x)) return String(x === 0 ? 0 : x);
  const digits = Math.max(0, sig - 1 - Math.floor(Math.log10(Math.abs(x))));
  const s = x.toFixed(Math.min(digits, 6));
  return s.includes(".") ? s.replace(/\.?0+$/, "") : s;
}

/** A value in `unit`, three significant digits, without the unit: formatIn(163443.6, SEC) => "163". */
export function formatIn(ms: number, unit: DurationUnit, sig = 3): string {
  return sigFigures(ms / unit.ms, sig);
}

/** A duration given in ms, in the unit that reads best: "12.5 ms", "1.63 s", "2.72 min". */
export function formatMs(ms: number, sig = 3): string {
  const u = durationUnit(ms);
  return `${formatIn(ms, u, sig)} ${u.name}`;
}

/** An interval of durations in ms, all in the unit of the largest: "1.2 s [0.9, 1.5]"; "not resolvable" without an estimate. */
export function formatMsInterval(i: { estimate: number | null; lo: number | null; hi: number | null } | null | undefined, sig = 3): string {
  if (!i || i.estimate === null) return "not resolvable";
  const u = durationUnit(Math.max(Math.abs(i.estimate), Math.abs(i.hi ?? 0)));
  const f = (v: number | null) => (v === null ? "–" : formatIn(v, u, sig));
  return `${f(i.estimate)} ${u.name} [${f(i.lo)}, ${f(i.hi)}]`;
}

/**
 * Ticks for a log (or symlog) axis of durations in ms up to `maxMs`: 0 (if asked), then
 * 1, 10, 100 ms, 1, 10 s, 1, 10 min, 1 h, 10 h — each labelled in its own unit.
 */
export function durationLogTicks(maxMs: number, withZero = true): { value: number; label: string }[] {
  const steps: [number, string][] = [
    [1, "1 ms"],
    [10, "10 ms"],
    [100, "100 ms"],
    [1000, "1 s"],
    [10_000, "10 s"],
    [60_000, "1 min"],
    [600_000, "10 min"],
    [3_600_000, "1 h"],
    [36_000_000, "10 h"],
  ];
  const out = withZero ? [{ value: 0, label: "0" }] : [];
  for (const [value, label] of steps) {
    if (value > maxMs) break;
    out.push({ value, label });
  }
  return out;
}

/** Seconds since the start as m:ss (or h:mm:ss), for time axes of long runs: 2405 → "40:05". */
export function clockLabel(seconds: number): string {
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/** An interval as "12.3 [11.0, 13.5]" with `digits` decimals; "not resolvable" without an estimate (the report's form). */
export function formatInterval(i: { estimate: number | null; lo: number | null; hi: number | null } | null | undefined, digits = 3): string {
  if (!i || i.estimate === null) return "not resolvable";
  const f = (v: number | null) => (v === null ? "–" : v !== 0 && Math.abs(v) < 10 ** -digits ? v.toExponential(1) : v.toFixed(digits));
  return `${f(i.estimate)} [${f(i.lo)}, ${f(i.hi)}]`;
}
