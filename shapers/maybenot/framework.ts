/**
 * The Maybenot framework runtime — maybenot-io/maybenot `crates/maybenot/src/framework.rs`
 * and the integration contract in `crates/maybenot/src/lib.rs` (framework v2.2.2).
 *
 * Rule: every reported event goes to every machine (PaddingSent, TimerBegin and
 * TimerEnd only to the machine they name); a machine samples its current state's
 * transition list for the event; entering a state updates its counters, then schedules
 * the state's action if the machine is below its limits. Details kept exactly:
 * - at most one action per machine per call (`begin … end`): a later event's action
 *   overwrites an earlier one, and reaching a state limit clears it;
 * - entering a *different* state resamples the state limit (no limit: u64::MAX); a
 *   self-transition keeps it but schedules the action again;
 * - the limit counts down on PaddingSent, on BlockingBegin of the machine's own
 *   blocking and on TimerBegin, only when the event left the state unchanged; at zero
 *   (with a limit distribution) the machine gets LimitReached;
 * - counters update before the action is scheduled; a counter that reaches zero raises
 *   CounterZero (once per counter per call, framework-wide), whose action, if any, wins;
 * - a transition to SIGNAL raises Signal in every other machine once per call (in
 *   all machines if two machines signalled);
 * - padding is allowed while the machine's padding count is below
 *   allowedPaddingPackets, else while neither its own fraction padding/(padding+normal)
 *   nor the framework's has reached its cap (0 = no cap); blocking likewise against
 *   blocked time over time since start, and a replacing BlockOutgoing is always
 *   allowed while blocking is active; in every case the state limit must be > 0.
 *
 * Hot path: state in typed arrays and scalar fields; one event costs O(machines) with
 * at most a few draws per machine and allocates nothing. u64 quantities (limits,
 * counters, packet counts) are doubles saturating at 2^64: exact below 2^53, which no
 * run reaches by counting, but a machine that sets a counter above 2^53 and then
 * counts it down by ones would see rounding (Maybenot's u64 would not).
 */
import {
  ACT_BLOCK,
  ACT_CANCEL,
  ACT_NONE,
  ACT_PADDING,
  ACT_TIMER,
  CompiledMachines,
  UniformBlock,
  OP_DECREMENT,
  OP_INCREMENT,
  OP_NONE,
  TO_END,
  TO_SIGNAL,
} from "./compiled.ts";
import { EVENT_NUM } from "./constants.ts";
import { counterValue } from "./counter.ts";
import type { Uniform01 } from "./dist.ts";
import { MachineError, show } from "./error.ts";
import {
  BlockingBegin,
  BlockingEnd,
  CounterZero,
  LimitReached,
  NormalRecv,
  NormalSent,
  PaddingRecv,
  PaddingSent,
  Signal,
  TimerBegin,
  TimerEnd,
  TunnelRecv,
  TunnelSent,
  type EventId,
} from "./event.ts";
import type { Machine } from "./machine.ts";

export { ACT_BLOCK, ACT_CANCEL, ACT_NONE, ACT_PADDING, ACT_TIMER, TIMER_ACTION, TIMER_ALL, TIMER_INTERNAL } from "./compiled.ts";

/** Current-state value of a machine that reached END. */
export const STATE_ENDED = -1;

const SIGNAL_NONE = 0;
const SIGNAL_ALL_EXCEPT = 1;
const SIGNAL_ALL = 2;

// Numeric literals, not the imported constants, in arithmetic: an imported binding is
// loaded as a tagged heap number, and a value that may be it or a computed double gets
// boxed (allocated) by the optimizing compiler. These equal constants.ts (a test checks).
/** u64::MAX as a double (2^64). */
export const U64_CAP = 18446744073709551615;
/** One day in µs: the cap on sampled timeouts, blocking durations and timer durations. */
export const DAY_MICROS = 86_400_000_000;

/** Maybenot's `f64.round() as u64` for a non-negative sample: half away from zero, saturating. */
function roundU64(x: number): number {
  const r = Math.round(x);
  return r > 18446744073709551615 ? 18446744073709551615 : r;
}

export class Framework {
  readonly spec: CompiledMachines;
  readonly numMachines: number;
  // the spec's hot tables, held directly (one load less per access)
  private readonly stateBase: Int32Array;
  private readonly eventMask: Int32Array;
  private readonly transStart: Int32Array;
  private readonly transTo: Int32Array;
  private readonly transCum: Float32Array;
  private readonly rng: UniformBlock;
  readonly maxPaddingFrac: number;
  readonly maxBlockingFrac: number;

  // per machine runtime
  /** Current state per machine (STATE_ENDED after END). */
  readonly current: Int32Array;
  readonly stateLimit: Float64Array;
  readonly paddingSent: Float64Array;
  readonly normalSent: Float64Array;
  readonly blockingDuration: Float64Array;
  readonly machineStart: Float64Array;
  readonly counterA: Float64Array;
  readonly counterB: Float64Array;

  // actions of the current call, per machine
  /** ACT_NONE, ACT_CANCEL, ACT_PADDING, ACT_BLOCK or ACT_TIMER. */
  readonly actionKind: Uint8Array;
  readonly actionTimeout: Float64Array;
  readonly actionDuration: Float64Array;
  readonly actionBypass: Uint8Array;
  readonly actionReplace: Uint8Array;
  /** For Cancel: TIMER_ACTION, TIMER_INTERNAL or TIMER_ALL. */
  readonly actionTimer: Uint8Array;

  // framework-wide
  now = 0;
  normalSentPackets = 0;
  paddingSentPackets = 0;
  blockingTotal = 0;
  blockingStarted = 0;
  blockingActive = false;
  readonly frameworkStart: number;
  private signalPending = SIGNAL_NONE;
  private signalExcluded = 0;
  private zeroedA = false;
  private zeroedB = false;
  /** Some action was scheduled since `begin` (so `actionKind` needs clearing and counting). */
  private scheduled = false;

  constructor(machines: readonly Machine[] | CompiledMachines, maxPaddingFrac: number, maxBlockingFrac: number, now: number, rng: Uniform01) {
    if (!(maxPaddingFrac >= 0 && maxPaddingFrac <= 1)) throw new MachineError(`framework maxPaddingFrac ${show(maxPaddingFrac)}: expected a fraction in [0, 1]`);
    if (!(maxBlockingFrac >= 0 && maxBlockingFrac <= 1)) throw new MachineError(`framework maxBlockingFrac ${show(maxBlockingFrac)}: expected a fraction in [0, 1]`);
    const spec = machines instanceof CompiledMachines ? machines : new CompiledMachines(machines);
    const n = spec.count;
    this.spec = spec;
    this.numMachines = n;
    this.stateBase = spec.stateBase;
    this.eventMask = spec.eventMask;
    this.transStart = spec.transStart;
    this.transTo = spec.transTo;
    this.transCum = spec.transCum;
    this.rng = new UniformBlock(rng);
    this.maxPaddingFrac = maxPaddingFrac;
    this.maxBlockingFrac = maxBlockingFrac;
    this.current = new Int32Array(n);
    this.stateLimit = new Float64Array(n);
    this.paddingSent = new Float64Array(n);
    this.normalSent = new Float64Array(n);
    this.blockingDuration = new Float64Array(n);
    this.machineStart = new Float64Array(n).fill(now);
    this.counterA = new Float64Array(n);
    this.counterB = new Float64Array(n);
    this.actionKind = new Uint8Array(n);
    this.actionTimeout = new Float64Array(n);
    this.actionDuration = new Float64Array(n);
    this.actionBypass = new Uint8Array(n);
    this.actionReplace = new Uint8Array(n);
    this.actionTimer = new Uint8Array(n);
    this.now = now;
    this.frameworkStart = now;
    this.blockingStarted = now;
    for (let m = 0; m < n; m++) {
      const g = spec.stateBase[m];
      if (spec.actKind[g] !== ACT_NONE) this.sampleLimit(m, g);
    }
  }

  /** True when every machine has reached END (an integrator may then drop the framework). */
  allMachinesEnded(): boolean {
    for (let m = 0; m < this.numMachines; m++) if (this.current[m] !== STATE_ENDED) return false;
    return true;
  }

  /** Starts a batch of events at time `now` (µs, non-decreasing): clears the actions. */
  begin(now: number): void {
    this.now = now;
    this.beginBatch();
  }

  /**
   * Starts a batch at the time already in `now` (set the field first): for integrators
   * whose times exceed 2^30 µs, so that no large time is passed to a call (boxed).
   */
  beginBatch(): void {
    if (this.scheduled) {
      const kinds = this.actionKind;
      for (let m = 0; m < kinds.length; m++) kinds[m] = ACT_NONE;
      this.scheduled = false;
    }
    this.zeroedA = false;
    this.zeroedB = false;
  }

  /**
   * Ends the batch: delivers a pending Signal, then the actions are in `actionKind[m]`
   * etc. until the next `begin`. Returns how many machines have an action.
   */
  end(): number {
    if (this.signalPending !== SIGNAL_NONE) {
      const kind = this.signalPending;
      const excluded = this.signalExcluded;
      this.signalPending = SIGNAL_NONE;
      for (let m = 0; m < this.numMachines; m++) {
        if (kind === SIGNAL_ALL_EXCEPT && m === excluded) continue;
        this.transition(m, Signal);
      }
      if (this.signalPending !== SIGNAL_NONE) {
        this.signalPending = SIGNAL_NONE;
        if (kind === SIGNAL_ALL_EXCEPT) this.transition(excluded, Signal);
      }
    }
    if (!this.scheduled) return 0;
    let k = 0;
    for (let m = 0; m < this.numMachines; m++) if (this.actionKind[m] !== ACT_NONE) k++;
    return k;
  }

  /** One event in a batch. `machine` names the machine for PaddingSent, BlockingBegin, TimerBegin, TimerEnd. */
  event(e: EventId, machine = -1): void {
    const n = this.numMachines;
    switch (e) {
      case NormalRecv:
      case PaddingRecv:
      case TunnelRecv:
      case TunnelSent: {
        // most machines do not react to most events: test the state's event mask here
        // and call transition only for those that do
        const bit = 1 << e;
        const cur = this.current;
        for (let m = 0; m < n; m++) {
          const c = cur[m];
          if (c !== STATE_ENDED && (this.eventMask[this.stateBase[m] + c] & bit) !== 0) this.transition(m, e);
        }
        return;
      }
      case NormalSent:
        this.normalSentPackets = this.normalSentPackets < 18446744073709551615 ? this.normalSentPackets + 1 : 18446744073709551615;
        for (let m = 0; m < n; m++) {
          this.normalSent[m]++;
          const c = this.current[m];
          if (c !== STATE_ENDED && (this.eventMask[this.stateBase[m] + c] & (1 << NormalSent)) !== 0) this.transition(m, NormalSent);
        }
        return;
      case PaddingSent:
        this.paddingSentPackets = this.paddingSentPackets < 18446744073709551615 ? this.paddingSentPackets + 1 : 18446744073709551615;
        if (machine < 0 || machine >= n) return;
        this.paddingSent[machine]++;
        if (!this.transition(machine, PaddingSent) && this.current[machine] !== STATE_ENDED) this.decrementLimit(machine);
        return;
      case BlockingBegin:
        if (!this.blockingActive) {
          this.blockingActive = true;
          this.blockingStarted = this.now;
        }
        for (let m = 0; m < n; m++) {
          if (!this.transition(m, BlockingBegin) && this.current[m] !== STATE_ENDED && m === machine) this.decrementLimit(m);
        }
        return;
      case BlockingEnd: {
        let blocked = 0;
        if (this.blockingActive) {
          blocked = this.now > this.blockingStarted ? this.now - this.blockingStarted : 0;
          this.blockingTotal += blocked;
          this.blockingActive = false;
        }
        for (let m = 0; m < n; m++) {
          if (blocked !== 0) this.blockingDuration[m] += blocked;
          this.transition(m, BlockingEnd);
        }
        return;
      }
      case TimerBegin:
        if (machine < 0 || machine >= n) return;
        if (!this.transition(machine, TimerBegin) && this.current[machine] !== STATE_ENDED) this.decrementLimit(machine);
        return;
      case TimerEnd:
        if (machine < 0 || machine >= n) return;
        this.transition(machine, TimerEnd);
        return;
      default:
        throw new MachineError(`event ${e}: expected one of the 10 events an integrator reports`);
    }
  }

  /**
   * A batch of one event: begin, event, end. Returns the number of actions. Hot loops
   * with times above 2^30 µs should call `begin(now)`, `event(e, m)`, `end()` instead:
   * a large time passed to a call that is not inlined is boxed (allocated), and
   * `begin` is small enough to be inlined.
   */
  trigger(e: EventId, machine: number, now: number): number {
    this.begin(now);
    this.event(e, machine);
    return this.end();
  }

  /** Samples and takes machine m's transition on event e; true when its state changed. */
  private transition(m: number, e: EventId): boolean {
    const cur = this.current[m];
    if (cur === STATE_ENDED) return false;
    const base = this.stateBase[m];
    if ((this.eventMask[base + cur] & (1 << e)) === 0) return false;
    const k = (base + cur) * EVENT_NUM + e;
    const a = this.transStart[k];
    let next: number;
    if (this.transCum[a] >= 1) next = this.transTo[a];
    else {
      const b = this.transStart[k + 1];
      const u = this.rng;
      let j = u.i;
      if (j === 256) {
        u.fill();
        j = 0;
      }
      u.i = j + 1;
      const r = u.buf[j];
      let i = a;
      while (i < b && !(r < this.transCum[i])) i++;
      if (i === b) return false;
      next = this.transTo[i];
    }
    const spec = this.spec;
    if (next === TO_END) {
      this.current[m] = STATE_ENDED;
      return true;
    }
    if (next === TO_SIGNAL) {
      if (this.signalPending === SIGNAL_NONE) {
        this.signalPending = SIGNAL_ALL_EXCEPT;
        this.signalExcluded = m;
      } else this.signalPending = SIGNAL_ALL;
      return false;
    }
    const g = base + next;
    if (cur !== next) {
      this.current[m] = next;
      if (spec.actKind[g] !== ACT_NONE) this.sampleLimit(m, g);
      else this.stateLimit[m] = 18446744073709551615;
    }
    const below = this.belowActionLimits(m, g);
    let allow = true;
    let changedByCounter = false;
    if (spec.ctrOpA[g] !== OP_NONE || spec.ctrOpB[g] !== OP_NONE) {
      const zeroed = this.updateCounters(m, g);
      if (zeroed) {
        changedByCounter = this.transition(m, CounterZero);
        allow = this.actionKind[m] === ACT_NONE;
      }
    }
    if (allow && below) this.scheduleAction(m, g);
    return !(cur === this.current[m] && !changedByCounter);
  }

  /** Applies state g's counter updates to machine m; true if one of them reached zero (first time this call). */
  private updateCounters(m: number, g: number): boolean {
    const spec = this.spec;
    const oldA = this.counterA[m];
    const oldB = this.counterB[m];
    let zeroed = false;
    const opA = spec.ctrOpA[g];
    if (opA !== OP_NONE) {
      const d = spec.ctrDistA[g];
      const change = spec.ctrCopyA[g] ? oldB : d < 0 ? 1 : this.sampledCounterValue(d);
      const v = opA === OP_INCREMENT ? Math.min(oldA + change, 18446744073709551615) : opA === OP_DECREMENT ? Math.max(oldA - change, 0) : change;
      this.counterA[m] = v;
      if (oldA !== 0 && v === 0 && !this.zeroedA) {
        zeroed = true;
        this.zeroedA = true;
      }
    }
    const opB = spec.ctrOpB[g];
    if (opB !== OP_NONE) {
      const d = spec.ctrDistB[g];
      const change = spec.ctrCopyB[g] ? oldA : d < 0 ? 1 : this.sampledCounterValue(d);
      const v = opB === OP_INCREMENT ? Math.min(oldB + change, 18446744073709551615) : opB === OP_DECREMENT ? Math.max(oldB - change, 0) : change;
      this.counterB[m] = v;
      if (oldB !== 0 && v === 0 && !this.zeroedB) {
        zeroed = true;
        this.zeroedB = true;
      }
    }
    return zeroed;
  }

  private sampledCounterValue(d: number): number {
    this.spec.sampleTo(d, this.rng);
    return counterValue(this.spec.drawn[0]);
  }

  /** Samples machine m's limit in state g into `stateLimit[m]` (stored, not returned: no boxing). */
  private sampleLimit(m: number, g: number): void {
    const spec = this.spec;
    const d = spec.actLimit[g];
    if (spec.actKind[g] === ACT_CANCEL || d < 0) {
      this.stateLimit[m] = 18446744073709551615;
      return;
    }
    spec.sampleTo(d, this.rng);
    this.stateLimit[m] = roundU64(spec.drawn[0]);
  }

  /** A sampled timeout or duration, µs, capped at one day then rounded as Maybenot does, stored into `into[m]`. */
  private sampleMicros(into: Float64Array, m: number, d: number): void {
    this.spec.sampleTo(d, this.rng);
    const x = this.spec.drawn[0];
    into[m] = Math.round(x < 86_400_000_000 ? x : 86_400_000_000);
  }

  private scheduleAction(m: number, g: number): void {
    const spec = this.spec;
    const kind = spec.actKind[g];
    this.actionKind[m] = kind;
    this.scheduled = true;
    switch (kind) {
      case ACT_CANCEL:
        this.actionTimer[m] = spec.actTimer[g];
        return;
      case ACT_PADDING:
        this.sampleMicros(this.actionTimeout, m, spec.actTimeout[g]);
        this.actionBypass[m] = spec.actBypass[g];
        this.actionReplace[m] = spec.actReplace[g];
        return;
      case ACT_BLOCK:
        this.sampleMicros(this.actionTimeout, m, spec.actTimeout[g]);
        this.sampleMicros(this.actionDuration, m, spec.actDuration[g]);
        this.actionBypass[m] = spec.actBypass[g];
        this.actionReplace[m] = spec.actReplace[g];
        return;
      case ACT_TIMER:
        this.sampleMicros(this.actionDuration, m, spec.actDuration[g]);
        this.actionReplace[m] = spec.actReplace[g];
        return;
    }
  }

  private decrementLimit(m: number): void {
    if (this.stateLimit[m] > 0) this.stateLimit[m]--;
    const g = this.spec.stateBase[m] + this.current[m];
    const kind = this.spec.actKind[g];
    if (kind !== ACT_NONE && kind !== ACT_CANCEL && this.stateLimit[m] === 0 && this.spec.actLimit[g] >= 0) {
      this.actionKind[m] = ACT_NONE;
      this.transition(m, LimitReached);
    }
  }

  private belowActionLimits(m: number, g: number): boolean {
    switch (this.spec.actKind[g]) {
      case ACT_NONE:
        return false;
      case ACT_BLOCK:
        return this.belowLimitBlocking(m, g);
      case ACT_PADDING:
        return this.belowLimitPadding(m);
      case ACT_TIMER:
        return this.stateLimit[m] > 0;
      default:
        return true;
    }
  }

  private belowLimitBlocking(m: number, g: number): boolean {
    const limitLeft = this.stateLimit[m] > 0;
    if (this.spec.actReplace[g] && this.blockingActive) return limitLeft;
    let mine = this.blockingDuration[m];
    let all = this.blockingTotal;
    if (this.blockingActive) {
      const ongoing = this.now > this.blockingStarted ? this.now - this.blockingStarted : 0;
      mine += ongoing;
      all += ongoing;
    }
    if (mine < this.spec.allowedBlocked[m]) return limitLeft;
    const mFrac = this.spec.maxBlockingFrac[m];
    if (mFrac > 0) {
      const elapsed = this.now > this.machineStart[m] ? this.now - this.machineStart[m] : 0;
      if (mine / elapsed >= mFrac) return false;
    }
    if (this.maxBlockingFrac > 0) {
      const elapsed = this.now > this.frameworkStart ? this.now - this.frameworkStart : 0;
      if (all / elapsed >= this.maxBlockingFrac) return false;
    }
    return limitLeft;
  }

  private belowLimitPadding(m: number): boolean {
    const pad = this.paddingSent[m];
    if (pad < this.spec.allowedPadding[m]) return this.stateLimit[m] > 0;
    const mFrac = this.spec.maxPaddingFrac[m];
    if (mFrac > 0) {
      const total = this.normalSent[m] + pad;
      if (total === 0) return true;
      if (pad / total >= mFrac) return false;
    }
    if (this.maxPaddingFrac > 0) {
      const total = this.paddingSentPackets + this.normalSentPackets;
      if (total === 0) return true;
      if (this.paddingSentPackets / total >= this.maxPaddingFrac) return false;
    }
    return this.stateLimit[m] > 0;
  }
}
