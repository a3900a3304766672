/**
 * Link layers: where the IP packet starts inside a captured frame, and frames built
 * around an IP packet (for the writers and the fixtures).
 *
 * Supported link types (tcpdump.org link-layer header types registry, LINKTYPE_ values):
 * - 1 ETHERNET: 14-byte header, EtherType at byte 12; 802.1Q / 802.1ad / 0x9100 VLAN tags
 *   (4 bytes each, stacked) are stepped over. EtherTypes below 0x0600 are 802.3 lengths
 *   (LLC frames) and are not IP.
 * - 113 LINUX_SLL: 16-byte "cooked" header, protocol at byte 14 (packet type, ARPHRD type,
 *   address length, 8-byte address, protocol).
 * - 276 LINUX_SLL2: 20-byte header, protocol at byte 0 (protocol, reserved, interface
 *   index, ARPHRD type, packet type, address length, 8-byte address).
 * - 101 RAW, and the DLT values 12 and 14 that BSDs and OpenBSD wrote into old files for
 *   raw IP; 228 IPV4 and 229 IPV6: the frame is the IP packet.
 * - 0 NULL (BSD loopback: a 4-byte address family in the capturing host's byte order, so
 *   both orders are tried) and 108 LOOP (the same, in network order); AF_INET is 2, AF_INET6
 *   is 10, 24, 28 or 30 depending on the BSD.
 *
 * A frame whose link layer carries something else (ARP, LLC, PPPoE, …) is "not IP" and
 * skipped by the caller with a count; a frame cut short inside its link-layer header is
 * malformed. An unsupported link type is an error for the whole capture.
 */
import { CaptureError } from "./capture-error.ts";

export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101;
export const DLT_RAW_BSD = 12;
export const DLT_RAW_OPENBSD = 14;
export const LINKTYPE_LOOP = 108;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_LINUX_SLL2 = 276;

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;
const VLAN_TAGS = new Set([0x8100, 0x88a8, 0x9100]);
const MAX_VLAN_TAGS = 8;

export const SUPPORTED_LINK_TYPES =
  "Ethernet (1), Linux cooked SLL (113) and SLL2 (276), raw IP (101, 12, 14, 228, 229), BSD loopback (0, 108)";

const LINK_NAMES: Record<number, string> = {
  105: "IEEE802_11",
  127: "IEEE802_11_RADIOTAP",
  9: "PPP",
  50: "PPP_HDLC",
  51: "PPP_ETHER",
  192: "PPI",
  220: "USB_LINUX_MMAPPED",
  239: "NFLOG",
  249: "NETANALYZER",
};

/** Where the IP packet starts, or why there is none; reused across packets (no allocation). */
export interface LinkResult {
  /** Offset of the IP header in the frame. */
  offset: number;
  /** 4 or 6 when the link layer says which; 0 when the IP header's version nibble decides. */
  version: 0 | 4 | 6;
  /** Why the frame carries no IP packet (a skip-count key), or what was expected when it is malformed. */
  reason: string;
  /** True when the frame is malformed (cut inside its link-layer header), not merely not IP. */
  malformed: boolean;
}

export function newLinkResult(): LinkResult {
  return { offset: 0, version: 0, reason: "", malformed: false };
}

export function isSupportedLinkType(linkType: number): boolean {
  return (
    linkType === LINKTYPE_ETHERNET ||
    linkType === LINKTYPE_LINUX_SLL ||
    linkType === LINKTYPE_LINUX_SLL2 ||
    linkType === LINKTYPE_RAW ||
    linkType === DLT_RAW_BSD ||
    linkType === DLT_RAW_OPENBSD ||
    linkType === LINKTYPE_IPV4 ||
    linkType === LINKTYPE_IPV6 ||
    linkType === LINKTYPE_NULL ||
    linkType === LINKTYPE_LOOP
  );
}

/** Throws a `CaptureError` at `offset` naming the unsupported link type and the supported ones. */
export function unsupportedLinkType(source: string, offset: number, linkType: number): never {
  const name = LINK_NAMES[linkType] ? ` (${LINK_NAMES[linkType]})` : "";
  throw new CaptureError(source, offset, `a supported link type: ${SUPPORTED_LINK_TYPES}`, `link type ${linkType}${name}`);
}

function ethertypeResult(type: number, offset: number, data: Uint8Array, out: LinkResult): boolean {
  let t = type;
  let o = offset;
  for (let tags = 0; VLAN_TAGS.has(t); tags++) {
    if (tags >= MAX_VLAN_TAGS) return fail(out, `at most ${MAX_VLAN_TAGS} stacked VLAN tags`, true);
    if (o + 4 > data.length) return fail(out, `a 4-byte VLAN tag, found ${data.length - o} captured bytes`, true);
    t = (data[o + 2] << 8) | data[o + 3];
    o += 4;
  }
  if (t === ETHERTYPE_IPV4 || t === ETHERTYPE_IPV6) {
    out.offset = o;
    out.version = t === ETHERTYPE_IPV4 ? 4 : 6;
    return true;
  }
  return fail(out, t < 0x0600 ? "802.3 LLC frame" : `ethertype 0x${t.toString(16).padStart(4, "0")}`, false);
}

function fail(out: LinkResult, reason: string, malformed: boolean): false {
  out.reason = reason;
  out.malformed = malformed;
  return false;
}

/**
 * Finds the IP packet in `data` (a frame of link type `linkType`, which must be
 * supported). Returns true and sets `out.offset`/`out.version`, or false with
 * `out.reason` (and `out.malformed` when the frame is cut inside its header).
 */
export function decodeLink(linkType: number, data: Uint8Array, out: LinkResult): boolean {
  out.malformed = false;
  out.reason = "";
  switch (linkType) {
    case LINKTYPE_ETHERNET:
      if (data.length < 14) return fail(out, `a 14-byte Ethernet header, found ${data.length} captured bytes`, true);
      return ethertypeResult((data[12] << 8) | data[13], 14, data, out);
    case LINKTYPE_LINUX_SLL:
      if (data.length < 16) return fail(out, `a 16-byte Linux cooked (SLL) header, found ${data.length} captured bytes`, true);
      return ethertypeResult((data[14] << 8) | data[15], 16, data, out);
    case LINKTYPE_LINUX_SLL2:
      if (data.length < 20) return fail(out, `a 20-byte Linux cooked (SLL2) header, found ${data.length} captured bytes`, true);
      return ethertypeResult((data[0] << 8) | data[1], 20, data, out);
    case LINKTYPE_RAW:
    case DLT_RAW_BSD:
    case DLT_RAW_OPENBSD:
      out.offset = 0;
      out.version = 0;
      return true;
    case LINKTYPE_IPV4:
    case LINKTYPE_IPV6:
      out.offset = 0;
      out.version = linkType === LINKTYPE_IPV4 ? 4 : 6;
      return true;
    case LINKTYPE_NULL:
    case LINKTYPE_LOOP: {
      if (data.length < 4) return fail(out, `a 4-byte loopback header, found ${data.length} captured bytes`, true);
      const be = ((data[0] << 24) | (data[1] << 16) | (data[2] << 8) | data[3]) >>> 0;
      const le = ((data[3] << 24) | (data[2] << 16) | (data[1] << 8) | data[0]) >>> 0;
      const af = linkType === LINKTYPE_LOOP ? be : Math.min(be, le);
      out.offset = 4;
      if (af === 2) out.version = 4;
      else if (af === 10 || af === 24 || af === 28 || af === 30) out.version = 6;
      else return fail(out, `loopback address family ${af}`, false);
      return true;
    }
    default:
      throw new Error(`decodeLink: link type ${linkType} is not supported (check isSupportedLinkType first)`);
  }
}

// ---------------------------------------------------------------------------------------
// Frames around an IP packet (writers and fixtures)

export interface FrameOptions {
  /** VLAN ids to tag an Ethernet frame with (outermost first; the outer one as 802.1ad when stacked). */
  vlan?: number[];
  /** Linux cooked: the packet was sent by this host (packet type 4) rather than to it (0). */
  outgoing?: boolean;
  /** BSD loopback (link type 0): write the address family little-endian (default true). */
  littleEndian?: boolean;
}

const SRC_MAC = [0x02, 0x00, 0x00, 0x00, 0x00, 0x01];
const DST_MAC = [0x02, 0x00, 0x00, 0x00, 0x00, 0x02];

/** The IP packet `ip` framed for link type `linkType`. Ethernet frames are padded to 60 bytes. */
export function frameFor(linkType: number, ip: Uint8Array, opts: FrameOptions = {}): Uint8Array {
  const version = ip.length > 0 ? ip[0] >> 4 : 4;
  const ethertype = version === 6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;
  switch (linkType) {
    case LINKTYPE_ETHERNET: {
      const tags = opts.vlan ?? [];
      const header = 14 + 4 * tags.length;
      const f = new Uint8Array(Math.max(60, header + ip.length));
      f.set(opts.outgoing === false ? DST_MAC : SRC_MAC, 6);
      f.set(opts.outgoing === false ? SRC_MAC : DST_MAC, 0);
      let o = 12;
      tags.forEach((id, i) => {
        const tpid = tags.length > 1 && i === 0 ? 0x88a8 : 0x8100;
        f[o] = tpid >> 8;
        f[o + 1] = tpid & 0xff;
        f[o + 2] = (id >> 8) & 0x0f;
        f[o + 3] = id & 0xff;
        o += 4;
      });
      f[o] = ethertype >> 8;
      f[o + 1] = ethertype & 0xff;
      f.set(ip, header);
      return f;
    }
    case LINKTYPE_LINUX_SLL: {
      const f = new Uint8Array(16 + ip.length);
      f[1] = opts.outgoing ? 4 : 0;
      f[3] = 1; // ARPHRD_ETHER
      f[5] = 6;
      f.set(opts.outgoing ? SRC_MAC : DST_MAC, 6);
      f[14] = ethertype >> 8;
      f[15] = ethertype & 0xff;
      f.set(ip, 16);
      return f;
    }
    case LINKTYPE_LINUX_SLL2: {
      const f = new Uint8Array(20 + ip.length);
      f[0] = ethertype >> 8;
      f[1] = ethertype & 0xff;
      f[7] = 2; // interface index 2
      f[9] = 1; // ARPHRD_ETHER
      f[10] = opts.outgoing ? 4 : 0;
      f[11] = 6;
      f.set(opts.outgoing ? SRC_MAC : DST_MAC, 12);
      f.set(ip, 20);
      return f;
    }
    case LINKTYPE_RAW:
    case DLT_RAW_BSD:
    case DLT_RAW_OPENBSD:
    case LINKTYPE_IPV4:
    case LINKTYPE_IPV6:
      return ip.slice();
    case LINKTYPE_NULL:
    case LINKTYPE_LOOP: {
      const f = new Uint8Array(4 + ip.length);
      const af = version === 6 ? 30 : 2;
      new DataView(f.buffer).setUint32(0, af, linkType === LINKTYPE_NULL && opts.littleEndian !== false);
      f.set(ip, 4);
      return f;
    }
    default:
      throw new Error(`frameFor: link type ${linkType} is not supported`);
  }
}
