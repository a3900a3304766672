/**
 * Parameter paths: how a sweep axis or a tunable range names one value inside an
 * experiment, e.g. `defenses[1].device.params.coverRate`. Dotted keys and `[i]` array
 * indices, the same notation validation errors print, so a path copied from an error
 * message points at the value it names.
 *
 * Setting a path never creates containers: the path must lead through objects and arrays
 * that exist in the parsed experiment (whose defaults are filled in); only its last key
 * may be new, and then the experiment schema (strict objects) decides whether the key
 * is allowed. A typo is therefore reported by the same one-line-per-problem validation
 * as any other unknown key.
 *
 * The keys `__proto__`, `constructor` and `prototype` are refused by name wherever a
 * path is read (`pathSyntaxProblem`, `parsePath`, `tryParsePath`) or followed
 * (`getPath`, `pathProblem`, `setPath`): assigning through them would rewrite
 * `Object.prototype` for the rest of the process. Paths are followed through own
 * properties only.
 *
 * A sweep axis or a tunable range may name several paths that move together (a tied
 * axis: `["defenses[1].device.params.coverRate", "defenses[1].server.params.coverRate"]`);
 * every path of it is set to the axis's value. `axisPaths` lists them in canonical
 * notation, `axisLabel` names the axis in messages and reports ("a = b").
 *
 * @example
 * parsePath("defenses[1].device.params.coverRate") // => ["defenses", 1, "device", "params", "coverRate"]
 * axisPaths(["device.params.coverRate", "server.params.coverRate"]) // => both paths; axisLabel of it: "device.params.coverRate = server.params.coverRate"
 * setPath({ a: [{ b: 1 }] }, "a[0].b", 2)          // => { a: [{ b: 2 }] } (a copy; the input is unchanged)
 */

import { InputError } from "../core/validation.ts";
import { FORBIDDEN_KEYS } from "../core/json-input.ts";

export type PathKey = string | number;

/** Longest path accepted, in characters. */
export const MAX_PATH_LENGTH = 1000;

const EXPECTED = "expected a parameter path such as defenses[1].device.params.coverRate";

/** A key: letters, digits, '_', '$' or '-', not starting with a digit or '-'. */
const KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*/;

/** The keys of a path, or the reason it is not one (a forbidden key is named). */
function scanPath(path: unknown): { keys: PathKey[] } | { problem: string } {
  if (typeof path !== "string") return { problem: EXPECTED };
  if (path.length > MAX_PATH_LENGTH) return { problem: `${EXPECTED} (at most ${MAX_PATH_LENGTH} characters)` };
  const keys: PathKey[] = [];
  let rest = path;
  let first = true;
  while (rest.length > 0) {
    if (rest.startsWith("[")) {
      const m = /^\[(0|[1-9][0-9]{0,8})\]/.exec(rest);
      if (!m) return { problem: EXPECTED };
      keys.push(Number(m[1]));
      rest = rest.slice(m[0].length);
    } else {
      if (!first) {
        if (!rest.startsWith(".")) return { problem: EXPECTED };
        rest = rest.slice(1);
      }
      const m = KEY.exec(rest);
      if (!m) return { problem: EXPECTED };
      if (FORBIDDEN_KEYS.has(m[0])) return { problem: forbiddenKey(m[0]) };
      keys.push(m[0]);
      rest = rest.slice(m[0].length);
    }
    first = false;
  }
  return keys.length > 0 && typeof keys[0] === "string" ? { keys } : { problem: EXPECTED };
}

function forbiddenKey(key: string): string {
  return `the key ${JSON.stringify(key)} is not allowed in a parameter path (it would reach Object.prototype)`;
}

/**
 * Why `path` is not a parameter path, or null when it is one. Names a forbidden key:
 * `pathSyntaxProblem("a.__proto__.b")` => 'the key "__proto__" is not allowed in a parameter path (…)'.
 */
export function pathSyntaxProblem(path: unknown): string | null {
  const r = scanPath(path);
  return "problem" in r ? r.problem : null;
}

/** Parses a path, or returns null when it is not one (including one through a forbidden key). */
export function tryParsePath(path: string): PathKey[] | null {
  const r = scanPath(path);
  return "keys" in r ? r.keys : null;
}

/** Parses a path; throws an InputError (one line: the path and what is wrong) when it is not one. */
export function parsePath(path: string): PathKey[] {
  const r = scanPath(path);
  if ("problem" in r) throw new InputError([`${JSON.stringify(path)}: not a parameter path: ${r.problem}`]);
  return r.keys;
}

const own = (v: object, k: PathKey): boolean => Object.prototype.hasOwnProperty.call(v, k);

/** Prints keys back in path notation. */
export function formatPath(keys: readonly PathKey[]): string {
  let s = "";
  for (const k of keys) s += typeof k === "number" ? `[${k}]` : s ? `.${k}` : k;
  return s;
}

/** The paths an axis sets, in canonical notation: its one path, or each of a tied list. Throws InputError on a path that is not one. */
export function axisPaths(path: string | readonly string[]): string[] {
  return (typeof path === "string" ? [path] : path).map((p) => formatPath(parsePath(p)));
}

/** An axis as messages and reports name it: its path, or its tied paths joined by " = ". */
export function axisLabel(path: string | readonly string[]): string {
  return typeof path === "string" ? path : path.join(" = ");
}

/** The value at `keys`, or undefined when the path leads nowhere (own properties only). */
export function getPath(root: unknown, keys: readonly PathKey[]): unknown {
  let v = root;
  for (const k of keys) {
    if (v === null || typeof v !== "object") return undefined;
    if (Array.isArray(v) !== (typeof k === "number")) return undefined;
    if (typeof k === "string" && FORBIDDEN_KEYS.has(k)) return undefined;
    if (!own(v, k)) return undefined;
    v = (v as Record<PathKey, unknown>)[k];
  }
  return v;
}

/**
 * Why `keys` cannot be set in `root`, or null when it can: every container on the way
 * must exist and be of the right kind (an object for a key, an array for an index within
 * its length).
 */
export function pathProblem(root: unknown, keys: readonly PathKey[]): string | null {
  let v = root;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const at = formatPath(keys.slice(0, i)) || "the experiment";
    if (typeof k === "string" && FORBIDDEN_KEYS.has(k)) return forbiddenKey(k);
    if (typeof k === "number") {
      if (!Array.isArray(v)) return `${at} is not a list, so it has no [${k}]`;
      if (k >= v.length) return `${at} has ${v.length} entries, so it has no [${k}]`;
    } else if (v === null || typeof v !== "object" || Array.isArray(v)) {
      return `${at} is not an object, so it has no "${k}"`;
    }
    if (i < keys.length - 1) v = own(v as object, k) ? (v as Record<PathKey, unknown>)[k] : undefined;
  }
  return null;
}

/** A deep copy of `root` with `value` at `keys`. Throws when `pathProblem` would say why not. */
export function setPath<T>(root: T, keys: readonly PathKey[], value: unknown): T {
  const problem = pathProblem(root, keys);
  if (problem) throw new Error(`cannot set ${formatPath(keys)}: ${problem}`);
  const copy = structuredClone(root);
  let v = copy as unknown as Record<PathKey, unknown>;
  for (let i = 0; i < keys.length - 1; i++) v = v[keys[i]] as Record<PathKey, unknown>;
  // defineProperty, not assignment: a plain own data property whatever the key.
  Object.defineProperty(v, keys[keys.length - 1], { value: structuredClone(value), writable: true, enumerable: true, configurable: true });
  return copy;
}
