/**
 * Canonical JSON of a Maybenot machine — chaff's readable form of the structures in
 * maybenot-io/maybenot `crates/maybenot/src/{machine,state,action,counter,dist}.rs`,
 * printed by `chaff machine decode` and read by `chaff machine encode`.
 *
 * Rule: field order and names are fixed, so the same machine always prints the same
 * text. u64 fields (the two allowances) are decimal strings, exact for all of u64;
 * Binomial `trials` is a number (validation caps it at 1e9). A float that JSON cannot
 * hold is a string: "NaN", "Infinity", "-Infinity", "-0". Transitions list only the
 * events a state reacts to, keyed by event name; a target is a state index, "END" or
 * "SIGNAL"; a probability is read as f32 (rounded as Rust's `f32` literal would be).
 * Reading rejects unknown fields, missing fields and wrong types, naming the path.
 */
import { ACTION_KINDS, type Action, TIMERS, type Timer } from "./action.ts";
import { EVENT_NUM, STATE_END, STATE_SIGNAL, U64_MAX } from "./constants.ts";
import { type Counter, OPERATIONS, type Operation } from "./counter.ts";
import { DIST_PARAMS, DIST_TYPES, type Dist, type DistType, type DistTypeName } from "./dist.ts";
import { MachineError } from "./error.ts";
import { EVENT_NAMES } from "./event.ts";
import { type Machine, validateMachine } from "./machine.ts";
import type { State, Trans } from "./state.ts";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function f(x: number): Json {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "-Infinity";
  if (Object.is(x, -0)) return "-0";
  return x;
}

function distJson(d: Dist): Json {
  const out: { [k: string]: Json } = { type: d.dist.type };
  for (const p of DIST_PARAMS[d.dist.type]) {
    const v = (d.dist as unknown as Record<string, number | bigint>)[p];
    out[p] = typeof v === "bigint" ? Number(v) : f(v);
  }
  out.start = f(d.start);
  out.max = f(d.max);
  return out;
}

function optDist(d: Dist | null): Json {
  return d ? distJson(d) : null;
}

function actionJson(a: Action): Json {
  switch (a.kind) {
    case "Cancel":
      return { kind: a.kind, timer: a.timer };
    case "SendPadding":
      return { kind: a.kind, bypass: a.bypass, replace: a.replace, timeout: distJson(a.timeout), limit: optDist(a.limit) };
    case "BlockOutgoing":
      return {
        kind: a.kind,
        bypass: a.bypass,
        replace: a.replace,
        timeout: distJson(a.timeout),
        duration: distJson(a.duration),
        limit: optDist(a.limit),
      };
    case "UpdateTimer":
      return { kind: a.kind, replace: a.replace, duration: distJson(a.duration), limit: optDist(a.limit) };
  }
}

function counterJson(c: Counter | null): Json {
  return c ? { operation: c.operation, dist: optDist(c.dist), copy: c.copy } : null;
}

function targetJson(to: number): Json {
  if (to === STATE_END) return "END";
  if (to === STATE_SIGNAL) return "SIGNAL";
  return to;
}

/** The canonical JSON value of a machine. */
export function machineToJson(m: Machine): Json {
  return {
    allowedPaddingPackets: m.allowedPaddingPackets.toString(),
    maxPaddingFrac: f(m.maxPaddingFrac),
    allowedBlockedMicrosec: m.allowedBlockedMicrosec.toString(),
    maxBlockingFrac: f(m.maxBlockingFrac),
    states: m.states.map((s): Json => {
      const transitions: { [k: string]: Json } = {};
      for (let e = 0; e < EVENT_NUM; e++) {
        const list = s.transitions[e];
        if (list) transitions[EVENT_NAMES[e]] = list.map((t) => ({ to: targetJson(t.to), p: t.p }));
      }
      return { action: s.action ? actionJson(s.action) : null, counterA: counterJson(s.counterA), counterB: counterJson(s.counterB), transitions };
    }),
  };
}

// ---------------------------------------------------------------- reading

function fail(path: string, what: string): never {
  throw new MachineError(`${path}: ${what}`);
}

function describe(v: unknown): string {
  if (typeof v === "bigint") return v.toString();
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function obj(v: unknown, path: string, keys: readonly string[]): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(path, `${describe(v)}: expected an object`);
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!keys.includes(k)) fail(`${path}.${k}`, `unknown field: expected one of ${keys.join(", ")}`);
  for (const k of keys) if (!(k in o)) fail(`${path}.${k}`, "missing");
  return o;
}

function num(v: unknown, path: string): number {
  if (typeof v === "number") return v;
  if (v === "NaN") return Number.NaN;
  if (v === "Infinity") return Infinity;
  if (v === "-Infinity") return -Infinity;
  if (v === "-0") return -0;
  return fail(path, `${describe(v)}: expected a number (or "NaN", "Infinity", "-Infinity", "-0")`);
}

function bool(v: unknown, path: string): boolean {
  if (typeof v !== "boolean") fail(path, `${describe(v)}: expected true or false`);
  return v;
}

function u64(v: unknown, path: string): bigint {
  let x: bigint;
  if (typeof v === "string" && /^\d+$/.test(v)) x = BigInt(v);
  else if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) x = BigInt(v);
  else if (typeof v === "bigint") x = v;
  else return fail(path, `${describe(v)}: expected a non-negative integer (a decimal string for values above 2^53)`);
  if (x < 0n || x > U64_MAX) fail(path, `${x}: expected an integer in [0, 2^64 - 1]`);
  return x;
}

function oneOf<T extends string>(v: unknown, path: string, names: readonly T[]): T {
  if (typeof v !== "string" || !names.includes(v as T)) fail(path, `${describe(v)}: expected one of ${names.join(", ")}`);
  return v as T;
}

function readDist(v: unknown, path: string): Dist {
  if (typeof v !== "object" || v === null) fail(path, `${describe(v)}: expected a distribution object`);
  const type = oneOf((v as Record<string, unknown>).type, `${path}.type`, DIST_TYPES) as DistTypeName;
  const params = DIST_PARAMS[type];
  const o = obj(v, path, ["type", ...params, "start", "max"]);
  const t: Record<string, unknown> = { type };
  for (const p of params) t[p] = p === "trials" ? u64(o[p], `${path}.${p}`) : num(o[p], `${path}.${p}`);
  return { dist: t as unknown as DistType, start: num(o.start, `${path}.start`), max: num(o.max, `${path}.max`) };
}

function readOptDist(v: unknown, path: string): Dist | null {
  return v === null ? null : readDist(v, path);
}

function readAction(v: unknown, path: string): Action {
  if (typeof v !== "object" || v === null) fail(path, `${describe(v)}: expected an action object or null`);
  const kind = oneOf((v as Record<string, unknown>).kind, `${path}.kind`, ACTION_KINDS);
  switch (kind) {
    case "Cancel": {
      const o = obj(v, path, ["kind", "timer"]);
      return { kind, timer: oneOf(o.timer, `${path}.timer`, TIMERS) as Timer };
    }
    case "SendPadding": {
      const o = obj(v, path, ["kind", "bypass", "replace", "timeout", "limit"]);
      return {
        kind,
        bypass: bool(o.bypass, `${path}.bypass`),
        replace: bool(o.replace, `${path}.replace`),
        timeout: readDist(o.timeout, `${path}.timeout`),
        limit: readOptDist(o.limit, `${path}.limit`),
      };
    }
    case "BlockOutgoing": {
      const o = obj(v, path, ["kind", "bypass", "replace", "timeout", "duration", "limit"]);
      return {
        kind,
        bypass: bool(o.bypass, `${path}.bypass`),
        replace: bool(o.replace, `${path}.replace`),
        timeout: readDist(o.timeout, `${path}.timeout`),
        duration: readDist(o.duration, `${path}.duration`),
        limit: readOptDist(o.limit, `${path}.limit`),
      };
    }
    case "UpdateTimer": {
      const o = obj(v, path, ["kind", "replace", "duration", "limit"]);
      return {
        kind,
        replace: bool(o.replace, `${path}.replace`),
        duration: readDist(o.duration, `${path}.duration`),
        limit: readOptDist(o.limit, `${path}.limit`),
      };
    }
  }
}

function readCounter(v: unknown, path: string): Counter | null {
  if (v === null) return null;
  const o = obj(v, path, ["operation", "dist", "copy"]);
  return {
    operation: oneOf(o.operation, `${path}.operation`, OPERATIONS) as Operation,
    dist: readOptDist(o.dist, `${path}.dist`),
    copy: bool(o.copy, `${path}.copy`),
  };
}

function readTarget(v: unknown, path: string): number {
  if (v === "END") return STATE_END;
  if (v === "SIGNAL") return STATE_SIGNAL;
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return v;
  return fail(path, `${describe(v)}: expected a state index, "END" or "SIGNAL"`);
}

function readState(v: unknown, path: string): State {
  const o = obj(v, path, ["action", "counterA", "counterB", "transitions"]);
  const transitions: (Trans[] | null)[] = new Array(EVENT_NUM).fill(null);
  const tr = o.transitions;
  if (typeof tr !== "object" || tr === null || Array.isArray(tr)) fail(`${path}.transitions`, `${describe(tr)}: expected an object keyed by event name`);
  for (const [name, list] of Object.entries(tr as Record<string, unknown>)) {
    const e = EVENT_NAMES.indexOf(name as (typeof EVENT_NAMES)[number]);
    const p = `${path}.transitions.${name}`;
    if (e < 0) fail(p, `unknown event: expected one of ${EVENT_NAMES.join(", ")}`);
    if (!Array.isArray(list)) fail(p, `${describe(list)}: expected a list of {to, p}`);
    transitions[e] = list.map((t, i) => {
      const to = obj(t, `${p}[${i}]`, ["to", "p"]);
      return { to: readTarget(to.to, `${p}[${i}].to`), p: Math.fround(num(to.p, `${p}[${i}].p`)) };
    });
  }
  return {
    action: o.action === null ? null : readAction(o.action, `${path}.action`),
    counterA: readCounter(o.counterA, `${path}.counterA`),
    counterB: readCounter(o.counterB, `${path}.counterB`),
    transitions,
  };
}

/** Reads the canonical JSON value (parsed) of a machine and validates it. */
export function machineFromJson(v: unknown, path = "machine"): Machine {
  const o = obj(v, path, ["allowedPaddingPackets", "maxPaddingFrac", "allowedBlockedMicrosec", "maxBlockingFrac", "states"]);
  if (!Array.isArray(o.states)) fail(`${path}.states`, `${describe(o.states)}: expected a list of states`);
  const m: Machine = {
    allowedPaddingPackets: u64(o.allowedPaddingPackets, `${path}.allowedPaddingPackets`),
    maxPaddingFrac: num(o.maxPaddingFrac, `${path}.maxPaddingFrac`),
    allowedBlockedMicrosec: u64(o.allowedBlockedMicrosec, `${path}.allowedBlockedMicrosec`),
    maxBlockingFrac: num(o.maxBlockingFrac, `${path}.maxBlockingFrac`),
    states: (o.states as unknown[]).map((s, i) => readState(s, `${path}.states[${i}]`)),
  };
  try {
    validateMachine(m);
  } catch (e) {
    throw MachineError.within(path, e);
  }
  return m;
}
