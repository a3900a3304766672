/**
 * Reading a JSON input file someone else may have made: an experiment, a manifest, a
 * sweep description, a tolerances file. Everything that can go wrong is one line of an
 * `InputError` (never a stack trace, never an unbounded read):
 *
 * - the path must name a regular file (not a directory, `/dev/zero`, a FIFO or a socket);
 * - at most `maxBytes` are read (default 16 MiB): the file's size is checked before
 *   reading and the read itself stops one byte past the cap, so a file that lies about
 *   its size (`/proc`, a growing file) cannot make it unbounded either;
 * - the text must be UTF-8 and JSON;
 * - arrays and objects may nest at most `maxDepth` deep (default 64), checked on the
 *   text before parsing, so nothing later (validation, canonical JSON, structuredClone)
 *   recurses deeper than that;
 * - no object key may be `__proto__`, `constructor` or `prototype`: such keys reach
 *   `Object.prototype` when a value is copied key by key, so they are refused by name
 *   with the path where they occur.
 *
 * @example
 * readJsonFile("exp.json", { label: "experiment file" })
 * // throws InputError ['experiment file /x/exp.json: defenses[0].params.__proto__: the key "__proto__" is not allowed (it would reach Object.prototype)']
 * parseJsonText('{"a":[[[1]]]}', { maxDepth: 2, label: "x" })
 * // throws InputError ['x: nesting deeper than 2 levels at a[0][0] (expected at most 2)']
 */
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { formatKeys, InputError } from "./validation.ts";

/** Keys that lead into an object's prototype chain when assigned: refused in every input. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

export const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;
export const DEFAULT_MAX_DEPTH = 64;

export interface JsonInputOptions {
  /** Largest file accepted, bytes (default 16 MiB). */
  maxBytes?: number;
  /** Deepest nesting of arrays and objects accepted (default 64; the top level is depth 1). */
  maxDepth?: number;
  /** How problem lines name the input, e.g. "experiment file" (the path is appended). */
  label?: string;
}

/** The problem line for a forbidden key at `path`. */
export function forbiddenKeyProblem(where: string, key: string): string {
  return `${where}: the key ${JSON.stringify(key)} is not allowed (it would reach Object.prototype)`;
}

function mib(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MiB` : `${n} bytes`;
}

/**
 * Reads at most `maxBytes` of a regular file; throws an InputError (one line) when the
 * path is missing, not a regular file, unreadable or larger than the cap.
 */
export function readCapped(path: string, opts: { maxBytes?: number; label?: string } = {}): Buffer {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const name = `${opts.label ? `${opts.label} ` : ""}${path}`;
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer (regular files ignore it).
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new InputError([`${name}: does not exist`]);
    if (code === "EISDIR") throw new InputError([`${name}: is a directory (expected a file)`]);
    if (code === "EACCES" || code === "EPERM") throw new InputError([`${name}: not readable (permission denied)`]);
    throw new InputError([`${name}: cannot be opened (${code ?? (e as Error).message})`]);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new InputError([`${name}: is a directory (expected a file)`]);
    if (!st.isFile()) throw new InputError([`${name}: not a regular file (a device, pipe or socket); expected a file`]);
    if (st.size > maxBytes) throw new InputError([`${name}: ${mib(st.size)}, larger than the ${mib(maxBytes)} accepted`]);
    const chunks: Buffer[] = [];
    let total = 0;
    const buf = Buffer.allocUnsafe(Math.min(maxBytes + 1, 1 << 20));
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, Math.min(buf.length, maxBytes + 1 - total), null);
      } catch (e) {
        throw new InputError([`${name}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`]);
      }
      if (n === 0) break;
      chunks.push(Buffer.from(buf.subarray(0, n)));
      total += n;
      if (total > maxBytes) throw new InputError([`${name}: larger than the ${mib(maxBytes)} accepted`]);
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

/**
 * Where the nesting of `[`/`{` in JSON text first goes deeper than `maxDepth`, as a
 * problem (null when it never does). Strings are skipped; no recursion.
 */
function depthProblem(text: string, maxDepth: number): string | null {
  const frames: { array: boolean; index: number; key: string }[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 0x5c /* \\ */) j += 2;
        else if (d === 0x22) break;
        else j++;
      }
      const top = frames[frames.length - 1];
      if (top && !top.array) {
        // In an object, a string followed by ':' is a key.
        let k = j + 1;
        while (k < n && (text[k] === " " || text[k] === "\n" || text[k] === "\r" || text[k] === "\t")) k++;
        if (text[k] === ":") top.key = text.slice(i + 1, Math.min(j, i + 41));
      }
      i = j + 1;
      continue;
    }
    if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (frames.length + 1 > maxDepth) {
        const keys = frames.map((f) => (f.array ? f.index : f.key));
        const at = keys.length > 8 ? `${formatKeys(keys.slice(0, 6))}… (${keys.length} levels in)` : formatKeys(keys);
        return `nesting deeper than ${maxDepth} levels at ${at} (expected at most ${maxDepth})`;
      }
      frames.push({ array: c === 0x5b, index: 0, key: "?" });
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      frames.pop();
    } else if (c === 0x2c /* , */) {
      const top = frames[frames.length - 1];
      if (top?.array) top.index++;
    }
    i++;
  }
  return null;
}

/** Every forbidden key in a parsed value, as a path; iterative, so any depth is safe. */
export function forbiddenKeyPaths(value: unknown): { path: (string | number)[]; key: string }[] {
  const found: { path: (string | number)[]; key: string }[] = [];
  const todo: { v: unknown; path: (string | number)[] }[] = [{ v: value, path: [] }];
  while (todo.length > 0) {
    const { v, path } = todo.pop() as { v: unknown; path: (string | number)[] };
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) todo.push({ v: v[i], path: [...path, i] });
    } else if (v !== null && typeof v === "object") {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) {
        const k = keys[i];
        if (FORBIDDEN_KEYS.has(k)) found.push({ path: [...path, k], key: k });
        else todo.push({ v: (v as Record<string, unknown>)[k], path: [...path, k] });
      }
    }
  }
  return found;
}

/** Parses JSON text under the depth and key rules; `label` names the input in problem lines. */
export function parseJsonText(text: string, opts: JsonInputOptions = {}): unknown {
  const label = opts.label ?? "JSON input";
  const maxDepth = opts.maxDepth ?? DEFAULT_MAX_DEPTH;
  const deep = depthProblem(text, maxDepth);
  if (deep) throw new InputError([`${label}: ${deep}`]);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InputError([`${label}: not valid JSON (${jsonErrorText(e as Error)})`]);
  }
  const bad = forbiddenKeyPaths(value);
  if (bad.length > 0) throw new InputError(bad.map(({ path, key }) => forbiddenKeyProblem(`${label}: ${formatKeys(path)}`, key)));
  return value;
}

/** V8's JSON error without the snippet of input it quotes (which may be someone else's file). */
export function jsonErrorText(e: Error): string {
  return e.message.replace(/,? ".*"(?:\.\.\.)? is not valid JSON$/s, "").replace(/^(Unexpected token .*?), .*$/s, "$1");
}

/** Decodes UTF-8 strictly: a file that is not text is one line, not mojibake. */
export function decodeUtf8(buf: Uint8Array, label: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(buf);
  } catch {
    throw new InputError([`${label}: not UTF-8 text (expected a JSON file)`]);
  }
}

/** Reads and parses a JSON file under the size, depth and key rules. */
export function readJsonFile(path: string, opts: JsonInputOptions = {}): unknown {
  const name = `${opts.label ?? "file"} ${path}`;
  const buf = readCapped(path, { maxBytes: opts.maxBytes, label: opts.label ?? "file" });
  return parseJsonText(decodeUtf8(buf, name), { ...opts, label: name });
}
