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
