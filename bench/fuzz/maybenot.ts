/**
 * Fuzzing the Maybenot machine-string parser (issue 14; the reference fuzzes its own
 * parser with AFL: maybenot-io/maybenot `fuzz/fuzz_targets/maybenot_machine_string.rs`).
 *
 * Rule held: for any input, `parseMachine` either returns a valid machine or throws
 * the codec's MachineError — never another exception, never a hang. A machine that
 * parses must also round-trip (serialize, parse, same structure) and run: a framework
 * built from it takes 200 random events without throwing.
 *
 * Inputs (fast-check, seeded; the total is --cases, default 100,000):
 * - arbitrary strings (ASCII, unicode, and "02"-prefixed base64-looking text);
 * - random bytes as "02" + base64 (exercising the zlib envelope);
 * - random bytes as "02" + base64(zlib(bytes)) (exercising the bincode decoder);
 * - valid machine payloads (every public machine string and DAITA's) mutated byte by
 *   byte (flips, varint markers, inserted and deleted bytes, truncation), re-wrapped;
 * - valid machine strings mutated character by character;
 * - structured random machines (any field value, NaN and infinities included) through
 *   the encoder, which must refuse invalid ones with MachineError, then the parser;
 * - the reference's two fuzz-found crash inputs.
 * A watchdog (the fuzzing runs in a child process) fails the run if no case finishes
 * for 30 s.
 *
 *   npx tsx bench/fuzz/maybenot.ts [--cases N] [--seed S]
 *
 * Exit code 0: every case held; 1: a case threw something else (the input is printed);
 * 3: a hang.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { fork } from "node:child_process";
import fc from "fast-check";
import { zlibSync } from "fflate";
import { base64Encode } from "../../shapers/maybenot/base64.ts";
import { MachineError, machineStringPayload, parseMachine, serializeMachine } from "../../shapers/maybenot/codec.ts";
import { Framework } from "../../shapers/maybenot/framework.ts";
import type { Machine } from "../../shapers/maybenot/machine.ts";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..", "..");

function argValue(name: string, d: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return d;
  const v = Number(process.argv[i + 1]);
  if (!Number.isSafeInteger(v) || v < 1) {
    console.error(`${name} ${process.argv[i + 1]}: expected a positive integer`);
    process.exit(2);
  }
  return v;
}

function corpus(): string[] {
  const lines = (text: string) =>
    text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l.length > 0 && !l.startsWith("#"));
  const out = lines(readFileSync(join(ROOT, "test", "shapers", "maybenot", "data", "public-machines.txt"), "utf8"));
  const daita = join(ROOT, "..", "shared", "data", "daita-v2-machines.txt");
  if (existsSync(daita)) out.push(...lines(readFileSync(daita, "utf8")));
  return out;
}

function wrap(bytes: Uint8Array): string {
  return `02${base64Encode(zlibSync(bytes, { level: 6 }))}`;
}

/** A uniform source for the framework runs (deterministic per case). */
function rngFrom(seed: number): { next(): number } {
  let a = seed >>> 0 || 1;
  return {
    next: () => {
      a ^= a << 13;
      a ^= a >>> 17;
      a ^= a << 5;
      return (a >>> 0) / 4294967296;
    },
  };
}

const EVENTS = [0, 1, 2, 3, 4, 5, 6, 7, 10, 11];

let parsed = 0;

/** The property: parse throws only MachineError; a parsed machine round-trips and runs. */
function check(input: string): void {
  let m: Machine;
  try {
    m = parseMachine(input);
  } catch (e) {
    if (e instanceof MachineError) return;
    throw e;
  }
  parsed++;
  const again = parseMachine(serializeMachine(m));
  if (JSON.stringify(again, (_k, v) => (typeof v === "bigint" ? `${v}n` : Number.isNaN(v) ? "NaN" : v)) !==
      JSON.stringify(m, (_k, v) => (typeof v === "bigint" ? `${v}n` : Number.isNaN(v) ? "NaN" : v)))
    throw new Error("round trip changed the machine");
  const rng = rngFrom(input.length * 7919 + input.charCodeAt(input.length - 1));
  const f = new Framework([m, m], 0.5, 0.5, 0, rng);
  let now = 0;
  for (let i = 0; i < 200; i++) {
    now += Math.floor(rng.next() * 10_000);
    f.trigger(EVENTS[Math.floor(rng.next() * EVENTS.length)], Math.floor(rng.next() * 2), now);
  }
}

function fuzz(cases: number, seed: number, progress: (n: number) => void): void {
  const valid = corpus();
  const payloads = valid.map((s) => machineStringPayload(s));
  let done = 0;
  const tick = () => {
    if (++done % 1000 === 0) progress(done);
  };
  const run = (name: string, arb: fc.Arbitrary<string>, share: number) => {
    const numRuns = Math.max(1, Math.round(cases * share));
    const t0 = performance.now();
    const before = parsed;
    fc.assert(
      fc.property(arb, (s) => {
        tick();
        check(s);
      }),
      { numRuns, seed, endOnFailure: false },
    );
    const ok = parsed - before;
    console.log(`  ${name}: ${numRuns.toLocaleString("en")} cases held, ${ok.toLocaleString("en")} parsed as valid machines and ran (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  };

  const byteMutation = fc.record({
    base: fc.integer({ min: 0, max: payloads.length - 1 }),
    edits: fc.array(
      fc.record({
        op: fc.constantFrom("flip", "set", "marker", "insert", "delete", "truncate"),
        at: fc.nat(),
        value: fc.integer({ min: 0, max: 255 }),
      }),
      { minLength: 1, maxLength: 6 },
    ),
  });
  const mutatePayload = byteMutation.map(({ base, edits }) => {
    const bytes = Array.from(payloads[base]);
    for (const e of edits) {
      const at = bytes.length === 0 ? 0 : e.at % bytes.length;
      if (e.op === "flip") bytes[at] ^= 1 << (e.value & 7);
      else if (e.op === "set") bytes[at] = e.value;
      else if (e.op === "marker") bytes[at] = 250 + (e.value % 6);
      else if (e.op === "insert") bytes.splice(at, 0, e.value);
      else if (e.op === "delete") bytes.splice(at, 1);
      else bytes.length = at;
    }
    return wrap(Uint8Array.from(bytes));
  });
  const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=é\n ";
  const mutateString = fc
    .record({
      base: fc.integer({ min: 0, max: valid.length - 1 }),
      edits: fc.array(fc.record({ at: fc.nat(), ch: fc.integer({ min: 0, max: ALPHABET.length - 1 }), op: fc.constantFrom("set", "insert", "delete") }), {
        minLength: 1,
        maxLength: 4,
      }),
    })
    .map(({ base, edits }) => {
      let s = valid[base];
      for (const e of edits) {
        const at = e.at % s.length;
        if (e.op === "set") s = s.slice(0, at) + ALPHABET[e.ch] + s.slice(at + 1);
        else if (e.op === "insert") s = s.slice(0, at) + ALPHABET[e.ch] + s.slice(at);
        else s = s.slice(0, at) + s.slice(at + 1);
      }
      return s;
    });

  // structured random machines: any field value, valid or not, through the encoder
  // mostly plausible values (so that many machines are valid and run), sometimes anything
  const num = fc.oneof(
    { arbitrary: fc.double({ min: 0.01, max: 1000, noNaN: true }), weight: 40 },
    { arbitrary: fc.double(), weight: 1 },
    { arbitrary: fc.constantFrom(0, 1, -0, Number.NaN, Infinity, 1e-10, 1e43, 2e19), weight: 1 },
  );
  const dist = fc.record({
    type: fc.constantFrom("Uniform", "Normal", "SkewNormal", "LogNormal", "Binomial", "Geometric", "Pareto", "Poisson", "Weibull", "Gamma", "Beta"),
    a: num,
    b: num,
    c: num,
    trials: fc.bigInt({ min: 0n, max: 2_000_000_000n }),
    start: num,
    max: num,
  }).map((d) => {
    const names: Record<string, string[]> = {
      Uniform: ["low", "high"], Normal: ["mean", "stdev"], SkewNormal: ["location", "scale", "shape"], LogNormal: ["mu", "sigma"],
      Binomial: ["trials", "probability"], Geometric: ["probability"], Pareto: ["scale", "shape"], Poisson: ["lambda"],
      Weibull: ["scale", "shape"], Gamma: ["scale", "shape"], Beta: ["alpha", "beta"],
    };
    const t: Record<string, unknown> = { type: d.type };
    const vals = [d.a, d.b, d.c];
    names[d.type].forEach((k, i) => (t[k] = k === "trials" ? d.trials : vals[i]));
    return { dist: t, start: d.start, max: d.max };
  });
  const optDist = fc.option(dist, { nil: null });
  const action = fc.oneof(
    fc.constant(null),
    fc.record({ kind: fc.constant("Cancel"), timer: fc.constantFrom("Action", "Internal", "All") }),
    fc.record({ kind: fc.constant("SendPadding"), bypass: fc.boolean(), replace: fc.boolean(), timeout: dist, limit: optDist }),
    fc.record({ kind: fc.constant("BlockOutgoing"), bypass: fc.boolean(), replace: fc.boolean(), timeout: dist, duration: dist, limit: optDist }),
    fc.record({ kind: fc.constant("UpdateTimer"), replace: fc.boolean(), duration: dist, limit: optDist }),
  );
  const counter = fc.option(fc.record({ operation: fc.constantFrom("Increment", "Decrement", "Set"), dist: optDist, copy: fc.boolean() }), { nil: null });
  const trans = fc.option(
    fc.array(
      fc.record({
        to: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 2 }), weight: 60 }, { arbitrary: fc.constantFrom(0xffff_ffff, 0xffff_fffe), weight: 5 }, { arbitrary: fc.constant(7), weight: 1 }),
        p: fc.oneof(
          { arbitrary: fc.constant(1), weight: 30 },
          { arbitrary: fc.float({ min: Math.fround(0.01), max: Math.fround(0.5), noNaN: true }), weight: 30 },
          { arbitrary: fc.float(), weight: 1 },
        ),
      }),
      { minLength: 1, maxLength: 1 },
    ),
    { nil: null, freq: 2 },
  );
  const state = fc.record({ action, counterA: counter, counterB: counter, transitions: fc.array(trans, { minLength: 13, maxLength: 13 }) });
  const machine = fc.record({
    allowedPaddingPackets: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    maxPaddingFrac: fc.oneof({ arbitrary: fc.double({ min: 0, max: 1, noNaN: true }), weight: 30 }, { arbitrary: num, weight: 1 }),
    allowedBlockedMicrosec: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    maxBlockingFrac: fc.oneof({ arbitrary: fc.double({ min: 0, max: 1, noNaN: true }), weight: 30 }, { arbitrary: num, weight: 1 }),
    states: fc.array(state, { minLength: 3, maxLength: 4 }),
  });
  const encoded = machine.map((m) => {
    try {
      return serializeMachine(m as unknown as Machine);
    } catch (e) {
      if (e instanceof MachineError) return "02";
      throw e;
    }
  });

  run("structured random machines (encoder, then parser)", encoded, 0.15);
  run("arbitrary strings", fc.oneof(fc.string({ maxLength: 120 }), fc.string({ unit: "binary", maxLength: 60 }), fc.base64String({ maxLength: 120 }).map((b) => `02${b}`)), 0.1);
  run("random bytes as base64", fc.uint8Array({ maxLength: 200 }).map((b) => `02${base64Encode(b)}`), 0.15);
  run("random bytes through zlib", fc.uint8Array({ maxLength: 300 }).map(wrap), 0.25);
  run("mutated valid payloads", mutatePayload, 0.2);
  run("mutated valid strings", mutateString, 0.15);
  for (const f of ["fuzz-machine-str-0.bin", "fuzz-machine-str-1.bin"]) {
    check(new TextDecoder().decode(readFileSync(join(ROOT, "test", "shapers", "maybenot", "data", f))));
  }
  console.log(`  the reference's two fuzz-found inputs: rejected cleanly`);
  progress(-done);
}

const CHILD = "--fuzz-child";
if (!process.argv.includes(CHILD)) {
  const cases = argValue("--cases", 100_000);
  const seed = argValue("--seed", 14);
  console.log(`maybenot parser fuzz: ${cases.toLocaleString("en")} cases, seed ${seed}`);
  const child = fork(fileURLToPath(import.meta.url), [CHILD, "--cases", String(cases), "--seed", String(seed)], {
    execArgv: ["--import", "tsx"],
  });
  let last = Date.now();
  let finished = false;
  const watchdog = setInterval(() => {
    if (Date.now() - last > 30_000) {
      console.error("FAIL: no case finished for 30 s (a hang)");
      child.kill("SIGKILL");
      process.exit(3);
    }
  }, 1000);
  child.on("message", (n) => {
    last = Date.now();
    if (typeof n === "number" && n < 0) {
      finished = true;
      console.log(`ok: ${(-n).toLocaleString("en")} cases, every one parsed or threw MachineError`);
    }
  });
  child.on("exit", (code) => {
    clearInterval(watchdog);
    if (!finished) console.error(`FAIL: the fuzzing process exited with code ${code} (see the error above)`);
    process.exit(finished && code === 0 ? 0 : 1);
  });
} else {
  const cases = argValue("--cases", 100_000);
  const seed = argValue("--seed", 14);
  try {
    fuzz(cases, seed, (n) => process.send?.(n));
  } catch (e) {
    console.error(`FAIL: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  }
  process.disconnect?.();
}
