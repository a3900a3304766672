/**
 * Canonical JSON: object keys sorted, no whitespace variance, so that equal values hash
 * equal. Used for config hashes, point ids and manifest hashes.
 *
 * @example
 * canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] }) // => '{"a":[2,{"c":4,"d":3}],"b":1}'
 */
import { createHash } from "node:crypto";

export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as Record<string, unknown>).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortKeys(x);
    }
    return out;
  }
  return v;
}

export function sha256(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Pretty JSON with a trailing newline, keys in canonical order, never NaN. */
export function prettyJson(value: unknown): string {
  const text = JSON.stringify(sortKeys(value), (_k, v) => {
    if (typeof v === "number" && !Number.isFinite(v)) throw new Error(`refusing to write ${v} to a results file`);
    return v;
  }, 2);
  return `${text}\n`;
}
