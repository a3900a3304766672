/**
 * chaff shapers compiled to Maybenot machines, so a shaper tuned in chaff can ship to a
 * device runtime that already exists (issue 14 item 5). Machine model:
 * maybenot-io/maybenot `crates/maybenot/src/{machine,state,action,dist}.rs`; the
 * constant-rate construction (bypassable blocking plus bypass+replace padding) is the
 * one the crate docs describe for constant-rate defenses, as in the reference
 * simulator's bypass/replace tests.
 *
 * Rules, and where a machine can only approximate the chaff shaper:
 * - constant rate (BuFLO, shapers/constant-rate.ts): on the first real packet, block all
 *   outgoing traffic (bypassable, one day, renewed) and every ρ send one packet — the
 *   head queued real packet if any, else padding (bypass + replace). Same schedule as
 *   chaff's session with τ longer than the run; a machine cannot see an empty queue, so
 *   chaff's "stop after τ once the queue is empty" is not exported, nor is packing
 *   several small queued packets into one cell (a machine sends whole packets).
 * - Poisson cover (shapers/poisson-cover.ts, cover stream only): padding at
 *   exponential gaps, Gamma(shape 1, scale 1/λ) being the exponential Maybenot lacks;
 *   it starts at the first event the machine sees (chaff's starts at the egress start:
 *   the same process when traffic starts at once, a Poisson stream being memoryless).
 * - FRONT-like (shapers/front.ts), two machines: from the first real packet draw the
 *   budget n uniformly from {1, …, N−1} into counter A (exactly FRONT's budget) and pad
 *   until it is spent, at exponential gaps whose rate follows Rayleigh(w) piecewise over
 *   k slices of equal Rayleigh mass (a clock machine signals the slice boundaries), set
 *   so that a budget of the mean size N/2 spreads as FRONT's does. The counts match
 *   FRONT's; the times only approximate FRONT's i.i.d. Rayleigh draws (a small budget
 *   ends early, a large one runs on in the last slice); w is fixed (W_min = W_max) and a
 *   new trace after an idle gap does not restart the schedule.
 *
 * `exportShaper` maps a chaff shaper's parameters to machine strings.
 */
import type { Action } from "./action.ts";
import { constant, type Dist } from "./dist.ts";
import { EVENT_NUM, MAX_SAMPLED_BLOCK_DURATION, STATE_SIGNAL, U64_MAX } from "./constants.ts";
import { EVENT_NAMES, type EventName } from "./event.ts";
import type { Machine } from "./machine.ts";
import { MachineError } from "./error.ts";
import { validateMachine } from "./machine.ts";
import { serializeMachine } from "./codec.ts";
import type { State, Trans } from "./state.ts";

function st(trans: Partial<Record<EventName, Trans[]>>, action: Action | null = null, counterA: State["counterA"] = null): State {
  const transitions: (Trans[] | null)[] = new Array(EVENT_NUM).fill(null);
  for (const [k, v] of Object.entries(trans)) transitions[EVENT_NAMES.indexOf(k as EventName)] = v ?? null;
  return { action, counterA, counterB: null, transitions };
}

const to = (s: number): Trans[] => [{ to: s, p: 1 }];

function exponential(meanMicros: number): Dist {
  return { dist: { type: "Gamma", scale: meanMicros, shape: 1 }, start: 0, max: 0 };
}

function unlimited(states: State[]): Machine {
  const m: Machine = { allowedPaddingPackets: U64_MAX, maxPaddingFrac: 0, allowedBlockedMicrosec: U64_MAX, maxBlockingFrac: 0, states };
  validateMachine(m);
  return m;
}

function positive(name: string, v: number): void {
  if (!(Number.isFinite(v) && v > 0)) throw new MachineError(`${name} ${v}: expected a finite number > 0`);
}

/** BuFLO-style constant rate: one packet every `intervalMicros` from the first real packet on. */
export function constantRateMachine(intervalMicros: number): Machine {
  positive("intervalMicros", intervalMicros);
  return unlimited([
    st({ NormalSent: to(1) }),
    // block (bypassable) for a day, renewed by the replace flag whenever it is re-entered
    st(
      { BlockingBegin: to(2) },
      { kind: "BlockOutgoing", bypass: true, replace: true, timeout: constant(0), duration: constant(MAX_SAMPLED_BLOCK_DURATION), limit: null },
    ),
    st({ PaddingSent: to(2), BlockingEnd: to(1) }, { kind: "SendPadding", bypass: true, replace: true, timeout: constant(intervalMicros), limit: null }),
  ]);
}

/** Poisson cover: padding at exponential gaps of mean 1/rate, from the first event on. */
export function poissonCoverMachine(ratePerSecond: number): Machine {
  positive("ratePerSecond", ratePerSecond);
  const start: Trans[] = to(1);
  return unlimited([
    st({ NormalSent: start, NormalRecv: start, PaddingRecv: start, TunnelSent: start, TunnelRecv: start }),
    st({ PaddingSent: to(1) }, { kind: "SendPadding", bypass: false, replace: false, timeout: exponential(1e6 / ratePerSecond), limit: null }),
  ]);
}

/** The p-quantile of Rayleigh(σ). */
function rayleighQuantile(p: number, sigma: number): number {
  return sigma * Math.sqrt(-2 * Math.log(1 - p));
}

export interface FrontLikeOptions {
  /** N: the budget is uniform on {1, …, N−1}. */
  maxPadding: number;
  /** w: the Rayleigh scale, seconds. */
  windowSeconds: number;
  /** k: slices of equal Rayleigh mass (default 8). */
  slices?: number;
}

/**
 * FRONT-like padding as two machines (see the file header for what is exact): a padder
 * and a clock that signals the padder at the slice boundaries t_i = Rayleigh⁻¹(i/k).
 *
 * Padder: 0 waits for the first real packet; Q_1 sets counter A to the budget and pads;
 * in slice i, Q_i pads at Exp(gap_i) and P_i (entered on PaddingSent) counts the packet
 * down and pads again; Signal moves P_i or Q_i to Q_{i+1} (Q states carry no counter,
 * so a packet is counted once); CounterZero moves to a state whose Cancel clears the
 * pending padding. Clock: X_0 runs the first slice's timer; each X_j (j ≥ 1) signals on
 * its TimerBegin, then runs slice j+1's timer.
 */
export function frontLikeMachines(o: FrontLikeOptions): Machine[] {
  const n = o.maxPadding;
  if (!(Number.isInteger(n) && n >= 2)) throw new MachineError(`maxPadding ${n}: expected an integer >= 2`);
  positive("windowSeconds", o.windowSeconds);
  const k = o.slices ?? 8;
  if (!(Number.isInteger(k) && k >= 1 && k <= 1000)) throw new MachineError(`slices ${k}: expected an integer from 1 to 1000`);
  const sigma = o.windowSeconds * 1e6;
  const perSlice = n / 2 / k; // packets of a mean-sized budget per slice
  const bound = (i: number): number => rayleighQuantile(i / k, sigma);
  // the last slice has no end: spread its packets over twice its mean excess time
  // (Rayleigh: E[T − t | T > t] ≈ σ²/t), or twice the mean when there is one slice
  const width = (i: number): number =>
    i < k - 1 ? bound(i + 1) - bound(i) : k === 1 ? 2 * sigma * Math.sqrt(Math.PI / 2) : (2 * sigma * sigma) / bound(k - 1);
  const q = (i: number): number => 1 + 2 * i; // Q_{i+1}
  const p = (i: number): number => 2 + 2 * i; // P_{i+1}
  const done = 1 + 2 * k;
  const padder: State[] = [st({ NormalSent: to(q(0)) })];
  for (let i = 0; i < k; i++) {
    const padding: Action = { kind: "SendPadding", bypass: false, replace: false, timeout: exponential(width(i) / perSlice), limit: null };
    const onward: Partial<Record<EventName, Trans[]>> = {
      PaddingSent: to(p(i)),
      CounterZero: to(done),
      ...(i < k - 1 ? { Signal: to(q(i + 1)) } : {}),
    };
    const budget: State["counterA"] =
      i === 0 ? { operation: "Set", dist: { dist: { type: "Uniform", low: 1, high: n }, start: 0, max: 0 }, copy: false } : null;
    padder.push(st(onward, padding, budget));
    padder.push(st(onward, padding, { operation: "Decrement", dist: null, copy: false }));
  }
  padder.push(st({}, { kind: "Cancel", timer: "Action" }));

  const clock: State[] = [st({ NormalSent: to(1) })];
  for (let j = 0; j < k - 1; j++) {
    const trans: Partial<Record<EventName, Trans[]>> = { TimerEnd: to(j + 2) };
    if (j > 0) trans.TimerBegin = [{ to: STATE_SIGNAL, p: 1 }];
    clock.push(st(trans, { kind: "UpdateTimer", replace: true, duration: constant(bound(j + 1) - bound(j)), limit: null }));
  }
  clock.push(st({ TimerBegin: [{ to: STATE_SIGNAL, p: 1 }] }, { kind: "UpdateTimer", replace: true, duration: constant(0), limit: null }));
  return [unlimited(padder), unlimited(clock)];
}

/**
 * The machine strings for a chaff shaper that fits the machine model: "constant-rate"
 * (intervalSeconds), "poisson-cover" (coverRate; payloadRate must be 0) or "front"
 * (maxPadding, windowMinSeconds = windowMaxSeconds). Throws a MachineError naming the
 * parameter that has no machine equivalent.
 */
export function exportShaper(shaper: string, params: Record<string, unknown>): string[] {
  const num = (k: string, d: number): number => {
    const v = params[k] ?? d;
    if (typeof v !== "number") throw new MachineError(`${shaper} parameter ${k} = ${JSON.stringify(v)}: expected a number`);
    return v;
  };
  let machines: Machine[];
  switch (shaper) {
    case "constant-rate":
      machines = [constantRateMachine(Math.round(num("intervalSeconds", 0.02) * 1e6))];
      break;
    case "poisson-cover":
      if (num("payloadRate", 0) !== 0) throw new MachineError("poisson-cover parameter payloadRate: only the cover stream (payloadRate 0) has a machine equivalent");
      machines = [poissonCoverMachine(num("coverRate", 20 / 60))];
      break;
    case "front": {
      const lo = num("windowMinSeconds", 1);
      const hi = num("windowMaxSeconds", 14);
      if (lo !== hi) throw new MachineError(`front parameters windowMinSeconds ${lo} and windowMaxSeconds ${hi}: the FRONT-like machine needs one window (equal values)`);
      machines = frontLikeMachines({ maxPadding: num("maxPadding", 1700), windowSeconds: lo });
      break;
    }
    default:
      throw new MachineError(`shaper ${JSON.stringify(shaper)}: no machine export (constant-rate, poisson-cover and front have one)`);
  }
  return machines.map(serializeMachine);
}
