/**
 * Bootstrap replicates kept in a results file, compactly: a figure in [0, 1] (an AUC, a
 * TPR, a top-k accuracy) per replicate, quantized to 1/65534 and stored as base64 of
 * little-endian uint16, with 65535 standing for a replicate where the figure was
 * undefined. 1,000 replicates take 2.7 kB of JSON and no NaN ever reaches the file.
 *
 * Why keep them: two runs of the same experiment and seed draw the same users in
 * replicate r, so `compare` can judge a run against its baseline on the paired
 * difference, replicate by replicate, instead of on overlapping intervals.
 *
 * @example
 * decodeUnitReplicates(encodeUnitReplicates(Float64Array.of(0.5, NaN, 1))) // => Float64Array [0.5, NaN, 1] (to 1.5e-5)
 */

const SCALE = 65534;
const UNDEFINED = 65535;

export function encodeUnitReplicates(values: ArrayLike<number>): string {
  const q = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) q[i] = UNDEFINED;
    else if (v < 0 || v > 1) throw new RangeError(`encodeUnitReplicates: value ${v} at ${i}; expected a figure in [0, 1]`);
    else q[i] = Math.round(v * SCALE);
  }
  const bytes = new Uint8Array(q.length * 2);
  for (let i = 0; i < q.length; i++) {
    bytes[2 * i] = q[i] & 0xff;
    bytes[2 * i + 1] = q[i] >>> 8;
  }
  return Buffer.from(bytes).toString("base64");
}

/** Decodes `encodeUnitReplicates`; throws a RangeError on text that is not such an encoding. */
export function decodeUnitReplicates(text: string, expected?: number): Float64Array {
  if (typeof text !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw new RangeError("replicates: expected base64 text");
  const bytes = Buffer.from(text, "base64");
  if (bytes.length % 2 !== 0) throw new RangeError(`replicates: ${bytes.length} bytes; expected an even number (uint16 values)`);
  const n = bytes.length / 2;
  if (expected !== undefined && n !== expected) throw new RangeError(`replicates: ${n} values; expected ${expected}`);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const q = bytes[2 * i] | (bytes[2 * i + 1] << 8);
    out[i] = q === UNDEFINED ? NaN : q / SCALE;
  }
  return out;
}
