/**
 * States — maybenot-io/maybenot `crates/maybenot/src/state.rs`.
 *
 * Rule: a state has an optional action, optional updates of counters A and B, and for
 * each of the 13 events an optional list of (target, probability) transitions. A list
 * is valid when every target is a state of the machine, END or SIGNAL; no target
 * appears twice; each probability is in (0, 1]; and the list's sum (accumulated in f32,
 * as Maybenot does) is in (0, 1]. Sampling draws r in [0, 1) and takes the first
 * target whose running sum exceeds r; past the sum, nothing happens.
 */
import { type Action, validateAction } from "./action.ts";
import { EVENT_NUM, STATE_END, STATE_SIGNAL } from "./constants.ts";
import { type Counter, validateCounter } from "./counter.ts";
import { MachineError, show } from "./error.ts";
import { EVENT_NAMES } from "./event.ts";

/** One transition: target state (or STATE_END / STATE_SIGNAL) and its f32 probability. */
export interface Trans {
  to: number;
  p: number;
}

export interface State {
  action: Action | null;
  counterA: Counter | null;
  counterB: Counter | null;
  /** Length EVENT_NUM, indexed by event id; null = no transitions on that event. */
  transitions: (Trans[] | null)[];
}

/** A state with no action, no counters and no transitions. */
export function emptyState(): State {
  return { action: null, counterA: null, counterB: null, transitions: new Array(EVENT_NUM).fill(null) };
}

function targetName(to: number): string {
  if (to === STATE_END) return "END";
  if (to === STATE_SIGNAL) return "SIGNAL";
  return String(to);
}

export function validateState(s: State, numStates: number): void {
  if (s.transitions.length !== EVENT_NUM)
    throw new MachineError(`transitions: expected ${EVENT_NUM} event slots, got ${s.transitions.length}`);
  for (let e = 0; e < EVENT_NUM; e++) {
    const list = s.transitions[e];
    if (list == null) continue;
    const where = `on ${EVENT_NAMES[e]}`;
    let sum = 0;
    const seen = new Set<number>();
    for (const t of list) {
      if (!Number.isInteger(t.to) || t.to < 0 || (t.to >= numStates && t.to !== STATE_END && t.to !== STATE_SIGNAL))
        throw new MachineError(`${where}: transition to state ${show(t.to)} but the machine has ${numStates} states (and END, SIGNAL)`);
      if (seen.has(t.to)) throw new MachineError(`${where}: transition to state ${targetName(t.to)} listed twice`);
      seen.add(t.to);
      if (!(t.p > 0 && t.p <= 1))
        throw new MachineError(`${where}: transition to state ${targetName(t.to)} has probability ${show(t.p)}, expected (0, 1]`);
      sum = Math.fround(sum + Math.fround(t.p));
    }
    if (!(sum > 0 && sum <= 1))
      throw new MachineError(`${where}: transition probabilities sum to ${show(sum)}, expected a total in (0, 1]`);
  }
  if (s.action) validateAction(s.action);
  if (s.counterA) validateCounter(s.counterA, "A");
  if (s.counterB) validateCounter(s.counterB, "B");
}
