/**
 * pcapng files (Wireshark, dumpcap, tshark): a strict reader and a writer.
 *
 * Format (Tuexen, Risso, Bongertz, Combs, Harris, Chaudron, Richardson, "PCAP Next
 * Generation (pcapng) Capture File Format", draft-tuexen-opsawg-pcapng / draft-ietf-
 * opsawg-pcapng): a file is a sequence of blocks, each `type, total length, body, total
 * length` with 32-bit alignment (§3.1). A Section Header Block (type 0x0A0D0D0A) starts
 * each section and fixes its byte order through its byte-order magic 0x1A2B3C4D (§4.1);
 * a file may hold several sections, in different byte orders. Interface Description
 * Blocks (type 1, §4.2) number the interfaces of their section from 0; their options
 * `if_tsresol` (code 9: a negative power of 10, or of 2 when the top bit is set; default
 * 10^-6) and `if_tsoffset` (code 14: seconds added to every timestamp) fix how the
 * packets' 64-bit timestamps read. Packets come in Enhanced Packet Blocks (type 6,
 * §4.3), Simple Packet Blocks (type 3, §4.4) or the obsolete Packet Block (type 2,
 * Appendix A). Every other block type (name resolution, interface statistics,
 * decryption secrets, custom, …) is skipped by its length.
 *
 * Simple Packet Blocks carry no timestamp and no interface id: they belong to the
 * section's interface 0 and hold min(original length, that interface's snaplen) bytes
 * (§4.4). The reader yields them with `seconds: null`; turning them into a trace needs a
 * policy for their time (see `to-trace.ts`).
 *
 * Strictness: a first block that is not a section header, a bad byte-order magic, a
 * major version other than 1, a block length under 12 or not a multiple of 4 or above
 * 16 MiB or past the end of the file, a trailing length that differs from the leading
 * one, a block body too short for its fixed fields, packet data overrunning its block,
 * an interface id with no Interface Description Block, an option overrunning its block,
 * an `if_tsresol` of the wrong length or beyond 10^-18 / 2^-63, or a timestamp whose
 * microseconds do not fit a JS integer: each throws a `CaptureError` with the byte
 * offset. Options of packet blocks and section headers are not read.
 *
 * @example
 * const bytes = writePcapng([{ blocks: [{ type: "idb", linkType: 1 }, { type: "epb", iface: 0, seconds: 1, nanos: 0, data: frame }] }]);
 * [...readPcapng(bytes, "x.pcapng").packets()].length // => 1
 */
import { ByteView, hex32 } from "./byte-view.ts";
import { MAX_CAPTURE_BYTES, MAX_PACKET_BYTES, MAX_SECONDS, type CapturedPacket } from "./captured-packet.ts";
import { CaptureError } from "./capture-error.ts";

export const BT_SHB = 0x0a0d0d0a;
export const BT_IDB = 1;
export const BT_PB = 2;
export const BT_SPB = 3;
export const BT_EPB = 6;
export const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
/** The largest block the reader accepts (libpcap's limit). */
export const MAX_BLOCK_BYTES = 16 * 1024 * 1024;

const OPT_ENDOFOPT = 0;
const OPT_COMMENT = 1;
const IF_NAME = 2;
const IF_TSRESOL = 9;
const IF_TSOFFSET = 14;
const SHB_USERAPPL = 4;

/** A timestamp resolution: 10^-exp or 2^-exp seconds per unit. */
export interface Resolution {
  readonly pow2: boolean;
  readonly exp: number;
}

export interface PcapngInterfaceInfo {
  readonly linkType: number;
  readonly snaplen: number;
  readonly resolution: Resolution;
  /** Seconds added to every timestamp (if_tsoffset), 0 when absent. */
  readonly tsoffset: number;
  /** Byte offset of the Interface Description Block. */
  readonly offset: number;
}

export interface PcapngSectionInfo {
  readonly offset: number;
  readonly littleEndian: boolean;
  readonly versionMajor: number;
  readonly versionMinor: number;
  readonly interfaces: PcapngInterfaceInfo[];
}

export interface PcapngFile {
  readonly format: "pcapng";
  /** Sections seen so far (filled in as `packets()` runs). */
  readonly sections: PcapngSectionInfo[];
  /** Blocks skipped by type (hex), filled in as `packets()` runs. */
  readonly skippedBlocks: Map<string, number>;
  packets(): Generator<CapturedPacket>;
}

/** True when the file starts with a pcapng Section Header Block type. */
export function isPcapng(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x0a && bytes[1] === 0x0d && bytes[2] === 0x0d && bytes[3] === 0x0a;
}

export function readPcapng(bytes: Uint8Array, source = "capture"): PcapngFile {
  const v = new ByteView(bytes, source);
  if (bytes.length > MAX_CAPTURE_BYTES) v.fail(0, `a capture of at most ${MAX_CAPTURE_BYTES} bytes`, `${bytes.length} bytes`);
  const sections: PcapngSectionInfo[] = [];
  const skippedBlocks = new Map<string, number>();
  const time = { seconds: 0, nanos: 0 };

  function* packets(): Generator<CapturedPacket> {
    let offset = 0;
    let index = 0;
    let section: PcapngSectionInfo | null = null;
    let le = true;
    while (offset < v.length) {
      v.need(offset, 8, "an 8-byte block header (type and total length)");
      const isShb = v.u32(offset, false) === BT_SHB;
      if (isShb) {
        v.need(offset, 12, "a section header block's byte-order magic");
        const magic = v.u32(offset + 8, false);
        if (magic === BYTE_ORDER_MAGIC) le = false;
        else if (v.u32(offset + 8, true) === BYTE_ORDER_MAGIC) le = true;
        else v.fail(offset + 8, "the byte-order magic 0x1a2b3c4d (either byte order)", hex32(magic));
      } else if (section === null) {
        v.fail(offset, "a Section Header Block (type 0x0a0d0d0a) first", `block type ${hex32(v.u32(offset, true))}`);
      }
      const type = isShb ? BT_SHB : v.u32(offset, le);
      const length = v.u32(offset + 4, le);
      if (length < 12 || length % 4 !== 0) v.fail(offset + 4, "a block total length that is a multiple of 4 and at least 12", String(length));
      if (length > MAX_BLOCK_BYTES) v.fail(offset + 4, `a block total length of at most ${MAX_BLOCK_BYTES} bytes`, String(length));
      v.need(offset, length, `a block of ${length} bytes (its total length field)`);
      const trailer = v.u32(offset + length - 4, le);
      if (trailer !== length) v.fail(offset + length - 4, `the trailing block total length to repeat the leading one (${length})`, String(trailer));
      const body = offset + 8;
      const bodyLen = length - 12;
      switch (type) {
        case BT_SHB: {
          if (bodyLen < 16) v.fail(offset + 4, "a section header block of at least 28 bytes", `${length} bytes`);
          const versionMajor = v.u16(body + 4, le);
          const versionMinor = v.u16(body + 6, le);
          if (versionMajor !== 1) v.fail(body + 4, "pcapng major version 1", `version ${versionMajor}.${versionMinor}`);
          section = { offset, littleEndian: le, versionMajor, versionMinor, interfaces: [] };
          sections.push(section);
          break;
        }
        case BT_IDB: {
          if (bodyLen < 8) v.fail(offset + 4, "an interface description block of at least 20 bytes", `${length} bytes`);
          section!.interfaces.push(readIdb(v, offset, body, bodyLen, le));
          break;
        }
        case BT_EPB:
        case BT_PB: {
          const obsolete = type === BT_PB;
          if (bodyLen < 20) v.fail(offset + 4, `${obsolete ? "a packet" : "an enhanced packet"} block of at least 32 bytes`, `${length} bytes`);
          const ifid = obsolete ? v.u16(body, le) : v.u32(body, le);
          const iface = section!.interfaces[ifid];
          if (iface === undefined) {
            v.fail(body, `an interface id below ${section!.interfaces.length} (an Interface Description Block before the packet)`, String(ifid));
          }
          const hi = v.u32(body + 4, le);
          const lo = v.u32(body + 8, le);
          const capLen = v.u32(body + 12, le);
          const origLen = v.u32(body + 16, le);
          if (capLen > MAX_PACKET_BYTES) v.fail(body + 12, `a captured length of at most ${MAX_PACKET_BYTES} bytes`, String(capLen));
          if (capLen > origLen) v.fail(body + 12, `a captured length no larger than the original length ${origLen}`, String(capLen));
          if (20 + pad4(capLen) > bodyLen) v.fail(body + 12, `a captured length whose data fits the block (at most ${bodyLen - 20} bytes)`, String(capLen));
          ticksToTime(v, body + 4, hi, lo, iface.resolution, iface.tsoffset, time);
          yield {
            index: index++,
            offset,
            dataOffset: body + 20,
            linkType: iface.linkType,
            seconds: time.seconds,
            nanos: time.nanos,
            data: v.slice(body + 20, capLen),
            origLen,
            fcsBytes: 0,
            iface: ifid,
            section: sections.length - 1,
          };
          break;
        }
        case BT_SPB: {
          if (bodyLen < 4) v.fail(offset + 4, "a simple packet block of at least 16 bytes", `${length} bytes`);
          const iface = section!.interfaces[0];
          if (iface === undefined) v.fail(offset, "an Interface Description Block before a Simple Packet Block (it belongs to interface 0)", "none in this section");
          const origLen = v.u32(body, le);
          const capLen = iface.snaplen === 0 ? origLen : Math.min(origLen, iface.snaplen);
          if (capLen > MAX_PACKET_BYTES) v.fail(body, `a packet of at most ${MAX_PACKET_BYTES} captured bytes`, String(capLen));
          if (4 + pad4(capLen) > bodyLen) {
            v.fail(body, `packet data of min(original length, snaplen ${iface.snaplen}) bytes inside the block (at most ${bodyLen - 4})`, String(capLen));
          }
          yield {
            index: index++,
            offset,
            dataOffset: body + 4,
            linkType: iface.linkType,
            seconds: null,
            nanos: 0,
            data: v.slice(body + 4, capLen),
            origLen,
            fcsBytes: 0,
            iface: 0,
            section: sections.length - 1,
          };
          break;
        }
        default: {
          const key = hex32(type);
          skippedBlocks.set(key, (skippedBlocks.get(key) ?? 0) + 1);
        }
      }
      offset += length;
    }
  }
  return { format: "pcapng", sections, skippedBlocks, packets };
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}

function readIdb(v: ByteView, offset: number, body: number, bodyLen: number, le: boolean): PcapngInterfaceInfo {
  const linkType = v.u16(body, le);
  const snaplen = v.u32(body + 4, le);
  let resolution: Resolution = { pow2: false, exp: 6 };
  let tsoffset = 0;
  let o = body + 8;
  const end = body + bodyLen;
  while (o < end) {
    if (o + 4 > end) v.fail(o, "a 4-byte option header inside the interface description block", `${end - o} bytes before the block's end`);
    const code = v.u16(o, le);
    const len = v.u16(o + 2, le);
    if (code === OPT_ENDOFOPT) break;
    if (o + 4 + pad4(len) > end) v.fail(o + 2, `an option length that fits the block (at most ${end - o - 4} bytes)`, String(len));
    if (code === IF_TSRESOL) {
      if (len !== 1) v.fail(o + 2, "if_tsresol of length 1", String(len));
      const b = v.u8(o + 4);
      const pow2 = (b & 0x80) !== 0;
      const exp = b & 0x7f;
      if ((!pow2 && exp > 18) || (pow2 && exp > 63)) v.fail(o + 4, "if_tsresol of at most 10^-18 or 2^-63 s", pow2 ? `2^-${exp}` : `10^-${exp}`);
      resolution = { pow2, exp };
    } else if (code === IF_TSOFFSET) {
      if (len !== 8) v.fail(o + 2, "if_tsoffset of length 8", String(len));
      const hi = v.i32(o + 4 + (le ? 4 : 0), le);
      const lo = v.u32(o + 4 + (le ? 0 : 4), le);
      const s = hi * 4294967296 + lo;
      if (Math.abs(s) > MAX_SECONDS) v.fail(o + 4, `an if_tsoffset of at most ${MAX_SECONDS} s`, String(s));
      tsoffset = s;
    }
    o += 4 + pad4(len);
  }
  return { linkType, snaplen, resolution, tsoffset, offset };
}

const TWO32 = 4294967296;

/**
 * 64-bit tick count `hi:lo` at resolution `res` (plus `tsoffset` seconds) to whole
 * seconds and nanoseconds (floored). Exact: plain arithmetic while it is exact, 16-bit
 * long division for nanosecond-style decimal resolutions, BigInt otherwise.
 */
function ticksToTime(v: ByteView, at: number, hi: number, lo: number, res: Resolution, tsoffset: number, out: { seconds: number; nanos: number }): void {
  let seconds: number;
  let nanos: number;
  if (!res.pow2 && res.exp <= 9) {
    const unit = 10 ** res.exp;
    let q: number;
    let r: number;
    if (hi < 0x200000) {
      const t = hi * TWO32 + lo;
      q = Math.floor(t / unit);
      r = t - q * unit;
      if (r < 0) {
        q -= 1;
        r += unit;
      } else if (r >= unit) {
        q += 1;
        r -= unit;
      }
    } else {
      // long division of the four 16-bit digits of hi:lo by unit (< 2^30): every partial stays exact
      let cur = hi >>> 16;
      let qd = Math.floor(cur / unit);
      r = cur - qd * unit;
      q = qd;
      cur = r * 65536 + (hi & 0xffff);
      qd = Math.floor(cur / unit);
      r = cur - qd * unit;
      q = q * 65536 + qd;
      cur = r * 65536 + (lo >>> 16);
      qd = Math.floor(cur / unit);
      r = cur - qd * unit;
      q = q * 65536 + qd;
      cur = r * 65536 + (lo & 0xffff);
      qd = Math.floor(cur / unit);
      r = cur - qd * unit;
      q = q * 65536 + qd;
    }
    seconds = q;
    nanos = r * 10 ** (9 - res.exp);
  } else {
    const ticks = (BigInt(hi) << 32n) | BigInt(lo);
    const unit = res.pow2 ? 1n << BigInt(res.exp) : 10n ** BigInt(res.exp);
    const q = ticks / unit;
    if (q > BigInt(MAX_SECONDS)) v.fail(at, "a timestamp whose microseconds fit a JS integer", `${q} s`);
    seconds = Number(q);
    nanos = Number(((ticks % unit) * 1_000_000_000n) / unit);
  }
  seconds += tsoffset;
  if (Math.abs(seconds) > MAX_SECONDS || !Number.isSafeInteger(seconds)) v.fail(at, "a timestamp whose microseconds fit a JS integer", `${seconds} s`);
  out.seconds = seconds;
  out.nanos = nanos;
}

// ---------------------------------------------------------------------------------------
// Writer

export interface InterfaceToWrite {
  linkType: number;
  /** 0 = no limit (default). */
  snaplen?: number;
  /** The raw if_tsresol byte (default 6: microseconds; 9: nanoseconds; 0x80 | k: 2^-k). */
  tsresol?: number;
  /** if_tsoffset in seconds (default: none). */
  tsoffset?: number;
  name?: string;
}

export type BlockToWrite =
  | ({ type: "idb" } & InterfaceToWrite)
  | { type: "epb"; iface: number; seconds: number; nanos: number; data: Uint8Array; origLen?: number; comment?: string }
  | { type: "pb"; iface: number; seconds: number; nanos: number; data: Uint8Array; origLen?: number }
  | { type: "spb"; data: Uint8Array; origLen?: number }
  /** Any other block, written verbatim (body padded to 4 bytes): for skipping tests. */
  | { type: "raw"; blockType: number; body: Uint8Array };

export interface SectionToWrite {
  bigEndian?: boolean;
  blocks: BlockToWrite[];
  userAppl?: string;
}

class Out {
  private chunks: Uint8Array[] = [];
  size = 0;
  push(b: Uint8Array): void {
    this.chunks.push(b);
    this.size += b.length;
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}

function option(code: number, value: Uint8Array, le: boolean): Uint8Array {
  const b = new Uint8Array(4 + pad4(value.length));
  const dv = new DataView(b.buffer);
  dv.setUint16(0, code, le);
  dv.setUint16(2, value.length, le);
  b.set(value, 4);
  return b;
}

function options(list: Uint8Array[], le: boolean): Uint8Array {
  if (list.length === 0) return new Uint8Array(0);
  const end = option(OPT_ENDOFOPT, new Uint8Array(0), le);
  const total = list.reduce((s, o) => s + o.length, 0) + end.length;
  const b = new Uint8Array(total);
  let o = 0;
  for (const x of [...list, end]) {
    b.set(x, o);
    o += x.length;
  }
  return b;
}

function block(type: number, body: Uint8Array, le: boolean): Uint8Array {
  const length = 12 + pad4(body.length);
  const b = new Uint8Array(length);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, type, le);
  dv.setUint32(4, length, le);
  b.set(body, 8);
  dv.setUint32(length - 4, length, le);
  return b;
}

const utf8 = new TextEncoder();

function resolutionOf(tsresol: number): Resolution {
  return { pow2: (tsresol & 0x80) !== 0, exp: tsresol & 0x7f };
}

function timeToTicks(seconds: number, nanos: number, iface: InterfaceToWrite): bigint {
  const res = resolutionOf(iface.tsresol ?? 6);
  const unit = res.pow2 ? 1n << BigInt(res.exp) : 10n ** BigInt(res.exp);
  const s = BigInt(seconds - (iface.tsoffset ?? 0));
  const ticks = s * unit + (BigInt(nanos) * unit) / 1_000_000_000n;
  if (ticks < 0n || ticks >= 1n << 64n) throw new CaptureError("writePcapng", -1, "a timestamp that fits 64 bits at the interface's resolution", `${seconds} s`);
  return ticks;
}

function packetBody(fixed: number, data: Uint8Array, capLen: number, trailing: Uint8Array): Uint8Array {
  const b = new Uint8Array(fixed + pad4(capLen) + trailing.length);
  b.set(data.subarray(0, capLen), fixed);
  b.set(trailing, fixed + pad4(capLen));
  return b;
}

/** Writes sections of blocks. Interface ids count the `idb` blocks of each section from 0. */
export function writePcapng(sections: readonly SectionToWrite[]): Uint8Array {
  const out = new Out();
  for (const s of sections) {
    const le = !s.bigEndian;
    const shbOpts = options([option(SHB_USERAPPL, utf8.encode(s.userAppl ?? "chaff"), le)], le);
    const shb = new Uint8Array(16 + shbOpts.length);
    const sdv = new DataView(shb.buffer);
    sdv.setUint32(0, BYTE_ORDER_MAGIC, le);
    sdv.setUint16(4, 1, le);
    sdv.setUint16(6, 0, le);
    sdv.setInt32(8, -1, le); // section length unknown (-1)
    sdv.setInt32(12, -1, le);
    shb.set(shbOpts, 16);
    out.push(block(BT_SHB, shb, le));
    const ifaces: InterfaceToWrite[] = [];
    for (const b of s.blocks) {
      switch (b.type) {
        case "idb": {
          ifaces.push(b);
          const opts: Uint8Array[] = [];
          if (b.name !== undefined) opts.push(option(IF_NAME, utf8.encode(b.name), le));
          if (b.tsresol !== undefined && b.tsresol !== 6) opts.push(option(IF_TSRESOL, Uint8Array.of(b.tsresol), le));
          if (b.tsoffset !== undefined) {
            const v = new Uint8Array(8);
            new DataView(v.buffer).setBigInt64(0, BigInt(b.tsoffset), le);
            opts.push(option(IF_TSOFFSET, v, le));
          }
          const o = options(opts, le);
          const body = new Uint8Array(8 + o.length);
          const dv = new DataView(body.buffer);
          dv.setUint16(0, b.linkType, le);
          dv.setUint32(4, b.snaplen ?? 0, le);
          body.set(o, 8);
          out.push(block(BT_IDB, body, le));
          break;
        }
        case "epb":
        case "pb": {
          const iface = ifaces[b.iface];
          if (!iface) throw new CaptureError("writePcapng", -1, `an idb block before interface ${b.iface} is used`);
          const capLen = iface.snaplen ? Math.min(iface.snaplen, b.data.length) : b.data.length;
          const ticks = timeToTicks(b.seconds, b.nanos, iface);
          const trailing = b.type === "epb" && b.comment !== undefined ? options([option(OPT_COMMENT, utf8.encode(b.comment), le)], le) : new Uint8Array(0);
          const body = packetBody(20, b.data, capLen, trailing);
          const dv = new DataView(body.buffer);
          if (b.type === "pb") dv.setUint16(0, b.iface, le);
          else dv.setUint32(0, b.iface, le);
          dv.setUint32(4, Number(ticks >> 32n), le);
          dv.setUint32(8, Number(ticks & 0xffffffffn), le);
          dv.setUint32(12, capLen, le);
          dv.setUint32(16, b.origLen ?? b.data.length, le);
          out.push(block(b.type === "pb" ? BT_PB : BT_EPB, body, le));
          break;
        }
        case "spb": {
          const iface = ifaces[0];
          if (!iface) throw new CaptureError("writePcapng", -1, "an idb block before a simple packet block");
          const origLen = b.origLen ?? b.data.length;
          const capLen = iface.snaplen ? Math.min(iface.snaplen, origLen) : origLen;
          if (capLen > b.data.length) throw new CaptureError("writePcapng", -1, `${capLen} data bytes for the simple packet block`, `${b.data.length}`);
          const body = packetBody(4, b.data, capLen, new Uint8Array(0));
          new DataView(body.buffer).setUint32(0, origLen, le);
          out.push(block(BT_SPB, body, le));
          break;
        }
        case "raw":
          out.push(block(b.blockType, b.body, le));
          break;
      }
    }
  }
  return out.bytes();
}
