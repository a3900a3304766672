/**
 * The messaging server's relay: a message the server has whole (and each of its group
 * fan-out copies) is padded by the server-side shaper's record padding, cut into packets
 * and sent down toward its recipient; a call frame is relayed as it comes. Without a
 * VPN the packets enter the recipient's downlink egress at once; with one they first
 * cross the VPN's core link toward the recipient (the server and VPN-exit taps see
 * them there) and enter the egress when they reach the VPN.
 *
 * @example
 * relay.message(id, now); // every copy of message `id` queued toward its recipient
 */
import type { Egress } from "../engine/egress.ts";
import type { EventQueue } from "../engine/event-queue.ts";
import type { Link } from "../engine/link.ts";
import type { Micros } from "../core/time.ts";
import type { InFlight } from "./in-flight.ts";
import type { RecordPadding } from "./record-padding.ts";
import type { Transport } from "./transport.ts";
import type { Truth } from "./truth.ts";
import { downlinkSlot } from "./user-slots.ts";
import type { VantageTaps } from "./vantage-taps.ts";
import { pushEnqueue } from "./world-events.ts";

export interface ServerRelayParts {
  readonly truth: Truth;
  readonly flight: InFlight;
  readonly pads: RecordPadding;
  readonly transport: Transport;
  readonly egress: Egress;
  readonly queue: EventQueue;
  readonly taps: VantageTaps;
  /** Per user, the VPN's core link toward them (empty without a VPN). */
  readonly coreDown: readonly Link[];
}

export class ServerRelay {
  private readonly p: ServerRelayParts;
  private readonly vpn: boolean;

  constructor(parts: ServerRelayParts) {
    this.p = parts;
    this.vpn = parts.transport.vpn;
  }

  /** The server has the whole message `origin` (and its fan-out copies) at `now`: send each copy down. */
  message(origin: number, now: Micros): void {
    const { truth, flight, pads, transport, egress } = this.p;
    const m = truth.messages;
    const copies = flight.copies[origin];
    for (let id = origin; id < origin + copies; id++) {
      m.atServer[id] = m.atServer[origin];
      const to = m.to[id];
      const padded = pads.server(to, flight.padded[origin]);
      const n = flight.segment(transport, m.bytes[id], padded);
      flight.left[id] = n;
      const slot = downlinkSlot(to);
      if (!this.vpn) {
        for (let k = 0; k < n; k++) egress.enqueue(slot, now, flight.segWire[k], flight.segReal[k], id);
      } else {
        const core = this.p.coreDown[to];
        for (let k = 0; k < n; k++) {
          const wire = flight.segWire[k];
          const arrival = core.transmit(now, wire);
          this.p.taps.coreDown(to, core.lastFinish, arrival, wire);
          pushEnqueue(this.p.queue, arrival, slot, id, wire, flight.segReal[k]);
        }
      }
    }
  }

  /** A call frame for user `to` (`wire` bytes, `real` of them payload) is at the server at `now`: send it down. */
  frame(to: number, wire: number, real: number, now: Micros): void {
    const slot = downlinkSlot(to);
    if (!this.vpn) {
      this.p.egress.enqueue(slot, now, wire, real, -1);
    } else {
      const core = this.p.coreDown[to];
      const arrival = core.transmit(now, wire);
      this.p.taps.coreDown(to, core.lastFinish, arrival, wire);
      pushEnqueue(this.p.queue, arrival, slot, -1, wire, real);
    }
  }
}
