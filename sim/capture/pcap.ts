/**
 * Classic pcap files (tcpdump, libpcap): a strict reader and a writer.
 *
 * Format (Harris & Richardson, "PCAP Capture File Format", draft-gharris-opsawg-pcap,
 * §4–5): a 24-byte file header — magic, version 2.4, two reserved words, snaplen, and a
 * word holding the link type in its low 16 bits and the FCS length in its top 4 — then
 * per packet a 16-byte record header (seconds, micro- or nanoseconds, captured length,
 * original length) and the captured bytes. The magic gives both the byte order and the
 * resolution: 0xA1B2C3D4 microseconds, 0xA1B23C4D nanoseconds, either byte order.
 *
 * Strictness: a bad magic or version, a record header or packet cut short by the end of
 * the file, a fraction of a second out of range, a captured length above the original
 * length or above 256 KiB all throw a `CaptureError` naming the byte offset. The
 * reserved words are ignored, as the draft requires. The header's snaplen is not used to
 * reject records (some writers put 0 or 65535 there and still store full packets).
 *
 * @example
 * const bytes = writePcap([{ seconds: 1, nanos: 0, data: frame }], { linkType: LINKTYPE_ETHERNET });
 * [...readPcap(bytes, "x.pcap").packets()].length // => 1
 */
import { ByteView, hex32 } from "./byte-view.ts";
import { MAX_CAPTURE_BYTES, MAX_PACKET_BYTES, MAX_SECONDS, type CapturedPacket } from "./captured-packet.ts";
import { CaptureError } from "./capture-error.ts";

export const PCAP_MAGIC_MICROS = 0xa1b2c3d4;
export const PCAP_MAGIC_NANOS = 0xa1b23c4d;
/** Kuznetsov's patched format (extra record fields); recognised only to name it in the error. */
const PCAP_MAGIC_KUZNETSOV = 0xa1b2cd34;

export interface PcapHeader {
  readonly littleEndian: boolean;
  readonly nanos: boolean;
  readonly versionMajor: number;
  readonly versionMinor: number;
  readonly snaplen: number;
  readonly linkType: number;
  /** Bytes of FCS appended to each frame, from the header's FCS bits (0 when absent). */
  readonly fcsBytes: number;
}

export interface PcapFile {
  readonly format: "pcap";
  readonly header: PcapHeader;
  /** The packet records in file order; throws a `CaptureError` on the first bad one. */
  packets(): Generator<CapturedPacket>;
}

/** True when the first four bytes are a classic pcap magic, in either byte order. */
export function isPcap(bytes: Uint8Array): boolean {
  if (bytes.length < 4) return false;
  const be = ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
  const le = ((bytes[3] << 24) | (bytes[2] << 16) | (bytes[1] << 8) | bytes[0]) >>> 0;
  return be === PCAP_MAGIC_MICROS || be === PCAP_MAGIC_NANOS || le === PCAP_MAGIC_MICROS || le === PCAP_MAGIC_NANOS;
}

export function readPcap(bytes: Uint8Array, source = "capture"): PcapFile {
  const v = new ByteView(bytes, source);
  if (bytes.length > MAX_CAPTURE_BYTES) v.fail(0, `a capture of at most ${MAX_CAPTURE_BYTES} bytes`, `${bytes.length} bytes`);
  v.need(0, 4, "a pcap magic number (4 bytes)");
  const be = v.u32(0, false);
  const le = v.u32(0, true);
  let littleEndian: boolean;
  let nanos: boolean;
  if (be === PCAP_MAGIC_MICROS || be === PCAP_MAGIC_NANOS) {
    littleEndian = false;
    nanos = be === PCAP_MAGIC_NANOS;
  } else if (le === PCAP_MAGIC_MICROS || le === PCAP_MAGIC_NANOS) {
    littleEndian = true;
    nanos = le === PCAP_MAGIC_NANOS;
  } else if (be === PCAP_MAGIC_KUZNETSOV || le === PCAP_MAGIC_KUZNETSOV) {
    return v.fail(0, "a standard pcap magic (0xa1b2c3d4 or 0xa1b23c4d)", "Kuznetsov's modified pcap format (0xa1b2cd34), which is not supported; convert it with editcap -F pcap");
  } else {
    return v.fail(0, "a pcap magic number 0xa1b2c3d4 or 0xa1b23c4d (either byte order)", hex32(be));
  }
  v.need(0, 24, "a 24-byte pcap file header");
  const versionMajor = v.u16(4, littleEndian);
  const versionMinor = v.u16(6, littleEndian);
  if (versionMajor !== 2) v.fail(4, "pcap version 2.x", `version ${versionMajor}.${versionMinor}`);
  const snaplen = v.u32(16, littleEndian);
  const word = v.u32(20, littleEndian);
  const linkType = word & 0xffff;
  const fcsBytes = word & 0x10000000 ? ((word >>> 29) & 0x7) * 2 : 0;
  const header: PcapHeader = { littleEndian, nanos, versionMajor, versionMinor, snaplen, linkType, fcsBytes };

  function* packets(): Generator<CapturedPacket> {
    const fracLimit = nanos ? 1_000_000_000 : 1_000_000;
    const scale = nanos ? 1 : 1000;
    let offset = 24;
    let index = 0;
    while (offset < v.length) {
      v.need(offset, 16, `a 16-byte record header for packet ${index + 1}`);
      const seconds = v.u32(offset, littleEndian);
      const frac = v.u32(offset + 4, littleEndian);
      const capLen = v.u32(offset + 8, littleEndian);
      const origLen = v.u32(offset + 12, littleEndian);
      if (frac >= fracLimit) v.fail(offset + 4, `a fraction of a second below ${fracLimit} (${nanos ? "nano" : "micro"}seconds)`, String(frac));
      if (capLen > MAX_PACKET_BYTES) v.fail(offset + 8, `a captured length of at most ${MAX_PACKET_BYTES} bytes`, String(capLen));
      if (capLen > origLen) v.fail(offset + 8, `a captured length no larger than the original length ${origLen}`, String(capLen));
      if (seconds > MAX_SECONDS) v.fail(offset, "a timestamp whose microseconds fit a JS integer", `${seconds} s`);
      v.need(offset + 16, capLen, `${capLen} captured bytes of packet ${index + 1}`);
      yield {
        index,
        offset,
        dataOffset: offset + 16,
        linkType,
        seconds,
        nanos: frac * scale,
        data: v.slice(offset + 16, capLen),
        origLen,
        fcsBytes,
        iface: 0,
        section: 0,
      };
      offset += 16 + capLen;
      index++;
    }
  }
  return { format: "pcap", header, packets };
}

/** A packet to write: its time, its bytes (link-layer header first) and optionally its length on the wire. */
export interface PacketToWrite {
  seconds: number;
  /** Nanoseconds within the second (written as microseconds, floored, in a microsecond file). */
  nanos: number;
  data: Uint8Array;
  /** Length on the wire (default: `data.length`). */
  origLen?: number;
}

export interface PcapWriteOptions {
  linkType: number;
  /** Nanosecond resolution (magic 0xa1b23c4d) instead of microseconds. */
  nanos?: boolean;
  bigEndian?: boolean;
  /** Bytes kept of each packet (default 262144); longer packets are cut, as a capture would. */
  snaplen?: number;
}

export function writePcap(packets: readonly PacketToWrite[], opts: PcapWriteOptions): Uint8Array {
  const snaplen = opts.snaplen ?? MAX_PACKET_BYTES;
  const le = !opts.bigEndian;
  let total = 24;
  for (const p of packets) total += 16 + Math.min(p.data.length, snaplen);
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, opts.nanos ? PCAP_MAGIC_NANOS : PCAP_MAGIC_MICROS, le);
  dv.setUint16(4, 2, le);
  dv.setUint16(6, 4, le);
  dv.setUint32(16, snaplen, le);
  dv.setUint32(20, opts.linkType & 0xffff, le);
  let o = 24;
  for (const p of packets) {
    checkTime(p);
    const cap = Math.min(p.data.length, snaplen);
    dv.setUint32(o, p.seconds, le);
    dv.setUint32(o + 4, opts.nanos ? p.nanos : Math.floor(p.nanos / 1000), le);
    dv.setUint32(o + 8, cap, le);
    dv.setUint32(o + 12, p.origLen ?? p.data.length, le);
    out.set(p.data.subarray(0, cap), o + 16);
    o += 16 + cap;
  }
  return out;
}

function checkTime(p: PacketToWrite): void {
  if (!Number.isInteger(p.seconds) || p.seconds < 0 || p.seconds > 0xffffffff) {
    throw new CaptureError("writePcap", -1, "whole seconds in 0..2^32-1", String(p.seconds));
  }
  if (!Number.isInteger(p.nanos) || p.nanos < 0 || p.nanos >= 1_000_000_000) {
    throw new CaptureError("writePcap", -1, "nanoseconds in 0..999999999", String(p.nanos));
  }
}
