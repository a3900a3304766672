/**
 * Parameter builders for shapers: zod 4 schemas whose every message states the allowed
 * range and the value received, so that `validateShaperParams` prints lines such as
 *
 *   shaper "jitter" parameter meanDelaySeconds = -1: expected a number > 0 (seconds), got -1
 *
 * NaN, ±Infinity, wrong types and out-of-range values all get the same message (the
 * schema-level error map covers the type check and every range check), so a reader
 * always learns what would have been accepted.
 *
 * Every helper given a unit also records it as schema metadata (`unit`, carried into the
 * JSON Schema that `chaff shapers` and `chaff schema` publish). A shaper states each
 * parameter's meaning with `.describe(...)`, naming the unit in the text (a test holds
 * every registered shaper to this): "interval between cells, seconds".
 *
 * Also here: resolving a packet-size parameter against the link MTU, which only the
 * factory knows (the schema cannot).
 *
 * @example
 * const schema = z.object({ rate: number({ gt: 0 }, "packets per second").default(10).describe("cover packets per second") }).strict();
 * schema.parse({}) // => { rate: 10 }
 * z.toJSONSchema(schema).properties.rate // => { default: 10, description: "cover packets per second", type: "number", exclusiveMinimum: 0, unit: "packets per second" }
 */
import { z } from "zod";
import { ShaperParamError } from "./shaper.ts";

export interface Range {
  /** Inclusive lower bound. */
  readonly min?: number;
  /** Inclusive upper bound. */
  readonly max?: number;
  /** Exclusive lower bound. */
  readonly gt?: number;
  /** Exclusive upper bound. */
  readonly lt?: number;
}

function show(value: unknown): string {
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (value === undefined) return "nothing";
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json;
}

/** "expected an integer from 1 to 65535 (bytes)" and the like. */
export function describeRange(kind: "number" | "integer", r: Range, unit?: string): string {
  const noun = kind === "integer" ? "an integer" : "a number";
  const lo = r.gt !== undefined ? `> ${r.gt}` : r.min !== undefined ? `>= ${r.min}` : "";
  const hi = r.lt !== undefined ? `< ${r.lt}` : r.max !== undefined ? `<= ${r.max}` : "";
  let text: string;
  if (r.min !== undefined && r.max !== undefined) text = `expected ${noun} from ${r.min} to ${r.max}`;
  else if (lo && hi) text = `expected ${noun} ${lo} and ${hi}`;
  else if (lo || hi) text = `expected ${noun} ${lo || hi}`;
  else text = `expected a finite ${kind}`;
  return unit ? `${text} (${unit})` : text;
}

function ranged(kind: "number" | "integer", r: Range, unit?: string): z.ZodNumber {
  const expected = describeRange(kind, r, unit);
  let s = z.number({ error: (issue) => `${expected}, got ${show(issue.input)}` });
  if (kind === "integer") s = s.int();
  if (r.min !== undefined) s = s.min(r.min);
  if (r.max !== undefined) s = s.max(r.max);
  if (r.gt !== undefined) s = s.gt(r.gt);
  if (r.lt !== undefined) s = s.lt(r.lt);
  return unit ? s.meta({ unit }) : s;
}

/** A finite number within `r`. */
export function number(r: Range, unit?: string): z.ZodNumber {
  return ranged("number", r, unit);
}

/** A safe integer within `r`. */
export function integer(r: Range, unit?: string): z.ZodNumber {
  return ranged("integer", r, unit);
}

/**
 * A duration in seconds (the unit of experiment files). Positive durations must be at
 * least one microsecond, the resolution of simulated time; one day at most.
 */
export function duration(opts: { zero?: boolean; max?: number } = {}): z.ZodNumber {
  const max = opts.max ?? 86_400;
  return opts.zero ? ranged("number", { min: 0, max }, "seconds") : ranged("number", { min: 1e-6, max }, "seconds");
}

/** A rate in events per second: positive, at most one per microsecond. */
export function rate(unit = "per second"): z.ZodNumber {
  return ranged("number", { gt: 0, max: 1e6 }, unit);
}

/** A probability-like fraction (unit "fraction"). */
export function fraction(r: Range = { min: 0, max: 1 }): z.ZodNumber {
  return ranged("number", r, "fraction");
}

/** A packet or record size in bytes. */
export function bytes(r: Range = { min: 1, max: 65_535 }): z.ZodNumber {
  return ranged("integer", r, "bytes");
}

/** One of a fixed set of strings. */
export function choice<const T extends readonly [string, ...string[]]>(values: T): z.ZodEnum<{ [K in T[number]]: K }> {
  const expected = `expected one of ${values.map((v) => JSON.stringify(v)).join(", ")}`;
  return z.enum(values, { error: (issue) => `${expected}, got ${show(issue.input)}` }) as unknown as z.ZodEnum<{ [K in T[number]]: K }>;
}

/** true or false. */
export function flag(): z.ZodBoolean {
  return z.boolean({ error: (issue) => `expected true or false, got ${show(issue.input)}` });
}

/**
 * The wire size a shaper uses for packets it makes (padding, cover, cells): the
 * parameter if given, else the link MTU. A size above the MTU is an error naming the
 * shaper, the parameter, the value and the allowed range.
 */
export function sizeWithin(shaper: string, param: string, value: number | undefined, mtu: number): number {
  if (value === undefined) return mtu;
  if (!(Number.isInteger(value) && value >= 1 && value <= mtu)) {
    throw new ShaperParamError([`shaper "${shaper}" parameter ${param} = ${value}: expected an integer from 1 to the link MTU ${mtu} (bytes), got ${value}`]);
  }
  return value;
}
