/**
 * Fields of the text trace formats: exact integers, times in seconds or nanoseconds
 * turned into integer microseconds, and the line-by-line walk with line numbers for
 * errors.
 *
 * Times are converted exactly, digit by digit, never through a float: "12.3456789" s is
 * 12,345,678 µs. Digits below a microsecond are dropped (floored), as for captures.
 *
 * @example
 * secondsToMicros("0.0215", "x", 3) // => 21500
 * nanosToMicros("19714282", "x", 1) // => 19714
 */
import type { Micros } from "../../core/time.ts";
import { CaptureError } from "../capture-error.ts";

/** Non-empty lines of `text` with their 1-based numbers (a trailing CR is dropped). */
export function* textLines(text: string): Generator<{ line: string; n: number }> {
  let n = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    n++;
    let line = text.slice(start, end);
    if (line.endsWith("\r")) line = line.slice(0, -1);
    if (line.trim() !== "") yield { line, n };
    start = end + 1;
  }
}

export function lineError(source: string, n: number, expected: string, found?: string): CaptureError {
  return new CaptureError(source, n, expected, found, "line");
}

const UINT = /^\d+$/;

/** A non-negative integer that is exact in a JS number. */
export function parseUint(text: string, what: string, source: string, n: number): number {
  const t = text.trim();
  if (!UINT.test(t)) throw lineError(source, n, `${what} as a non-negative integer`, JSON.stringify(text));
  const v = Number(t);
  if (!Number.isSafeInteger(v)) throw lineError(source, n, `${what} below 2^53`, t);
  return v;
}

/** Integer nanoseconds to integer microseconds (floored). */
export function nanosToMicros(text: string, source: string, n: number): Micros {
  const t = text.trim();
  if (!UINT.test(t)) throw lineError(source, n, "a time in nanoseconds as a non-negative integer", JSON.stringify(text));
  // drop the last three digits exactly, whatever the length
  const us = t.length > 3 ? t.slice(0, -3) : "0";
  const v = Number(us);
  if (!Number.isSafeInteger(v)) throw lineError(source, n, "a time below 2^53 microseconds", `${t} ns`);
  return v;
}

const DECIMAL = /^(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,4}))?$/;

/** Decimal seconds ("1.25", "0.0001", "3e-05") to integer microseconds, exactly (floored). */
export function secondsToMicros(text: string, source: string, n: number): Micros {
  const t = text.trim();
  const m = DECIMAL.exec(t);
  if (!m || (m[1] === "" && (m[2] ?? "") === "")) throw lineError(source, n, "a time in seconds as a non-negative decimal number", JSON.stringify(text));
  // the µs point sits `p` digits into the digit string (exponent and the 6 places of µs applied)
  const intPart = m[1].replace(/^0+/, "");
  const whole = intPart + (m[2] ?? "");
  const p = intPart.length + Number(m[3] ?? 0) + 6;
  if (p > 24) throw lineError(source, n, "a time below 2^53 microseconds", `${t} s`);
  const intDigits = p <= 0 ? "0" : p >= whole.length ? whole + "0".repeat(p - whole.length) : whole.slice(0, p);
  const v = Number(intDigits === "" ? "0" : intDigits);
  if (!Number.isSafeInteger(v)) throw lineError(source, n, "a time below 2^53 microseconds", `${t} s`);
  return v;
}

/** Microseconds as decimal seconds with exactly six decimals: 21500 → "0.021500". */
export function microsToSeconds(t: Micros): string {
  const s = Math.floor(t / 1_000_000);
  const f = t - s * 1_000_000;
  return `${s}.${String(f).padStart(6, "0")}`;
}
