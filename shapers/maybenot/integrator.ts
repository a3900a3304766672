/**
 * chaff as a Maybenot integrator — the integration contract of maybenot-io/maybenot
 * `crates/maybenot/src/lib.rs` (crate docs: per-machine action and internal timers,
 * framework-wide blocking with its bypass flag, the blocking × padding table) and the
 * event rules of `event.rs`, mapped onto chaff's Shaper interface (shapers/shaper.ts).
 *
 * Events reported (one egress is one direction of a tunnel):
 * - a real packet enters the egress queue (`onQueued`) → NormalSent;
 * - any packet leaves on the wire (`onSent`) → TunnelSent;
 * - a packet from the peer arrives (`onReceived`) → TunnelRecv, then NormalRecv or
 *   PaddingRecv (chaff knows the kind where a real client would after decrypting);
 * - padding queued by an action → PaddingSent{machine} (also when replaced);
 * - an action timer of BlockOutgoing expires → BlockingBegin{machine}; blocking
 *   expires → BlockingEnd; the internal timer is set or changed → TimerBegin{machine};
 *   it expires → TimerEnd{machine}.
 *
 * Actions taken: SendPadding and BlockOutgoing replace the machine's pending action
 * timer; UpdateTimer sets the internal timer (replace, or the later of the two);
 * Cancel clears the named timers. Blocking closes the egress gate (`hold`) and opens it
 * (`release`) when it ends; a new BlockOutgoing while blocking replaces the end time
 * (replace) or keeps the later one, and takes its bypass flag. Padding when the timer
 * fires, by the crate docs' table:
 *
 * | blocking       | padding         | here                                            |
 * | none           | any             | send padding (replace: unless a packet waits)   |
 * | non-bypassable | none / bypass   | queue padding (sent when blocking ends)         |
 * |                | replace (±bypass) | queue padding if nothing waits, else nothing  |
 * | bypassable     | none            | queue padding                                   |
 * |                | bypass          | send padding now                                |
 * |                | replace         | queue padding if nothing waits, else nothing    |
 * |                | bypass, replace | send the head queued packet now, else padding   |
 *
 * Padding queued behind blocking leaves after the real packets queued with it, when
 * blocking ends. Deadlines due at one instant run blocking end first, then internal
 * timers, then action timers, each in machine order (the Maybenot simulator's order).
 *
 * chaff timers: all deadlines share engine timer 0, set to the earliest one. Events
 * raised while handling an event (a send inside an action calls `onSent` again) are
 * queued in a ring and handled in order, never re-entrantly. A machine that keeps
 * acting at one instant (padding with timeout 0 on PaddingSent, say) is cut off after
 * MAX_STEPS_PER_INSTANT steps; the rest resumes 1 µs later and `stalls` counts it.
 * No allocation per event: typed arrays and scalar fields only.
 */
import type { Micros } from "../../sim/core/time.ts";
import { PADDING, REAL, type Kind } from "../../sim/core/kinds.ts";
import type { Shaper, ShaperActions, ShaperDeclaration } from "../shaper.ts";
import type { RandomSource } from "../random.ts";
import type { CompiledMachines } from "./compiled.ts";
import { ACT_BLOCK, ACT_CANCEL, ACT_NONE, ACT_PADDING, ACT_TIMER, Framework, TIMER_ACTION, TIMER_ALL, TIMER_INTERNAL } from "./framework.ts";
import {
  BlockingBegin,
  BlockingEnd,
  NormalRecv,
  NormalSent,
  PaddingRecv,
  PaddingSent,
  TimerBegin,
  TimerEnd,
  TunnelRecv,
  TunnelSent,
  type EventId,
} from "./event.ts";

/** Steps (events handled plus deadlines run) allowed at one instant before the rest is deferred 1 µs. */
export const MAX_STEPS_PER_INSTANT = 100_000;

const TIMER = 0;
const NONE = Infinity;

export interface IntegratorOptions {
  readonly machines: CompiledMachines;
  readonly maxPaddingFrac: number;
  readonly maxBlockingFrac: number;
  readonly paddingBytes: number;
  readonly rng: RandomSource;
  /** Pad every real packet to `paddingBytes` when it is queued (DAITA's constant packet size). */
  readonly padRealPackets?: boolean;
  readonly declaration: ShaperDeclaration;
}

export class MaybenotIntegrator implements Shaper {
  readonly declaration: ShaperDeclaration;
  private readonly machines: CompiledMachines;
  private readonly maxPaddingFrac: number;
  private readonly maxBlockingFrac: number;
  private readonly paddingBytes: number;
  private readonly rng: RandomSource;
  private readonly padReal: boolean;
  private readonly n: number;
  /** Created at `start` (it needs the start time). */
  framework: Framework | null = null;

  // per machine timers and pending actions
  private readonly actionAt: Float64Array;
  private readonly actionKind: Uint8Array;
  private readonly actionBypass: Uint8Array;
  private readonly actionReplace: Uint8Array;
  private readonly actionDuration: Float64Array;
  private readonly internalAt: Float64Array;

  // blocking
  blocking = false;
  private blockingUntil = NONE;
  private blockingBypassable = false;
  /** Padding packets queued behind blocking. */
  pendingPadding = 0;

  // pending events (ring of event, machine pairs)
  private ring = new Int32Array(256);
  private head = 0;
  private count = 0;
  private pumping = false;
  private armedAt = NaN;
  /**
   * The time of the current callback. Kept in a field and read by the helpers rather
   * than passed to them: a time above 2^30 µs passed to a call that is not inlined is
   * boxed (allocated).
   */
  private t = 0;

  /** Times the per-instant step cap deferred work (a machine acting in a loop at one instant). */
  stalls = 0;
  /** Padding packets handed to the egress (it may still refuse them against its budget). */
  paddingSent = 0;
  /** Padding actions replaced by a queued packet. */
  paddingReplaced = 0;

  constructor(o: IntegratorOptions) {
    this.machines = o.machines;
    this.maxPaddingFrac = o.maxPaddingFrac;
    this.maxBlockingFrac = o.maxBlockingFrac;
    this.paddingBytes = o.paddingBytes;
    this.rng = o.rng;
    this.padReal = o.padRealPackets === true;
    this.declaration = o.declaration;
    const n = o.machines.count;
    this.n = n;
    this.actionAt = new Float64Array(n).fill(NONE);
    this.actionKind = new Uint8Array(n);
    this.actionBypass = new Uint8Array(n);
    this.actionReplace = new Uint8Array(n);
    this.actionDuration = new Float64Array(n);
    this.internalAt = new Float64Array(n).fill(NONE);
  }

  start(now: Micros, out: ShaperActions): void {
    this.framework = new Framework(this.machines, this.maxPaddingFrac, this.maxBlockingFrac, now, this.rng);
    this.t = now;
    this.pump(out, false);
  }

  onQueued(now: Micros, size: number, out: ShaperActions): void {
    this.t = now;
    if (this.padReal && size < this.paddingBytes) out.padPacket(this.paddingBytes);
    this.push(NormalSent, -1);
    this.pump(out, false);
  }

  onSent(now: Micros, _size: number, _kind: Kind, out: ShaperActions): void {
    this.t = now;
    this.push(TunnelSent, -1);
    this.pump(out, false);
  }

  onReceived(now: Micros, _size: number, kind: Kind, out: ShaperActions): void {
    this.t = now;
    this.push(TunnelRecv, -1);
    this.push(kind === REAL ? NormalRecv : PaddingRecv, -1);
    this.pump(out, false);
  }

  onTimer(now: Micros, _id: number, out: ShaperActions): void {
    this.t = now;
    this.armedAt = NaN;
    this.pump(out, true);
  }

  private push(e: EventId, machine: number): void {
    if (this.count * 2 === this.ring.length) this.growRing();
    const i = ((this.head + this.count) * 2) & (this.ring.length - 1);
    this.ring[i] = e;
    this.ring[i + 1] = machine;
    this.count++;
  }

  private growRing(): void {
    const next = new Int32Array(this.ring.length * 2);
    for (let k = 0; k < this.count; k++) {
      const i = ((this.head + k) * 2) & (this.ring.length - 1);
      next[2 * k] = this.ring[i];
      next[2 * k + 1] = this.ring[i + 1];
    }
    this.ring = next;
    this.head = 0;
  }

  /**
   * Handles queued events, and (from a timer only) due deadlines, until none is left,
   * then arms the engine timer. Deadlines never run inside a packet callback: an action
   * due "now" runs from the timer, after the engine has moved the packet that caused it
   * (the reference simulator also handles queued packets before scheduled actions).
   */
  private pump(out: ShaperActions, deadlines: boolean): void {
    if (this.pumping) return;
    const fw = this.framework;
    if (fw === null) return;
    const now = this.t;
    this.pumping = true;
    let steps = 0;
    for (;;) {
      if (++steps > MAX_STEPS_PER_INSTANT) {
        this.stalls++;
        this.pumping = false;
        out.setTimer(TIMER, now + 1);
        this.armedAt = now + 1;
        return;
      }
      if (this.count > 0) {
        const i = (this.head * 2) & (this.ring.length - 1);
        const e = this.ring[i];
        const m = this.ring[i + 1];
        this.head = (this.head + 1) & (this.ring.length / 2 - 1);
        this.count--;
        fw.now = now;
        fw.beginBatch();
        fw.event(e, m);
        if (fw.end() > 0) this.applyActions();
        continue;
      }
      if (!deadlines || !this.runDue(out)) break;
    }
    this.pumping = false;
    this.arm(out);
  }

  private applyActions(): void {
    const fw = this.framework as Framework;
    const now = this.t;
    for (let m = 0; m < this.n; m++) {
      const kind = fw.actionKind[m];
      if (kind === ACT_NONE) continue;
      if (kind === ACT_CANCEL) {
        const t = fw.actionTimer[m];
        if (t === TIMER_ACTION || t === TIMER_ALL) this.actionAt[m] = NONE;
        if (t === TIMER_INTERNAL || t === TIMER_ALL) this.internalAt[m] = NONE;
      } else if (kind === ACT_PADDING || kind === ACT_BLOCK) {
        this.actionAt[m] = now + fw.actionTimeout[m];
        this.actionKind[m] = kind;
        this.actionBypass[m] = fw.actionBypass[m];
        this.actionReplace[m] = fw.actionReplace[m];
        this.actionDuration[m] = fw.actionDuration[m];
      } else if (kind === ACT_TIMER) {
        const current = this.internalAt[m] === NONE ? now : this.internalAt[m];
        const until = now + fw.actionDuration[m];
        if (fw.actionReplace[m] === 1 || current < until) {
          this.internalAt[m] = until;
          this.push(TimerBegin, m);
        }
      }
    }
  }

  /** Runs one due deadline (blocking end, then internal timers, then action timers); false if none is due. */
  private runDue(out: ShaperActions): boolean {
    const now = this.t;
    if (this.blocking && this.blockingUntil <= now) {
      this.endBlocking(out);
      return true;
    }
    for (let m = 0; m < this.n; m++) {
      if (this.internalAt[m] <= now) {
        this.internalAt[m] = NONE;
        this.push(TimerEnd, m);
        return true;
      }
    }
    for (let m = 0; m < this.n; m++) {
      if (this.actionAt[m] <= now) {
        this.actionAt[m] = NONE;
        if (this.actionKind[m] === ACT_PADDING) this.padding(m, out);
        else this.block(m, out);
        return true;
      }
    }
    return false;
  }

  private padding(m: number, out: ShaperActions): void {
    const bypass = this.actionBypass[m] === 1;
    const replace = this.actionReplace[m] === 1;
    this.push(PaddingSent, m);
    const waiting = out.queuedPackets + this.pendingPadding;
    if (!this.blocking) {
      if (replace && waiting > 0) this.paddingReplaced++;
      else this.sendPadding(out);
      return;
    }
    if (this.blockingBypassable && bypass) {
      if (replace && out.queuedPackets > 0) {
        this.paddingReplaced++;
        out.releaseOne();
      } else if (replace && this.pendingPadding > 0) {
        this.pendingPadding--;
        this.sendPadding(out);
      } else this.sendPadding(out);
      return;
    }
    if (replace && waiting > 0) this.paddingReplaced++;
    else this.pendingPadding++;
  }

  private sendPadding(out: ShaperActions): void {
    this.paddingSent++;
    out.sendPadding(this.paddingBytes, PADDING);
  }

  private block(m: number, out: ShaperActions): void {
    const until = this.t + this.actionDuration[m];
    if (!this.blocking) {
      this.blocking = true;
      this.blockingUntil = until;
      this.blockingBypassable = this.actionBypass[m] === 1;
      out.hold();
    } else if (this.actionReplace[m] === 1 || until > this.blockingUntil) {
      this.blockingUntil = until;
      this.blockingBypassable = this.actionBypass[m] === 1;
    }
    this.push(BlockingBegin, m);
  }

  private endBlocking(out: ShaperActions): void {
    this.blocking = false;
    this.blockingUntil = NONE;
    this.push(BlockingEnd, -1);
    out.release();
    while (this.pendingPadding > 0) {
      this.pendingPadding--;
      this.sendPadding(out);
    }
  }

  /** Sets engine timer 0 to the earliest deadline (or cancels it). */
  private arm(out: ShaperActions): void {
    const now = this.t;
    let at = this.blocking ? this.blockingUntil : NONE;
    for (let m = 0; m < this.n; m++) {
      if (this.internalAt[m] < at) at = this.internalAt[m];
      if (this.actionAt[m] < at) at = this.actionAt[m];
    }
    if (at === this.armedAt) return;
    if (at === NONE) {
      out.cancelTimer(TIMER);
      this.armedAt = NaN;
      return;
    }
    const when = at > now ? at : now;
    out.setTimer(TIMER, when);
    this.armedAt = when;
  }
}
