/**
 * IPv4 and IPv6 with TCP and UDP: what a packet's addresses, ports, size on the wire
 * and payload are; and IP packets built from a description (writers and fixtures).
 *
 * Sizes. The wire size is the IP datagram: IPv4 Total Length (RFC 791 §3.1), IPv6 40 +
 * Payload Length (RFC 8200 §3) — the same bytes whatever link layer carried them, and
 * what chaff's simulator counts (`sim/world/transport.ts`). When the length field is 0
 * (TCP segmentation offload captured on the sending host, or an IPv6 jumbogram) the size
 * is taken from the frame instead. The payload is what the transport carries: IP payload
 * minus the TCP header with its options (data offset, RFC 9293 §3.1), or the UDP Length
 * minus 8 (RFC 768).
 *
 * IPv4 options are stepped over by the header length (IHL). IPv6 extension headers
 * (RFC 8200 §4) are walked: Hop-by-Hop (0), Routing (43), Destination Options (60),
 * Mobility (135), HIP (139), Shim6 (140) by their 8-octet length, AH (51, RFC 4302) by its
 * 4-octet length, Fragment (44) as below; ESP (50) and No Next Header (59) end the walk
 * (the packet is not TCP or UDP as far as a capture can tell).
 *
 * Fragments (IPv4 and the IPv6 Fragment header) are not reassembled: each fragment is a
 * packet on the wire and counts as one. The first fragment (offset 0, more-fragments
 * set) carries the ports and is decoded normally; a later fragment (offset > 0) has no
 * ports: it is reported as `IP_FRAGMENT` with its identification, and the caller
 * attributes it to the flow of the first fragment with the same (source, destination,
 * protocol, identification) — see `flows.ts`. A later fragment's payload is its whole IP
 * payload.
 *
 * Checksums are not verified (offloading makes them wrong in most captures).
 */
import { parseIp } from "./ip-address.ts";

export const PROTO_TCP = 6;
export const PROTO_UDP = 17;

/** Decoded TCP or UDP packet, or later fragment. */
export const IP_OK = 0;
/** A later fragment (offset > 0): addresses, protocol, identification and sizes only. */
export const IP_FRAGMENT = 1;
/** Not TCP or UDP (ICMP, ESP, …): skipped with a count. */
export const IP_SKIP = 2;
/** Malformed or cut short: `reason` and `at` say what and where. */
export const IP_MALFORMED = 3;

/** One packet's network and transport facts; one instance is reused across packets. */
export interface IpInfo {
  version: 4 | 6;
  /** Views into the frame (4 or 16 bytes). */
  src: Uint8Array;
  dst: Uint8Array;
  protocol: number;
  srcPort: number;
  dstPort: number;
  /** TCP flags byte (CWR ECE URG ACK PSH RST SYN FIN), 0 for UDP. */
  tcpFlags: number;
  /** Bytes of the IP datagram. */
  wireSize: number;
  /** Bytes of transport payload (later fragments: the fragment's IP payload). */
  payload: number;
  /** 0 not fragmented, 1 the first fragment, 2 a later fragment. */
  fragment: 0 | 1 | 2;
  /** IPv4 identification or IPv6 fragment identification (fragments only). */
  fragmentId: number;
  /** The length field was 0 and the size came from the frame (TSO, jumbogram). */
  sizeFromFrame: boolean;
  /** Why the packet was skipped or what is malformed. */
  reason: string;
  /** Offset in the frame of the malformed field. */
  at: number;
}

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_ACK = 0x10;

export function newIpInfo(): IpInfo {
  const empty = new Uint8Array(0);
  return { version: 4, src: empty, dst: empty, protocol: 0, srcPort: 0, dstPort: 0, tcpFlags: 0, wireSize: 0, payload: 0, fragment: 0, fragmentId: 0, sizeFromFrame: false, reason: "", at: 0 };
}

function malformed(out: IpInfo, at: number, reason: string): number {
  out.reason = reason;
  out.at = at;
  return IP_MALFORMED;
}

function skip(out: IpInfo, reason: string): number {
  out.reason = reason;
  return IP_SKIP;
}

const PROTO_NAMES: Record<number, string> = { 1: "ICMP", 2: "IGMP", 47: "GRE", 50: "ESP", 58: "ICMPv6", 89: "OSPF", 103: "PIM", 112: "VRRP", 132: "SCTP" };

function protoName(p: number): string {
  return PROTO_NAMES[p] ? `IP protocol ${p} (${PROTO_NAMES[p]})` : `IP protocol ${p}`;
}

/**
 * Decodes the IP packet at `off` in `frame`. `version` is what the link layer said (0:
 * read the version nibble). `onWire` is how many bytes of the original frame, from
 * `off`, were on the wire (original length minus link header and FCS): the IP length
 * field may not exceed it. Returns IP_OK, IP_FRAGMENT, IP_SKIP or IP_MALFORMED.
 */
export function decodeIp(frame: Uint8Array, off: number, version: 0 | 4 | 6, onWire: number, out: IpInfo): number {
  out.reason = "";
  out.at = off;
  out.sizeFromFrame = false;
  out.fragment = 0;
  out.fragmentId = 0;
  out.srcPort = 0;
  out.dstPort = 0;
  out.tcpFlags = 0;
  const captured = frame.length - off;
  if (captured < 1) return malformed(out, off, "an IP header, found no bytes after the link-layer header");
  const nibble = frame[off] >> 4;
  if (version !== 0 && nibble !== version) return malformed(out, off, `an IPv${version} header (the link layer says so), found version nibble ${nibble}`);
  if (nibble === 4) return decodeIpv4(frame, off, captured, onWire, out);
  if (nibble === 6) return decodeIpv6(frame, off, captured, onWire, out);
  return malformed(out, off, `an IP version nibble 4 or 6, found ${nibble}`);
}

function u16(b: Uint8Array, o: number): number {
  return (b[o] << 8) | b[o + 1];
}

function decodeIpv4(f: Uint8Array, off: number, captured: number, onWire: number, out: IpInfo): number {
  out.version = 4;
  if (captured < 20) return malformed(out, off, `a 20-byte IPv4 header, found ${captured} captured bytes`);
  const ihl = (f[off] & 0x0f) * 4;
  if (ihl < 20) return malformed(out, off, `an IPv4 header length (IHL) of at least 5 words, found ${ihl / 4}`);
  if (captured < ihl) return malformed(out, off, `an IPv4 header with options of ${ihl} bytes, found ${captured} captured bytes`);
  let total = u16(f, off + 2);
  if (total === 0) {
    total = onWire;
    out.sizeFromFrame = true;
  }
  if (total < ihl) return malformed(out, off + 2, `an IPv4 total length of at least the header's ${ihl} bytes, found ${total}`);
  if (total > onWire) return malformed(out, off + 2, `an IPv4 total length within the ${onWire} bytes the frame carried, found ${total}`);
  out.wireSize = total;
  out.src = f.subarray(off + 12, off + 16);
  out.dst = f.subarray(off + 16, off + 20);
  const protocol = f[off + 9];
  out.protocol = protocol;
  const flagsFrag = u16(f, off + 6);
  const fragOffset = (flagsFrag & 0x1fff) * 8;
  const more = (flagsFrag & 0x2000) !== 0;
  const ipPayload = total - ihl;
  if (fragOffset > 0 || more) out.fragmentId = u16(f, off + 4);
  if (protocol !== PROTO_TCP && protocol !== PROTO_UDP) return skip(out, protoName(protocol));
  if (fragOffset > 0) {
    out.fragment = 2;
    out.payload = ipPayload;
    return IP_FRAGMENT;
  }
  if (more) out.fragment = 1;
  return decodeTransport(f, off + ihl, Math.min(captured - ihl, ipPayload), ipPayload, out);
}

function decodeIpv6(f: Uint8Array, off: number, captured: number, onWire: number, out: IpInfo): number {
  out.version = 6;
  if (captured < 40) return malformed(out, off, `a 40-byte IPv6 header, found ${captured} captured bytes`);
  const payloadLength = u16(f, off + 4);
  let total = 40 + payloadLength;
  if (payloadLength === 0) {
    total = onWire;
    out.sizeFromFrame = true;
  }
  if (total < 40) return malformed(out, off + 4, `an IPv6 packet of at least 40 bytes on the wire, found ${total}`);
  if (total > onWire) return malformed(out, off + 4, `an IPv6 payload length within the ${onWire} bytes the frame carried, found ${payloadLength}`);
  out.wireSize = total;
  out.src = f.subarray(off + 8, off + 24);
  out.dst = f.subarray(off + 24, off + 40);
  const end = off + total;
  const capEnd = off + captured;
  let nh = f[off + 6];
  let p = off + 40;
  for (let hops = 0; ; hops++) {
    if (hops > 64) return malformed(out, p, "at most 64 IPv6 extension headers");
    if (nh === 0 || nh === 43 || nh === 60 || nh === 135 || nh === 139 || nh === 140 || nh === 51) {
      if (p + 2 > end) return malformed(out, p, `an IPv6 extension header (${nh}) inside the payload length`);
      if (p + 2 > capEnd) return malformed(out, p, `an IPv6 extension header (${nh}) within the captured bytes (the snaplen cut it)`);
      const len = nh === 51 ? (f[p + 1] + 2) * 4 : (f[p + 1] + 1) * 8;
      if (p + len > end) return malformed(out, p + 1, `an IPv6 extension header (${nh}) of ${len} bytes inside the payload length (${end - p} left)`);
      nh = f[p];
      p += len;
    } else if (nh === 44) {
      if (p + 8 > end) return malformed(out, p, "an 8-byte IPv6 fragment header inside the payload length");
      if (p + 8 > capEnd) return malformed(out, p, "an 8-byte IPv6 fragment header within the captured bytes (the snaplen cut it)");
      const word = u16(f, p + 2);
      const fragOffset = word & 0xfff8;
      const more = (word & 1) !== 0;
      const id = ((f[p + 4] << 24) | (f[p + 5] << 16) | (f[p + 6] << 8) | f[p + 7]) >>> 0;
      nh = f[p];
      p += 8;
      if (fragOffset > 0 || more) out.fragmentId = id;
      if (fragOffset > 0) {
        out.protocol = nh;
        if (nh !== PROTO_TCP && nh !== PROTO_UDP) return skip(out, protoName(nh));
        out.fragment = 2;
        out.payload = end - p;
        return IP_FRAGMENT;
      }
      if (more) out.fragment = 1;
    } else if (nh === 59) {
      out.protocol = nh;
      return skip(out, "IPv6 no next header (59)");
    } else {
      break;
    }
  }
  out.protocol = nh;
  if (nh !== PROTO_TCP && nh !== PROTO_UDP) return skip(out, protoName(nh));
  return decodeTransport(f, p, Math.max(0, Math.min(capEnd, end) - p), end - p, out);
}

/** TCP or UDP header at `t`: `captured` bytes of it are in the frame, `ipPayload` were on the wire. */
function decodeTransport(f: Uint8Array, t: number, captured: number, ipPayload: number, out: IpInfo): number {
  if (out.protocol === PROTO_TCP) {
    if (ipPayload < 20) return malformed(out, t, `an IP payload of at least a 20-byte TCP header, found ${ipPayload} bytes`);
    if (captured < 20) return malformed(out, t, `a 20-byte TCP header, found ${captured} captured bytes (the snaplen cut it)`);
    const dataOffset = (f[t + 12] >> 4) * 4;
    if (dataOffset < 20) return malformed(out, t + 12, `a TCP data offset of at least 5 words, found ${dataOffset / 4}`);
    if (dataOffset > ipPayload) return malformed(out, t + 12, `a TCP header of ${dataOffset} bytes inside the ${ipPayload}-byte IP payload`);
    out.srcPort = u16(f, t);
    out.dstPort = u16(f, t + 2);
    out.tcpFlags = f[t + 13];
    out.payload = ipPayload - dataOffset;
    return IP_OK;
  }
  if (ipPayload < 8) return malformed(out, t, `an IP payload of at least an 8-byte UDP header, found ${ipPayload} bytes`);
  if (captured < 8) return malformed(out, t, `an 8-byte UDP header, found ${captured} captured bytes (the snaplen cut it)`);
  out.srcPort = u16(f, t);
  out.dstPort = u16(f, t + 2);
  const udpLength = u16(f, t + 4);
  if (out.fragment === 1 || out.sizeFromFrame || udpLength === 0) {
    // a first fragment's UDP length covers the whole datagram; 0 marks a jumbogram
    out.payload = ipPayload - 8;
  } else {
    if (udpLength < 8 || udpLength > ipPayload) return malformed(out, t + 4, `a UDP length between 8 and the ${ipPayload}-byte IP payload, found ${udpLength}`);
    out.payload = udpLength - 8;
  }
  return IP_OK;
}

// ---------------------------------------------------------------------------------------
// Building packets (writers and fixtures)

export interface IpPacketSpec {
  src: string;
  dst: string;
  protocol: "tcp" | "udp";
  srcPort: number;
  dstPort: number;
  /** Payload bytes (zero-filled when a count is given). */
  payload: number | Uint8Array;
  /** TCP flags byte (default ACK|PSH with a payload, ACK without). */
  tcpFlags?: number;
  /** Bytes of TCP options (a multiple of 4, at most 40; filled with NOPs). */
  tcpOptions?: number;
  /** Bytes of IPv4 options (a multiple of 4, at most 40; filled with NOPs). */
  ipOptions?: number;
  /** IPv6 extension headers to insert before the transport header, by type (0, 43, 60: 8 bytes each). */
  extensionHeaders?: number[];
  /** IPv4 identification. */
  id?: number;
  ttl?: number;
}

function bytesOf(text: string): Uint8Array {
  const b = parseIp(text);
  if (!b) throw new Error(`encodeIp: "${text}" is not an IP address`);
  return b;
}

/** Builds a complete IPv4 or IPv6 packet (by the addresses' family) with a TCP or UDP header. */
export function encodeIp(spec: IpPacketSpec): Uint8Array {
  const src = bytesOf(spec.src);
  const dst = bytesOf(spec.dst);
  if (src.length !== dst.length) throw new Error("encodeIp: source and destination must be the same IP version");
  const payload = typeof spec.payload === "number" ? new Uint8Array(spec.payload) : spec.payload;
  const tcp = spec.protocol === "tcp";
  const tcpOpts = tcp ? (spec.tcpOptions ?? 0) : 0;
  const transportHeader = tcp ? 20 + tcpOpts : 8;
  const segment = new Uint8Array(transportHeader + payload.length);
  segment[0] = spec.srcPort >> 8;
  segment[1] = spec.srcPort & 0xff;
  segment[2] = spec.dstPort >> 8;
  segment[3] = spec.dstPort & 0xff;
  if (tcp) {
    segment[12] = (transportHeader / 4) << 4;
    segment[13] = spec.tcpFlags ?? (payload.length > 0 ? 0x18 : 0x10);
    segment[14] = 0xff;
    segment[15] = 0xff;
    segment.fill(1, 20, 20 + tcpOpts);
  } else {
    segment[4] = segment.length >> 8;
    segment[5] = segment.length & 0xff;
  }
  segment.set(payload, transportHeader);
  const proto = tcp ? PROTO_TCP : PROTO_UDP;
  if (src.length === 4) {
    const opts = spec.ipOptions ?? 0;
    const ihl = 20 + opts;
    const p = new Uint8Array(ihl + segment.length);
    p[0] = 0x40 | (ihl / 4);
    p[2] = p.length >> 8;
    p[3] = p.length & 0xff;
    const id = spec.id ?? 0;
    p[4] = (id >> 8) & 0xff;
    p[5] = id & 0xff;
    p[6] = 0x40; // don't fragment
    p[8] = spec.ttl ?? 64;
    p[9] = proto;
    p.set(src, 12);
    p.set(dst, 16);
    p.fill(1, 20, ihl);
    p.set(segment, ihl);
    return p;
  }
  const ext = spec.extensionHeaders ?? [];
  const p = new Uint8Array(40 + 8 * ext.length + segment.length);
  p[0] = 0x60;
  const payloadLength = p.length - 40;
  p[4] = payloadLength >> 8;
  p[5] = payloadLength & 0xff;
  p[6] = ext.length > 0 ? ext[0] : proto;
  p[7] = spec.ttl ?? 64;
  p.set(src, 8);
  p.set(dst, 24);
  ext.forEach((_, i) => {
    const o = 40 + 8 * i;
    p[o] = i + 1 < ext.length ? ext[i + 1] : proto;
    p[o + 1] = 0; // (0 + 1) * 8 bytes
    p[o + 2] = 1; // a PadN option filling the rest
    p[o + 3] = 4;
  });
  p.set(segment, 40 + 8 * ext.length);
  return p;
}

/**
 * Splits a complete IP packet into fragments whose IP payloads hold at most `chunk`
 * bytes (a multiple of 8): IPv4 fragments (RFC 791) or IPv6 Fragment headers (RFC 8200
 * §4.5, inserted right after the fixed header). `id` is the identification.
 */
export function fragmentIp(packet: Uint8Array, chunk: number, id: number): Uint8Array[] {
  if (chunk <= 0 || chunk % 8 !== 0) throw new Error("fragmentIp: chunk must be a positive multiple of 8");
  const out: Uint8Array[] = [];
  if (packet[0] >> 4 === 4) {
    const ihl = (packet[0] & 0x0f) * 4;
    const body = packet.subarray(ihl);
    for (let o = 0; o < body.length; o += chunk) {
      const piece = body.subarray(o, Math.min(body.length, o + chunk));
      const f = new Uint8Array(ihl + piece.length);
      f.set(packet.subarray(0, ihl));
      f[2] = f.length >> 8;
      f[3] = f.length & 0xff;
      f[4] = (id >> 8) & 0xff;
      f[5] = id & 0xff;
      const more = o + chunk < body.length ? 0x2000 : 0;
      const word = more | (o / 8);
      f[6] = word >> 8;
      f[7] = word & 0xff;
      f.set(piece, ihl);
      out.push(f);
    }
    return out;
  }
  const nh = packet[6];
  const body = packet.subarray(40);
  for (let o = 0; o < body.length; o += chunk) {
    const piece = body.subarray(o, Math.min(body.length, o + chunk));
    const f = new Uint8Array(48 + piece.length);
    f.set(packet.subarray(0, 40));
    f[6] = 44;
    const payloadLength = f.length - 40;
    f[4] = payloadLength >> 8;
    f[5] = payloadLength & 0xff;
    f[40] = nh;
    const word = o | (o + chunk < body.length ? 1 : 0);
    f[42] = word >> 8;
    f[43] = word & 0xff;
    f[44] = (id >>> 24) & 0xff;
    f[45] = (id >>> 16) & 0xff;
    f[46] = (id >>> 8) & 0xff;
    f[47] = id & 0xff;
    f.set(piece, 48);
    out.push(f);
  }
  return out;
}
