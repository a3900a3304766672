/**
 * Transport: how an application message becomes packets on the wire.
 *
 * Messages travel over TLS 1.3 on TCP (a WebSocket, as Signal and WhatsApp clients
 * do): the message plus an envelope is padded by the device's shaper (`padRecord`,
 * record-level padding such as Padmé or Signal's 80/160-byte blocks), cut into TLS
 * records of at most 2^14 plaintext bytes (RFC 8446 §5.1), each record grows by its
 * 5-byte header, 1 content-type byte and a 16-byte AEAD tag (RFC 8446 §5.2, AES-GCM),
 * and the byte stream is segmented into TCP segments of at most MSS bytes, each with
 * 20 bytes IPv4 + 20 bytes TCP + 12 bytes timestamp option (RFC 791, 9293, 7323).
 * Call frames travel over SRTP/UDP: payload + 12 bytes RTP (RFC 3550) + 10 bytes SRTP
 * authentication tag (RFC 3711, HMAC-SHA1-80) + 8 UDP + 20 IPv4.
 *
 * With a VPN, each packet is carried inside WireGuard: the inner packet is padded to
 * a multiple of 16 bytes and gets 16 bytes of WireGuard data header, a 16-byte
 * Poly1305 tag, 8 bytes UDP and 20 bytes IPv4 (Donenfeld, NDSS 2017, §5.4.6), or is
 * padded to the tunnel MTU when `padToMtu` is set.
 *
 * TCP acknowledgements are not modelled (a known simplification: real ACKs add
 * small uplink packets that follow downlink bursts).
 *
 * Segmentation writes into caller-owned typed arrays, so sending a message allocates
 * nothing once those arrays are large enough.
 */
import { z } from "zod";

export const TLS_RECORD_PLAINTEXT = 16_384;
export const TLS_RECORD_OVERHEAD = 5 + 1 + 16;
export const TCP_IP_HEADERS = 20 + 20 + 12;
export const RTP_SRTP_UDP_IP = 12 + 10 + 8 + 20;
export const WIREGUARD_OVERHEAD = 16 + 16 + 8 + 20;

export const transportSchema = z
  .object({
    mtu: z.number().int().min(576).max(9000).default(1500).describe("path MTU in bytes (576..9000)"),
    envelopeBytes: z
      .number()
      .int()
      .min(0)
      .max(4096)
      .default(120)
      .describe("per-message envelope (protocol framing, sealed-sender header, WebSocket frame): an assumption, ~100-150 B"),
    vpn: z
      .object({
        padToMtu: z.boolean().default(false).describe("pad every tunnel packet to the tunnel MTU"),
        tunnelMtu: z.number().int().min(576).max(9000).default(1420).describe("WireGuard's default interface MTU"),
      })
      .strict()
      .optional()
      .describe("route the device through a WireGuard-like VPN"),
  })
  .strict();

export type TransportSpec = z.infer<typeof transportSchema>;

export class Transport {
  readonly spec: TransportSpec;
  /** Largest packet a shaper may emit on the device link (inner MTU with a VPN). */
  readonly mtu: number;
  readonly mss: number;
  private readonly vpnPad16: boolean;
  private readonly vpnPadToMtu: boolean;
  private readonly tunnelOuter: number;

  constructor(spec: TransportSpec) {
    this.spec = spec;
    this.mtu = spec.vpn ? spec.vpn.tunnelMtu : spec.mtu;
    if (spec.vpn && spec.vpn.tunnelMtu + WIREGUARD_OVERHEAD > spec.mtu) {
      throw new Error(
        `transport.vpn.tunnelMtu = ${spec.vpn.tunnelMtu}: expected at most mtu - ${WIREGUARD_OVERHEAD} = ${spec.mtu - WIREGUARD_OVERHEAD} so tunnel packets fit the path MTU`,
      );
    }
    this.mss = this.mtu - TCP_IP_HEADERS;
    this.vpnPad16 = spec.vpn !== undefined;
    this.vpnPadToMtu = spec.vpn?.padToMtu ?? false;
    this.tunnelOuter = (spec.vpn?.tunnelMtu ?? 0) + WIREGUARD_OVERHEAD;
  }

  get vpn(): boolean {
    return this.vpnPad16;
  }

  /**
   * Segments a message of `bytes` application bytes whose padded record length is
   * `padded` (>= bytes + envelope). Writes each packet's wire size and real bytes into
   * `wire` and `real` (the unpadded share, at the front of the stream) and returns the
   * packet count. Arrays must hold at least `packetCount(padded)` entries.
   */
  segmentMessage(bytes: number, padded: number, wire: Int32Array, real: Int32Array): number {
    const plain = bytes + this.spec.envelopeBytes;
    const records = Math.max(1, Math.ceil(padded / TLS_RECORD_PLAINTEXT));
    const stream = padded + records * TLS_RECORD_OVERHEAD;
    const unpaddedStream = plain + Math.max(1, Math.ceil(plain / TLS_RECORD_PLAINTEXT)) * TLS_RECORD_OVERHEAD;
    let left = stream;
    let realLeft = unpaddedStream;
    let n = 0;
    while (left > 0) {
      const seg = left < this.mss ? left : this.mss;
      const segReal = realLeft < seg ? realLeft : seg;
      wire[n] = seg + TCP_IP_HEADERS;
      // the real share of a segment carries its headers too; a segment of pure padding carries none
      real[n] = segReal > 0 ? segReal + TCP_IP_HEADERS : 0;
      realLeft -= segReal;
      left -= seg;
      n++;
    }
    return n;
  }

  /** Plaintext record length before shaping: application bytes plus envelope. */
  recordLength(bytes: number): number {
    return bytes + this.spec.envelopeBytes;
  }

  /** Upper bound on the packets of a record of `padded` bytes (to size scratch arrays). */
  packetCount(padded: number): number {
    const records = Math.max(1, Math.ceil(padded / TLS_RECORD_PLAINTEXT));
    return Math.ceil((padded + records * TLS_RECORD_OVERHEAD) / this.mss);
  }

  /** Wire size of a call frame carrying `payload` bytes (payload possibly padded by the shaper). */
  frameSize(payload: number): number {
    return payload + RTP_SRTP_UDP_IP;
  }

  /** Size on the access link of an inner packet of `size` bytes (identity without a VPN). */
  outer(size: number): number {
    if (!this.vpnPad16) return size;
    if (this.vpnPadToMtu) return this.tunnelOuter;
    return ((size + 15) & ~15) + WIREGUARD_OVERHEAD;
  }
}
