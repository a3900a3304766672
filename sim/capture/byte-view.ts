/**
 * Bounds-checked reads over a capture file held in memory.
 *
 * Every read names what it expected; reading past the end throws a `CaptureError` with
 * the byte offset, never a RangeError. Integers are unsigned, in the byte order the
 * caller passes (capture files are in the writer's native order).
 *
 * @example
 * const v = new ByteView(bytes, "capture.pcap");
 * v.need(0, 24, "a 24-byte pcap file header");
 * v.u32(0, true) // => 0xa1b2c3d4 for a little-endian microsecond file
 */
import { CaptureError } from "./capture-error.ts";

export class ByteView {
  readonly bytes: Uint8Array;
  readonly length: number;
  readonly source: string;
  private readonly view: DataView;

  constructor(bytes: Uint8Array, source: string) {
    this.bytes = bytes;
    this.length = bytes.length;
    this.source = source;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Throws unless `n` bytes starting at `offset` lie inside the file. */
  need(offset: number, n: number, what: string): void {
    if (offset < 0 || n < 0 || offset + n > this.length) {
      const left = Math.max(0, this.length - offset);
      throw new CaptureError(this.source, offset, what, left === 0 ? "the end of the file" : `only ${left} byte${left === 1 ? "" : "s"} left`);
    }
  }

  /** An error at `offset` naming what was expected there and what was found. */
  fail(offset: number, expected: string, found?: string): never {
    throw new CaptureError(this.source, offset, expected, found);
  }

  u8(offset: number): number {
    return this.bytes[offset];
  }

  u16(offset: number, littleEndian: boolean): number {
    return this.view.getUint16(offset, littleEndian);
  }

  u32(offset: number, littleEndian: boolean): number {
    return this.view.getUint32(offset, littleEndian);
  }

  i32(offset: number, littleEndian: boolean): number {
    return this.view.getInt32(offset, littleEndian);
  }

  /** A view (not a copy) of `n` bytes at `offset`; the caller has checked the bounds. */
  slice(offset: number, n: number): Uint8Array {
    return this.bytes.subarray(offset, offset + n);
  }
}

/** Hex of a 32-bit value, for messages: 0xa1b2c3d4. */
export function hex32(x: number): string {
  return `0x${(x >>> 0).toString(16).padStart(8, "0")}`;
}
