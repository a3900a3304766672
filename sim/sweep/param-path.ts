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
 * @example
 * parsePath("defenses[1].device.params.coverRate") // => ["defenses", 1, "device", "params", "coverRate"]
 * setPath({ a: [{ b: 1 }] }, "a[0].b", 2)          // => { a: [{ b: 2 }] } (a copy; the input is unchanged)
 */

export type PathKey = string | number;

/** A key: letters, digits, '_', '$' or '-', not starting with a digit or '-'. */
const KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*/;

/** Parses a path, or returns null when it is not one. */
export function tryParsePath(path: string): PathKey[] | null {
  const keys: PathKey[] = [];
  let rest = path;
  let first = true;
  while (rest.length > 0) {
    if (rest.startsWith("[")) {
      const m = /^\[(0|[1-9][0-9]{0,8})\]/.exec(rest);
      if (!m) return null;
      keys.push(Number(m[1]));
      rest = rest.slice(m[0].length);
    } else {
      if (!first) {
        if (!rest.startsWith(".")) return null;
        rest = rest.slice(1);
      }
      const m = KEY.exec(rest);
      if (!m) return null;
      keys.push(m[0]);
      rest = rest.slice(m[0].length);
    }
    first = false;
  }
  return keys.length > 0 && typeof keys[0] === "string" ? keys : null;
}

export function parsePath(path: string): PathKey[] {
  const keys = tryParsePath(path);
  if (!keys) throw new Error(`"${path}" is not a parameter path (expected e.g. defenses[1].device.params.coverRate)`);
  return keys;
}

/** Prints keys back in path notation. */
export function formatPath(keys: readonly PathKey[]): string {
  let s = "";
  for (const k of keys) s += typeof k === "number" ? `[${k}]` : s ? `.${k}` : k;
  return s;
}

/** The value at `keys`, or undefined when the path leads nowhere. */
export function getPath(root: unknown, keys: readonly PathKey[]): unknown {
  let v = root;
  for (const k of keys) {
    if (v === null || typeof v !== "object") return undefined;
    if (Array.isArray(v) !== (typeof k === "number")) return undefined;
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
    if (typeof k === "number") {
      if (!Array.isArray(v)) return `${at} is not a list, so it has no [${k}]`;
      if (k >= v.length) return `${at} has ${v.length} entries, so it has no [${k}]`;
    } else if (v === null || typeof v !== "object" || Array.isArray(v)) {
      return `${at} is not an object, so it has no "${k}"`;
    }
    if (i < keys.length - 1) v = (v as Record<PathKey, unknown>)[k];
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
  v[keys[keys.length - 1]] = structuredClone(value);
  return copy;
}
