/**
 * An egress: one direction of one link as the engine runs it. It owns the FIFO queue
 * of real packets, the gate, the shaper's timers, the budget and the link, and it is
 * the engine's implementation of `ShaperActions` (see `shapers/shaper.ts` for the
 * contract it honours).
 *
 * Added delay is measured exactly, not estimated: beside the real link the egress keeps
 * a *virtual* link that carries only the real packets at their unpadded size through an
 * open gate. A real packet's added delay is the time its last byte finishes serializing
 * on the real link minus the time it would have finished on the virtual one. It is zero
 * for a pass-through shaper on an otherwise idle link, and it counts holding, padding's
 * extra serialization and queueing behind padding or cover alike.
 *
 * Steady state allocates nothing: the queue and the piece scratch are typed-array ring
 * buffers that grow by doubling.
 */
import type { Shaper, ShaperActions } from "../shapers/shaper.ts";
import type { Budget } from "./budget.ts";
import type { Link } from "./link.ts";
import type { Micros } from "./time.ts";
import { COVER, PADDING, REAL, type Kind } from "./trace.ts";

/** Where the egress reports what it put on the wire. */
export interface EgressSink {
  /**
   * `wire` bytes of a queued packet of flow `flow`, `bytes` of them real (payload), left in
   * the packet being sent; `completed` says this piece finished that queued packet, whose
   * added delay is `addedDelay`. Called before `onWire` for the same packet.
   */
  onPiece(egress: Egress, flow: number, bytes: number, wire: number, completed: boolean, addedDelay: Micros, arrival: Micros): void;
  /** One packet left: handed to the link at `sent`, finished serializing at `finish`, arrives at `arrival`. */
  onWire(egress: Egress, sent: Micros, finish: Micros, arrival: Micros, size: number, payload: number, kind: Kind, flow: number): void;
}

/** How the egress asks the engine to call it back at a later time. */
export interface TimerScheduler {
  scheduleTimer(at: Micros, egress: Egress, token: number): void;
}

export const SHAPER_TIMERS = 8;
const BUDGET_TIMER = SHAPER_TIMERS;
const MAX_DEPTH = 64;

export interface EgressStats {
  realPackets: number;
  realBytes: number;
  wirePackets: number;
  wireBytes: number;
  paddingPackets: number;
  coverPackets: number;
  /** Wire bytes not carrying real payload: padding, cover and padding inside real packets. */
  paddingBytes: number;
  refusedPadding: number;
  forcedReleases: number;
}

export class Egress implements ShaperActions {
  readonly id: number;
  readonly shaper: Shaper;
  readonly shaperName: string;
  readonly link: Link;
  readonly mtu: number;
  readonly budget: Budget;
  private readonly sink: EgressSink;
  private readonly scheduler: TimerScheduler;

  // queue of real packets (ring buffer)
  private qWire: Int32Array;
  private qPay: Int32Array;
  private qFlow: Int32Array;
  private qEnq: Float64Array;
  private qVirt: Float64Array;
  private qHead = 0;
  private qCount = 0;
  private qMask: number;
  queuedBytes = 0;
  held = false;

  // scratch for the pieces of one outgoing packet
  private pFlow = new Int32Array(4);
  private pPay = new Int32Array(4);
  private pWire = new Int32Array(4);
  private pDone = new Uint8Array(4);
  private pVirt = new Float64Array(4);

  // Plain arrays, not typed ones: they live on the JS heap next to this object, one
  // pointer away, which matters when 20,000 egresses take turns (cache misses dominate).
  private readonly timerGen: number[] = new Array<number>(SHAPER_TIMERS + 1).fill(0);
  private readonly timerAt: number[] = new Array<number>(SHAPER_TIMERS + 1).fill(NaN);

  private now: Micros = 0;
  private virtualFreeAt: Micros = 0;
  private justQueued = -1;
  private depth = 0;
  private tokens: number;
  private tokensAt: Micros = 0;

  readonly stats: EgressStats = {
    realPackets: 0,
    realBytes: 0,
    wirePackets: 0,
    wireBytes: 0,
    paddingPackets: 0,
    coverPackets: 0,
    paddingBytes: 0,
    refusedPadding: 0,
    forcedReleases: 0,
  };

  constructor(opts: {
    id: number;
    shaper: Shaper;
    shaperName: string;
    link: Link;
    mtu: number;
    budget: Budget;
    sink: EgressSink;
    scheduler: TimerScheduler;
  }) {
    this.id = opts.id;
    this.shaper = opts.shaper;
    this.shaperName = opts.shaperName;
    this.link = opts.link;
    this.mtu = opts.mtu;
    this.budget = opts.budget;
    this.sink = opts.sink;
    this.scheduler = opts.scheduler;
    const cap = 8; // 8 doubles = 64 bytes: small enough for V8 to keep the typed arrays on-heap
    this.qWire = new Int32Array(cap);
    this.qPay = new Int32Array(cap);
    this.qFlow = new Int32Array(cap);
    this.qEnq = new Float64Array(cap);
    this.qVirt = new Float64Array(cap);
    this.qMask = cap - 1;
    this.tokens = Number.isFinite(opts.budget.maxPaddingRate) ? Math.max(1, opts.budget.maxPaddingRate) : Infinity;
  }

  // ---- engine-facing -------------------------------------------------------------

  start(now: Micros): void {
    this.advance(now);
    this.shaper.start(now, this);
  }

  /** A real packet of `wire` bytes carrying `payload` real bytes of `flow` enters the queue. */
  enqueue(now: Micros, wire: number, payload: number, flow: number): void {
    this.advance(now);
    if (this.qCount === this.qWire.length) this.growQueue();
    const i = (this.qHead + this.qCount) & this.qMask;
    this.qCount++;
    this.qWire[i] = wire;
    this.qPay[i] = payload;
    this.qFlow[i] = flow;
    this.qEnq[i] = now;
    const vStart = now > this.virtualFreeAt ? now : this.virtualFreeAt;
    this.virtualFreeAt = vStart + this.link.serialization(wire);
    this.qVirt[i] = this.virtualFreeAt;
    this.queuedBytes += wire;
    this.justQueued = i;
    this.shaper.onQueued(now, wire, this);
    this.justQueued = -1;
    if (!this.held) this.flush();
    else this.armBudget();
  }

  /** The engine fires a timer token it was asked to schedule. Stale tokens are ignored. */
  fire(now: Micros, token: number): void {
    const id = token & 15;
    const gen = token >>> 4;
    if (this.timerGen[id] !== gen || this.timerAt[id] !== now) return;
    this.advance(now);
    this.timerAt[id] = NaN;
    if (id === BUDGET_TIMER) this.enforceDelayBudget();
    else this.shaper.onTimer(now, id, this);
  }

  /** A packet from the peer arrived (only for shapers that listen). */
  receive(now: Micros, size: number, kind: Kind): void {
    this.advance(now);
    this.shaper.onReceived(now, size, kind, this);
  }

  get queuedPackets(): number {
    return this.qCount;
  }

  // ---- ShaperActions -------------------------------------------------------------

  padPacket(size: number): void {
    const i = this.justQueued;
    if (i < 0) throw new Error(`shaper "${this.shaperName}": padPacket() is allowed only inside onQueued`);
    if (!(size >= this.qWire[i] && size <= this.mtu) || !Number.isInteger(size)) {
      throw new Error(`shaper "${this.shaperName}": padPacket(${size}): expected an integer from ${this.qWire[i]} to the MTU ${this.mtu}`);
    }
    this.queuedBytes += size - this.qWire[i];
    this.qWire[i] = size;
  }

  sendPadding(size: number, kind: Kind = PADDING): void {
    this.checkSize("sendPadding", size);
    if (!this.allowPadding(size)) return;
    this.emitPadding(size, kind === COVER ? COVER : PADDING);
  }

  hold(): void {
    this.held = true;
    this.armBudget();
  }

  release(): void {
    this.held = false;
    this.flush();
  }

  releaseOne(): boolean {
    if (this.qCount === 0) return false;
    this.emit(this.qWire[this.qHead], true);
    this.armBudget();
    return true;
  }

  sendCell(size: number): number {
    this.checkSize("sendCell", size);
    if (this.qCount === 0) {
      if (!this.allowPadding(size)) return 0;
      this.emitPadding(size, PADDING);
      return 0;
    }
    const carried = this.emit(size, false);
    this.armBudget();
    return carried;
  }

  setTimer(id: number, at: Micros): void {
    if (!(id >= 0 && id < SHAPER_TIMERS) || !Number.isInteger(id)) {
      throw new Error(`shaper "${this.shaperName}": setTimer(${id}): expected a timer id from 0 to ${SHAPER_TIMERS - 1}`);
    }
    if (!(at >= this.now) || !Number.isFinite(at)) {
      throw new Error(`shaper "${this.shaperName}": setTimer(${id}, ${at}): expected a time >= now (${this.now})`);
    }
    this.schedule(id, Math.round(at));
  }

  cancelTimer(id: number): void {
    this.timerGen[id]++;
    this.timerAt[id] = NaN;
  }

  // ---- internals -----------------------------------------------------------------

  private advance(now: Micros): void {
    if (now < this.now) {
      throw new Error(`egress ${this.id} (${this.shaperName}): time went backwards from ${this.now} to ${now}`);
    }
    this.now = now;
  }

  private schedule(id: number, at: Micros): void {
    const gen = ++this.timerGen[id];
    this.timerAt[id] = at;
    this.scheduler.scheduleTimer(at, this, (gen << 4) | id);
  }

  private checkSize(what: string, size: number): void {
    if (!(size >= 1 && size <= this.mtu) || !Number.isInteger(size)) {
      throw new Error(`shaper "${this.shaperName}": ${what}(${size}): expected an integer from 1 to the MTU ${this.mtu}`);
    }
  }

  private allowPadding(size: number): boolean {
    const b = this.budget;
    const s = this.stats;
    if (b.maxPaddingFraction < 1 && s.paddingBytes + size > b.maxPaddingFraction * (s.wireBytes + size)) {
      s.refusedPadding++;
      return false;
    }
    if (this.tokens !== Infinity) {
      const rate = b.maxPaddingRate;
      this.tokens = Math.min(Math.max(1, rate), this.tokens + ((this.now - this.tokensAt) * rate) / 1e6);
      this.tokensAt = this.now;
      if (this.tokens < 1) {
        s.refusedPadding++;
        return false;
      }
      this.tokens -= 1;
    }
    return true;
  }

  private flush(): void {
    while (this.qCount > 0 && !this.held) this.emit(this.qWire[this.qHead], true);
  }

  /** Holds are capped: arm the budget timer for the head packet's deadline. */
  private armBudget(): void {
    const limit = this.budget.maxAddedDelay;
    if (limit === Infinity || !this.held || this.qCount === 0) return;
    const deadline = this.qEnq[this.qHead] + limit;
    if (this.timerAt[BUDGET_TIMER] !== deadline) this.schedule(BUDGET_TIMER, deadline > this.now ? deadline : this.now);
  }

  private enforceDelayBudget(): void {
    const limit = this.budget.maxAddedDelay;
    while (this.qCount > 0 && this.qEnq[this.qHead] + limit <= this.now) {
      this.stats.forcedReleases++;
      this.emit(this.qWire[this.qHead], true);
    }
    this.armBudget();
  }

  private emitPadding(size: number, kind: Kind): void {
    if (++this.depth > MAX_DEPTH) throw this.recursionError();
    const now = this.now;
    const arrival = this.link.transmit(now, size);
    const s = this.stats;
    s.wirePackets++;
    s.wireBytes += size;
    s.paddingBytes += size;
    if (kind === COVER) s.coverPackets++;
    else s.paddingPackets++;
    this.sink.onWire(this, now, this.link.lastFinish, arrival, size, 0, kind, -1);
    this.shaper.onSent(now, size, kind, this);
    this.depth--;
  }

  /**
   * Sends one packet of `size` wire bytes taken from the head of the queue. With
   * `whole`, `size` is exactly the head packet's remaining bytes; otherwise the packet
   * is a cell filled from as many queued packets as fit and padded to `size`.
   */
  private emit(size: number, whole: boolean): number {
    if (++this.depth > MAX_DEPTH) throw this.recursionError();
    const now = this.now;
    let space = size;
    let payload = 0;
    let pieces = 0;
    let firstFlow = -1;
    while (space > 0 && this.qCount > 0) {
      const h = this.qHead;
      const take = this.qWire[h] < space ? this.qWire[h] : space;
      const pay = this.qPay[h] < take ? this.qPay[h] : take;
      this.qWire[h] -= take;
      this.qPay[h] -= pay;
      this.queuedBytes -= take;
      space -= take;
      payload += pay;
      if (pieces === this.pFlow.length) this.growPieces();
      this.pFlow[pieces] = this.qFlow[h];
      this.pPay[pieces] = pay;
      this.pWire[pieces] = take;
      this.pVirt[pieces] = this.qVirt[h];
      const done = this.qWire[h] === 0;
      this.pDone[pieces] = done ? 1 : 0;
      if (firstFlow === -1) firstFlow = this.qFlow[h];
      pieces++;
      if (done) {
        this.qHead = (h + 1) & this.qMask;
        this.qCount--;
      }
      if (whole) break;
    }
    const arrival = this.link.transmit(now, size);
    const finish = this.link.lastFinish;
    for (let k = 0; k < pieces; k++) {
      const done = this.pDone[k] === 1;
      this.sink.onPiece(this, this.pFlow[k], this.pPay[k], this.pWire[k], done, done ? finish - this.pVirt[k] : 0, arrival);
    }
    const s = this.stats;
    s.wirePackets++;
    s.wireBytes += size;
    s.realPackets++;
    s.realBytes += payload;
    s.paddingBytes += size - payload;
    this.sink.onWire(this, now, finish, arrival, size, payload, REAL, firstFlow);
    this.shaper.onSent(now, size, REAL, this);
    this.depth--;
    return payload;
  }

  private recursionError(): Error {
    this.depth = 0;
    return new Error(`shaper "${this.shaperName}": more than ${MAX_DEPTH} nested sends from one event (a send that triggers itself?)`);
  }

  private growQueue(): void {
    const old = this.qWire.length;
    const cap = old * 2;
    const unroll = <T extends Int32Array | Float64Array>(src: T, dst: T): T => {
      for (let k = 0; k < this.qCount; k++) dst[k] = src[(this.qHead + k) & this.qMask];
      return dst;
    };
    this.qWire = unroll(this.qWire, new Int32Array(cap));
    this.qPay = unroll(this.qPay, new Int32Array(cap));
    this.qFlow = unroll(this.qFlow, new Int32Array(cap));
    this.qEnq = unroll(this.qEnq, new Float64Array(cap));
    this.qVirt = unroll(this.qVirt, new Float64Array(cap));
    if (this.justQueued >= 0) this.justQueued = (this.justQueued - this.qHead) & this.qMask;
    this.qHead = 0;
    this.qMask = cap - 1;
  }

  private growPieces(): void {
    const cap = this.pFlow.length * 2;
    const f = new Int32Array(cap);
    f.set(this.pFlow);
    const p = new Int32Array(cap);
    p.set(this.pPay);
    const w = new Int32Array(cap);
    w.set(this.pWire);
    const d = new Uint8Array(cap);
    d.set(this.pDone);
    const v = new Float64Array(cap);
    v.set(this.pVirt);
    this.pFlow = f;
    this.pPay = p;
    this.pWire = w;
    this.pDone = d;
    this.pVirt = v;
  }
}
