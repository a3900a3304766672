/**
 * The bincode 1.x wire format as Maybenot uses it — `bincode::DefaultOptions` in
 * maybenot-io/maybenot `crates/maybenot/src/machine.rs` (bincode 1.3 docs: varint
 * integers, little-endian, trailing bytes rejected).
 *
 * Rule: an integer (u64, usize, u32, enum variant index, sequence length) is a varint:
 * a byte < 251 is the value; 251, 252 and 253 are followed by a little-endian u16, u32
 * or u64; 254 (u128) and 255 are errors here. f64 and f32 are raw little-endian IEEE
 * bytes; bool is one byte 0 or 1; Option is a tag byte 0/1 then the value; a Vec is a
 * varint length then its elements; fixed arrays and tuples have no length. Non-minimal
 * varints are accepted on read (bincode accepts them); writing is always minimal.
 */
import { MachineError } from "./error.ts";

export class BincodeReader {
  private readonly view: DataView;
  pos = 0;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  private need(n: number, what: string): void {
    if (this.remaining < n)
      throw new MachineError(`${what}: the data ends at byte ${this.bytes.length} but ${n} more byte(s) were expected at byte ${this.pos}`);
  }

  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.pos++];
  }

  /** A varint as bigint (exact for all of u64). */
  varint(what: string): bigint {
    const b = this.u8(what);
    if (b < 251) return BigInt(b);
    if (b === 251) {
      this.need(2, what);
      const v = this.view.getUint16(this.pos, true);
      this.pos += 2;
      return BigInt(v);
    }
    if (b === 252) {
      this.need(4, what);
      const v = this.view.getUint32(this.pos, true);
      this.pos += 4;
      return BigInt(v);
    }
    if (b === 253) {
      this.need(8, what);
      const v = this.view.getBigUint64(this.pos, true);
      this.pos += 8;
      return v;
    }
    throw new MachineError(`${what}: varint marker ${b} at byte ${this.pos - 1}: expected a byte < 251 or a u16/u32/u64 marker (251-253)`);
  }

  /** A varint that must be ≤ max (a length, an index or a u32), as a number. */
  varintUpTo(what: string, max: number): number {
    const at = this.pos;
    const v = this.varint(what);
    if (v > BigInt(max)) throw new MachineError(`${what}: ${v} at byte ${at}: expected at most ${max}`);
    return Number(v);
  }

  f64(what: string): number {
    this.need(8, what);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  f32(what: string): number {
    this.need(4, what);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  bool(what: string): boolean {
    const b = this.u8(what);
    if (b > 1) throw new MachineError(`${what}: byte ${b} at byte ${this.pos - 1}: expected a bool (0 or 1)`);
    return b === 1;
  }

  /** The tag of an Option: true = Some. */
  option(what: string): boolean {
    const b = this.u8(what);
    if (b > 1) throw new MachineError(`${what}: option tag ${b} at byte ${this.pos - 1}: expected 0 (None) or 1 (Some)`);
    return b === 1;
  }

  /** An enum variant index < count. */
  variant(what: string, names: readonly string[]): number {
    const at = this.pos;
    const v = this.varint(what);
    if (v >= BigInt(names.length))
      throw new MachineError(`${what}: variant ${v} at byte ${at}: expected 0..${names.length - 1} (${names.join(", ")})`);
    return Number(v);
  }

  /** A sequence length, refused when even the smallest elements could not fit in what is left. */
  length(what: string, minElementBytes: number, max = Number.MAX_SAFE_INTEGER): number {
    const at = this.pos;
    const n = this.varint(what);
    if (n > BigInt(max)) throw new MachineError(`${what}: length ${n} at byte ${at}: expected at most ${max}`);
    if (n * BigInt(minElementBytes) > BigInt(this.remaining))
      throw new MachineError(`${what}: length ${n} at byte ${at} but only ${this.remaining} byte(s) remain`);
    return Number(n);
  }

  end(what: string): void {
    if (this.remaining !== 0) throw new MachineError(`${what}: ${this.remaining} trailing byte(s) after byte ${this.pos}: expected the end of the data`);
  }
}

export class BincodeWriter {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  private len = 0;

  private grow(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(b: number): void {
    this.grow(1);
    this.buf[this.len++] = b;
  }

  varint(v: bigint | number): void {
    const x = BigInt(v);
    if (x < 0n || x > 0xffff_ffff_ffff_ffffn) throw new MachineError(`varint ${x}: expected an integer in [0, 2^64 - 1]`);
    if (x < 251n) return this.u8(Number(x));
    if (x <= 0xffffn) {
      this.u8(251);
      this.grow(2);
      this.view.setUint16(this.len, Number(x), true);
      this.len += 2;
    } else if (x <= 0xffff_ffffn) {
      this.u8(252);
      this.grow(4);
      this.view.setUint32(this.len, Number(x), true);
      this.len += 4;
    } else {
      this.u8(253);
      this.grow(8);
      this.view.setBigUint64(this.len, x, true);
      this.len += 8;
    }
  }

  f64(v: number): void {
    this.grow(8);
    this.view.setFloat64(this.len, v, true);
    this.len += 8;
  }

  f32(v: number): void {
    this.grow(4);
    this.view.setFloat32(this.len, v, true);
    this.len += 4;
  }

  bool(v: boolean): void {
    this.u8(v ? 1 : 0);
  }

  bytes(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}
