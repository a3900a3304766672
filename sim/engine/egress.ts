/**
 * The egresses: each one direction of one link as the engine runs it, with its FIFO
 * queue of real packets, its gate, its shaper's timers, its budget and its link. This
 * file holds the engine's calls into them; the class chain behind it is
 * `EgressSlots` (`egress-slots.ts`: the slots and which one is selected) ←
 * `EgressStreams` (`slot-streams.ts`: the shapers' random streams, in place) ←
 * `EgressActions` (`shaper-actions.ts`: the `ShaperActions` a shaper is handed, and the
 * sends) ← `Egress`. The numbers live in an `EgressArena` (`egress-arena.ts`), the queues
 * in its rings (`queue-ring.ts`), timer tokens are `timer-token.ts`'s, budgets are
 * checked by `budget-meter.ts` and counters summed by `egress-stats.ts`.
 *
 * One `Egress` object runs all the egresses of a world, numbered slots 0..n-1: each
 * engine call names the slot it is for, and while the call runs (the shaper's callbacks
 * included) the object acts for that slot — it is the `out` the slot's shaper is
 * handed, valid only during the callback, as the contract says. A cover or padding
 * packet on one of 20,000 egresses touches one 64-byte line of state and no per-egress
 * object but its shaper. A harness that runs one shaper alone builds an `Egress` of one
 * slot.
 *
 * Added delay is measured exactly, against a *virtual* link beside the real one that
 * carries only the real packets, unpadded, through an open gate: `enqueue` books each
 * packet's finish on it, and `shaper-actions.ts` subtracts that from the real finish.
 *
 * Steady state allocates nothing: queue rings grow by doubling.
 *
 * @example
 * const eg = new Egress({ slots: 1, mtu: 1500, sink, scheduler });
 * eg.attach(0, { shaper, shaperName: "padme", link: new LinkModel(spec), budget: UNLIMITED });
 * eg.start(0, 0);
 * eg.enqueue(0, 0, 1200, 1100, 7); // sink.onPiece(0, ...), then sink.onWire(0, ...)
 */
import "./v8-inlining.ts";
import type { Shaper } from "../../shapers/shaper.ts";
import { C_BUDGET_AT, C_BUDGET_GEN, C_GENS, C_QUEUED_BYTES, C_REAL_BYTES, C_VIRTUAL_FREE_AT, COLD, GROUP, HOT, H_GEN0, H_WIRE_BYTES, I_HELD, Q_ENQ, Q_FLOW, Q_PAY, Q_VIRT, Q_WIRE } from "./egress-arena.ts";
import { sumStats, type EgressStats } from "./egress-stats.ts";
import { EgressActions } from "./shaper-actions.ts";
import { ringAppend, ringFull, ringGrow, ringRecord } from "./queue-ring.ts";
import { BUDGET_TIMER, tokenGeneration, tokenTimer } from "./timer-token.ts";
import type { Micros } from "../core/time.ts";
import type { Kind } from "../core/kinds.ts";

export class Egress extends EgressActions {
  // `start`, `enqueue`, `fire` and `receive` are wrappers small enough for V8 to inline
  // usually: each puts `now` in the clock register (`clock`, see `egress-slots.ts`) and
  // calls its `...At` body, which reads it there. A host whose loop is too big for V8 to
  // inline even the wrapper (V8 inlines up to a budget per function) writes `clock[0]`
  // itself and calls the `...At` method: then no call it makes carries a double at all.

  start(slot: number, now: Micros): void {
    this.clock[0] = now;
    this.startAt(slot);
  }

  /** A real packet of `wire` bytes carrying `payload` real bytes of `flow` enters slot `slot`'s queue. */
  enqueue(slot: number, now: Micros, wire: number, payload: number, flow: number): void {
    this.clock[0] = now;
    this.enqueueAt(slot, wire, payload, flow);
  }

  /**
   * The engine fires a timer token slot `slot` asked for (`timer-token.ts`). Stale tokens
   * are ignored: every schedule and cancel of a timer bumps its generation, and each
   * schedule makes exactly one event, at the time asked.
   */
  fire(slot: number, now: Micros, token: number): void {
    this.clock[0] = now;
    this.fireAt(slot, token);
  }

  /** `start` at the time in `clock[0]`. */
  startAt(slot: number): void {
    const now = this.clock[0];
    if (slot !== this.cur) this.select(slot);
    this.advance();
    (this.shaper as Shaper).start(now, this);
  }

  /** `enqueue` at the time in `clock[0]`. */
  enqueueAt(slot: number, wire: number, payload: number, flow: number): void {
    const now = this.clock[0];
    if (slot !== this.cur) this.select(slot);
    this.advance();
    const qi = this.qi;
    const ci = this.ci;
    if (ringFull(qi, ci)) this.growQueue();
    const i = ringAppend(qi, ci);
    const r = ringRecord(qi, ci, i);
    const cold = this.cold;
    const v = this.c + C_VIRTUAL_FREE_AT;
    // the packet's finish on the virtual link: real packets only, unpadded, gate open
    const free = cold[v];
    const virt = (now > free ? now : free) + this.link.serialization(wire);
    cold[v] = virt;
    cold[this.c + C_QUEUED_BYTES] += wire;
    const q = this.pool;
    q[r + Q_WIRE] = wire;
    q[r + Q_PAY] = payload;
    q[r + Q_FLOW] = flow;
    q[r + Q_ENQ] = now;
    q[r + Q_VIRT] = virt;
    this.justQueued = i;
    (this.shaper as Shaper).onQueued(now, wire, this);
    this.justQueued = -1;
    if (qi[ci + I_HELD] === 0) this.flush();
    else this.armBudget();
  }

  /** `fire` at the time in `clock[0]`. */
  fireAt(slot: number, token: number): void {
    const now = this.clock[0];
    if (tokenTimer(token) !== 0) {
      this.fireOther(slot, token);
      return;
    }
    if (this.hot[slot * HOT + H_GEN0] !== tokenGeneration(token)) return;
    if (slot !== this.cur) this.select(slot);
    this.advance();
    (this.shaper as Shaper).onTimer(now, 0, this);
  }

  /** `fire` for timers 1..7 and the budget timer. */
  private fireOther(slot: number, token: number): void {
    const now = this.clock[0];
    const id = tokenTimer(token);
    const gen = tokenGeneration(token);
    const c = slot * COLD;
    if (id === BUDGET_TIMER) {
      if (this.cold[c + C_BUDGET_GEN] !== gen || this.cold[c + C_BUDGET_AT] !== now) return;
      this.cold[c + C_BUDGET_AT] = NaN;
    } else if (this.cold[c + C_GENS + id - 1] !== gen) {
      return;
    }
    if (slot !== this.cur) this.select(slot);
    this.advance();
    if (id === BUDGET_TIMER) this.enforceDelayBudget();
    else (this.shaper as Shaper).onTimer(now, id, this);
  }

  /** `receive` at the time in `clock[0]`. */
  receiveAt(slot: number, size: number, kind: Kind): void {
    const now = this.clock[0];
    if (slot !== this.cur) this.select(slot);
    this.advance();
    (this.shaper as Shaper).onReceived(now, size, kind, this);
  }

  /** Wire and real bytes slot `slot` sent so far. */
  slotBytes(slot: number): { wireBytes: number; realBytes: number } {
    return { wireBytes: this.hot[slot * HOT + H_WIRE_BYTES], realBytes: this.cold[slot * COLD + C_REAL_BYTES] };
  }

  /** What the slots of `group` sent, refused and forced so far, summed. */
  groupStats(group: number): EgressStats {
    return sumStats(this.arena, (slot) => this.shapers[slot] !== undefined && this.profiles[this.profileOf[slot]].group === group, group, group + 1);
  }

  /** What all the slots sent, refused and forced so far, summed (for a one-slot egress, its own). */
  get stats(): EgressStats {
    return sumStats(this.arena, (slot) => this.shapers[slot] !== undefined, 0, this.counts.length / GROUP);
  }

  /** Moves the selected slot's queue to a run twice as long (the first run on first use). */
  private growQueue(): void {
    this.justQueued = ringGrow(this.arena, this.qi, this.ci, this.justQueued);
    this.pool = this.arena.pool;
  }
}
