/**
 * One packet record as a capture file stores it, before any protocol is decoded: what
 * the classic pcap and the pcapng readers both yield.
 *
 * Time is kept as whole seconds since 1970-01-01 UTC plus nanoseconds, exactly as far as
 * the file's resolution allows (pcapng power-of-two resolutions are floored to the
 * nanosecond). `micros()` turns it into chaff time: integer microseconds, sub-microsecond
 * digits dropped (floored), as libpcap does when it reads a nanosecond file at
 * microsecond precision.
 *
 * A pcapng Simple Packet Block has no timestamp: its `seconds` is null.
 */
import type { Micros } from "../core/time.ts";

/** The largest bytes of one packet a reader accepts (libpcap's MAXIMUM_SNAPLEN, 256 KiB). */
export const MAX_PACKET_BYTES = 262_144;
/** The largest capture file the readers take (they hold it in memory). */
export const MAX_CAPTURE_BYTES = 1 << 30;

export interface CapturedPacket {
  /** 0-based position among the file's packet records. */
  readonly index: number;
  /** Byte offset of the record (pcap) or block (pcapng) in the file. */
  readonly offset: number;
  /** Byte offset of the first captured byte in the file. */
  readonly dataOffset: number;
  /** The LINKTYPE_ value of the interface the packet was captured on. */
  readonly linkType: number;
  /** Whole seconds since the epoch, or null when the record has no timestamp (pcapng SPB). */
  readonly seconds: number | null;
  /** Nanoseconds within the second, 0..999,999,999. */
  readonly nanos: number;
  /** The captured bytes (a view into the file, not a copy), link-layer header first. */
  readonly data: Uint8Array;
  /** The packet's length on the wire, including bytes the snaplen cut off. */
  readonly origLen: number;
  /** Bytes of frame check sequence at the end of each frame (0 when none or unknown). */
  readonly fcsBytes: number;
  /** Interface id within its section (pcapng), 0 for classic pcap. */
  readonly iface: number;
  /** 0-based section number (pcapng), 0 for classic pcap. */
  readonly section: number;
}

/** A packet's time in integer microseconds since the epoch (sub-microsecond digits floored). */
export function packetMicros(p: Pick<CapturedPacket, "seconds" | "nanos">): Micros {
  if (p.seconds === null) throw new Error("packetMicros: the packet has no timestamp");
  return p.seconds * 1_000_000 + Math.floor(p.nanos / 1000);
}

/** The largest |seconds| whose microsecond count stays an exact JS integer (year ~2255). */
export const MAX_SECONDS = Math.floor(Number.MAX_SAFE_INTEGER / 1_000_000) - 1;
