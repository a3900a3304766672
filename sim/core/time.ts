/**
 * Simulated time.
 *
 * All time inside chaff is an integer number of microseconds held in a JS number
 * (exact up to 2^53 µs, about 285 years). Floating seconds appear only at the edges:
 * configuration files, reports and figures. Nothing in the lab reads the wall clock;
 * the engine owns "now" and hands it to whoever needs it.
 *
 * @example
 * parseDuration("20ms") // => 20000
 * formatDuration(1_500_000) // => "1500ms"
 */
export type Micros = number;

export const MICROSECOND: Micros = 1;
export const MILLISECOND: Micros = 1_000;
export const SECOND: Micros = 1_000_000;
export const MINUTE: Micros = 60 * SECOND;
export const HOUR: Micros = 60 * MINUTE;

/** Milliseconds (possibly fractional) to integer microseconds, rounding to nearest. */
export function ms(x: number): Micros {
  return Math.round(x * MILLISECOND);
}

/** Seconds (possibly fractional) to integer microseconds, rounding to nearest. */
export function seconds(x: number): Micros {
  return Math.round(x * SECOND);
}

/** Integer microseconds to floating seconds, for reports and figures only. */
export function toSeconds(t: Micros): number {
  return t / SECOND;
}

/** Integer microseconds to floating milliseconds, for reports and figures only. */
export function toMillis(t: Micros): number {
  return t / MILLISECOND;
}

const UNITS: Record<string, number> = { us: 1, µs: 1, ms: MILLISECOND, s: SECOND, min: MINUTE, h: HOUR };
const DURATION = /^(-?\d+(?:\.\d+)?)(us|µs|ms|s|min|h)?$/;

/**
 * Parses "250us", "20ms", "1.5s", "2min", "1h" or a bare integer (microseconds).
 * Throws a message naming the text and the accepted forms.
 */
export function parseDuration(text: string): Micros {
  const m = DURATION.exec(text.trim());
  if (!m) throw new Error(`duration "${text}": expected a number with an optional unit us, ms, s, min or h`);
  const value = Number(m[1]) * UNITS[m[2] ?? "us"];
  if (!Number.isSafeInteger(Math.round(value))) throw new Error(`duration "${text}": out of range`);
  return Math.round(value);
}

/** Formats microseconds in the largest unit that shows them exactly: 20000 → "20ms", 0 → "0". */
export function formatDuration(t: Micros): string {
  if (t === 0) return "0";
  if (t % SECOND === 0) return `${t / SECOND}s`;
  if (t % MILLISECOND === 0) return `${t / MILLISECOND}ms`;
  return `${t}us`;
}
