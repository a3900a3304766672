/**
 * Machines compiled to flat typed arrays for the framework's hot path — the data of
 * maybenot-io/maybenot `crates/maybenot/src/{machine,state,action,counter,dist}.rs`,
 * laid out so that handling an event touches a few array slots and allocates nothing.
 *
 * Layout: the states of all machines of one framework are numbered globally (machine
 * m's state s is `stateBase[m] + s`). Per state: the action kind and flags, the indices
 * of its timeout / duration / limit distributions, its counter updates, and for each
 * event the slice [transStart[g·13+e], transStart[g·13+e+1]) of the transition table,
 * which holds the target (a local state index, −1 for END, −2 for SIGNAL) and the
 * running f32 sum of probabilities. A list whose first running sum is 1 is taken
 * without a draw (its outcome cannot depend on the draw). Distributions are a table
 * of type codes and parameters; a Uniform{v, v} is flagged constant and draws nothing.
 */
import type { Action } from "./action.ts";
import { EVENT_NUM, STATE_END, STATE_SIGNAL } from "./constants.ts";
import type { Counter } from "./counter.ts";
import { type Dist, adjust, distCode, sampleCode, type Uniform01 } from "./dist.ts";
import type { Machine } from "./machine.ts";

export const ACT_NONE = 0;
export const ACT_CANCEL = 1;
export const ACT_PADDING = 2;
export const ACT_BLOCK = 3;
export const ACT_TIMER = 4;

export const TIMER_ACTION = 0;
export const TIMER_INTERNAL = 1;
export const TIMER_ALL = 2;

export const OP_NONE = 0;
export const OP_INCREMENT = 1;
export const OP_DECREMENT = 2;
export const OP_SET = 3;

/** Target codes in the transition table. */
export const TO_END = -1;
export const TO_SIGNAL = -2;

/**
 * The raw value of a distribution that cannot vary (NaN if it can): Uniform{v, v},
 * Binomial with no trials or probability 0 or 1, Geometric with probability 1 (and 0:
 * u64::MAX), exactly as the samplers would return them.
 */
function constantRaw(d: Dist): number {
  const t = d.dist;
  if (t.type === "Uniform" && t.low === t.high) return t.low;
  if (t.type === "Binomial") {
    if (t.trials === 0n || t.probability === 0) return 0;
    if (t.probability === 1) return Number(t.trials);
  }
  if (t.type === "Geometric") {
    if (t.probability === 1) return 0;
    if (t.probability === 0) return 18446744073709551615;
  }
  return Number.NaN;
}

export class CompiledMachines {
  readonly machines: readonly Machine[];
  readonly count: number;
  readonly stateBase: Int32Array;
  readonly allowedPadding: Float64Array;
  readonly allowedBlocked: Float64Array;
  readonly maxPaddingFrac: Float64Array;
  readonly maxBlockingFrac: Float64Array;

  // per global state
  readonly actKind: Uint8Array;
  readonly actBypass: Uint8Array;
  readonly actReplace: Uint8Array;
  readonly actTimer: Uint8Array;
  readonly actTimeout: Int32Array;
  readonly actDuration: Int32Array;
  readonly actLimit: Int32Array;
  readonly ctrOpA: Uint8Array;
  readonly ctrDistA: Int32Array;
  readonly ctrCopyA: Uint8Array;
  readonly ctrOpB: Uint8Array;
  readonly ctrDistB: Int32Array;
  readonly ctrCopyB: Uint8Array;
  readonly transStart: Int32Array;
  /** Per global state: bit e set when the state has transitions on event e (a quick reject). */
  readonly eventMask: Int32Array;
  readonly transTo: Int32Array;
  readonly transCum: Float32Array;

  // distributions
  readonly dCode: Uint8Array;
  readonly dP0: Float64Array;
  readonly dP1: Float64Array;
  readonly dP2: Float64Array;
  readonly dStart: Float64Array;
  readonly dMax: Float64Array;
  /** The value of a constant distribution (start/max applied), or NaN when it must be drawn. */
  readonly dConst: Float64Array;

  constructor(machines: readonly Machine[]) {
    this.machines = machines;
    const n = machines.length;
    this.count = n;
    this.stateBase = new Int32Array(n + 1);
    this.allowedPadding = new Float64Array(n);
    this.allowedBlocked = new Float64Array(n);
    this.maxPaddingFrac = new Float64Array(n);
    this.maxBlockingFrac = new Float64Array(n);
    let states = 0;
    let trans = 0;
    const dists: Dist[] = [];
    for (let m = 0; m < n; m++) {
      const mach = machines[m];
      this.stateBase[m] = states;
      states += mach.states.length;
      this.allowedPadding[m] = Number(mach.allowedPaddingPackets);
      this.allowedBlocked[m] = Number(mach.allowedBlockedMicrosec);
      this.maxPaddingFrac[m] = mach.maxPaddingFrac;
      this.maxBlockingFrac[m] = mach.maxBlockingFrac;
      for (const s of mach.states) for (const l of s.transitions) if (l) trans += l.length;
    }
    this.stateBase[n] = states;
    this.actKind = new Uint8Array(states);
    this.actBypass = new Uint8Array(states);
    this.actReplace = new Uint8Array(states);
    this.actTimer = new Uint8Array(states);
    this.actTimeout = new Int32Array(states).fill(-1);
    this.actDuration = new Int32Array(states).fill(-1);
    this.actLimit = new Int32Array(states).fill(-1);
    this.ctrOpA = new Uint8Array(states);
    this.ctrDistA = new Int32Array(states).fill(-1);
    this.ctrCopyA = new Uint8Array(states);
    this.ctrOpB = new Uint8Array(states);
    this.ctrDistB = new Int32Array(states).fill(-1);
    this.ctrCopyB = new Uint8Array(states);
    this.transStart = new Int32Array(states * EVENT_NUM + 1);
    this.eventMask = new Int32Array(states);
    this.transTo = new Int32Array(trans);
    this.transCum = new Float32Array(trans);

    const addDist = (d: Dist | null): number => {
      if (!d) return -1;
      dists.push(d);
      return dists.length - 1;
    };
    let t = 0;
    for (let m = 0; m < n; m++) {
      const mach = machines[m];
      for (let s = 0; s < mach.states.length; s++) {
        const g = this.stateBase[m] + s;
        const st = mach.states[s];
        this.setAction(g, st.action, addDist);
        this.setCounter(g, st.counterA, st.counterB, addDist);
        for (let e = 0; e < EVENT_NUM; e++) {
          this.transStart[g * EVENT_NUM + e] = t;
          const list = st.transitions[e];
          if (!list) continue;
          if (list.length > 0) this.eventMask[g] |= 1 << e;
          let cum = 0;
          for (const tr of list) {
            cum = Math.fround(cum + Math.fround(tr.p));
            this.transTo[t] = tr.to === STATE_END ? TO_END : tr.to === STATE_SIGNAL ? TO_SIGNAL : tr.to;
            this.transCum[t] = cum;
            t++;
          }
        }
      }
    }
    this.transStart[states * EVENT_NUM] = t;

    const k = dists.length;
    this.dCode = new Uint8Array(k);
    this.dP0 = new Float64Array(k);
    this.dP1 = new Float64Array(k);
    this.dP2 = new Float64Array(k);
    this.dStart = new Float64Array(k);
    this.dMax = new Float64Array(k);
    this.dConst = new Float64Array(k).fill(Number.NaN);
    for (let i = 0; i < k; i++) {
      const d = dists[i];
      const c = distCode(d.dist);
      this.dCode[i] = c.code;
      this.dP0[i] = c.p0;
      this.dP1[i] = c.p1;
      this.dP2[i] = c.p2;
      this.dStart[i] = d.start;
      this.dMax[i] = d.max;
      const raw = constantRaw(d);
      if (raw === raw) this.dConst[i] = adjust(raw, d.start, d.max);
    }
  }

  private setAction(g: number, a: Action | null, addDist: (d: Dist | null) => number): void {
    if (!a) return;
    switch (a.kind) {
      case "Cancel":
        this.actKind[g] = ACT_CANCEL;
        this.actTimer[g] = a.timer === "Action" ? TIMER_ACTION : a.timer === "Internal" ? TIMER_INTERNAL : TIMER_ALL;
        return;
      case "SendPadding":
        this.actKind[g] = ACT_PADDING;
        this.actBypass[g] = a.bypass ? 1 : 0;
        this.actReplace[g] = a.replace ? 1 : 0;
        this.actTimeout[g] = addDist(a.timeout);
        this.actLimit[g] = addDist(a.limit);
        return;
      case "BlockOutgoing":
        this.actKind[g] = ACT_BLOCK;
        this.actBypass[g] = a.bypass ? 1 : 0;
        this.actReplace[g] = a.replace ? 1 : 0;
        this.actTimeout[g] = addDist(a.timeout);
        this.actDuration[g] = addDist(a.duration);
        this.actLimit[g] = addDist(a.limit);
        return;
      case "UpdateTimer":
        this.actKind[g] = ACT_TIMER;
        this.actReplace[g] = a.replace ? 1 : 0;
        this.actDuration[g] = addDist(a.duration);
        this.actLimit[g] = addDist(a.limit);
        return;
    }
  }

  private setCounter(g: number, a: Counter | null, b: Counter | null, addDist: (d: Dist | null) => number): void {
    const op = (c: Counter): number => (c.operation === "Increment" ? OP_INCREMENT : c.operation === "Decrement" ? OP_DECREMENT : OP_SET);
    if (a) {
      this.ctrOpA[g] = op(a);
      this.ctrDistA[g] = addDist(a.dist);
      this.ctrCopyA[g] = a.copy ? 1 : 0;
    }
    if (b) {
      this.ctrOpB[g] = op(b);
      this.ctrDistB[g] = addDist(b.dist);
      this.ctrCopyB[g] = b.copy ? 1 : 0;
    }
  }

  /**
   * One sample of distribution i (start/max applied), left in `drawn[0]` rather than
   * returned: a double returned from a call that is not inlined is boxed (allocated);
   * one stored into a typed array is not.
   */
  sampleTo(i: number, rng: UniformBlock): void {
    const c = this.dConst[i];
    if (c === c) {
      this.drawn[0] = c;
      return;
    }
    const p0 = this.dP0[i];
    const p1 = this.dP1[i];
    let x: number;
    // The common types are drawn here by hand from the uniform block, so that no double
    // crosses a call (it would be boxed); the rest go to the general samplers of dist.ts.
    switch (this.dCode[i]) {
      case 0:
        this.uniformTo(rng);
        x = p0 + (p1 - p0) * this.drawn[2];
        break;
      case 1:
        this.normalTo(rng);
        x = p0 + p1 * this.drawn[1];
        break;
      case 3:
        this.normalTo(rng);
        x = Math.exp(p0 + p1 * this.drawn[1]);
        break;
      case 6:
        this.uniformTo(rng);
        x = p0 * Math.pow(1 - this.drawn[2], -1 / p1);
        break;
      case 8:
        this.uniformTo(rng);
        x = p0 * Math.pow(-Math.log(1 - this.drawn[2]), 1 / p1);
        break;
      case 9:
        if (p1 === 1) {
          this.uniformTo(rng);
          x = -Math.log(1 - this.drawn[2]) * p0;
        } else {
          this.drawn[1] = sampleCode(9, p0, p1, 0, rng);
          x = this.drawn[1];
        }
        break;
      default:
        // through the typed array, so that x stays an unboxed double in every branch
        this.drawn[1] = sampleCode(this.dCode[i], p0, p1, this.dP2[i], rng);
        x = this.drawn[1];
    }
    // adjust() by hand
    const adjusted = x + this.dStart[i];
    if (!(adjusted - adjusted === 0)) {
      this.drawn[0] = 0; // NaN or infinite
      return;
    }
    const r = adjusted > 0 ? adjusted : 0;
    const max = this.dMax[i];
    this.drawn[0] = max > 0 && r > max ? max : r;
  }

  /** The next uniform of the block into `drawn[2]` (stored, not returned: never boxed, inlined or not). */
  private uniformTo(rng: UniformBlock): void {
    let k = rng.i;
    if (k === 256) {
      rng.fill();
      k = 0;
    }
    rng.i = k + 1;
    this.drawn[2] = rng.buf[k];
  }

  /** A standard normal (Marsaglia polar, the pair's second dropped) into `drawn[1]`. */
  private normalTo(rng: UniformBlock): void {
    let u = 0;
    let v = 0;
    let s = 0;
    do {
      this.uniformTo(rng);
      u = 2 * this.drawn[2] - 1;
      this.uniformTo(rng);
      v = 2 * this.drawn[2] - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    this.drawn[1] = u * Math.sqrt((-2 * Math.log(s)) / s);
  }

  /** Where `sampleTo` leaves its sample (slots 1 and 2 are scratch). */
  readonly drawn = new Float64Array(3);
}

/**
 * Uniforms drawn from a random source in blocks of 256 into a typed array and handed
 * out one by one, in the source's order: the block fill is a tight loop in which the
 * source's `next` is inlined, so no draw is boxed on the way (determinism unchanged:
 * the same stream, consumed ahead).
 */
export class UniformBlock implements Uniform01 {
  /** The block; entries [i, 256) are still to hand out. Hot loops read them by hand. */
  readonly buf = new Float64Array(256);
  i = 256;

  constructor(private readonly source: Uniform01) {}

  next(): number {
    if (this.i === 256) this.fill();
    return this.buf[this.i++];
  }

  fill(): void {
    const b = this.buf;
    const src = this.source;
    for (let k = 0; k < 256; k++) b[k] = src.next();
    this.i = 0;
  }
}
