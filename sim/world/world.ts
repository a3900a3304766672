/**
 * The world: the discrete-event engine that turns people having conversations into the
 * packets each vantage point sees.
 *
 * Per user there are two egresses: the device uplink (device-side shaper) and the
 * downlink leaving the first hop (server- or VPN-side shaper), each with its access
 * link. Messages are segmented by the transport, shaped, sent over the access link,
 * (through the VPN's core link,) stored and forwarded by the messaging server after a
 * relay delay, fanned out to group members, shaped again on the recipient's downlink
 * and delivered; the sending model hears of the delivery at the moment the last byte
 * arrives, so replies are causal. Call frames are relayed packet by packet.
 *
 * Events are few per packet: a real packet costs no event of its own on an open gate
 * (only its message does), a timer-driven packet one. Taps are plain function calls.
 *
 * Tie-break at equal times (lower first): network arrivals, deliveries, shaper timers,
 * conversation wakes; then push order.
 *
 * Memory locality (what keeps 10,000 users nearly as fast per user as 1,000): the
 * egresses are the slots of one `Egress`, their numbers packed in typed arrays
 * (`egress-arena.ts`, each access link's state and jitter stream included); the event
 * queue is a calendar queue (`event-queue.ts`); the shapers' streams are made in one
 * pass and held together; per-packet checks nobody needs (no listening shaper, no traced
 * user) are skipped.
 */
import type { Shaper, ShaperDefinition } from "../../shapers/shaper.ts";
import type { Observer, Tap, VantageName } from "../../observers/observer.ts";
import type { Budget } from "../engine/budget.ts";
import type { ConversationContext, ConversationModel } from "./conversation.ts";
import { Egress, type EgressStats, type EgressSink, type TimerScheduler } from "../engine/egress.ts";
import { EventQueue } from "../engine/event-queue.ts";
import { Link, LinkModel } from "../engine/link.ts";
import type { NetworkPlan } from "./network.ts";
import { OrderedFeed, type OrderedSink } from "../engine/ordered-feed.ts";
import type { Population } from "./population.ts";
import { Rng, type Seed } from "../core/rng.ts";
import type { Micros } from "../core/time.ts";
import { Trace } from "../core/trace.ts";
import { DOWN, UP, type Kind } from "../core/kinds.ts";
import type { Transport } from "./transport.ts";
import { Truth } from "./truth.ts";
import { grown } from "../core/grown.ts";

export interface ShaperPlacement {
  readonly name: string;
  readonly definition: ShaperDefinition;
  readonly params: Record<string, unknown>;
  readonly budget: Budget;
}

export interface TapPlacement {
  readonly vantage: VantageName;
  readonly tap: Tap;
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

const E_WAKE = 0;
const E_TIMER = 1;
const E_SERVER_MSG = 2;
const E_DELIVERED = 3;
const E_RECEIVED = 4;
const E_FRAME = 5;
const E_ENQUEUE = 6;

const CLS_NET = 0;
const CLS_DELIVER = 1;
const CLS_TIMER = 2;
const CLS_WAKE = 3;

export class World implements EgressSink, TimerScheduler {
  readonly truth = new Truth();
  private readonly opts: WorldOptions;
  private readonly queue = new EventQueue(4096);
  /** All egresses, as slots: 2u is user u's device uplink, 2u + 1 the downlink toward user u. */
  private readonly egress: Egress;
  /** The shapers' random streams, by egress (made in one pass and held together). */
  private readonly shaperRngs: Rng[] = [];
  private readonly devicePad: (((n: number) => number) | null)[] = [];
  private readonly serverPad: (((n: number) => number) | null)[] = [];
  private readonly coreUp: Link[] = [];
  private readonly coreDown: Link[] = [];
  private readonly contexts: ConversationContext[] = [];
  private readonly feed: OrderedFeed | null;
  private readonly tapsLocal: Tap[];
  private readonly tapsIsp: Tap[];
  private readonly tapsServer: Tap[];
  private readonly tapsExit: Tap[];
  private readonly traced: Int32Array;
  /** Per egress: does its shaper want onReceived (precomputed: no pointer chase per packet). */
  private listens: Uint8Array = new Uint8Array(0);
  /** Whether any shaper listens / any user is traced: when not, the per-packet checks are skipped. */
  private anyListens = false;
  private readonly anyTraced: boolean;
  private readonly traces = new Map<number, Trace>();
  private readonly vpn: boolean;
  private readonly ispOffset: Micros;
  private readonly relayRng: Rng;

  // per-message engine state, parallel to truth.messages
  private msgLeft = new Int32Array(1024);
  private msgPadded = new Int32Array(1024);
  private msgCopies = new Int32Array(1024);
  // segmentation scratch
  private segWire = new Int32Array(64);
  private segReal = new Int32Array(64);

  private now: Micros = 0;
  private events = 0;
  private packets = 0;

  constructor(opts: WorldOptions) {
    this.opts = opts;
    const users = opts.population.size;
    this.vpn = opts.transport.vpn;
    this.ispOffset = opts.network.ispOffset;
    this.truth.groups = opts.population.groups;
    const root = new Rng(opts.seed, "world");
    this.relayRng = root.child("relay");
    const taps = opts.taps ?? [];
    const pick = (...v: VantageName[]) => taps.filter((t) => v.includes(t.vantage)).map((t) => t.tap);
    this.tapsLocal = pick("local");
    this.tapsIsp = pick("isp", "global");
    this.tapsServer = pick("server");
    this.tapsExit = pick("vpn-exit");
    if (this.tapsExit.length > 0 && !this.vpn) {
      throw new Error('observer vantage "vpn-exit": this experiment has no VPN (set transport.vpn)');
    }
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
    for (let u = 0; u < users; u++) {
      this.shaperRngs.push(new Rng(opts.seed, `shaper/device/${u}`), new Rng(opts.seed, `shaper/server/${u}`));
    }
    const uplink = new LinkModel(opts.network.uplink, outer);
    const downlink = new LinkModel(opts.network.downlink, outer);
    for (let u = 0; u < users; u++) {
      for (const side of ["device", "server"] as const) {
        const id = 2 * u + (side === "device" ? 0 : 1);
        const placement = side === "device" ? opts.device : opts.server;
        const shaper: Shaper = placement.definition.create(placement.params, { rng: this.shaperRngs[id], side, mtu });
        const link = side === "device" ? uplink : downlink;
        const linkJitter = { seed: opts.seed, path: `link/${side === "device" ? "up" : "down"}/${u}` };
        this.egress.attach(id, { shaper, shaperName: placement.name, link, linkJitter, budget: placement.budget, group: id & 1 });
        const pad = shaper.padRecord ? shaper.padRecord.bind(shaper) : null;
        (side === "device" ? this.devicePad : this.serverPad).push(pad);
      }
      if (this.vpn) {
        this.coreUp.push(new Link(opts.network.coreUp, { seed: opts.seed, path: `link/core-up/${u}` }));
        this.coreDown.push(new Link(opts.network.coreDown, { seed: opts.seed, path: `link/core-down/${u}` }));
      }
    }
    this.listens = new Uint8Array(2 * users);
    for (let id = 0; id < 2 * users; id++) this.listens[id] = this.egress.shaperOf(id).declaration.listensToReceive ? 1 : 0;
    this.anyListens = this.listens.includes(1);
    opts.models.forEach((m, index) => this.contexts.push(this.contextFor(index, m.name)));
  }

  /** Runs the simulation to its end and returns what happened. */
  run(): WorldResult {
    const end = this.opts.duration;
    for (let id = 0; id < this.egress.slots; id++) this.egress.start(id, 0);
    this.opts.models.forEach((m, i) => m.model.start(this.contexts[i]));
    const q = this.queue;
    const maxEvents = this.opts.maxEvents ?? Infinity;
    const progress = this.opts.onProgress;
    while (q.size > 0 && q.peekTime() <= end) {
      q.pop();
      this.now = q.time;
      this.dispatch(q.type, q.a, q.b, q.c);
      if (++this.events > maxEvents) {
        throw new Error(`run exceeded its event limit of ${maxEvents} at t = ${this.now} µs; raise limits.maxEvents or shrink the experiment`);
      }
      if (progress && (this.events & 0xffff) === 0) progress(this.now);
    }
    this.now = end;
    this.feed?.flush();
    return {
      truth: this.truth,
      device: this.sideStats(0),
      server: this.sideStats(1),
      packets: this.packets,
      events: this.events,
      traces: this.traces,
      ...this.userBytes(),
    };
  }

  private userBytes() {
    const users = this.opts.population.size;
    const side = (parity: number, field: "wireBytes" | "realBytes") => {
      const out = new Float64Array(users);
      for (let u = 0; u < users; u++) out[u] = this.egress.slotBytes(2 * u + parity)[field];
      return out;
    };
    const deviceWireBytes = side(0, "wireBytes");
    const deviceRealBytes = side(0, "realBytes");
    const serverWireBytes = side(1, "wireBytes");
    const serverRealBytes = side(1, "realBytes");
    const userWireBytes = deviceWireBytes.map((v, u) => v + serverWireBytes[u]);
    const userRealBytes = deviceRealBytes.map((v, u) => v + serverRealBytes[u]);
    return { userWireBytes, userRealBytes, deviceWireBytes, deviceRealBytes, serverWireBytes, serverRealBytes };
  }

  private dispatch(type: number, a: number, b: number, c: number): void {
    switch (type) {
      case E_TIMER:
        this.egress.fire(a, this.now, b);
        return;
      case E_WAKE:
        this.opts.models[a].model.onWake(this.now, b, this.contexts[a]);
        return;
      case E_SERVER_MSG:
        this.relayMessage(a);
        return;
      case E_DELIVERED:
        this.deliver(a);
        return;
      case E_RECEIVED:
        this.egress.receive(a, this.now, b, c as Kind);
        return;
      case E_FRAME:
        this.relayFrame(a, b, c);
        return;
      case E_ENQUEUE:
        this.egress.enqueue(a, this.now, c >>> 16, c & 0xffff, b);
        return;
    }
  }

  // ---- conversation side ---------------------------------------------------------

  private contextFor(model: number, name: string): ConversationContext {
    const world = this;
    return {
      population: this.opts.population,
      truth: this.truth,
      start: 0,
      end: this.opts.duration,
      send: (now, from, to, type, bytes, conversation) => {
        this.checkUser(name, "send", from);
        this.checkUser(name, "send", to);
        const id = this.newMessage(from, to, type, bytes, conversation, model, now, -1);
        this.sendUp(now, from, id, bytes);
        return id;
      },
      sendGroup: (now, from, group, type, bytes, conversation) => {
        this.checkUser(name, "sendGroup", from);
        const members = this.opts.population.groups[group];
        if (!members) throw new Error(`conversation model "${name}": sendGroup to unknown group ${group}`);
        let first = -1;
        for (const m of members) {
          if (m === from) continue;
          const id = this.newMessage(from, m, type, bytes, conversation, model, now, first);
          if (first < 0) first = id;
        }
        if (first < 0) return -1;
        this.msgCopies[first] = this.truth.messages.length - first;
        this.sendUp(now, from, first, bytes);
        return first;
      },
      sendToServer: (now, from, type, bytes) => {
        this.checkUser(name, "sendToServer", from);
        const id = this.newMessage(from, -1, type, bytes, -1, model, now, -1);
        this.sendUp(now, from, id, bytes);
        return id;
      },
      push: (now, to, type, bytes) => {
        this.checkUser(name, "push", to);
        const id = this.newMessage(-1, to, type, bytes, -1, model, now, -1);
        this.truth.messages.atServer[id] = now;
        this.msgPadded[id] = this.opts.transport.recordLength(bytes);
        this.relayMessage(id);
        return id;
      },
      sendFrame: (now, from, to, bytes, conversation) => {
        const pad = this.devicePad[from];
        const padded = pad ? this.checkPad(pad(bytes), bytes, "device") : bytes;
        const t = this.opts.transport;
        this.egress.enqueue(2 * from, now, t.frameSize(padded), t.frameSize(bytes), -2 - to);
        if (conversation >= 0) this.truth.conversations.touch(conversation, now);
      },
      wakeAt(t, token) {
        if (!(t >= world.now) || !Number.isFinite(t)) {
          throw new Error(`conversation model "${name}": wakeAt(${t}) is before now (${world.now})`);
        }
        world.queue.push(Math.round(t), CLS_WAKE, E_WAKE, model, token);
      },
    };
  }

  private checkUser(model: string, what: string, u: number): void {
    if (!(u >= 0 && u < this.opts.population.size)) {
      throw new Error(`conversation model "${model}": ${what} names user ${u}; expected 0..${this.opts.population.size - 1}`);
    }
  }

  private checkPad(padded: number, length: number, side: string): number {
    if (!(padded >= length) || !Number.isSafeInteger(padded)) {
      const name = side === "device" ? this.opts.device.name : this.opts.server.name;
      throw new Error(`shaper "${name}": padRecord(${length}) returned ${padded}; expected an integer >= ${length}`);
    }
    return padded;
  }

  private newMessage(from: number, to: number, type: number, bytes: number, conv: number, model: number, now: Micros, origin: number): number {
    if (!(bytes >= 0) || !Number.isSafeInteger(bytes)) throw new Error(`message of ${bytes} bytes: expected a non-negative integer`);
    const id = this.truth.messages.add(from, to, type, bytes, conv, model, now, origin);
    if (id >= this.msgLeft.length) {
      this.msgLeft = grown(this.msgLeft);
      this.msgPadded = grown(this.msgPadded);
      this.msgCopies = grown(this.msgCopies);
    }
    this.msgCopies[id] = 1;
    if (conv >= 0) this.truth.conversations.touch(conv, now);
    return id;
  }

  private segment(bytes: number, padded: number): number {
    const t = this.opts.transport;
    const need = t.packetCount(padded) + 1;
    if (need > this.segWire.length) {
      let cap = this.segWire.length;
      while (cap < need) cap *= 2;
      this.segWire = new Int32Array(cap);
      this.segReal = new Int32Array(cap);
    }
    return t.segmentMessage(bytes, padded, this.segWire, this.segReal);
  }

  private sendUp(now: Micros, from: number, id: number, bytes: number): void {
    const record = this.opts.transport.recordLength(bytes);
    const pad = this.devicePad[from];
    const padded = pad ? this.checkPad(pad(record), record, "device") : record;
    this.msgPadded[id] = padded;
    const n = this.segment(bytes, padded);
    this.msgLeft[id] = n;
    for (let k = 0; k < n; k++) this.egress.enqueue(2 * from, now, this.segWire[k], this.segReal[k], id);
  }

  /** The server has the whole message (and its fan-out copies): send each copy down. */
  private relayMessage(origin: number): void {
    const m = this.truth.messages;
    const copies = this.msgCopies[origin];
    for (let id = origin; id < origin + copies; id++) {
      m.atServer[id] = m.atServer[origin];
      const to = m.to[id];
      const pad = this.serverPad[to];
      const upPadded = this.msgPadded[origin];
      const padded = pad ? this.checkPad(pad(upPadded), upPadded, "server") : upPadded;
      const n = this.segment(m.bytes[id], padded);
      this.msgLeft[id] = n;
      const e = 2 * to + 1;
      if (!this.vpn) {
        for (let k = 0; k < n; k++) this.egress.enqueue(e, this.now, this.segWire[k], this.segReal[k], id);
      } else {
        const core = this.coreDown[to];
        for (let k = 0; k < n; k++) {
          const arrival = core.transmit(this.now, this.segWire[k]);
          this.tapAll(this.tapsServer, to, core.lastFinish, this.segWire[k], DOWN);
          this.tapAll(this.tapsExit, to, arrival, this.segWire[k], DOWN);
          this.queue.push(arrival, CLS_NET, E_ENQUEUE, e, id, (this.segWire[k] << 16) | this.segReal[k]);
        }
      }
    }
  }

  private relayFrame(to: number, wire: number, real: number): void {
    const e = 2 * to + 1;
    if (!this.vpn) {
      this.egress.enqueue(e, this.now, wire, real, -1);
    } else {
      const core = this.coreDown[to];
      const arrival = core.transmit(this.now, wire);
      this.tapAll(this.tapsServer, to, core.lastFinish, wire, DOWN);
      this.tapAll(this.tapsExit, to, arrival, wire, DOWN);
      this.queue.push(arrival, CLS_NET, E_ENQUEUE, e, -1, (wire << 16) | real);
    }
  }

  private deliver(id: number): void {
    const m = this.truth.messages;
    m.delivered[id] = this.now;
    if (m.conversation[id] >= 0) this.truth.conversations.touch(m.conversation[id], this.now);
    this.opts.models[m.model[id]].model.onDelivered(this.now, id, this.contexts[m.model[id]]);
  }

  // ---- EgressSink / TimerScheduler -----------------------------------------------

  scheduleTimer(at: Micros, egress: Egress, token: number): void {
    this.queue.push(at, CLS_TIMER, E_TIMER, egress.id, token);
  }

  onPiece(egress: Egress, flow: number, bytes: number, wire: number, completed: boolean, added: Micros, arrival: Micros): void {
    const up = (egress.id & 1) === 0;
    const u = egress.id >> 1;
    if (up) {
      let atServer = arrival;
      if (this.vpn) {
        const core = this.coreUp[u];
        atServer = core.transmit(arrival, wire);
        this.tapAll(this.tapsExit, u, core.lastFinish, wire, UP);
        this.tapAll(this.tapsServer, u, atServer, wire, UP);
      }
      if (flow <= -2) {
        this.queue.push(atServer + this.opts.network.frameRelay, CLS_NET, E_FRAME, -2 - flow, wire, bytes);
        return;
      }
      if (flow < 0 || !completed || --this.msgLeft[flow] > 0) return;
      const m = this.truth.messages;
      m.added[flow] += added;
      m.atServer[flow] = atServer;
      if (m.to[flow] >= 0) this.queue.push(atServer + this.opts.network.relay, CLS_NET, E_SERVER_MSG, flow, 0);
    } else {
      if (flow < 0 || !completed || --this.msgLeft[flow] > 0) return;
      this.truth.messages.added[flow] += added;
      this.queue.push(arrival, CLS_DELIVER, E_DELIVERED, flow, 0);
    }
  }

  onWire(egress: Egress, sent: Micros, finish: Micros, arrival: Micros, size: number, payload: number, kind: Kind, flow: number): void {
    const id = egress.id;
    const u = id >> 1;
    const outer = this.vpn ? this.opts.transport.outer(size) : size;
    this.packets++;
    let seen: Micros;
    if ((id & 1) === 0) {
      seen = finish;
      this.tapAll(this.tapsLocal, u, finish, outer, UP);
      this.tapAll(this.tapsIsp, u, finish + this.ispOffset, outer, UP);
      if (!this.vpn) this.tapAll(this.tapsServer, u, arrival, size, UP);
      this.feed?.push(u, finish, outer, UP, this.now);
      if (this.anyListens && this.listens[id + 1] === 1) this.queue.push(arrival, CLS_NET, E_RECEIVED, id + 1, size, kind);
    } else {
      seen = arrival;
      this.tapAll(this.tapsLocal, u, arrival, outer, DOWN);
      this.tapAll(this.tapsIsp, u, arrival - this.ispOffset, outer, DOWN);
      if (!this.vpn) this.tapAll(this.tapsServer, u, sent, size, DOWN);
      this.feed?.push(u, arrival, outer, DOWN, this.now);
      if (this.anyListens && this.listens[id - 1] === 1) this.queue.push(arrival, CLS_NET, E_RECEIVED, id - 1, size, kind);
    }
    if (this.anyTraced && this.traced[u] >= 0) this.traces.get(u)!.push(seen, outer, payload, (id & 1) as 0 | 1, kind, flow);
  }

  private tapAll(taps: Tap[], u: number, t: Micros, size: number, dir: 0 | 1): void {
    for (let i = 0; i < taps.length; i++) taps[i].packet(u, t, size, dir);
  }

  private sideStats(side: 0 | 1): SideStats {
    return this.egress.groupStats(side);
  }
}

export type { Observer };
