/**
 * Machine strings, v2 — maybenot-io/maybenot `crates/maybenot/src/machine.rs`
 * (`serialize`, `FromStr`), `constants.rs`.
 *
 * Rule: "02" (the version, two decimal digits), then standard base64 of a zlib stream
 * of the bincode-1 (varint) encoding of the machine: allowed_padding_packets (varint
 * u64), max_padding_frac (f64), allowed_blocked_microsec (varint u64),
 * max_blocking_frac (f64), states (Vec); a state is action (Option), counter A and
 * counter B (Option each), then 13 transition slots (Option<Vec<(varint target, f32
 * probability)>>); Action, Counter, Dist and DistType are enums/structs in field order
 * (see action.ts, counter.ts, dist.ts). Trailing bytes are an error. The decoded
 * machine is then validated (machine.ts). Several machines travel one per line.
 *
 * Every failure is a `MachineError` naming what is wrong; nothing else is thrown for
 * any input (the fuzz script `bench/fuzz/maybenot.ts` holds this to 10^5+ cases).
 */
import { ACTION_KINDS, type Action, TIMERS } from "./action.ts";
import { BincodeReader, BincodeWriter } from "./bincode.ts";
import { base64Decode, base64Encode } from "./base64.ts";
import { EVENT_NUM, STATE_MAX, VERSION } from "./constants.ts";
import { type Counter, OPERATIONS } from "./counter.ts";
import { DIST_TYPES, type Dist, type DistType } from "./dist.ts";
import { MachineError } from "./error.ts";
import { EVENT_NAMES } from "./event.ts";
import { type Machine, validateMachine } from "./machine.ts";
import type { State, Trans } from "./state.ts";
import { zlibDeflate, zlibInflate } from "./zlib.ts";

export { MachineError } from "./error.ts";

/** Largest usize Maybenot's 64-bit builds accept for a target; anything above is invalid anyway. */
const TARGET_MAX = Number.MAX_SAFE_INTEGER;

function within<T>(where: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw MachineError.within(where, e);
  }
}

// ---------------------------------------------------------------- decoding

function readDistType(r: BincodeReader): DistType {
  const type = DIST_TYPES[r.variant("distribution type", DIST_TYPES)];
  switch (type) {
    case "Uniform":
      return { type, low: r.f64("low"), high: r.f64("high") };
    case "Normal":
      return { type, mean: r.f64("mean"), stdev: r.f64("stdev") };
    case "SkewNormal":
      return { type, location: r.f64("location"), scale: r.f64("scale"), shape: r.f64("shape") };
    case "LogNormal":
      return { type, mu: r.f64("mu"), sigma: r.f64("sigma") };
    case "Binomial":
      return { type, trials: r.varint("trials"), probability: r.f64("probability") };
    case "Geometric":
      return { type, probability: r.f64("probability") };
    case "Pareto":
      return { type, scale: r.f64("scale"), shape: r.f64("shape") };
    case "Poisson":
      return { type, lambda: r.f64("lambda") };
    case "Weibull":
      return { type, scale: r.f64("scale"), shape: r.f64("shape") };
    case "Gamma":
      return { type, scale: r.f64("scale"), shape: r.f64("shape") };
    case "Beta":
      return { type, alpha: r.f64("alpha"), beta: r.f64("beta") };
  }
}

function readDist(r: BincodeReader, name: string): Dist {
  return within(name, () => {
    const dist = readDistType(r);
    return { dist, start: r.f64("start"), max: r.f64("max") };
  });
}

function readOptDist(r: BincodeReader, name: string): Dist | null {
  return r.option(name) ? readDist(r, name) : null;
}

function readAction(r: BincodeReader): Action {
  const kind = ACTION_KINDS[r.variant("action", ACTION_KINDS)];
  return within(`action ${kind}`, (): Action => {
    switch (kind) {
      case "Cancel":
        return { kind, timer: TIMERS[r.variant("timer", TIMERS)] };
      case "SendPadding": {
        const bypass = r.bool("bypass");
        const replace = r.bool("replace");
        const timeout = readDist(r, "timeout");
        return { kind, bypass, replace, timeout, limit: readOptDist(r, "limit") };
      }
      case "BlockOutgoing": {
        const bypass = r.bool("bypass");
        const replace = r.bool("replace");
        const timeout = readDist(r, "timeout");
        const duration = readDist(r, "duration");
        return { kind, bypass, replace, timeout, duration, limit: readOptDist(r, "limit") };
      }
      case "UpdateTimer": {
        const replace = r.bool("replace");
        const duration = readDist(r, "duration");
        return { kind, replace, duration, limit: readOptDist(r, "limit") };
      }
    }
  });
}

function readCounter(r: BincodeReader, which: string): Counter | null {
  if (!r.option(`counter ${which}`)) return null;
  return within(`counter ${which}`, () => {
    const operation = OPERATIONS[r.variant("operation", OPERATIONS)];
    const dist = readOptDist(r, "dist");
    return { operation, dist, copy: r.bool("copy") };
  });
}

function readState(r: BincodeReader): State {
  const action = r.option("action") ? readAction(r) : null;
  const counterA = readCounter(r, "A");
  const counterB = readCounter(r, "B");
  const transitions: (Trans[] | null)[] = new Array(EVENT_NUM);
  for (let e = 0; e < EVENT_NUM; e++) {
    const name = `transitions on ${EVENT_NAMES[e]}`;
    if (!r.option(name)) {
      transitions[e] = null;
      continue;
    }
    transitions[e] = within(name, () => {
      const n = r.length("length", 5);
      const list: Trans[] = new Array(n);
      for (let i = 0; i < n; i++) list[i] = { to: r.varintUpTo(`target ${i}`, TARGET_MAX), p: r.f32(`probability ${i}`) };
      return list;
    });
  }
  return { action, counterA, counterB, transitions };
}

/** Decodes the bincode payload (the inflated bytes) and validates the machine. */
export function decodeMachineBytes(bytes: Uint8Array): Machine {
  const r = new BincodeReader(bytes);
  const allowedPaddingPackets = r.varint("allowed_padding_packets");
  const maxPaddingFrac = r.f64("max_padding_frac");
  const allowedBlockedMicrosec = r.varint("allowed_blocked_microsec");
  const maxBlockingFrac = r.f64("max_blocking_frac");
  // Each state is at least 16 bytes (three None tags and 13 None slots).
  const n = r.length("states", 16, STATE_MAX);
  const states: State[] = new Array(n);
  for (let i = 0; i < n; i++) states[i] = within(`state ${i}`, () => readState(r));
  r.end("machine");
  const m: Machine = { allowedPaddingPackets, maxPaddingFrac, allowedBlockedMicrosec, maxBlockingFrac, states };
  validateMachine(m);
  return m;
}

/** Parses one v2 machine string; `label` (e.g. "machine 2") prefixes every error. */
export function parseMachine(s: string, label = "machine"): Machine {
  return within(label, () => {
    if (typeof s !== "string") throw new MachineError(`expected a string, got ${typeof s}`);
    if (s.length < 3) throw new MachineError(`string of length ${s.length}: too short (expected "02" then base64)`);
    for (let i = 0; i < s.length; i++)
      if (s.charCodeAt(i) > 127) throw new MachineError(`character at ${i} is not ASCII`);
    const version = s.slice(0, 2);
    if (version !== `0${VERSION}`) throw new MachineError(`version ${JSON.stringify(version)}: expected "0${VERSION}" (v1 strings are no longer read)`);
    const compressed = base64Decode(s.slice(2));
    return decodeMachineBytes(zlibInflate(compressed));
  });
}

/**
 * Parses several machines: an array of strings, or one text with one machine per line
 * (blank lines ignored). Errors say which machine (0-based) is wrong.
 */
export function parseMachines(input: string | readonly string[]): Machine[] {
  const list = typeof input === "string" ? input.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0) : input;
  return list.map((s, i) => parseMachine(s, `machine ${i}`));
}

// ---------------------------------------------------------------- encoding

function writeDist(w: BincodeWriter, d: Dist): void {
  const t = d.dist;
  w.varint(DIST_TYPES.indexOf(t.type));
  switch (t.type) {
    case "Uniform":
      w.f64(t.low), w.f64(t.high);
      break;
    case "Normal":
      w.f64(t.mean), w.f64(t.stdev);
      break;
    case "SkewNormal":
      w.f64(t.location), w.f64(t.scale), w.f64(t.shape);
      break;
    case "LogNormal":
      w.f64(t.mu), w.f64(t.sigma);
      break;
    case "Binomial":
      w.varint(t.trials), w.f64(t.probability);
      break;
    case "Geometric":
      w.f64(t.probability);
      break;
    case "Pareto":
    case "Weibull":
    case "Gamma":
      w.f64(t.scale), w.f64(t.shape);
      break;
    case "Poisson":
      w.f64(t.lambda);
      break;
    case "Beta":
      w.f64(t.alpha), w.f64(t.beta);
      break;
  }
  w.f64(d.start);
  w.f64(d.max);
}

function writeOptDist(w: BincodeWriter, d: Dist | null): void {
  w.bool(d !== null);
  if (d) writeDist(w, d);
}

function writeAction(w: BincodeWriter, a: Action): void {
  w.varint(ACTION_KINDS.indexOf(a.kind));
  switch (a.kind) {
    case "Cancel":
      w.varint(TIMERS.indexOf(a.timer));
      return;
    case "SendPadding":
      w.bool(a.bypass), w.bool(a.replace);
      writeDist(w, a.timeout);
      writeOptDist(w, a.limit);
      return;
    case "BlockOutgoing":
      w.bool(a.bypass), w.bool(a.replace);
      writeDist(w, a.timeout);
      writeDist(w, a.duration);
      writeOptDist(w, a.limit);
      return;
    case "UpdateTimer":
      w.bool(a.replace);
      writeDist(w, a.duration);
      writeOptDist(w, a.limit);
      return;
  }
}

function writeCounter(w: BincodeWriter, c: Counter | null): void {
  w.bool(c !== null);
  if (!c) return;
  w.varint(OPERATIONS.indexOf(c.operation));
  writeOptDist(w, c.dist);
  w.bool(c.copy);
}

/** The bincode payload of a (validated) machine: what Rust's serializer produces before zlib. */
export function encodeMachineBytes(m: Machine): Uint8Array {
  validateMachine(m);
  const w = new BincodeWriter();
  w.varint(m.allowedPaddingPackets);
  w.f64(m.maxPaddingFrac);
  w.varint(m.allowedBlockedMicrosec);
  w.f64(m.maxBlockingFrac);
  w.varint(m.states.length);
  for (const s of m.states) {
    w.bool(s.action !== null);
    if (s.action) writeAction(w, s.action);
    writeCounter(w, s.counterA);
    writeCounter(w, s.counterB);
    for (let e = 0; e < EVENT_NUM; e++) {
      const list = s.transitions[e];
      w.bool(list != null);
      if (list == null) continue;
      w.varint(list.length);
      for (const t of list) {
        w.varint(t.to);
        w.f32(t.p);
      }
    }
  }
  return w.bytes();
}

/** Serializes a machine to a v2 string (decodes to the same structure; zlib bytes may differ from Rust's). */
export function serializeMachine(m: Machine): string {
  return `0${VERSION}${base64Encode(zlibDeflate(encodeMachineBytes(m)))}`;
}

/** The inflated payload of a machine string, without decoding it (for byte comparisons). */
export function machineStringPayload(s: string): Uint8Array {
  if (!s.startsWith(`0${VERSION}`)) throw new MachineError(`version ${JSON.stringify(s.slice(0, 2))}: expected "0${VERSION}"`);
  return zlibInflate(base64Decode(s.slice(2)));
}
