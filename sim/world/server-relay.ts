/**
 * The messaging server's relay: a message the server has whole (and each of its group
 * fan-out copies) is padded by the server-side shaper's record padding, cut into packets
 * and sent down toward its recipient; a call frame is relayed as it comes. Without a
 * VPN the packets enter the recipient's downlink egress at once; with one they first
 * cross the VPN's core link toward the recipient (the server and VPN-exit taps see
 * them there) and enter the egress when they reach the VPN. The server's TCP sending
 * data toward a user carries any ACK it owes that user (`acks.ts`, piggybacking).
 *
 * Sleeping phones (population `sleep`): while its user sleeps a phone dozes and the
 * app's websocket is closed (population.ts; the background model sends no keepalives),
 * so what the server has for a sleeping recipient waits in a per-user queue, in arrival
 * order. When the user wakes (`PHONE_WAKES`) the server has the push service wake the
 * app: a push of `WAKE_PUSH_BYTES` goes down the user's downlink as a message row of type
 * `push` from the server (from −1, model `WORLD_MODEL`). When that push has reached the
 * phone, the app reconnects and fetches: the fetch reaches the server one uplink latency
 * later (plus the VPN's core latency on a VPN path) (`FETCH`), and every held message
 * goes down in the order it came. Modelling choices, all assumptions:
 * - Delivery waits for the morning, as population.ts specifies (a phone on do-not-disturb
 *   or in deep Doze over night); Android's Doze does let a high-priority FCM message
 *   through at once, which would deliver at arrival instead.
 * - The push is 200 B of payload (`WAKE_PUSH_BYTES`): a content-free "wake up and fetch"
 *   data message, as Signal sends, has no body, so what crosses the wire is the push
 *   service's framing (registration token, sender and app ids, message id) — an
 *   assumption, not a measurement; FCM caps payloads at 4 KB. The transport carries it
 *   like any push (envelope, TLS record, TCP/IP headers).
 * - The push travels the user's downlink like the server's own traffic (through the
 *   server-side shaper; the server vantage sees it: the server asks for it), although its
 *   last hop is the push service's own connection.
 * - The fetch request and the websocket's handshake are not modelled as packets (the
 *   background model's keepalive at the wake-up stands for the reconnection).
 *
 * Holding costs two Int32Array cells per user and one per message id; nothing is
 * allocated per message.
 *
 * @example
 * relay.message(id, now); // every copy of message `id` queued toward its recipient (or held while they sleep)
 */
import type { Egress } from "../engine/egress.ts";
import type { EventQueue } from "../engine/event-queue.ts";
import type { Link } from "../engine/link.ts";
import { grown } from "../core/grown.ts";
import type { Micros } from "../core/time.ts";
import type { TcpAcks } from "./acks.ts";
import type { InFlight } from "./in-flight.ts";
import type { Sleep } from "./population.ts";
import type { RecordPadding } from "./record-padding.ts";
import type { Transport } from "./transport.ts";
import { TYPE_CODE, WORLD_MODEL, type Truth } from "./truth.ts";
import { downlinkSlot } from "./user-slots.ts";
import type { VantageTaps } from "./vantage-taps.ts";
import { pushEnqueue, pushFetch, pushPhoneWakes } from "./world-events.ts";

/** Payload of the push that wakes a sleeping phone, B (assumption: see the header). */
export const WAKE_PUSH_BYTES = 200;

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
  /** TCP acknowledgements, or null when the transport sends none. */
  readonly acks: TcpAcks | null;
  /** Nights of sleep, or null when nobody sleeps. */
  readonly sleep: Sleep | null;
  readonly users: number;
  /** From the push reaching the phone to the app's fetch reaching the server, µs. */
  readonly fetchDelay: Micros;
}

export class ServerRelay {
  private readonly p: ServerRelayParts;
  private readonly vpn: boolean;
  /** Per user, the first and last held message id (−1: none held). */
  private readonly heldHead: Int32Array;
  private readonly heldTail: Int32Array;
  /** Per message id, the next held message of the same recipient (−1: the last). */
  private heldNext: Int32Array;
  /** Messages held for sleeping users so far, and wake-up pushes sent. */
  held = 0;
  wakePushes = 0;

  constructor(parts: ServerRelayParts) {
    this.p = parts;
    this.vpn = parts.transport.vpn;
    const n = parts.sleep === null ? 0 : parts.users;
    this.heldHead = new Int32Array(n).fill(-1);
    this.heldTail = new Int32Array(n).fill(-1);
    this.heldNext = new Int32Array(parts.sleep === null ? 0 : 1024);
  }

  /** The server has the whole message `origin` (and its fan-out copies) at `now`: send each copy down, or hold it while its recipient sleeps. */
  message(origin: number, now: Micros): void {
    const m = this.p.truth.messages;
    const copies = this.p.flight.copies[origin];
    const sleep = this.p.sleep;
    for (let id = origin; id < origin + copies; id++) {
      m.atServer[id] = m.atServer[origin];
      if (sleep !== null) {
        const to = m.to[id];
        const wake = sleep.nextWake(to, now);
        if (wake > now) {
          this.hold(id, to, wake);
          continue;
        }
      }
      this.sendCopy(id, origin, now);
    }
  }

  /** Copy `id` of message `origin` leaves the server toward its recipient at `now`. */
  private sendCopy(id: number, origin: number, now: Micros): void {
    const { truth, flight, pads, transport, egress } = this.p;
    const m = truth.messages;
    const to = m.to[id];
    const padded = pads.server(to, flight.padded[origin]);
    const n = flight.segment(transport, m.bytes[id], padded);
    flight.left[id] = n;
    const slot = downlinkSlot(to);
    this.p.acks?.data(slot, now);
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

  /** Holds message `id` for user `u`, asleep until `wake`; the first held arms the wake-up. */
  private hold(id: number, u: number, wake: Micros): void {
    if (id >= this.heldNext.length) {
      let len = this.heldNext.length;
      while (len <= id) len *= 2;
      this.heldNext = grown(this.heldNext, len);
    }
    this.heldNext[id] = -1;
    this.held++;
    const tail = this.heldTail[u];
    if (tail < 0) {
      this.heldHead[u] = id;
      pushPhoneWakes(this.p.queue, wake, u);
    } else {
      this.heldNext[tail] = id;
    }
    this.heldTail[u] = id;
  }

  /** User `u` woke at `now` with messages held: the push that wakes the app goes down. */
  phoneWakes(u: number, now: Micros): void {
    const { truth, flight, transport } = this.p;
    const id = truth.messages.add(-1, u, TYPE_CODE.push, WAKE_PUSH_BYTES, -1, WORLD_MODEL, now, -1);
    flight.open(id);
    truth.messages.atServer[id] = now;
    flight.padded[id] = transport.recordLength(WAKE_PUSH_BYTES);
    this.wakePushes++;
    this.sendCopy(id, id, now);
  }

  /** The wake-up push `id` reached its phone at `now`: the app's fetch reaches the server `fetchDelay` later. */
  pushDelivered(id: number, now: Micros): void {
    pushFetch(this.p.queue, now + this.p.fetchDelay, this.p.truth.messages.to[id]);
  }

  /** User `u`'s app fetched at `now`: every message held for it goes down, in the order it came. */
  fetch(u: number, now: Micros): void {
    const origin = this.p.truth.messages.origin;
    let id = this.heldHead[u];
    this.heldHead[u] = -1;
    this.heldTail[u] = -1;
    while (id >= 0) {
      const next = this.heldNext[id];
      this.sendCopy(id, origin[id], now);
      id = next;
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
