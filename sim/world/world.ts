/**
 * The world: the discrete-event engine that turns people having conversations into the
 * packets each vantage point sees.
 *
 * Per user there are two egresses: the device uplink (device-side shaper) and the
 * downlink leaving the first hop (server- or VPN-side shaper), each with its access
 * link (`user-slots.ts` numbers them). Messages are segmented by the transport, shaped,
 * sent over the access link, (through the VPN's core link,) stored and forwarded by the
 * messaging server after a relay delay (`server-relay.ts`), fanned out to group members,
 * shaped again on the recipient's downlink and delivered; the sending model hears of the
 * delivery at the moment the last byte arrives, so replies are causal. Call frames are
 * relayed packet by packet. The receiver of TCP data answers with delayed ACKs through
 * its own egress (`acks.ts`; `transport.acks`), and the server holds what arrives for a
 * sleeping phone until it wakes and fetches after a push (`server-relay.ts`; population
 * `sleep`). The models reach the world through `conversation-adapter.ts`; the observers
 * see packets through `vantage-taps.ts`, each tap only the users of its scope (the
 * experiment's placement on access networks, ISPs and VPN exits, `topology.ts`).
 *
 * This file is the event loop (events and their arguments are named in
 * `world-events.ts`) and the egresses' host: it hears every piece and packet they send
 * and routes it onward. Events are few per packet: a real packet costs no event of its
 * own on an open gate (only its message does), a timer-driven packet one; with ACKs on, a
 * data segment costs one more (its arrival at the receiver's TCP, `ACK_SEGMENT`: the
 * delayed-ACK state must change in time order with the receiver's own sends) and a lone
 * segment a delayed-ACK timer. Taps are plain function calls.
 *
 * Memory locality (what keeps 10,000 users nearly as fast per user as 1,000): the
 * egresses are the slots of one `Egress`, their numbers packed in typed arrays
 * (`egress-arena.ts`, each access link's state and jitter stream included); the event
 * queue is a calendar queue (`event-queue.ts`); the shapers' random streams are stepped
 * in place in the egresses' blocks (`slot-streams.ts`); per-packet checks nobody needs
 * (no listening shaper, no traced user) are skipped.
 */
import type { Shaper, ShaperDefinition } from "../../shapers/shaper.ts";
import type { Observer } from "../../observers/observer.ts";
import type { Budget } from "../engine/budget.ts";
import { Egress } from "../engine/egress.ts";
import type { EgressSink, TimerScheduler } from "../engine/egress-host.ts";
import type { EgressStats } from "../engine/egress-stats.ts";
import { EventQueue } from "../engine/event-queue.ts";
import { Link, LinkModel } from "../engine/link.ts";
import { OrderedFeed, type OrderedSink } from "../engine/ordered-feed.ts";
import { Rng, type Seed } from "../core/rng.ts";
import type { Micros } from "../core/time.ts";
import { Trace } from "../core/trace.ts";
import { DOWN, UP, type Kind } from "../core/kinds.ts";
import type { ConversationModel } from "./conversation.ts";
import { TcpAcks } from "./acks.ts";
import { Conversations } from "./conversation-adapter.ts";
import { InFlight } from "./in-flight.ts";
import type { NetworkPlan } from "./network.ts";
import type { Population } from "./population.ts";
import { RecordPadding } from "./record-padding.ts";
import { ServerRelay } from "./server-relay.ts";
import { Transport } from "./transport.ts";
import { Truth } from "./truth.ts";
import { downlinkSlot, isUplink, peerSlot, slotSide, slotUser, uplinkSlot } from "./user-slots.ts";
import type { Placement } from "./topology.ts";
import { VantageTaps, type TapPlacement } from "./vantage-taps.ts";
import { EventType, frameRecipient, isFrameFlow, packedReal, packedWire, pushAckSegment, pushDelivered, pushFrame, pushReceived, pushServerMessage, pushTimer } from "./world-events.ts";

export type { TapPlacement };

export interface ShaperPlacement {
  readonly name: string;
  readonly definition: ShaperDefinition;
  readonly params: Record<string, unknown>;
  readonly budget: Budget;
}

export interface WorldOptions {
  readonly seed: Seed;
  readonly duration: Micros;
  readonly population: Population;
  readonly models: readonly { readonly name: string; readonly model: ConversationModel }[];
  readonly transport: Transport;
  readonly network: NetworkPlan;
  readonly device: ShaperPlacement;
  readonly server: ShaperPlacement;
  readonly taps?: readonly TapPlacement[];
  /** Where the users sit (`placeUsers`); only its VPN exits matter here (the vpn-exit taps' mixed streams). Absent: one exit per user. */
  readonly placement?: Placement;
  /** Receives each device's own packets in time order (the radio model). */
  readonly deviceFeed?: OrderedSink;
  /** Users whose access-link traffic is recorded in full, with kinds (for timelines). */
  readonly traceUsers?: readonly number[];
  readonly onProgress?: (now: Micros) => void;
  /** Stop with an error once this many events ran (a resource guard). */
  readonly maxEvents?: number;
}

/** Totals over every egress of one side (device or server): the egress counters, summed. */
export type SideStats = EgressStats;

export interface WorldResult {
  readonly truth: Truth;
  readonly device: SideStats;
  readonly server: SideStats;
  /** Packets on the access links, both directions, all kinds. */
  readonly packets: number;
  readonly events: number;
  readonly traces: ReadonlyMap<number, Trace>;
  /** Per user: access-link wire bytes and real bytes, both directions (for per-user cost CIs). */
  readonly userWireBytes: Float64Array;
  readonly userRealBytes: Float64Array;
  readonly deviceWireBytes: Float64Array;
  readonly deviceRealBytes: Float64Array;
  readonly serverWireBytes: Float64Array;
  readonly serverRealBytes: Float64Array;
}

export class World implements EgressSink, TimerScheduler {
  readonly truth = new Truth();
  private readonly opts: WorldOptions;
  private readonly queue = new EventQueue(4096);
  /** All egresses, as slots (`user-slots.ts`). */
  private readonly egress: Egress;
  private readonly pads: RecordPadding;
  private readonly flight = new InFlight();
  private readonly relay: ServerRelay;
  /** TCP acknowledgements, or null when the transport sends none. */
  private readonly acks: TcpAcks | null;
  private readonly conversations: Conversations;
  private readonly taps: VantageTaps;
  private readonly coreUp: Link[] = [];
  private readonly coreDown: Link[] = [];
  private readonly feed: OrderedFeed | null;
  private readonly traced: Int32Array;
  /** Per egress: does its shaper want onReceived (precomputed: no pointer chase per packet). */
  private listens: Uint8Array = new Uint8Array(0);
  /** Whether any shaper listens / any user is traced: when not, the per-packet checks are skipped. */
  private anyListens = false;
  private readonly anyTraced: boolean;
  private readonly traces = new Map<number, Trace>();
  private readonly vpn: boolean;
  private readonly relayRng: Rng;

  private clock: Micros = 0;
  private events = 0;
  private packets = 0;

  constructor(opts: WorldOptions) {
    this.opts = opts;
    const users = opts.population.size;
    this.vpn = opts.transport.vpn;
    this.truth.groups = opts.population.groups;
    const root = new Rng(opts.seed, "world");
    this.relayRng = root.child("relay");
    const exits = opts.placement && this.vpn ? { exit: opts.placement.exit, count: opts.placement.exits, clock: this } : undefined;
    if (exits && exits.exit.length !== users) throw new Error(`world: placement of ${exits.exit.length} users for a population of ${users}`);
    this.taps = new VantageTaps(opts.taps ?? [], this.vpn, opts.network.ispOffset, exits);
    this.feed = opts.deviceFeed ? new OrderedFeed(users, opts.deviceFeed) : null;
    this.traced = new Int32Array(users).fill(-1);
    this.anyTraced = (opts.traceUsers ?? []).some((u) => u >= 0 && u < users);
    for (const u of opts.traceUsers ?? []) {
      if (u >= 0 && u < users) {
        this.traced[u] = u;
        this.traces.set(u, new Trace(1024));
      }
    }
    const outer = opts.transport.vpn ? (n: number) => opts.transport.outer(n) : null;
    const mtu = opts.transport.mtu;
    this.egress = new Egress({ slots: 2 * users, groups: 2, mtu, sink: this, scheduler: this });
    this.pads = new RecordPadding(opts.device.name, opts.server.name, this.egress);
    const uplink = new LinkModel(opts.network.uplink, outer);
    const downlink = new LinkModel(opts.network.downlink, outer);
    for (let u = 0; u < users; u++) {
      for (const side of ["device", "server"] as const) {
        const slot = side === "device" ? uplinkSlot(u) : downlinkSlot(u);
        const placement = side === "device" ? opts.device : opts.server;
        // the shaper's stream lives in its egress slot (`slot-streams.ts`), bound while it is made
        const rng = this.egress.seedStream(slot, { seed: opts.seed, path: `shaper/${side}/${u}` });
        const shaper: Shaper = placement.definition.create(placement.params, { rng, side, mtu });
        const link = side === "device" ? uplink : downlink;
        const linkJitter = { seed: opts.seed, path: `link/${side === "device" ? "up" : "down"}/${u}` };
        this.egress.attach(slot, { shaper, shaperName: placement.name, link, linkJitter, budget: placement.budget, group: slotSide(slot) });
        this.pads.add(side, shaper);
      }
      if (this.vpn) {
        this.coreUp.push(new Link(opts.network.coreUp, { seed: opts.seed, path: `link/core-up/${u}` }));
        this.coreDown.push(new Link(opts.network.coreDown, { seed: opts.seed, path: `link/core-down/${u}` }));
      }
    }
    this.listens = new Uint8Array(2 * users);
    for (let slot = 0; slot < 2 * users; slot++) this.listens[slot] = this.egress.shaperOf(slot).declaration.listensToReceive ? 1 : 0;
    this.anyListens = this.listens.includes(1);
    const parts = { truth: this.truth, flight: this.flight, pads: this.pads, transport: opts.transport, egress: this.egress, queue: this.queue };
    this.acks = TcpAcks.create({ transport: opts.transport, egress: this.egress, queue: this.queue, taps: this.taps, coreDown: this.coreDown }, 2 * users);
    // a woken app's fetch reaches the server one uplink latency after the push reached it (and the VPN's core latency)
    const fetchDelay = opts.network.uplink.latency + (this.vpn ? opts.network.coreUp.latency : 0);
    this.relay = new ServerRelay({ ...parts, taps: this.taps, coreDown: this.coreDown, acks: this.acks, sleep: opts.population.sleep, users, fetchDelay });
    this.conversations = new Conversations({ ...parts, models: opts.models, population: opts.population, relay: this.relay, acks: this.acks, duration: opts.duration, clock: this });
  }

  /** The engine's clock: the time of the event being run, µs. */
  get now(): Micros {
    return this.clock;
  }

  /** Pure TCP ACKs sent and ACKs that rode on data, and messages held for sleeping phones and the pushes that woke them, so far. */
  get counts(): { acks: number; piggybacked: number; held: number; wakePushes: number } {
    return { acks: this.acks?.sent ?? 0, piggybacked: this.acks?.piggybacked ?? 0, held: this.relay.held, wakePushes: this.relay.wakePushes };
  }

  /** Runs the simulation to its end and returns what happened. */
  run(): WorldResult {
    const end = this.opts.duration;
    for (let slot = 0; slot < this.egress.slots; slot++) this.egress.start(slot, 0);
    this.conversations.start();
    const maxEvents = this.opts.maxEvents ?? Infinity;
    const progress = this.opts.onProgress;
    while (this.runSlice(end, maxEvents)) {
      if (progress) progress(this.clock);
    }
    this.clock = end;
    this.feed?.flush();
    this.taps.flush();
    return {
      truth: this.truth,
      device: this.egress.groupStats(0),
      server: this.egress.groupStats(1),
      packets: this.packets,
      events: this.events,
      traces: this.traces,
      ...this.userBytes(),
    };
  }

  /**
   * Runs events up to `end` until the event count reaches a multiple of 65,536 (then
   * returns true: the caller reports progress and calls again) or none is left before
   * `end` (returns false).
   *
   * Why slices: V8 optimizes a loop that is already running by on-stack replacement
   * only, and a second world built in the same process (every arm after the first) saw
   * each such attempt aborted ("maps became deprecated during optimization", a thousand
   * times over), so its whole run stayed in unoptimized code at 2-2.5x the CPU. A call
   * per slice is compiled the ordinary way, and a slice is long enough for the call to
   * cost nothing.
   */
  private runSlice(end: Micros, maxEvents: number): boolean {
    const q = this.queue;
    while (q.size > 0 && q.peekTime() <= end) {
      q.pop();
      this.clock = q.time;
      this.dispatch(q.type, q.a, q.b, q.c);
      if (++this.events > maxEvents) {
        throw new Error(`run exceeded its event limit of ${maxEvents} at t = ${this.clock} µs; raise limits.maxEvents or shrink the experiment`);
      }
      if ((this.events & 0xffff) === 0) return true;
    }
    return false;
  }

  private userBytes() {
    const users = this.opts.population.size;
    const side = (slotOf: (u: number) => number, field: "wireBytes" | "realBytes") => {
      const out = new Float64Array(users);
      for (let u = 0; u < users; u++) out[u] = this.egress.slotBytes(slotOf(u))[field];
      return out;
    };
    const deviceWireBytes = side(uplinkSlot, "wireBytes");
    const deviceRealBytes = side(uplinkSlot, "realBytes");
    const serverWireBytes = side(downlinkSlot, "wireBytes");
    const serverRealBytes = side(downlinkSlot, "realBytes");
    const userWireBytes = deviceWireBytes.map((v, u) => v + serverWireBytes[u]);
    const userRealBytes = deviceRealBytes.map((v, u) => v + serverRealBytes[u]);
    return { userWireBytes, userRealBytes, deviceWireBytes, deviceRealBytes, serverWireBytes, serverRealBytes };
  }

  /** Runs one event (`world-events.ts` says what `a`, `b` and `c` are for each type). */
  private dispatch(type: number, a: number, b: number, c: number): void {
    switch (type) {
      case EventType.TIMER:
        // the time goes through the egress's clock register: dispatch is too large for V8
        // to inline the egress's wrappers, and a µs double passed across a call is boxed
        this.egress.clock[0] = this.clock;
        this.egress.fireAt(a, b);
        return;
      case EventType.WAKE:
        this.conversations.wake(a, this.clock, b);
        return;
      case EventType.SERVER_MESSAGE:
        this.relay.message(a, this.clock);
        return;
      case EventType.DELIVERED:
        this.conversations.delivered(a, this.clock);
        return;
      case EventType.RECEIVED:
        this.egress.clock[0] = this.clock;
        this.egress.receiveAt(a, b, c as Kind);
        return;
      case EventType.FRAME:
        this.relay.frame(a, b, c, this.clock);
        return;
      case EventType.ENQUEUE:
        this.egress.clock[0] = this.clock;
        this.egress.enqueueAt(a, packedWire(c), packedReal(c), b);
        return;
      case EventType.ACK_SEGMENT:
        (this.acks as TcpAcks).segment(a, this.clock);
        return;
      case EventType.ACK_TIMER:
        (this.acks as TcpAcks).timer(a, this.clock);
        return;
      case EventType.PHONE_WAKES:
        this.relay.phoneWakes(a, this.clock);
        return;
      case EventType.FETCH:
        this.relay.fetch(a, this.clock);
        return;
    }
  }

  // ---- EgressSink / TimerScheduler -----------------------------------------------

  scheduleTimer(slot: number, token: number, at: Float64Array): void {
    pushTimer(this.queue, at, slot, token);
  }

  onPiece(slot: number, flow: number, bytes: number, wire: number, completed: boolean, added: Micros, arrival: Micros): void {
    if (isUplink(slot)) {
      const u = slotUser(slot);
      let atServer = arrival;
      if (this.vpn) {
        const core = this.coreUp[u];
        atServer = core.transmit(arrival, wire);
        this.taps.coreUp(u, core.lastFinish, atServer, wire);
      }
      if (isFrameFlow(flow)) {
        pushFrame(this.queue, atServer + this.opts.network.frameRelay, frameRecipient(flow), wire, bytes);
        return;
      }
      // a whole TCP data segment reached the server's TCP: it owes the device an ACK
      if (this.acks !== null && Transport.acknowledges(flow, completed)) pushAckSegment(this.queue, atServer, peerSlot(slot));
      if (flow < 0 || !completed || --this.flight.left[flow] > 0) return;
      const m = this.truth.messages;
      m.added[flow] += added;
      m.atServer[flow] = atServer;
      if (m.to[flow] >= 0) pushServerMessage(this.queue, atServer + this.opts.network.relay, flow);
    } else {
      // a whole TCP data segment reached the device's TCP: it owes the server an ACK
      if (this.acks !== null && Transport.acknowledges(flow, completed)) pushAckSegment(this.queue, arrival, peerSlot(slot));
      if (flow < 0 || !completed || --this.flight.left[flow] > 0) return;
      this.truth.messages.added[flow] += added;
      pushDelivered(this.queue, arrival, flow);
    }
  }

  onWire(slot: number, sent: Micros, finish: Micros, arrival: Micros, size: number, payload: number, kind: Kind, flow: number): void {
    const u = slotUser(slot);
    const outer = this.vpn ? this.opts.transport.outer(size) : size;
    this.packets++;
    let seen: Micros;
    if (isUplink(slot)) {
      seen = finish;
      this.taps.accessUp(u, finish, arrival, size, outer);
      this.feed?.push(u, finish, outer, UP, this.clock);
    } else {
      seen = arrival;
      this.taps.accessDown(u, sent, arrival, size, outer);
      this.feed?.push(u, arrival, outer, DOWN, this.clock);
    }
    if (this.anyListens && this.listens[peerSlot(slot)] === 1) pushReceived(this.queue, arrival, peerSlot(slot), size, kind);
    if (this.anyTraced && this.traced[u] >= 0) this.traces.get(u)!.push(seen, outer, payload, slotSide(slot), kind, flow);
  }
}

export type { Observer };
