import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { zlibSync } from "fflate";
import {
  MachineError,
  decodeMachineBytes,
  encodeMachineBytes,
  machineStringPayload,
  parseMachine,
  parseMachines,
  serializeMachine,
} from "../../../shapers/maybenot/codec.ts";
import { base64Encode } from "../../../shapers/maybenot/base64.ts";
import { BincodeWriter } from "../../../shapers/maybenot/bincode.ts";
import { DIST_TYPES } from "../../../shapers/maybenot/dist.ts";
import { STATE_END, STATE_SIGNAL, U64_MAX } from "../../../shapers/maybenot/constants.ts";
import { machineFromJson, machineToJson } from "../../../shapers/maybenot/json.ts";
import { DATA, machine, machineLines, pad, state } from "./helpers.ts";

const PUBLIC = machineLines(readFileSync(join(DATA, "public-machines.txt"), "utf8"));
const DAITA = machineLines(readFileSync(join(DATA, "daita-v2-machines.txt"), "utf8"));
const NOOP = "02eNpjYEAHjOgCAAA0AAI=";

function expectError(f: () => unknown, pattern: RegExp): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(MachineError);
  expect((err as Error).message).toMatch(pattern);
}

/** A machine string around hand-made payload bytes. */
function wrap(bytes: number[] | Uint8Array): string {
  return `02${base64Encode(zlibSync(Uint8Array.from(bytes), { level: 9 }))}`;
}

describe("maybenot codec: public machine strings", () => {
  it("has every public string the repository and DAITA ship (26 + 4)", () => {
    expect(PUBLIC.length).toBe(26);
    expect(DAITA.length).toBe(4);
  });

  it.each([...PUBLIC, ...DAITA].map((s, i) => [i, s]))("machine %i decodes, and re-encodes to exactly the same payload bytes", (_i, s) => {
    const m = parseMachine(s);
    const again = serializeMachine(m);
    expect(encodeMachineBytes(parseMachine(again))).toEqual(machineStringPayload(s));
    expect(parseMachine(again)).toEqual(m);
    // and the canonical JSON round-trips to the same structure
    expect(machineFromJson(JSON.parse(JSON.stringify(machineToJson(m))))).toEqual(m);
  });

  it("the no-op machine inflates to the 35 bytes of its worked example", () => {
    const bytes = machineStringPayload(NOOP);
    expect(bytes.length).toBe(35);
    expect(Array.from(bytes)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, ...new Array(16).fill(0)]);
    expect(parseMachine(NOOP).states).toHaveLength(1);
  });

  it("keeps the DAITA machines' u64 allowances exactly (bigint)", () => {
    const ms = parseMachines(DAITA);
    expect(ms.map((m) => m.states.length)).toEqual([2, 4, 6, 3]);
    for (const m of ms.slice(0, 3)) {
      expect(m.allowedPaddingPackets).toBe(12990664840640529n);
      expect(m.allowedBlockedMicrosec).toBe(U64_MAX);
    }
    expect(ms[3].maxPaddingFrac).toBe(0.998);
    const json = JSON.stringify(machineToJson(ms[0]));
    expect(json).toContain('"allowedPaddingPackets":"12990664840640529"');
    expect(json).toContain('"allowedBlockedMicrosec":"18446744073709551615"');
  });

  it("the simulator README machine: pad once, 20 ms after NormalSent", () => {
    const m = parseMachine("02eNp1ibEJAEAIA5Nf7B3N0v1cSESwEL0m5A6YvBqSgP7WeXfM5UoBW7ICYg==");
    const a = m.states.map((s) => s.action).find((x) => x !== null);
    expect(a).toMatchObject({ kind: "SendPadding", timeout: { dist: { type: "Uniform", low: 0, high: 0 }, start: 20000 } });
  });

  it("reads several machines from lines, naming the bad one", () => {
    expect(parseMachines(`${DAITA[0]}\n\n${DAITA[1]}\n`)).toHaveLength(2);
    expectError(() => parseMachines([NOOP, NOOP, "02garbage"]), /^machine 2: base64/);
  });

  it("keeps probabilities as f32 values", () => {
    const m = machine([state({ NormalSent: [[0, 0.167]] })]);
    const back = parseMachine(serializeMachine(m));
    expect(back.states[0].transitions[3]![0].p).toBe(Math.fround(0.167));
    expect(back.states[0].transitions[3]![0].p).toBe(0.16699999570846558);
  });

  it("round-trips END and SIGNAL targets, -0, NaN and infinite dist start/max", () => {
    const m = machine([
      state({ NormalSent: [[STATE_END, 0.5], [STATE_SIGNAL, 0.25]], PaddingSent: [0] }, pad({ dist: { type: "Uniform", low: 1, high: 2 }, start: Number.NaN, max: -0 })),
    ]);
    const back = parseMachine(serializeMachine(m));
    expect(back).toEqual(m);
    expect(Object.is(back.states[0].action!.kind === "SendPadding" && back.states[0].action!.timeout.max, -0)).toBe(true);
    const json = JSON.parse(JSON.stringify(machineToJson(m)));
    expect(json.states[0].transitions.NormalSent).toEqual([{ to: "END", p: 0.5 }, { to: "SIGNAL", p: 0.25 }]);
    expect(json.states[0].action.timeout).toMatchObject({ start: "NaN", max: "-0" });
    expect(machineFromJson(json)).toEqual(m);
  });
});

describe("maybenot codec: bad input is a MachineError saying what is wrong", () => {
  it("envelope: length, ASCII, version, base64", () => {
    expectError(() => parseMachine("02"), /too short/);
    expectError(() => parseMachine("02é="), /not ASCII/);
    expectError(() => parseMachine(`01${NOOP.slice(2)}`), /version "01": expected "02"/);
    expectError(() => parseMachine("02abc"), /base64: length 3/);
    expectError(() => parseMachine("02ab-d"), /base64: character "-"/);
    expectError(() => parseMachine("02eNpjYEAHjOgCAAA0AAI"), /base64/);
  });

  it("zlib: header, truncation, checksum, and the 1 MiB inflate bound", () => {
    const payload = machineStringPayload(NOOP);
    const z = zlibSync(payload, { level: 9 });
    expectError(() => parseMachine(`02${base64Encode(z.subarray(1))}`), /zlib/);
    expectError(() => parseMachine(`02${base64Encode(z.subarray(0, z.length - 6))}`), /zlib/);
    const bad = z.slice();
    bad[bad.length - 1] ^= 1;
    expectError(() => parseMachine(`02${base64Encode(bad)}`), /Adler-32/);
    const bomb = zlibSync(new Uint8Array((1 << 20) + 1), { level: 9 });
    expectError(() => parseMachine(`02${base64Encode(bomb)}`), /more than 1048576 bytes/);
  });

  it("bincode: truncation, trailing bytes, bad tags and variants", () => {
    const noop = Array.from(machineStringPayload(NOOP));
    expectError(() => decodeMachineBytes(Uint8Array.from(noop.slice(0, 5))), /max_padding_frac: the data ends at byte 5/);
    expectError(() => decodeMachineBytes(Uint8Array.from(noop.slice(0, 30))), /states: length 1 at byte 18 but only 11 byte\(s\) remain/);
    expectError(() => parseMachine(wrap([...noop, 0])), /1 trailing byte/);
    const badOption = noop.slice();
    badOption[19] = 2; // the state's action tag
    expectError(() => parseMachine(wrap(badOption)), /state 0: action: option tag 2/);
    const badVarint = noop.slice();
    badVarint[0] = 254;
    expectError(() => parseMachine(wrap(badVarint)), /allowed_padding_packets: varint marker 254/);
    // action variant 7 does not exist
    const badAction = [...noop.slice(0, 19), 1, 7, ...noop.slice(20)];
    expectError(() => parseMachine(wrap(badAction)), /action: variant 7 .*expected 0\.\.3/);
  });

  it("a huge state count is refused before anything is allocated", () => {
    const bytes = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 252, 0xa1, 0x86, 0x01, 0x00];
    expectError(() => parseMachine(wrap(bytes)), /states: length 100001 .*expected at most 100000/);
    const n = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 252, 0x10, 0x27, 0, 0];
    expectError(() => parseMachine(wrap(n)), /states: length 10000 .* only 0 byte\(s\) remain/);
  });

  it("validation: targets, duplicates, probabilities and sums name machine, state and event", () => {
    const m = machine([state({ NormalSent: [1] }), state({}), state({}), state({ PaddingSent: [9] })]);
    expectError(() => parseMachines([NOOP, NOOP, wrapMachine(m)]), /^machine 2: state 3: on PaddingSent: transition to state 9 but the machine has 4 states/);
    expectError(() => parseMachine(wrapMachine(machine([state({ NormalSent: [[0, 0.5], [0, 0.5]] })]))), /state 0: on NormalSent: transition to state 0 listed twice/);
    expectError(() => parseMachine(wrapMachine(machine([state({ NormalSent: [[0, 0.7]], TunnelSent: [[0, 0.6], [STATE_END, 0.6]] })]))), /on TunnelSent: transition probabilities sum to 1\.2.*expected a total in \(0, 1\]/);
    expectError(() => parseMachine(wrapMachine(machine([state({ NormalSent: [[0, 1.5]] })]))), /probability 1\.5, expected \(0, 1\]/);
    expectError(() => parseMachine(wrapMachine(machine([state({ NormalSent: [] })]))), /sum to 0/);
    expectError(() => parseMachine(wrap([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])), /at least one state/);
  });

  it("validation: fractions and distribution guards", () => {
    const frac = { ...machine([state({})]), maxPaddingFrac: 1.5 };
    expectError(() => parseMachine(wrapMachine(frac)), /maxPaddingFrac 1\.5: expected a fraction in \[0, 1\]/);
    const withDist = (dist: object) => wrapMachine(machine([state({}, pad({ dist, start: 0, max: 0 } as never))]));
    expectError(() => parseMachine(withDist({ type: "Uniform", low: 2, high: 1 })), /state 0: action SendPadding: timeout: Uniform: low 2 > high 1/);
    expectError(() => parseMachine(withDist({ type: "Uniform", low: 0, high: Infinity })), /Uniform: .*finite/);
    expectError(() => parseMachine(withDist({ type: "Uniform", low: -1.7e308, high: 1.7e308 })), /overflows/);
    expectError(() => parseMachine(withDist({ type: "Binomial", trials: 1_000_000_001n, probability: 0.5 })), /trials 1000000001: expected at most 1e9/);
    expectError(() => parseMachine(withDist({ type: "Binomial", trials: 10n, probability: 1e-10 })), /probability 1e-10: expected 0 or >= 1e-9/);
    expectError(() => parseMachine(withDist({ type: "Geometric", probability: 1e-12 })), /Geometric: probability 1e-12/);
    expectError(() => parseMachine(withDist({ type: "Poisson", lambda: 1e43 })), /Poisson: lambda 1e\+43/);
    expectError(() => parseMachine(withDist({ type: "Normal", mean: 0, stdev: Number.NaN })), /Normal: stdev NaN/);
    expectError(() => parseMachine(withDist({ type: "Pareto", scale: 0, shape: 1 })), /Pareto: scale 0/);
    expectError(() => parseMachine(withDist({ type: "Gamma", scale: 1, shape: -1 })), /Gamma: shape -1/);
    expectError(() => parseMachine(withDist({ type: "Beta", alpha: 1, beta: 0 })), /Beta: beta 0/);
    expectError(() => parseMachine(withDist({ type: "SkewNormal", location: 0, scale: 1, shape: Infinity })), /SkewNormal: shape Infinity/);
    // valid edge cases pass
    expect(() => parseMachine(withDist({ type: "Binomial", trials: 1_000_000_000n, probability: 0 }))).not.toThrow();
    expect(() => parseMachine(withDist({ type: "Normal", mean: Number.NaN, stdev: -1 }))).not.toThrow();
  });

  it("the fuzz-found machine-string inputs of the reference are rejected cleanly", () => {
    for (const f of ["fuzz-machine-str-0.bin", "fuzz-machine-str-1.bin"]) {
      const s = new TextDecoder().decode(readFileSync(join(DATA, f)));
      expect(() => parseMachine(s)).toThrow(MachineError);
    }
  });
});

describe("maybenot canonical JSON", () => {
  it("reads what it prints and names bad fields", () => {
    const m = parseMachine(DAITA[3]);
    const json = machineToJson(m) as Record<string, unknown>;
    expect(machineFromJson(json)).toEqual(m);
    expect(() => machineFromJson({ ...json, extra: 1 })).toThrow(/machine\.extra: unknown field/);
    expect(() => machineFromJson({ ...json, allowedPaddingPackets: "-1" })).toThrow(/machine\.allowedPaddingPackets: "-1": expected a non-negative integer/);
    expect(() => machineFromJson({ ...json, allowedPaddingPackets: "18446744073709551616" })).toThrow(/expected an integer in \[0, 2\^64 - 1\]/);
    const states = json.states as Record<string, unknown>[];
    expect(() => machineFromJson({ ...json, states: [{ ...states[0], transitions: { Nope: [] } }] })).toThrow(/states\[0\]\.transitions\.Nope: unknown event/);
    expect(() => machineFromJson({ ...json, states: [{ ...states[0], action: { kind: "SendPadding" } }] })).toThrow(/states\[0\]\.action\.bypass: missing/);
  });
});

function wrapMachine(m: ReturnType<typeof machine>): string {
  // serialize without validating, so invalid machines reach the parser's validation
  return wrap(rawBytes(m));
}

function rawBytes(m: ReturnType<typeof machine>): Uint8Array {
  const w = new BincodeWriter();
  w.varint(m.allowedPaddingPackets);
  w.f64(m.maxPaddingFrac);
  w.varint(m.allowedBlockedMicrosec);
  w.f64(m.maxBlockingFrac);
  w.varint(m.states.length);
  for (const s of m.states) {
    const a = s.action;
    w.bool(a !== null);
    if (a && a.kind === "SendPadding") {
      w.varint(1);
      w.bool(a.bypass);
      w.bool(a.replace);
      const t = a.timeout.dist as unknown as Record<string, number | bigint | string>;
      w.varint(DIST_TYPES.indexOf(t.type as never));
      for (const [k, v] of Object.entries(t)) if (k !== "type") typeof v === "bigint" ? w.varint(v) : w.f64(v as number);
      w.f64(a.timeout.start);
      w.f64(a.timeout.max);
      w.bool(false);
    }
    w.bool(false);
    w.bool(false);
    for (const list of s.transitions) {
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
