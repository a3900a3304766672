/**
 * Growing a typed array: a new array of the same type and the given length (by default
 * twice as long) holding the old contents at the front. The lab's growable columns
 * (traces, truth tables, per-conversation model state) double with this, so appending
 * stays amortized O(1) and allocation-free between growths.
 *
 * @example
 * grown(Int32Array.of(1, 2)) // => Int32Array [1, 2, 0, 0]
 * grown(new Float64Array(3), 8).length // => 8
 */
type Growable = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

export function grown<T extends Growable>(a: T, length: number = a.length * 2): T {
  if (!(length >= a.length) || !Number.isInteger(length)) {
    throw new RangeError(`grown: length ${length}; expected an integer >= the current length ${a.length}`);
  }
  const b = new (a.constructor as new (n: number) => T)(length);
  b.set(a);
  return b;
}
