/**
 * TCP acknowledgements on the wire: the world's side of `transport.ts`'s delayed-ACK rule
 * (RFC 1122 §4.2.3.2; RFC 5681 §4.2; RFC 9293 §3.8.6.3 — an ACK at least every second
 * full-sized segment, none held longer than the delayed-ACK timeout, 40 ms on Linux).
 *
 * Each user's messaging connection has two TCP endpoints, numbered by the egress slot
 * their ACKs leave by (`user-slots.ts`): the device (its uplink slot) and the server's end
 * of that user's connection (the downlink slot toward the user). The world reports:
 * - `segment(e, t)`: a TCP data segment reached endpoint e's TCP at t (the last piece of
 *   a queued message packet arrived there: the device for downlink data, the messaging
 *   server for uplink data — behind the VPN's core link when there is one). Padding and
 *   cover a shaper adds, call frames (UDP) and ACKs themselves are never reported, so
 *   they are never acknowledged: a tunnel-level shaper's padding is dropped at the far
 *   end of the tunnel before any TCP sees it. Record padding (`padRecord`) is inside TLS,
 *   hence inside the TCP stream, and is acknowledged like the record it pads.
 * - `data(e, t)`: endpoint e's TCP sent data at t (a message or push leaves the device
 *   or the server): a pending ACK rides on it (piggybacking) and costs no packet.
 * - `timer(e, t)`: the delayed-ACK timer armed for e came due (the `ACK_TIMER` event).
 *
 * A pure ACK (`acks.bytes`, 52 B) is a real packet of flow −1 on e's egress: the device's
 * goes through the device-side shaper, the server's through the server-side one (after
 * the VPN's core link toward the user, when there is one), and the egress counts its
 * bytes as real (protocol bytes, not padding). Nothing here allocates per packet.
 *
 * @example
 * const acks = TcpAcks.create({ transport, egress, queue, taps, coreDown }, 2 * users); // null when acks are off
 * acks?.segment(uplinkSlot(u), arrival); // the device received a data segment
 */
import type { Egress } from "../engine/egress.ts";
import type { EventQueue } from "../engine/event-queue.ts";
import type { Link } from "../engine/link.ts";
import type { Micros } from "../core/time.ts";
import { ACK_ARM, ACK_NOW, type DelayedAcks, type Transport } from "./transport.ts";
import { isUplink, slotUser } from "./user-slots.ts";
import type { VantageTaps } from "./vantage-taps.ts";
import { ACK_FLOW, pushAckTimer, pushEnqueue } from "./world-events.ts";

export interface TcpAckParts {
  readonly transport: Transport;
  readonly egress: Egress;
  readonly queue: EventQueue;
  readonly taps: VantageTaps;
  /** Per user, the VPN's core link toward them (empty without a VPN). */
  readonly coreDown: readonly Link[];
}

export class TcpAcks {
  private readonly p: TcpAckParts;
  private readonly rule: DelayedAcks;
  private readonly vpn: boolean;
  private readonly bytes: number;
  /** A timer's time, handed to the queue in place (a µs time passed as an argument may be boxed). */
  private readonly at = new Float64Array(1);

  private constructor(parts: TcpAckParts, rule: DelayedAcks) {
    this.p = parts;
    this.rule = rule;
    this.vpn = parts.transport.vpn;
    this.bytes = rule.bytes;
  }

  /** ACKs for `endpoints` endpoints (the world's egress slots), or null when the transport sends none. */
  static create(parts: TcpAckParts, endpoints: number): TcpAcks | null {
    const rule = parts.transport.delayedAcks(endpoints);
    return rule === null ? null : new TcpAcks(parts, rule);
  }

  /** Pure ACKs sent so far. */
  get sent(): number {
    return this.rule.sent;
  }

  /** Times a pending ACK rode on data instead. */
  get piggybacked(): number {
    return this.rule.piggybacked;
  }

  /** A data segment reached endpoint e's TCP at `now`: ACK now, or arm the delayed-ACK timer. */
  segment(e: number, now: Micros): void {
    const what = this.rule.segment(e, now);
    if (what === ACK_NOW) this.send(e, now);
    else if (what === ACK_ARM) {
      this.at[0] = this.rule.deadline(e);
      pushAckTimer(this.p.queue, this.at, e);
    }
  }

  /** Endpoint e's TCP sends data at `now`: a pending ACK rides on it. */
  data(e: number, now: Micros): void {
    this.rule.piggyback(e, now);
  }

  /** A delayed-ACK timer armed for e came due at `now` (stale ones do nothing). */
  timer(e: number, now: Micros): void {
    if (this.rule.fire(e, now)) this.send(e, now);
  }

  /** A pure ACK leaves endpoint e at `now`: into e's egress (across the VPN's core link first, for the server's). */
  private send(e: number, now: Micros): void {
    const bytes = this.bytes;
    if (!this.vpn || isUplink(e)) {
      this.p.egress.enqueue(e, now, bytes, bytes, ACK_FLOW);
      return;
    }
    const u = slotUser(e);
    const core = this.p.coreDown[u];
    const arrival = core.transmit(now, bytes);
    this.p.taps.coreDown(u, core.lastFinish, arrival, bytes);
    pushEnqueue(this.p.queue, arrival, e, ACK_FLOW, bytes, bytes);
  }
}
