/**
 * The engine's implementation of `ShaperActions` (the contract is in `shapers/shaper.ts`):
 * what a shaper may ask of its egress during a callback, checked against the contract
 * and the budgets, and the sends that put packets on the wire — a queued real packet
 * whole, a cell of a fixed size filled from the head of the queue (splitting packets
 * across cells), or a padding or cover packet.
 *
 * Every send tells the host's sink (`onPiece` for each queued packet it carries a piece
 * of, then `onWire`) and then the shaper (`onSent`), which may send again: nesting is
 * capped at `MAX_DEPTH`. The hot methods keep their common path short and put rare
 * branches (other timers, the delay budget, the rate budget, error messages) in methods
 * of their own, so that V8 inlines the shaper's callbacks into them: a call it does not
 * inline has to box every µs time (a double past 2^30) it passes into a heap number.
 *
 * Added delay is measured exactly, not estimated: beside the real link each egress keeps
 * a *virtual* link that carries only the real packets at their unpadded size through an
 * open gate (`Egress.enqueue` computes each packet's virtual finish). A real packet's
 * added delay is the time its last byte finishes serializing on the real link minus the
 * time it would have finished on the virtual one.
 */
import type { Shaper, ShaperActions } from "../../shapers/shaper.ts";
import type { Budget } from "./budget.ts";
import { releaseDeadline, takePaddingToken, withinPaddingFraction } from "./budget-meter.ts";
import {
  C_BUDGET_AT,
  C_BUDGET_GEN,
  C_GENS,
  C_QUEUED_BYTES,
  C_REAL_BYTES,
  C_REAL_PACKETS,
  G_COVER_PACKETS,
  G_FORCED_RELEASES,
  G_PADDING_PACKETS,
  G_REFUSED_PADDING,
  H_GEN0,
  H_LINK,
  H_WIRE_BYTES,
  I_HELD,
  I_Q_COUNT,
  Q_ENQ,
  Q_FLOW,
  Q_PAY,
  Q_VIRT,
  Q_WIRE,
} from "./egress-arena.ts";
import { EgressStreams } from "./slot-streams.ts";
import { L_FREE_AT, L_LAST_ARRIVAL, transmitAt } from "./link.ts";
import { ringDropHead, ringHead, ringRecord } from "./queue-ring.ts";
import { BUDGET_TIMER, SHAPER_TIMERS, nextGeneration, timerToken } from "./timer-token.ts";
import type { Micros } from "../core/time.ts";
import { COVER, PADDING, REAL, type Kind } from "../core/kinds.ts";

/** Sends one event may nest (a shaper's `onSent` sending again) before the engine calls it a loop. */
const MAX_DEPTH = 64;

export abstract class EgressActions extends EgressStreams implements ShaperActions {
  /** The time of the timer being scheduled, handed to the scheduler in place (see `TimerScheduler`). */
  private readonly timerAt = new Float64Array(1);

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
    const r = ringRecord(this.qi, this.ci, i) + Q_WIRE;
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

  // ---- timers ------------------------------------------------------------------

  private checkTimer(what: string, id: number): void {
    if (!(id >= 0 && id < SHAPER_TIMERS) || !Number.isInteger(id)) {
      throw this.shaperError(`${what}(${id}): expected a timer id from 0 to ${SHAPER_TIMERS - 1}`);
    }
  }

  /** Bumps timer `id`'s generation (making any pending token stale); returns the new one. */
  private nextGen(id: number): number {
    if (id !== 0) return this.nextOtherGen(id);
    const i = this.h + H_GEN0;
    return (this.hot[i] = nextGeneration(this.hot[i]));
  }

  private nextOtherGen(id: number): number {
    const i = this.c + (id === BUDGET_TIMER ? C_BUDGET_GEN : C_GENS + id - 1);
    return (this.cold[i] = nextGeneration(this.cold[i]));
  }

  private schedule(id: number, at: Micros): void {
    const gen = this.nextGen(id);
    if (id === BUDGET_TIMER) this.cold[this.c + C_BUDGET_AT] = at;
    this.timerAt[0] = at;
    this.scheduler.scheduleTimer(this.cur, timerToken(id, gen), this.timerAt);
  }

  // ---- budgets -----------------------------------------------------------------

  private checkSize(what: string, size: number): void {
    if (!(size >= 1 && size <= this.mtu) || !Number.isInteger(size)) {
      throw this.shaperError(`${what}(${size}): expected an integer from 1 to the MTU ${this.mtu}`);
    }
  }

  private allowPadding(size: number): boolean {
    const b = this.budget as Budget;
    if (b.maxPaddingFraction < 1 && !withinPaddingFraction(this.hot, this.h, this.cold, this.c, b.maxPaddingFraction, size)) return this.refuse();
    if (Number.isFinite(b.maxPaddingRate) && !takePaddingToken(this.cold, this.c, this.now, b.maxPaddingRate)) return this.refuse();
    return true;
  }

  private refuse(): false {
    this.counts[this.g + G_REFUSED_PADDING]++;
    return false;
  }

  /** Holds are capped: arm the budget timer for the head packet's deadline. */
  protected armBudget(): void {
    if ((this.budget as Budget).maxAddedDelay !== Infinity) this.armDeadline();
  }

  private armDeadline(): void {
    if (this.qi[this.ci + I_HELD] === 0 || this.qi[this.ci + I_Q_COUNT] === 0) return;
    const deadline = releaseDeadline(this.pool, ringHead(this.qi, this.ci), this.budget as Budget);
    if (this.cold[this.c + C_BUDGET_AT] !== deadline) this.schedule(BUDGET_TIMER, deadline > this.now ? deadline : this.now);
  }

  /** The budget timer fired: release every held packet whose deadline has come. */
  protected enforceDelayBudget(): void {
    const limit = (this.budget as Budget).maxAddedDelay;
    while (this.qi[this.ci + I_Q_COUNT] > 0 && this.pool[ringHead(this.qi, this.ci) + Q_ENQ] + limit <= this.now) {
      this.counts[this.g + G_FORCED_RELEASES]++;
      this.emitWhole();
    }
    this.armBudget();
  }

  // ---- sends -------------------------------------------------------------------

  /** Sends every queued packet while the gate is open. */
  protected flush(): void {
    const qi = this.qi;
    const ci = this.ci;
    while (qi[ci + I_Q_COUNT] > 0 && qi[ci + I_HELD] === 0) this.emitWhole();
  }

  private emitPadding(size: number, kind: Kind): void {
    if (++this.depth > MAX_DEPTH) throw this.recursionError();
    const hot = this.hot;
    const h = this.h;
    const now = this.now;
    transmitAt(this.link, hot, h + H_LINK, this.clock, size);
    const arrival = hot[h + H_LINK + L_LAST_ARRIVAL];
    hot[h + H_WIRE_BYTES] += size;
    this.counts[this.g + (kind === COVER ? G_COVER_PACKETS : G_PADDING_PACKETS)]++;
    this.sink.onWire(this.cur, now, hot[h + H_LINK + L_FREE_AT], arrival, size, 0, kind, -1);
    (this.shaper as Shaper).onSent(now, size, kind, this);
    this.depth--;
  }

  /** Sends the head real packet whole, at its (remaining) wire size: `emitCell` for one whole piece. */
  private emitWhole(): void {
    if (++this.depth > MAX_DEPTH) throw this.recursionError();
    const qi = this.qi;
    const ci = this.ci;
    const q = this.pool;
    const r = ringHead(qi, ci);
    const wire = q[r + Q_WIRE];
    const real = q[r + Q_PAY];
    const pay = real < wire ? real : wire;
    const flow = q[r + Q_FLOW];
    const virt = q[r + Q_VIRT];
    const hot = this.hot;
    const h = this.h;
    const now = this.now;
    transmitAt(this.link, hot, h + H_LINK, this.clock, wire);
    const arrival = hot[h + H_LINK + L_LAST_ARRIVAL];
    const finish = hot[h + H_LINK + L_FREE_AT];
    q[r + Q_WIRE] = 0;
    q[r + Q_PAY] = real - pay;
    ringDropHead(qi, ci);
    const cold = this.cold;
    const c = this.c;
    cold[c + C_QUEUED_BYTES] -= wire;
    this.sink.onPiece(this.cur, flow, pay, wire, true, finish - virt, arrival);
    hot[h + H_WIRE_BYTES] += wire;
    cold[c + C_REAL_PACKETS]++;
    cold[c + C_REAL_BYTES] += pay;
    this.sink.onWire(this.cur, now, finish, arrival, wire, pay, REAL, flow);
    (this.shaper as Shaper).onSent(now, wire, REAL, this);
    this.depth--;
  }

  /**
   * Sends one cell of `size` wire bytes filled from the head of the queue: as many queued
   * packets (or pieces of them) as fit, in order, padded to `size`. The link takes the
   * cell first (its timing depends only on `size`), then each queued packet it carries a
   * piece of is reported as it is taken. Returns the real bytes carried.
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
    transmitAt(this.link, hot, h + H_LINK, this.clock, size);
    const arrival = hot[h + H_LINK + L_LAST_ARRIVAL];
    const finish = hot[h + H_LINK + L_FREE_AT];
    let space = size;
    let payload = 0;
    let firstFlow = -1;
    while (space > 0 && qi[ci + I_Q_COUNT] > 0) {
      const q = this.pool;
      const r = ringHead(qi, ci);
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
        ringDropHead(qi, ci);
      }
      this.sink.onPiece(this.cur, flow, pay, take, done, added, arrival);
    }
    hot[h + H_WIRE_BYTES] += size;
    cold[c + C_REAL_PACKETS]++;
    cold[c + C_REAL_BYTES] += payload;
    this.sink.onWire(this.cur, now, finish, arrival, size, payload, REAL, firstFlow);
    (this.shaper as Shaper).onSent(now, size, REAL, this);
    this.depth--;
    return payload;
  }

  private recursionError(): Error {
    this.depth = 0;
    return new Error(`shaper "${this.nameOf(this.cur)}": more than ${MAX_DEPTH} nested sends from one event (a send that triggers itself?)`);
  }
}
