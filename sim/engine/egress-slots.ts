/**
 * The slots of an egress: which shaper, link, budget and counter group each slot runs
 * with, and which slot the egress is acting for right now.
 *
 * One `Egress` runs all the egresses of a world, numbered slots 0..n-1. Each engine call
 * names its slot and *selects* it: until the call returns (the shaper's callbacks
 * included) the object acts for that slot, its selection fields (`h`, `c`, `ci`, `g`,
 * `shaper`, `link`, `budget`) pointing at the slot's blocks of the arena
 * (`egress-arena.ts`) and at what the slot runs with. Engine calls run one at a time;
 * they do not nest.
 *
 * This is the base of the egress's class chain: `EgressSlots` (this file: state and
 * selection) ← `EgressStreams` (`slot-streams.ts`: the shapers' random streams) ←
 * `EgressActions` (`shaper-actions.ts`: what a shaper may ask, and putting packets on the
 * wire) ← `Egress` (`egress.ts`: the engine's calls). One concrete class, so every call
 * site sees one shape of object; the split is for the reader.
 */
import type { Shaper } from "../../shapers/shaper.ts";
import type { Budget } from "./budget.ts";
import { initialTokens } from "./budget-meter.ts";
import { ALEA_STATE } from "../core/alea-cell.ts";
import { COLD, C_BUDGET_AT, C_TOKENS, EgressArena, GROUP, HOT, H_LINK, H_STREAM, I_Q_BASE } from "./egress-arena.ts";
import type { EgressSink, TimerScheduler } from "./egress-host.ts";
import { LinkModel, initLinkState, type StreamName } from "./link.ts";
import { FIRST_RING } from "./queue-ring.ts";
import type { Micros } from "../core/time.ts";

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

export abstract class EgressSlots {
  // the selected slot and what its actions need (set by `select`)
  protected cur = -1;
  /** Offset of the selected slot's block in `hot`. */
  protected h = 0;
  /** Offset of the selected slot's block in `cold`. */
  protected c = 0;
  /** Offset of the selected slot's block in `qi` (the cold block as integers). */
  protected ci = 0;
  /** Offset of the selected slot's group in `counts`. */
  protected g = 0;
  /** Offset in `hot` of the random stream draws step (`slot-streams.ts`). */
  protected streamAt = H_STREAM;
  protected shaper: Shaper | null = null;
  protected link: LinkModel;
  protected budget: Budget | null = null;
  /** The egresses' clock: the time of the latest engine call, µs. */
  protected now: Micros = 0;
  /**
   * The time of the engine call being made (the clock register; see `Egress`): every
   * engine call puts its time here first, and the sends read it from here, so no µs time
   * (a double past 2^30) crosses a call V8 may not inline, which would box it.
   */
  readonly clock = new Float64Array(1);
  /** Sends in progress (a shaper's `onSent` may send again), capped at `MAX_DEPTH`. */
  protected depth = 0;
  /** Ring position of the packet `onQueued` is being told of (-1 outside `onQueued`). */
  protected justQueued = -1;
  protected readonly hot: Float64Array;
  protected readonly cold: Float64Array;
  protected readonly qi: Int32Array;
  protected readonly counts: Float64Array;
  /** The arena's queue pool (replaced when it grows). */
  protected pool: Float64Array;
  protected readonly arena: EgressArena;
  protected readonly sink: EgressSink;
  protected readonly scheduler: TimerScheduler;
  // per slot: its shaper, and the index of its profile (link, budget, group and name, which
  // the slots of one side share) in a short table, so selecting a slot reads two small arrays
  protected readonly shapers: Shaper[];
  protected readonly profileOf: Uint16Array;
  protected readonly profiles: Profile[] = [];
  readonly mtu: number;
  readonly slots: number;

  constructor(opts: EgressOptions) {
    const groups = opts.groups ?? 1;
    this.arena = new EgressArena(opts.slots, groups, Math.max(64, FIRST_RING * opts.slots));
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
    // the slot's random stream is left as seeded (`slot-streams.ts`): shapers may draw as they are made
    this.hot.fill(0, h, h + H_STREAM);
    this.hot.fill(0, h + H_STREAM + ALEA_STATE, h + HOT);
    initLinkState(this.hot, h + H_LINK, jitter);
    const c = slot * COLD;
    this.cold.fill(0, c, c + COLD);
    this.cold[c + C_BUDGET_AT] = NaN;
    this.qi[c * 2 + I_Q_BASE] = -1;
    this.cold[c + C_TOKENS] = initialTokens(s.budget);
  }

  /** The slot the current call is for. */
  get id(): number {
    return this.cur;
  }

  shaperOf(slot: number): Shaper {
    return this.shapers[slot];
  }

  /**
   * Makes `slot` the one the actions act for. Engine calls run one at a time: a call for
   * another slot while this one is sending (from a sink callback) would be acted on as
   * this slot's, so it is refused.
   */
  protected select(slot: number): void {
    const shaper = this.shapers[slot];
    if (shaper === undefined || this.depth > 0) throw this.selectError(slot);
    const p = this.profiles[this.profileOf[slot]];
    this.cur = slot;
    this.h = slot * HOT;
    this.c = slot * COLD;
    this.ci = slot * COLD * 2;
    this.g = p.group * GROUP;
    this.streamAt = slot * HOT + H_STREAM;
    this.shaper = shaper;
    this.link = p.link;
    this.budget = p.budget;
  }

  private selectError(slot: number): Error {
    if (this.shapers[slot] === undefined) return new RangeError(`egress: slot ${slot} has no shaper attached`);
    return new Error(`egress: a call for slot ${slot} arrived while slot ${this.cur} was sending; engine calls must not nest`);
  }

  protected nameOf(slot: number): string {
    return slot >= 0 && slot < this.slots && this.shapers[slot] !== undefined ? this.profiles[this.profileOf[slot]].name : "?";
  }

  /** Moves the clock to the time in `clock[0]` (never backwards). */
  protected advance(): void {
    const now = this.clock[0];
    if (now < this.now) throw this.backwards(now);
    this.now = now;
  }

  private backwards(now: Micros): Error {
    return new Error(`egress ${this.cur} (${this.nameOf(this.cur)}): time went backwards from ${this.now} to ${now}`);
  }

  /** An error naming the selected slot's shaper (message construction kept out of the hot methods). */
  protected shaperError(message: string): Error {
    return new Error(`shaper "${this.nameOf(this.cur)}": ${message}`);
  }
}
