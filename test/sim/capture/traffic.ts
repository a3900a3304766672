/**
 * Synthetic traffic for the capture tests: IP packets with nanosecond times, framed for
 * any link type and written by chaff's own writers. It covers TCP over IPv4 (handshake,
 * IP and TCP options), UDP over IPv6 with extension headers, a fragmented UDP datagram
 * whose fragments arrive out of order, a fragmented TCP segment over IPv6, and ICMP.
 */
import { encodeIp, fragmentIp, TCP_ACK, TCP_FIN, TCP_SYN } from "../../../sim/capture/ip.ts";
import { frameFor, LINKTYPE_ETHERNET } from "../../../sim/capture/link-layer.ts";
import type { PacketToWrite } from "../../../sim/capture/pcap.ts";
import type { BlockToWrite } from "../../../sim/capture/pcapng.ts";

export const BASE_SECONDS = 1_700_000_000;
export const CLIENT = "192.168.1.20";
export const SERVER = "93.184.216.34";

export interface SyntheticPacket {
  /** Nanoseconds since BASE_SECONDS. */
  ns: number;
  ip: Uint8Array;
  /** The frame is not IP at all (ARP), only for Ethernet. */
  arp?: boolean;
}

function icmp(src: string, dst: string): Uint8Array {
  const p = encodeIp({ src, dst, protocol: "udp", srcPort: 0, dstPort: 0, payload: 20 });
  p[9] = 1; // ICMP
  return p;
}

export function sampleTraffic(): SyntheticPacket[] {
  const c = CLIENT;
  const s = SERVER;
  const tcp = (from: "c" | "s", payload: number, flags?: number, extra: Partial<Parameters<typeof encodeIp>[0]> = {}) =>
    encodeIp({
      src: from === "c" ? c : s,
      dst: from === "c" ? s : c,
      protocol: "tcp",
      srcPort: from === "c" ? 51000 : 443,
      dstPort: from === "c" ? 443 : 51000,
      payload,
      tcpFlags: flags,
      ...extra,
    });
  const v6a = "2001:db8::1";
  const v6b = "2001:db8::2";
  const bigUdp = encodeIp({ src: "10.0.0.5", dst: "10.0.0.9", protocol: "udp", srcPort: 45000, dstPort: 4500, payload: 3000 });
  const [f1, f2, f3] = fragmentIp(bigUdp, 1480, 0x1234);
  const v6tcp = encodeIp({ src: v6a, dst: v6b, protocol: "tcp", srcPort: 50000, dstPort: 8443, payload: 2000, tcpFlags: TCP_ACK });
  const [g1, g2] = fragmentIp(v6tcp, 1232, 0xabcdef01);
  return [
    { ns: 1_500, ip: tcp("c", 0, TCP_SYN, { tcpOptions: 20 }) },
    { ns: 21_000_999, ip: tcp("s", 0, TCP_SYN | TCP_ACK, { tcpOptions: 20 }) },
    { ns: 21_400_000, ip: tcp("c", 0, TCP_ACK) },
    { ns: 22_000_001, ip: tcp("c", 517, undefined, { ipOptions: 8 }) },
    { ns: 45_000_000, ip: tcp("s", 1448, undefined, { tcpOptions: 12 }) },
    { ns: 45_000_000, ip: tcp("s", 1448, undefined, { tcpOptions: 12 }) },
    { ns: 45_100_000, ip: tcp("c", 0) },
    { ns: 50_000_000, ip: encodeIp({ src: v6a, dst: v6b, protocol: "udp", srcPort: 40000, dstPort: 3478, payload: 120, extensionHeaders: [0, 60] }) },
    { ns: 51_000_000, ip: encodeIp({ src: v6b, dst: v6a, protocol: "udp", srcPort: 3478, dstPort: 40000, payload: 96 }) },
    { ns: 60_000_000, ip: icmp(c, s) },
    { ns: 61_000_000, ip: f2 },
    { ns: 61_000_100, ip: f1 },
    { ns: 61_000_200, ip: f3 },
    { ns: 70_000_000, ip: g1 },
    { ns: 70_000_050, ip: g2 },
    { ns: 80_000_000, ip: new Uint8Array(28), arp: true },
    { ns: 2_500_000_000, ip: tcp("c", 0, TCP_FIN | TCP_ACK) },
    { ns: 2_500_300_000, ip: tcp("s", 0, TCP_FIN | TCP_ACK) },
  ];
}

function arpFrame(): Uint8Array {
  const f = new Uint8Array(60);
  f.fill(0xff, 0, 6);
  f[12] = 0x08;
  f[13] = 0x06;
  return f;
}

/** The packets framed for `linkType` (ARP only where the link layer can say so: Ethernet). */
export function framed(linkType: number, packets = sampleTraffic(), opts: { vlan?: number[] } = {}): PacketToWrite[] {
  return packets
    .filter((p) => !p.arp || linkType === LINKTYPE_ETHERNET)
    .map((p) => ({
      seconds: BASE_SECONDS + Math.floor(p.ns / 1e9),
      nanos: p.ns % 1e9,
      data: p.arp ? arpFrame() : frameFor(linkType, p.ip, { vlan: opts.vlan }),
    }));
}

/** The same packets as pcapng enhanced packet blocks on interface `iface`. */
export function epbs(packets: PacketToWrite[], iface = 0): BlockToWrite[] {
  return packets.map((p) => ({ type: "epb" as const, iface, seconds: p.seconds, nanos: p.nanos, data: p.data, origLen: p.origLen }));
}
