/**
 * Test helpers: terse builders for Maybenot machines (the shapes Maybenot's own tests
 * build with `State::new(enum_map!{…})`), and the paths of the public test data.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Action } from "../../../shapers/maybenot/action.ts";
import type { Counter } from "../../../shapers/maybenot/counter.ts";
import { constant, type Dist } from "../../../shapers/maybenot/dist.ts";
import { EVENT_NAMES, type EventName } from "../../../shapers/maybenot/event.ts";
import type { Machine } from "../../../shapers/maybenot/machine.ts";
import { emptyState, type State } from "../../../shapers/maybenot/state.ts";

export const HERE = dirname(fileURLToPath(import.meta.url));
/**
 * The public test data, shipped with the tests (a clone anywhere runs them): Maybenot's
 * published machine strings (`public-machines.txt`, with their sources), the four DAITA
 * v2 machines as deployed (`daita-v2-machines.txt`, one string per line, byte for byte
 * as given to the project), and fuzzer finds.
 */
export const DATA = join(HERE, "data");
export const VECTORS = join(HERE, "vectors");

export function state(trans: Partial<Record<EventName, (number | [number, number])[]>>, action: Action | null = null, counterA: Counter | null = null, counterB: Counter | null = null): State {
  const s = emptyState();
  for (const [name, list] of Object.entries(trans)) {
    s.transitions[EVENT_NAMES.indexOf(name as EventName)] = (list ?? []).map((t) => (Array.isArray(t) ? { to: t[0], p: Math.fround(t[1]) } : { to: t, p: 1 }));
  }
  s.action = action;
  s.counterA = counterA;
  s.counterB = counterB;
  return s;
}

export function pad(timeout: number | Dist, o: { bypass?: boolean; replace?: boolean; limit?: number | Dist } = {}): Action {
  return {
    kind: "SendPadding",
    bypass: o.bypass ?? false,
    replace: o.replace ?? false,
    timeout: typeof timeout === "number" ? constant(timeout) : timeout,
    limit: o.limit === undefined ? null : typeof o.limit === "number" ? constant(o.limit) : o.limit,
  };
}

export function block(timeout: number, duration: number, o: { bypass?: boolean; replace?: boolean; limit?: number } = {}): Action {
  return {
    kind: "BlockOutgoing",
    bypass: o.bypass ?? false,
    replace: o.replace ?? false,
    timeout: constant(timeout),
    duration: constant(duration),
    limit: o.limit === undefined ? null : constant(o.limit),
  };
}

export function timer(duration: number, replace = false): Action {
  return { kind: "UpdateTimer", replace, duration: constant(duration), limit: null };
}

export function counter(operation: Counter["operation"], value?: number, copy = false): Counter {
  return { operation, dist: value === undefined ? null : constant(value), copy };
}

export function machine(states: State[], o: { allowedPadding?: bigint; maxPaddingFrac?: number; allowedBlocked?: bigint; maxBlockingFrac?: number } = {}): Machine {
  return {
    allowedPaddingPackets: o.allowedPadding ?? 0n,
    maxPaddingFrac: o.maxPaddingFrac ?? 0,
    allowedBlockedMicrosec: o.allowedBlocked ?? 0n,
    maxBlockingFrac: o.maxBlockingFrac ?? 0,
    states,
  };
}

/** Machine strings of a data file: one per line, `#` comments and blank lines skipped. */
export function machineLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith("#"));
}

/** A deterministic uniform source for tests (mulberry32). */
export function testRng(seed = 1): { next(): number; uniform(lo: number, hi: number): number; int(lo: number, hi: number): number; exponential(mean: number): number } {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    int: (lo, hi) => lo + Math.floor((hi - lo) * next()),
    exponential: (mean) => -mean * Math.log(1 - next()),
  };
}
