/**
 * Input checks shared by the metric functions (internal, not re-exported).
 *
 * Every metric rejects input it cannot score with a RangeError naming the function,
 * the argument, the offending value and what was expected, so a bad scorer fails loudly
 * instead of printing a plausible number.
 *
 * @example
 * sortedFiniteCopy([3, 1, 2], "rocAuc", "pos") // => Float64Array [1, 2, 3]
 * checkProbability(1.5, "bayesianDetectionRate", "tpr") // throws RangeError
 */

/** A sorted (ascending) Float64Array copy of `values`; throws on NaN or ±Infinity. */
export function sortedFiniteCopy(values: ArrayLike<number>, fn: string, name: string): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      throw new RangeError(`${fn}: ${name}[${i}] = ${v}; scores must be finite numbers`);
    }
    out[i] = v;
  }
  return out.sort();
}

/** Throws unless `value` is a probability in [0, 1]. */
export function checkProbability(value: number, fn: string, name: string): void {
  if (!(value >= 0 && value <= 1)) {
    throw new RangeError(`${fn}: ${name} = ${value}; expected a probability in [0, 1]`);
  }
}

/** Throws unless `value` is an integer in [min, max]. */
export function checkInteger(value: number, fn: string, name: string, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new RangeError(`${fn}: ${name} = ${value}; expected an integer ${range}`);
  }
}

/**
 * Throws unless `p` is a probability vector: finite, non-negative entries summing to 1
 * within 1e-9 per entry (floating-point round-off of a computed posterior).
 */
export function checkDistribution(p: ArrayLike<number>, fn: string): void {
  if (p.length === 0) throw new RangeError(`${fn}: p is empty; expected a probability vector`);
  let total = 0;
  for (let i = 0; i < p.length; i++) {
    const v = p[i];
    if (!(v >= 0 && v <= 1)) {
      throw new RangeError(`${fn}: p[${i}] = ${v}; expected a probability in [0, 1]`);
    }
    total += v;
  }
  if (Math.abs(total - 1) > 1e-9 * Math.max(1, p.length)) {
    throw new RangeError(`${fn}: p sums to ${total}; expected a probability vector summing to 1`);
  }
}
