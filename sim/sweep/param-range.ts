/**
 * A point of the unit interval mapped onto a parameter range, the step shared by
 * random sweep samples and the tuner's quasi-random design.
 *
 * Linear ranges are uniform in the value, log ranges uniform in its logarithm (right for
 * rates and sizes that span decades). Integer ranges round to the nearest integer within
 * [⌈min⌉, ⌊max⌋]; other values are rounded to 6 significant digits, so that experiment
 * files stay readable and a point's id does not hang on the last bit of a logarithm.
 *
 * @example
 * valueInRange({ min: 0.1, max: 10, scale: "log", integer: false }, 0.5) // => 1
 * valueInRange({ min: 1, max: 8, scale: "linear", integer: true }, 0.99) // => 8
 */

export interface RangeSpec {
  min: number;
  max: number;
  scale: "linear" | "log";
  integer: boolean;
}

export function valueInRange(r: RangeSpec, u: number): number {
  if (!(u >= 0 && u <= 1)) throw new RangeError(`valueInRange: u = ${u}; expected a number in [0, 1]`);
  const x = r.scale === "log" ? Math.exp(Math.log(r.min) + u * (Math.log(r.max) - Math.log(r.min))) : r.min + u * (r.max - r.min);
  if (r.integer) {
    const lo = Math.ceil(r.min);
    const hi = Math.floor(r.max);
    return Math.min(hi, Math.max(lo, Math.round(x)));
  }
  return Math.min(r.max, Math.max(r.min, Number(x.toPrecision(6))));
}

/** Beyond this many settings a range counts as unlimited (`Infinity`). */
const MANY = 1e15;

/**
 * How many distinct values `valueInRange` can return for a range: ⌊max⌋ − ⌈min⌉ + 1 for
 * an integer range, the count of 6-significant-digit numbers in [min, max] otherwise
 * (`Infinity` when that is beyond 10^15, e.g. a linear range through 0).
 */
export function rangeSettings(r: RangeSpec): number {
  if (!(Number.isFinite(r.min) && Number.isFinite(r.max)) || r.max < r.min) return 0;
  if (r.integer) return Math.max(0, Math.floor(r.max) - Math.ceil(r.min) + 1);
  if (r.min <= 0 && r.max >= 0) return r.min === r.max ? 1 : Infinity;
  // Same sign: count per decade the multiples of its 6th-digit step.
  const lo = Math.min(Math.abs(r.min), Math.abs(r.max));
  const hi = Math.max(Math.abs(r.min), Math.abs(r.max));
  let count = 0;
  for (let e = Math.floor(Math.log10(lo)); e <= Math.floor(Math.log10(hi)); e++) {
    const step = 10 ** (e - 5);
    const a = Math.max(lo, 10 ** e);
    const b = Math.min(hi, 10 ** (e + 1));
    if (b < a) continue;
    count += Math.max(0, Math.floor(b / step + 1e-9) - Math.ceil(a / step - 1e-9) + 1);
    if (count > MANY) return Infinity;
  }
  return Math.max(1, count);
}
