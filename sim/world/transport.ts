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
 * TCP acknowledgements: the receiver of TCP data answers with pure ACKs in the opposite
 * direction (the device ACKs what the server sends down; the server ACKs what the
 * device sends up), by the delayed-ACK rule: an ACK for at least every second full-sized
 * segment, and no segment left unacknowledged longer than the delayed-ACK timeout
 * (RFC 1122 §4.2.3.2: SHOULD delay, ACK at least every second full-sized segment, delay
 * under 0.5 s; RFC 5681 §4.2 and RFC 9293 §3.8.6.3 restate it; Linux's minimum delayed-ACK
 * timeout is 40 ms). The world emits them (`acks.ts`). An ACK due while the receiver sends data of its own rides on that
 * data (piggybacking) and costs no packet. A pure ACK carries no payload: 20 B IPv4 +
 * 20 B TCP + 12 B timestamp option = 52 B, as every segment here carries the option
 * (RFC 7323 §3: once negotiated, on every segment); 40 B without it, and a 40 B packet is
 * a 60 B Ethernet frame (padded to the 46 B minimum payload). `acks.enabled: false` turns
 * them off (the lab's behaviour before issue 11). Simplifications: no quick-ACK mode at
 * connection start, no SACK blocks, every data segment counts (Linux ACKs two *full*
 * segments; most of a message's segments are full). Only TCP data is acknowledged: call
 * frames are UDP, and padding or cover that a tunnel-level shaper drops before the
 * receiver's TCP never reaches it to be acknowledged, which is exactly why ACKs leak the
 * timing of real data through a one-sided defense.
 *
 * `DelayedAcks` is the rule as a state machine the world drives, one state per receiving
 * endpoint (the world numbers them; e.g. the egress slot the ACKs leave by): it says when
 * a pure ACK of `ackBytes` leaves; the world queues it on that egress (through its
 * shaper, like any packet) and counts it as real bytes (protocol, not padding).
 *
 * Segmentation writes into caller-owned typed arrays, so sending a message allocates
 * nothing once those arrays are large enough.
 */
import { z } from "zod";
import { MILLISECOND, type Micros } from "../core/time.ts";

export const TLS_RECORD_PLAINTEXT = 16_384;
export const TLS_RECORD_OVERHEAD = 5 + 1 + 16;
export const TCP_IP_HEADERS = 20 + 20 + 12;
export const RTP_SRTP_UDP_IP = 12 + 10 + 8 + 20;
export const WIREGUARD_OVERHEAD = 16 + 16 + 8 + 20;
/** A pure ACK at the IP layer: IPv4 + TCP headers + the timestamp option (52 B). */
export const PURE_ACK_BYTES = TCP_IP_HEADERS;

export const ackSchema = z
  .object({
    enabled: z.boolean().default(true).describe("the receiver of TCP data sends pure ACKs back (delayed ACK); false: no ACKs"),
    segmentsPerAck: z.number().int().min(1).max(64).default(2).describe("a pure ACK at least every this many data segments (RFC 1122: every second full-sized segment)"),
    delayMs: z.number().min(1).max(500).default(40).describe("delayed-ACK timeout, ms (RFC 1122: under 500; Linux: 40 ms minimum)"),
    bytes: z.number().int().min(40).max(120).default(PURE_ACK_BYTES).describe("pure ACK size at the IP layer, B (52 with TCP timestamps, 40 without)"),
  })
  .strict();

export type AckSpec = z.infer<typeof ackSchema>;

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
    acks: ackSchema.prefault({}).describe("TCP acknowledgements (delayed ACK)"),
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

  /** Whether pure ACKs are sent (`acks.enabled`). */
  get acks(): boolean {
    return this.spec.acks.enabled;
  }

  /** Size of a pure ACK at the IP layer (inside the tunnel with a VPN; `outer` gives its size on the access link). */
  get ackBytes(): number {
    return this.spec.acks.bytes;
  }

  /**
   * Whether a piece of a queued packet that reaches the receiver completes a TCP data
   * segment it acknowledges (the engine reports pieces: a cell-based shaper may split a
   * segment across cells, or carry several in one): the last piece of a segment of a
   * message or push (flow ≥ 0) — record padding included, being inside the TLS record and
   * so inside the TCP stream — but not a pure ACK (flow −1, payload counted as protocol),
   * not a call frame (UDP, flow ≤ −2). Padding and cover a shaper adds are not pieces of
   * queued packets at all, so a tunnel-level shaper's padding is never acknowledged.
   */
  static acknowledges(flow: number, completed: boolean): boolean {
    return flow >= 0 && completed;
  }

  /** The delayed-ACK state machine for `endpoints` receiving endpoints, or null when ACKs are off. */
  delayedAcks(endpoints: number): DelayedAcks | null {
    return this.spec.acks.enabled ? new DelayedAcks(this.spec.acks, endpoints) : null;
  }

  /** Size on the access link of an inner packet of `size` bytes (identity without a VPN). */
  outer(size: number): number {
    if (!this.vpnPad16) return size;
    if (this.vpnPadToMtu) return this.tunnelOuter;
    return ((size + 15) & ~15) + WIREGUARD_OVERHEAD;
  }
}

/** What `DelayedAcks.segment` asks of the world. */
export const ACK_NONE = 0;
/** Send a pure ACK now. */
export const ACK_NOW = 1;
/** A delayed-ACK timer was armed: call `fire(e, deadline(e))` at that time. */
export const ACK_ARM = 2;

/**
 * The delayed-ACK rule (RFC 1122 §4.2.3.2), per receiving endpoint e: count the data
 * segments received since the last ACK; the `segmentsPerAck`-th sends a pure ACK at once;
 * the first of a run arms a timer `delayMs` later, which sends one if anything is still
 * unacknowledged when it fires; data the receiver sends meanwhile carries the ACK
 * (`piggyback`). Allocation-free; times in µs.
 *
 * @example
 * const acks = transport.delayedAcks(2 * users)!;
 * const what = acks.segment(slot, t);                     // a data segment reached the endpoint
 * if (what === ACK_NOW) queueAck(slot, t);                // every 2nd segment: ACK now
 * else if (what === ACK_ARM) timerAt(acks.deadline(slot)); // the 1st of a run: arm the timer
 * if (acks.fire(slot, now)) queueAck(slot, now);          // when that timer comes
 */
export class DelayedAcks {
  readonly bytes: number;
  readonly every: number;
  readonly delay: Micros;
  private readonly unacked: Int32Array;
  private readonly due: Float64Array;
  /** Pure ACKs this machine has sent, and segments acknowledged by piggybacking. */
  sent = 0;
  piggybacked = 0;

  constructor(spec: AckSpec, endpoints: number) {
    this.bytes = spec.bytes;
    this.every = spec.segmentsPerAck;
    this.delay = Math.round(spec.delayMs * MILLISECOND);
    this.unacked = new Int32Array(endpoints);
    this.due = new Float64Array(endpoints).fill(Infinity);
  }

  /** A data segment reached endpoint e at t: ACK_NOW, ACK_ARM (timer at `deadline(e)`) or ACK_NONE (a timer runs). */
  segment(e: number, t: Micros): number {
    const n = ++this.unacked[e];
    if (n >= this.every) {
      this.unacked[e] = 0;
      this.due[e] = Infinity;
      this.sent++;
      return ACK_NOW;
    }
    if (this.due[e] === Infinity) {
      this.due[e] = t + this.delay;
      return ACK_ARM;
    }
    return ACK_NONE;
  }

  /** When e's delayed-ACK timer fires (Infinity when none is armed). */
  deadline(e: number): Micros {
    return this.due[e];
  }

  /** Endpoint e sends data at t: a pending ACK rides on it, and the timer is disarmed. */
  piggyback(e: number, _t: Micros): void {
    if (this.unacked[e] > 0) this.piggybacked++;
    this.unacked[e] = 0;
    this.due[e] = Infinity;
  }

  /** A timer armed for e fires at t: true when a pure ACK leaves now (it is the live timer and data is unacknowledged). */
  fire(e: number, t: Micros): boolean {
    if (this.due[e] !== t || this.unacked[e] === 0) return false;
    this.unacked[e] = 0;
    this.due[e] = Infinity;
    this.sent++;
    return true;
  }
}
