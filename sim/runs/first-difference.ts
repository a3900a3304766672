/**
 * Where two versions of an output first differ, said so a person can find it: for JSON
 * the path of the first differing field (keys in sorted order, which is the order
 * chaff writes them), for text the first differing line, for anything else the first
 * differing byte.
 *
 * @example
 * firstDifference("metrics.json", '{"a":{"b":1}}', '{"a":{"b":2}}')
 * // => 'a.b: 1 (expected) vs 2 (found)'
 * firstDifference("report.md", "x\ny\n", "x\nz\n")
 * // => 'line 2: "y" (expected) vs "z" (found)'
 */

function show(v: unknown): string {
  if (v === undefined) return "missing";
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function kind(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}

function joinPath(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  const k = /^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key) ? key : JSON.stringify(key);
  return path ? `${path}.${k}` : k;
}

/** The path and the two values at the first difference between two JSON values, or null if they are equal. */
export function firstJsonDifference(expected: unknown, found: unknown, path = ""): { path: string; expected: unknown; found: unknown } | null {
  if (kind(expected) !== kind(found)) return { path: path || "(root)", expected, found };
  if (Array.isArray(expected)) {
    const f = found as unknown[];
    for (let i = 0; i < Math.min(expected.length, f.length); i++) {
      const d = firstJsonDifference(expected[i], f[i], joinPath(path, i));
      if (d) return d;
    }
    if (expected.length !== f.length) {
      const i = Math.min(expected.length, f.length);
      return { path: joinPath(path, i), expected: expected[i], found: f[i] };
    }
    return null;
  }
  if (expected !== null && typeof expected === "object") {
    const e = expected as Record<string, unknown>;
    const f = found as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(e), ...Object.keys(f)])].sort();
    for (const k of keys) {
      if (!(k in e) || !(k in f)) return { path: joinPath(path, k), expected: e[k], found: f[k] };
      const d = firstJsonDifference(e[k], f[k], joinPath(path, k));
      if (d) return d;
    }
    return null;
  }
  return Object.is(expected, found) ? null : { path: path || "(root)", expected, found };
}

function isText(b: Buffer): boolean {
  return !b.includes(0) && Buffer.from(b.toString("utf8"), "utf8").equals(b);
}

function parseJson(b: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(b.toString("utf8")) };
  } catch {
    return { ok: false };
  }
}

/**
 * Describes the first difference between the expected and the found contents of the
 * output `name`, or returns null when the bytes are equal.
 */
export function firstDifference(name: string, expected: string | Uint8Array, found: string | Uint8Array): string | null {
  const a = Buffer.from(expected);
  const b = Buffer.from(found);
  if (a.equals(b)) return null;
  if (name.toLowerCase().endsWith(".json")) {
    const x = parseJson(a);
    const y = parseJson(b);
    if (x.ok && y.ok) {
      const d = firstJsonDifference(x.value, y.value);
      if (d) return `${d.path}: ${show(d.expected)} (expected) vs ${show(d.found)} (found)`;
      return "same JSON value, different bytes (whitespace or key order)";
    }
    if (!y.ok && x.ok) return "not valid JSON (found)";
  }
  if (isText(a) && isText(b)) {
    const la = a.toString("utf8").split("\n");
    const lb = b.toString("utf8").split("\n");
    for (let i = 0; i < Math.max(la.length, lb.length); i++) {
      if (la[i] !== lb[i]) return `line ${i + 1}: ${show(la[i])} (expected) vs ${show(lb[i])} (found)`;
    }
  }
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return `byte ${i}: 0x${a[i].toString(16).padStart(2, "0")} (expected) vs 0x${b[i].toString(16).padStart(2, "0")} (found)`;
  }
  return `length ${a.length} bytes (expected) vs ${b.length} (found)`;
}
