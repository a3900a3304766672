/**
 * The egresses: each one direction of one link as the engine runs it, with its FIFO
 * queue of real packets, its gate, its shaper's timers, its budget and its link. This is
 * the engine's implementation of `ShaperActions` (see `shapers/shaper.ts` for the
 * contract it honours).
 *
 * One `Egress` object runs all the egresses of a world, numbered slots 0..n-1: each
 * engine call names the slot it is for, and while the call runs (the shaper's callbacks
 * included) the object acts for that slot — it is the `out` the slot's shaper is
 * handed, valid only during the callback, as the contract says. Engine calls run one at
 * a time; they do not nest. The slots' numbers live in the typed arrays of an
 * `EgressArena` (see `egress-arena.ts`), so a cover or padding packet on one of 20,000
 * egresses touches one 64-byte line of state and no per-egress object but its shaper.
 * A harness that runs one shaper alone builds an `Egress` of one slot.
 *
 * The hot methods keep their common path short and put rare branches (other timers, the
 * delay budget, the rate budget, error messages) in methods of their own, so that V8
 * inlines the shaper's callbacks into them: a call it does not inline has to box every
 * µs time (a double past 2^30) it passes into a heap number.
 *
 * Added delay is measured exactly, not estimated: beside the real link each egress
 * keeps a *virtual* link that carries only the real packets at their unpadded size
 * through an open gate. A real packet's added delay is the time its last byte finishes
 * serializing on the real link minus the time it would have finished on the virtual one.
 * It is zero for a pass-through shaper on an otherwise idle link, and it counts holding,
 * padding's extra serialization and queueing behind padding or cover alike.
 *
 * Steady state allocates nothing: queue rings grow by doubling.
 *
 * @example
 * const eg = new Egress({ slots: 1, mtu: 1500, sink, scheduler });
 * eg.attach(0, { shaper, shaperName: "padme", link: new LinkModel(spec), budget: UNLIMITED });
 * eg.start(0, 0);
 * eg.enqueue(0, 0, 1200, 1100, 7); // sink.onPiece(...), then sink.onWire(...)
 */
import type { Shaper, ShaperActions } from "../../shapers/shaper.ts";
import type { Budget } from "./budget.ts";
import {
  COLD,
  C_BUDGET_AT,
  C_BUDGET_GEN,
  C_GENS,
  C_QUEUED_BYTES,
  C_REAL_BYTES,
  C_REAL_PACKETS,
  C_TOKENS,
  C_TOKENS_AT,
  C_VIRTUAL_FREE_AT,
  EgressArena,
  GROUP,
  G_COVER_PACKETS,
  G_FORCED_RELEASES,
  G_PADDING_PACKETS,
  G_REFUSED_PADDING,
  HOT,
  H_GEN0,
  I_HELD,
  I_Q_BASE,
  I_Q_CAP,
  I_Q_COUNT,
  I_Q_HEAD,
  H_LINK,
  H_WIRE_BYTES,
  QREC,
  Q_ENQ,
  Q_FLOW,
  Q_PAY,
  Q_VIRT,
  Q_WIRE,
} from "./egress-arena.ts";
import { L_FREE_AT, LinkModel, initLinkState, transmitOn, type StreamName } from "./link.ts";
import type { Micros } from "../core/time.ts";
import { COVER, PADDING, REAL, type Kind } from "../core/kinds.ts";

/** Where the egresses report what they put on the wire. `egress.id` is the slot the call is for. */
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

/** How an egress asks the engine to call it back at a later time (`egress.id` is the slot). */
export interface TimerScheduler {
  scheduleTimer(at: Micros, egress: Egress, token: number): void;
}

export const SHAPER_TIMERS = 8;
const BUDGET_TIMER = SHAPER_TIMERS;
const MAX_DEPTH = 64;
/** Timer generations wrap here: a token carries 28 bits of generation and 4 of timer id. */
const GEN_MASK = 0x0fffffff;
const FIRST_QUEUE = 8;

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

/** What slots of one side share. */
interface Profile {
  readonly link: LinkModel;
  readonly budget: Budget;
  readonly group: number;
  readonly name: string;
}

/** What one slot runs with. */
export interface EgressSlot {
  shaper: Shaper;
  shaperName: string;
  /** The link's constants (shared by the slots of one side). */
  link: LinkModel;
  /** The link's jitter stream, by name, when the link jitters. */
  linkJitter?: StreamName | null;
  budget: Budget;
  /** The group whose counters of padding, cover, refused and forced packets this slot adds to (default 0). */
  group?: number;
}

export interface EgressOptions {
  /** Number of egresses. */
  slots: number;
  /** Number of counter groups (default 1). */
  groups?: number;
  mtu: number;
  sink: EgressSink;
  scheduler: TimerScheduler;
}

export class Egress implements ShaperActions {
  // the selected slot and what its actions need (set by `select`)
  private cur = -1;
  private h = 0;
  private c = 0;
  /** Offset of the selected slot's block in `qi` (the cold block as integers). */
  private ci = 0;
  private g = 0;
  private shaper: Shaper | null = null;
  private link: LinkModel;
  private budget: Budget | null = null;
  /** The egresses' clock: the time of the latest engine call, µs. */
  private now: Micros = 0;
  private depth = 0;
  private justQueued = -1;
  private readonly hot: Float64Array;
  private readonly cold: Float64Array;
  private readonly qi: Int32Array;
  private readonly counts: Float64Array;
  /** The arena's queue pool (replaced when it grows). */
  private pool: Float64Array;
  private readonly arena: EgressArena;
  private readonly sink: EgressSink;
  private readonly scheduler: TimerScheduler;
  // per slot: its shaper, and the index of its profile (link, budget, group and name, which
  // the slots of one side share) in a short table, so selecting a slot reads two small arrays
  private readonly shapers: Shaper[];
  private readonly profileOf: Uint16Array;
  private readonly profiles: Profile[] = [];
  readonly mtu: number;
  readonly slots: number;

  constructor(opts: EgressOptions) {
    const groups = opts.groups ?? 1;
    this.arena = new EgressArena(opts.slots, groups, Math.max(64, FIRST_QUEUE * opts.slots));
    this.slots = opts.slots;
    this.hot = this.arena.hot;
    this.cold = this.arena.cold;
    this.qi = this.arena.coldInts;
    this.counts = this.arena.groups;
    this.pool = this.arena.pool;
    this.sink = opts.sink;
    this.scheduler = opts.scheduler;
    this.mtu = opts.mtu;
    this.shapers = new Array<Shaper>(opts.slots);
    this.profileOf = new Uint16Array(opts.slots);
    this.link = new LinkModel({ bandwidthBps: Infinity, latency: 0, jitter: 0 });
  }

  /** Gives slot `slot` its shaper, link and budget (once, before it starts). */
  attach(slot: number, s: EgressSlot): void {
    if (!(Number.isInteger(slot) && slot >= 0 && slot < this.slots)) throw new RangeError(`egress: slot ${slot}, expected 0..${this.slots - 1}`);
    if (this.shapers[slot] !== undefined) throw new Error(`egress ${slot}: attached twice`);
    const group = s.group ?? 0;
    if (!(Number.isInteger(group) && group >= 0 && group * GROUP < this.counts.length)) throw new RangeError(`egress ${slot}: group ${group} is out of range`);
    const jitter = s.link.jitters ? (s.linkJitter ?? null) : null;
    if (s.link.jitters && jitter === null) throw new Error(`egress ${slot}: its link jitters but no jitter stream was given`);
    let p = this.profiles.findIndex((x) => x.link === s.link && x.budget === s.budget && x.group === group && x.name === s.shaperName);
    if (p < 0) {
      if (this.profiles.length === 0xffff) throw new RangeError("egress: more than 65535 distinct link, budget, group and name combinations");
      p = this.profiles.push({ link: s.link, budget: s.budget, group, name: s.shaperName }) - 1;
    }
    this.shapers[slot] = s.shaper;
    this.profileOf[slot] = p;
    const h = slot * HOT;
    this.hot.fill(0, h, h + HOT);
    initLinkState(this.hot, h + H_LINK, jitter);
    const c = slot * COLD;
    this.cold.fill(0, c, c + COLD);
    this.cold[c + C_BUDGET_AT] = NaN;
    this.qi[c * 2 + I_Q_BASE] = -1;
    this.cold[c + C_TOKENS] = Number.isFinite(s.budget.maxPaddingRate) ? Math.max(1, s.budget.maxPaddingRate) : Infinity;
  }

  // ---- engine-facing -------------------------------------------------------------

  start(slot: number, now: Micros): void {
    if (slot !== this.cur) this.select(slot);
    this.advance(now);
    (this.shaper as Shaper).start(now, this);
  }

  /** A real packet of `wire` bytes carrying `payload` real bytes of `flow` enters slot `slot`'s queue. */
  enqueue(slot: number, now: Micros, wire: number, payload: number, flow: number): void {
    if (slot !== this.cur) this.select(slot);
    this.advance(now);
    const qi = this.qi;
    const ci = this.ci;
    if (qi[ci + I_Q_COUNT] === qi[ci + I_Q_CAP]) this.growQueue();
    const i = (qi[ci + I_Q_HEAD] + qi[ci + I_Q_COUNT]++) & (qi[ci + I_Q_CAP] - 1);
    const r = qi[ci + I_Q_BASE] + i * QREC;
    const cold = this.cold;
    const v = this.c + C_VIRTUAL_FREE_AT;
    // the packet's finish on the virtual link: real packets only, unpadded, gate open
    cold[v] = (now > cold[v] ? now : cold[v]) + this.link.serialization(wire);
    cold[this.c + C_QUEUED_BYTES] += wire;
    const q = this.pool;
    q[r + Q_WIRE] = wire;
    q[r + Q_PAY] = payload;
    q[r + Q_FLOW] = flow;
    q[r + Q_ENQ] = now;
    q[r + Q_VIRT] = cold[v];
    this.justQueued = i;
    (this.shaper as Shaper).onQueued(now, wire, this);
    this.justQueued = -1;
    if (qi[ci + I_HELD] === 0) this.flush();
    else this.armBudget();
  }

  /**
   * The engine fires a timer token slot `slot` asked for. Stale tokens are ignored: every
   * schedule and cancel of a timer bumps its generation, and each schedule makes exactly
   * one event, at the time asked.
   */
  fire(slot: number, now: Micros, token: number): void {
    if ((token & 15) !== 0) {
      this.fireOther(slot, now, token);
      return;
    }
    if (this.hot[slot * HOT + H_GEN0] !== token >>> 4) return;
    if (slot !== this.cur) this.select(slot);
    this.advance(now);
    (this.shaper as Shaper).onTimer(now, 0, this);
  }

  /** `fire` for timers 1..7 and the budget timer. */
  private fireOther(slot: number, now: Micros, token: number): void {
    const id = token & 15;
    const gen = token >>> 4;
    const c = slot * COLD;
    if (id === BUDGET_TIMER) {
      if (this.cold[c + C_BUDGET_GEN] !== gen || this.cold[c + C_BUDGET_AT] !== now) return;
      this.cold[c + C_BUDGET_AT] = NaN;
    } else if (this.cold[c + C_GENS + id - 1] !== gen) {
      return;
    }
    if (slot !== this.cur) this.select(slot);
    this.advance(now);
    if (id === BUDGET_TIMER) this.enforceDelayBudget();
    else (this.shaper as Shaper).onTimer(now, id, this);
  }

  /** A packet from the peer arrived at slot `slot` (only for shapers that listen). */
  receive(slot: number, now: Micros, size: number, kind: Kind): void {
    if (slot !== this.cur) this.select(slot);
    this.advance(now);
    (this.shaper as Shaper).onReceived(now, size, kind, this);
  }

  /** The slot the current call is for. */
  get id(): number {
    return this.cur;
  }

  shaperOf(slot: number): Shaper {
    return this.shapers[slot];
  }

  /** Wire and real bytes slot `slot` sent so far. */
  slotBytes(slot: number): { wireBytes: number; realBytes: number } {
    return { wireBytes: this.hot[slot * HOT + H_WIRE_BYTES], realBytes: this.cold[slot * COLD + C_REAL_BYTES] };
  }

  /** What the slots of `group` sent, refused and forced so far, summed. */
  groupStats(group: number): EgressStats {
    return this.sum((slot) => this.profiles[this.profileOf[slot]].group === group, group, group + 1);
  }

  /** What all the slots sent, refused and forced so far, summed (for a one-slot egress, its own). */
  get stats(): EgressStats {
    return this.sum(() => true, 0, this.counts.length / GROUP);
  }

  // ---- ShaperActions (for the selected slot) -------------------------------------

  get queuedPackets(): number {
    return this.qi[this.ci + I_Q_COUNT];
  }

  get queuedBytes(): number {
    return this.cold[this.c + C_QUEUED_BYTES];
  }

  get held(): boolean {
    return this.qi[this.ci + I_HELD] !== 0;
  }

  padPacket(size: number): void {
    const i = this.justQueued;
    if (i < 0) throw this.shaperError("padPacket() is allowed only inside onQueued");
    const q = this.pool;
    const r = this.qi[this.ci + I_Q_BASE] + i * QREC + Q_WIRE;
    if (!(size >= q[r] && size <= this.mtu) || !Number.isInteger(size)) {
      throw this.shaperError(`padPacket(${size}): expected an integer from ${q[r]} to the MTU ${this.mtu}`);
    }
    this.cold[this.c + C_QUEUED_BYTES] += size - q[r];
    q[r] = size;
  }

  sendPadding(size: number, kind: Kind = PADDING): void {
    this.checkSize("sendPadding", size);
    if (!this.allowPadding(size)) return;
    this.emitPadding(size, kind === COVER ? COVER : PADDING);
  }

  hold(): void {
    this.qi[this.ci + I_HELD] = 1;
    this.armBudget();
  }

  release(): void {
    this.qi[this.ci + I_HELD] = 0;
    this.flush();
  }

  releaseOne(): boolean {
    if (this.qi[this.ci + I_Q_COUNT] === 0) return false;
    this.emitWhole();
    this.armBudget();
    return true;
  }

  sendCell(size: number): number {
    this.checkSize("sendCell", size);
    if (this.qi[this.ci + I_Q_COUNT] === 0) {
      if (!this.allowPadding(size)) return 0;
      this.emitPadding(size, PADDING);
      return 0;
    }
    const carried = this.emitCell(size);
    this.armBudget();
    return carried;
  }

  setTimer(id: number, at: Micros): void {
    this.checkTimer("setTimer", id);
    if (!(at >= this.now) || !Number.isFinite(at)) {
      throw this.shaperError(`setTimer(${id}, ${at}): expected a time >= now (${this.now})`);
    }
    this.schedule(id, Math.round(at));
  }

  cancelTimer(id: number): void {
    this.checkTimer("cancelTimer", id);
    this.nextGen(id);
  }

  // ---- internals -----------------------------------------------------------------

  /**
   * Makes `slot` the one the actions act for. Engine calls run one at a time: a call for
   * another slot while this one is sending (from a sink callback) would be acted on as
   * this slot's, so it is refused.
   */
  private select(slot: number): void {
    const shaper = this.shapers[slot];
    if (shaper === undefined || this.depth > 0) throw this.selectError(slot);
    const p = this.profiles[this.profileOf[slot]];
    this.cur = slot;
    this.h = slot * HOT;
    this.c = slot * COLD;
    this.ci = slot * COLD * 2;
    this.g = p.group * GROUP;
    this.shaper = shaper;
    this.link = p.link;
    this.budget = p.budget;
  }

  private selectError(slot: number): Error {
    if (this.shapers[slot] === undefined) return new RangeError(`egress: slot ${slot} has no shaper attached`);
    return new Error(`egress: a call for slot ${slot} arrived while slot ${this.cur} was sending; engine calls must not nest`);
  }

  private nameOf(slot: number): string {
    return slot >= 0 && slot < this.slots && this.shapers[slot] !== undefined ? this.profiles[this.profileOf[slot]].name : "?";
  }

  private advance(now: Micros): void {
    if (now < this.now) throw this.backwards(now);
    this.now = now;
  }

  private backwards(now: Micros): Error {
    return new Error(`egress ${this.cur} (${this.nameOf(this.cur)}): time went backwards from ${this.now} to ${now}`);
  }

  /** An error naming the selected slot's shaper (message construction kept out of the hot methods). */
  private shaperError(message: string): Error {
    return new Error(`shaper "${this.nameOf(this.cur)}": ${message}`);
  }

  private checkTimer(what: string, id: number): void {
    if (!(id >= 0 && id < SHAPER_TIMERS) || !Number.isInteger(id)) {
      throw this.shaperError(`${what}(${id}): expected a timer id from 0 to ${SHAPER_TIMERS - 1}`);
    }
  }

  /** Bumps timer `id`'s generation (making any pending token stale); returns the new one. */
  private nextGen(id: number): number {
    if (id !== 0) return this.nextOtherGen(id);
    const i = this.h + H_GEN0;
    return (this.hot[i] = (this.hot[i] + 1) & GEN_MASK);
  }

  private nextOtherGen(id: number): number {
    const i = this.c + (id === BUDGET_TIMER ? C_BUDGET_GEN : C_GENS + id - 1);
    return (this.cold[i] = (this.cold[i] + 1) & GEN_MASK);
  }

  private schedule(id: number, at: Micros): void {
    const gen = this.nextGen(id);
    if (id === BUDGET_TIMER) this.cold[this.c + C_BUDGET_AT] = at;
    this.scheduler.scheduleTimer(at, this, (gen << 4) | id);
  }

  private checkSize(what: string, size: number): void {
    if (!(size >= 1 && size <= this.mtu) || !Number.isInteger(size)) {
      throw this.shaperError(`${what}(${size}): expected an integer from 1 to the MTU ${this.mtu}`);
    }
  }

  private allowPadding(size: number): boolean {
    const b = this.budget as Budget;
    if (b.maxPaddingFraction < 1 && !this.withinFraction(b.maxPaddingFraction, size)) return this.refuse();
    if (Number.isFinite(b.maxPaddingRate) && !this.takeToken(b.maxPaddingRate)) return this.refuse();
    return true;
  }

  /** Whether `size` more padding bytes keep padding within `fraction` of the wire bytes. */
  private withinFraction(fraction: number, size: number): boolean {
    const wire = this.hot[this.h + H_WIRE_BYTES];
    const padding = wire - this.cold[this.c + C_REAL_BYTES];
    return padding + size <= fraction * (wire + size);
  }

  /** The padding-rate token bucket (one second deep): refills, then takes a token if there is one. */
  private takeToken(rate: number): boolean {
    const cold = this.cold;
    const c = this.c;
    const now = this.now;
    const tokens = Math.min(Math.max(1, rate), cold[c + C_TOKENS] + ((now - cold[c + C_TOKENS_AT]) * rate) / 1e6);
    cold[c + C_TOKENS_AT] = now;
    cold[c + C_TOKENS] = tokens < 1 ? tokens : tokens - 1;
    return tokens >= 1;
  }

  private refuse(): false {
    this.counts[this.g + G_REFUSED_PADDING]++;
    return false;
  }

  /** Offset in the pool of the selected slot's head record. */
  private headRecord(): number {
    return this.qi[this.ci + I_Q_BASE] + this.qi[this.ci + I_Q_HEAD] * QREC;
  }

  private flush(): void {
    const qi = this.qi;
    const ci = this.ci;
    while (qi[ci + I_Q_COUNT] > 0 && qi[ci + I_HELD] === 0) this.emitWhole();
  }

  /** Holds are capped: arm the budget timer for the head packet's deadline. */
  private armBudget(): void {
    if ((this.budget as Budget).maxAddedDelay !== Infinity) this.armDeadline();
  }

  private armDeadline(): void {
    if (this.qi[this.ci + I_HELD] === 0 || this.qi[this.ci + I_Q_COUNT] === 0) return;
    const deadline = this.pool[this.headRecord() + Q_ENQ] + (this.budget as Budget).maxAddedDelay;
    if (this.cold[this.c + C_BUDGET_AT] !== deadline) this.schedule(BUDGET_TIMER, deadline > this.now ? deadline : this.now);
  }

  private enforceDelayBudget(): void {
    const limit = (this.budget as Budget).maxAddedDelay;
    while (this.qi[this.ci + I_Q_COUNT] > 0 && this.pool[this.headRecord() + Q_ENQ] + limit <= this.now) {
      this.counts[this.g + G_FORCED_RELEASES]++;
      this.emitWhole();
    }
    this.armBudget();
  }

  private emitPadding(size: number, kind: Kind): void {
    if (++this.depth > MAX_DEPTH) throw this.recursionError();
    const hot = this.hot;
    const h = this.h;
    const now = this.now;
    const arrival = transmitOn(this.link, hot, h + H_LINK, now, size);
    hot[h + H_WIRE_BYTES] += size;
    this.counts[this.g + (kind === COVER ? G_COVER_PACKETS : G_PADDING_PACKETS)]++;
    this.sink.onWire(this, now, hot[h + H_LINK + L_FREE_AT], arrival, size, 0, kind, -1);
    (this.shaper as Shaper).onSent(now, size, kind, this);
    this.depth--;
  }

  /** Sends the head real packet whole, at its (remaining) wire size: `emit` for one whole piece. */
  private emitWhole(): void {
    if (++this.depth > MAX_DEPTH) throw this.recursionError();
    const qi = this.qi;
    const ci = this.ci;
    const q = this.pool;
    const r = qi[ci + I_Q_BASE] + qi[ci + I_Q_HEAD] * QREC;
    const wire = q[r + Q_WIRE];
    const real = q[r + Q_PAY];
    const pay = real < wire ? real : wire;
    const flow = q[r + Q_FLOW];
    const hot = this.hot;
    const h = this.h;
    const now = this.now;
    const arrival = transmitOn(this.link, hot, h + H_LINK, now, wire);
    const finish = hot[h + H_LINK + L_FREE_AT];
    q[r + Q_WIRE] = 0;
    q[r + Q_PAY] = real - pay;
    qi[ci + I_Q_HEAD] = (qi[ci + I_Q_HEAD] + 1) & (qi[ci + I_Q_CAP] - 1);
    qi[ci + I_Q_COUNT]--;
    const cold = this.cold;
    const c = this.c;
    cold[c + C_QUEUED_BYTES] -= wire;
    this.sink.onPiece(this, flow, pay, wire, true, finish - q[r + Q_VIRT], arrival);
    hot[h + H_WIRE_BYTES] += wire;
    cold[c + C_REAL_PACKETS]++;
    cold[c + C_REAL_BYTES] += pay;
    this.sink.onWire(this, now, finish, arrival, wire, pay, REAL, flow);
    (this.shaper as Shaper).onSent(now, wire, REAL, this);
    this.depth--;
  }

  /**
   * Sends one cell of `size` wire bytes filled from the head of the queue: as many queued
   * packets (or pieces of them) as fit, in order, padded to `size`. The link takes the
   * cell first (its timing depends only on `size`), then each queued packet it carries a
   * piece of is reported as it is taken.
   */
  private emitCell(size: number): number {
    if (++this.depth > MAX_DEPTH) throw this.recursionError();
    const hot = this.hot;
    const h = this.h;
    const cold = this.cold;
    const c = this.c;
    const qi = this.qi;
    const ci = this.ci;
    const now = this.now;
    const arrival = transmitOn(this.link, hot, h + H_LINK, now, size);
    const finish = hot[h + H_LINK + L_FREE_AT];
    let space = size;
    let payload = 0;
    let firstFlow = -1;
    while (space > 0 && qi[ci + I_Q_COUNT] > 0) {
      const q = this.pool;
      const r = qi[ci + I_Q_BASE] + qi[ci + I_Q_HEAD] * QREC;
      const wire = q[r + Q_WIRE];
      const real = q[r + Q_PAY];
      const take = wire < space ? wire : space;
      const pay = real < take ? real : take;
      q[r + Q_WIRE] = wire - take;
      q[r + Q_PAY] = real - pay;
      cold[c + C_QUEUED_BYTES] -= take;
      space -= take;
      payload += pay;
      const flow = q[r + Q_FLOW];
      if (firstFlow === -1) firstFlow = flow;
      const done = wire === take;
      let added = 0;
      if (done) {
        added = finish - q[r + Q_VIRT];
        qi[ci + I_Q_HEAD] = (qi[ci + I_Q_HEAD] + 1) & (qi[ci + I_Q_CAP] - 1);
        qi[ci + I_Q_COUNT]--;
      }
      this.sink.onPiece(this, flow, pay, take, done, added, arrival);
    }
    hot[h + H_WIRE_BYTES] += size;
    cold[c + C_REAL_PACKETS]++;
    cold[c + C_REAL_BYTES] += payload;
    this.sink.onWire(this, now, finish, arrival, size, payload, REAL, firstFlow);
    (this.shaper as Shaper).onSent(now, size, REAL, this);
    this.depth--;
    return payload;
  }

  private recursionError(): Error {
    this.depth = 0;
    return new Error(`shaper "${this.nameOf(this.cur)}": more than ${MAX_DEPTH} nested sends from one event (a send that triggers itself?)`);
  }

  /** Moves the selected slot's queue to a run twice as long (the first run on first use). */
  private growQueue(): void {
    const qi = this.qi;
    const ci = this.ci;
    const oldCap = qi[ci + I_Q_CAP];
    const cap = oldCap === 0 ? FIRST_QUEUE : oldCap * 2;
    const base = this.arena.takeQueue(cap);
    this.pool = this.arena.pool;
    const q = this.pool;
    const oldBase = qi[ci + I_Q_BASE];
    const head = qi[ci + I_Q_HEAD];
    const count = qi[ci + I_Q_COUNT];
    const mask = oldCap - 1;
    for (let k = 0; k < count; k++) {
      const from = oldBase + ((head + k) & mask) * QREC;
      q.copyWithin(base + k * QREC, from, from + QREC);
    }
    if (this.justQueued >= 0) this.justQueued = (this.justQueued - head) & mask;
    this.qi[this.ci + I_Q_BASE] = base;
    this.qi[this.ci + I_Q_HEAD] = 0;
    this.qi[this.ci + I_Q_CAP] = cap;
  }

  private sum(take: (slot: number) => boolean, g0: number, g1: number): EgressStats {
    let realPackets = 0;
    let realBytes = 0;
    let wireBytes = 0;
    for (let slot = 0; slot < this.slots; slot++) {
      if (this.shapers[slot] === undefined || !take(slot)) continue;
      realPackets += this.cold[slot * COLD + C_REAL_PACKETS];
      realBytes += this.cold[slot * COLD + C_REAL_BYTES];
      wireBytes += this.hot[slot * HOT + H_WIRE_BYTES];
    }
    let paddingPackets = 0;
    let coverPackets = 0;
    let refusedPadding = 0;
    let forcedReleases = 0;
    for (let g = g0; g < g1; g++) {
      paddingPackets += this.counts[g * GROUP + G_PADDING_PACKETS];
      coverPackets += this.counts[g * GROUP + G_COVER_PACKETS];
      refusedPadding += this.counts[g * GROUP + G_REFUSED_PADDING];
      forcedReleases += this.counts[g * GROUP + G_FORCED_RELEASES];
    }
    return {
      realPackets,
      realBytes,
      wirePackets: realPackets + paddingPackets + coverPackets,
      wireBytes,
      paddingPackets,
      coverPackets,
      paddingBytes: wireBytes - realBytes,
      refusedPadding,
      forcedReleases,
    };
  }
}
