/**
 * The shared harness of the parser fuzzers in `bench/fuzz/` (files starting with `_` are
 * helpers, not fuzzers; `run.ts` skips them).
 *
 * A target names a parser, a fast-check generator of hostile inputs, how to feed one
 * input to the parser (and check what it accepted, e.g. a round trip), and which
 * exception is the parser's own validation error. Every case must either be accepted
 * or throw that error; anything else (a TypeError, a RangeError, a stack overflow, a
 * polluted `Object.prototype`, a failed round trip) fails the run, printed with the
 * shrunk input.
 *
 * Each fuzzer is a script: `npx tsx bench/fuzz/<name>.ts [--cases N] [--seed S]`
 * (default 100,000 cases), printing one summary line and exiting 1 on a failure; and a
 * module exporting `target`, which `test/fuzz/` runs for fewer cases in `npm test`.
 */
import fc from "fast-check";
import { pathToFileURL } from "node:url";
import { InputError } from "../../sim/core/validation.ts";

export interface FuzzTarget<T> {
  /** The parser, as the summary line names it. */
  name: string;
  arbitrary: fc.Arbitrary<T>;
  /** Feeds one input; returns normally when it was accepted (after any checks of what was accepted). */
  run(input: T): void | Promise<void>;
  /** True for the parser's own validation error (default: InputError). */
  expected?: (e: unknown) => boolean;
  /** How a failing input is printed (default: JSON, shortened). */
  show?: (input: T) => string;
}

export interface FuzzResult {
  name: string;
  cases: number;
  accepted: number;
  rejected: number;
  slowestMs: number;
  seconds: number;
  failure: string | null;
}

const PROTO_KEYS = Object.getOwnPropertyNames(Object.prototype).sort().join(",");

/** Whether anything has been written into Object.prototype (a pollution the fuzzers watch for). */
export function prototypePolluted(): boolean {
  return Object.getOwnPropertyNames(Object.prototype).sort().join(",") !== PROTO_KEYS || ({} as Record<string, unknown>).polluted !== undefined;
}

function defaultShow(input: unknown): string {
  let s: string;
  try {
    s = typeof input === "string" ? JSON.stringify(input) : JSON.stringify(input, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString("hex") : v));
  } catch {
    s = String(input);
  }
  return s.length > 4000 ? `${s.slice(0, 4000)}… (${s.length} characters)` : s;
}

/** Runs `cases` inputs of `target` from `seed`; the first unexpected exception ends the run. */
export async function fuzz<T>(target: FuzzTarget<T>, cases: number, seed = 1): Promise<FuzzResult> {
  const expected = target.expected ?? ((e: unknown) => e instanceof InputError);
  let accepted = 0;
  let rejected = 0;
  let slowestMs = 0;
  const t0 = performance.now();
  const details = await fc.check(
    fc.asyncProperty(target.arbitrary, async (input) => {
      const start = performance.now();
      try {
        await target.run(input);
        accepted++;
      } catch (e) {
        if (!expected(e)) throw e;
        rejected++;
      } finally {
        slowestMs = Math.max(slowestMs, performance.now() - start);
      }
      if (prototypePolluted()) throw new Error("Object.prototype was modified");
    }),
    { numRuns: cases, seed, endOnFailure: true },
  );
  let failure: string | null = null;
  if (details.failed) {
    const [input] = (details.counterexample ?? [undefined]) as [T];
    const err = details.errorInstance as Error | undefined;
    let shown: string;
    try {
      shown = (target.show ?? defaultShow)(input);
    } catch (e) {
      shown = `(cannot be shown: ${(e as Error).message})`;
    }
    failure = `${err?.stack ?? String(details.errorInstance)}\ninput: ${shown}`;
  }
  return { name: target.name, cases: accepted + rejected, accepted, rejected, slowestMs, seconds: (performance.now() - t0) / 1000, failure };
}

export function summary(r: FuzzResult, seed: number): string {
  return `${r.name} fuzz: ${r.cases} cases (seed ${seed}) in ${r.seconds.toFixed(1)} s: ${r.accepted} accepted, ${r.rejected} rejected with the parser's own error, slowest case ${r.slowestMs.toFixed(1)} ms${r.failure ? ", FAILED" : ", none crashed"}`;
}

/** Parses `--cases N` and `--seed S` (plain decimal integers). */
export function fuzzArgs(argv: readonly string[], defaults = { cases: 100_000, seed: 1 }): { cases: number; seed: number } {
  const arg = (name: string, def: number) => {
    const i = argv.indexOf(name);
    if (i < 0) return def;
    const text = argv[i + 1] ?? "";
    if (!/^[1-9][0-9]{0,9}$/.test(text)) {
      process.stderr.write(`error: ${name} = ${JSON.stringify(text)}: expected a positive decimal integer\n`);
      process.exit(2);
    }
    return Number(text);
  };
  return { cases: arg("--cases", defaults.cases), seed: arg("--seed", defaults.seed) };
}

/** Runs `target` as a script when `moduleUrl` is the script node was started with. */
export async function runIfMain<T>(moduleUrl: string, target: FuzzTarget<T>): Promise<void> {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  const { cases, seed } = fuzzArgs(process.argv);
  const r = await fuzz(target, cases, seed);
  process.stdout.write(`${summary(r, seed)}\n`);
  if (r.failure) {
    process.stdout.write(`FAILED: an exception other than the parser's own validation error:\n${r.failure}\n`);
    process.exit(1);
  }
}

// ---- generators shared by the fuzzers -------------------------------------------------

/** Strings a hostile user would try: markup, prototype keys, huge and odd numbers, control characters. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "",
    " ",
    "__proto__",
    "constructor",
    "prototype",
    "<img src=x onerror=alert(1)>",
    "../../etc/passwd",
    "/dev/zero",
    "\u0000",
    "\u202e",
    "NaN",
    "Infinity",
    "-0",
    "1e309",
    "0x10",
    "1e3",
    "9".repeat(400),
    "a".repeat(5000),
  ),
  fc.string(),
  fc.string({ unit: "grapheme-ascii" }),
  fc.string({ unit: "binary" }),
);

/** Numbers at the edges: zero, tiny, huge, negative, fractional. */
export const nastyNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, 0.5, 1e-300, 5e-324, 1e-9, 1e-7, 1e9, 1e15, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 53 + 2, 1e308, -1e308),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Any JSON value, biased to nasty leaves and prototype keys. */
export const nastyJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    nastyNumber,
    nastyString,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom("__proto__", "constructor", "prototype", "seed", "params", "name"), fc.string({ maxLength: 8 })), tie("value"), { maxKeys: 4 }),
  ),
})).value;

type Json = unknown;
type Path = (string | number)[];

/** Every path to a value inside `v` (objects and arrays), the root included. */
export function pathsOf(v: Json, path: Path = [], out: Path[] = [], limit = 2000): Path[] {
  if (out.length >= limit) return out;
  out.push(path);
  if (Array.isArray(v)) v.forEach((x, i) => pathsOf(x, [...path, i], out, limit));
  else if (v !== null && typeof v === "object") for (const k of Object.keys(v)) pathsOf((v as Record<string, Json>)[k], [...path, k], out, limit);
  return out;
}

function setAt(root: Json, path: Path, f: (old: Json) => Json | undefined): Json {
  if (path.length === 0) return f(root);
  const [k, ...rest] = path;
  if (Array.isArray(root)) {
    const copy = [...root];
    const v = setAt(copy[k as number], rest, f);
    if (v === undefined && rest.length === 0) copy.splice(k as number, 1);
    else copy[k as number] = v;
    return copy;
  }
  if (root !== null && typeof root === "object") {
    const copy: Record<string, Json> = {};
    for (const key of Object.keys(root)) Object.defineProperty(copy, key, { value: (root as Record<string, Json>)[key], enumerable: true, writable: true, configurable: true });
    const v = setAt(copy[k as string], rest, f);
    if (v === undefined && rest.length === 0) delete copy[k as string];
    else Object.defineProperty(copy, k as string, { value: v, enumerable: true, writable: true, configurable: true });
    return copy;
  }
  return root;
}

export type Mutation =
  | { kind: "replace"; at: number; value: Json }
  | { kind: "delete"; at: number }
  | { kind: "addKey"; at: number; key: string; value: Json }
  | { kind: "nest"; at: number; depth: number; array: boolean };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("replace" as const), at: fc.nat(), value: nastyJson }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant("addKey" as const),
    at: fc.nat(),
    key: fc.oneof(fc.constantFrom("__proto__", "constructor", "prototype", "colour", "$schema", "params", "seed"), fc.string({ maxLength: 10 })),
    value: nastyJson,
  }),
  fc.record({ kind: fc.constant("nest" as const), at: fc.nat(), depth: fc.integer({ min: 1, max: 400 }), array: fc.boolean() }),
);

/** Applies mutations to a JSON document (each at a path chosen among the current ones). */
export function mutate(doc: Json, muts: readonly Mutation[]): Json {
  let d = doc;
  for (const m of muts) {
    const paths = pathsOf(d);
    const path = paths[m.at % paths.length];
    if (m.kind === "replace") d = setAt(d, path, () => m.value);
    else if (m.kind === "delete") d = path.length === 0 ? d : setAt(d, path, () => undefined);
    else if (m.kind === "addKey") {
      d = setAt(d, path, (old) => {
        if (old === null || typeof old !== "object" || Array.isArray(old)) return old;
        const copy = { ...(old as Record<string, Json>) };
        Object.defineProperty(copy, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
        return copy;
      });
    } else {
      d = setAt(d, path, (old) => {
        let v = old;
        for (let i = 0; i < m.depth; i++) v = m.array ? [v] : { a: v };
        return v;
      });
    }
  }
  return d;
}

export type TextEdit = { at: number; cut: number; insert: string };

export const textEdit: fc.Arbitrary<TextEdit> = fc.record({
  at: fc.nat(),
  cut: fc.nat({ max: 20 }),
  insert: fc.oneof(fc.constantFrom("", "{", "}", "[", "]", ",", ":", '"', "\\", "\u0000", "1e999", "-", "__proto__"), fc.string({ maxLength: 6 })),
});

/** Applies text edits (cut and insert at a position) to a string. */
export function editText(text: string, edits: readonly TextEdit[]): string {
  let t = text;
  for (const e of edits) {
    const at = t.length === 0 ? 0 : e.at % (t.length + 1);
    t = t.slice(0, at) + e.insert + t.slice(at + e.cut);
  }
  return t;
}
