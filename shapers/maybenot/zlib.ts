/**
 * zlib (RFC 1950) around DEFLATE (RFC 1951) for Maybenot machine strings, with the
 * framework's decompression bound — maybenot-io/maybenot `crates/maybenot/src/machine.rs`
 * and `constants.rs` (MAX_DECOMPRESSED_SIZE = 1 MiB).
 *
 * Rule: the stream must have a valid zlib header (deflate, window ≤ 32 KiB, header
 * check, no preset dictionary), inflate to at most 1 MiB — checked while inflating, in
 * 1 KiB input steps, so a zlib bomb is refused after at most about 1 MiB of output —
 * and end with the Adler-32 of what it inflated to. Compression uses fflate at level
 * 9; its bytes need not equal Rust's miniz_oxide output (only the payload must).
 */
import { Inflate, zlibSync } from "fflate";
import { MAX_DECOMPRESSED_SIZE } from "./constants.ts";
import { MachineError } from "./error.ts";

export function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < data.length; ) {
    const end = Math.min(i + 5552, data.length);
    for (; i < end; i++) {
      a += data[i];
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

const STEP = 1024;

export function zlibInflate(z: Uint8Array, limit = MAX_DECOMPRESSED_SIZE): Uint8Array {
  if (z.length < 7) throw new MachineError(`zlib: ${z.length} byte(s): expected a header, a deflate stream and a checksum (at least 7 bytes)`);
  const cmf = z[0];
  const flg = z[1];
  if ((cmf & 0x0f) !== 8 || cmf >> 4 > 7) throw new MachineError(`zlib: header byte 0x${cmf.toString(16)}: expected deflate with a window of at most 32 KiB`);
  if (((cmf << 8) | flg) % 31 !== 0) throw new MachineError(`zlib: header 0x${cmf.toString(16)}${flg.toString(16)} fails its check`);
  if (flg & 0x20) throw new MachineError("zlib: preset dictionaries are not supported");
  const chunks: Uint8Array[] = [];
  let total = 0;
  let ended = false;
  const inflater = new Inflate((chunk, final) => {
    total += chunk.length;
    if (total > limit) throw new MachineError(`zlib: inflates to more than ${limit} bytes (the decompressed size limit)`);
    chunks.push(chunk.slice());
    if (final) ended = true;
  });
  const body = z.subarray(2, z.length - 4);
  try {
    for (let i = 0; i < body.length; i += STEP) {
      const end = Math.min(i + STEP, body.length);
      inflater.push(body.subarray(i, end), end === body.length);
    }
    if (body.length === 0) inflater.push(body, true);
  } catch (e) {
    if (e instanceof MachineError) throw e;
    throw new MachineError(`zlib: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!ended && total === 0 && body.length > 0) throw new MachineError("zlib: the deflate stream did not end");
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  const n = z.length;
  const want = ((z[n - 4] << 24) | (z[n - 3] << 16) | (z[n - 2] << 8) | z[n - 1]) >>> 0;
  const got = adler32(out);
  if (want !== got) throw new MachineError(`zlib: Adler-32 checksum 0x${want.toString(16)} does not match the data (0x${got.toString(16)})`);
  return out;
}

export function zlibDeflate(data: Uint8Array): Uint8Array {
  return zlibSync(data, { level: 9 });
}
