/**
 * Fuzzes sweep parameter paths (`sim/sweep/param-path.ts`) and setting them into an
 * experiment (`applyParams` in `sim/sweep/plan.ts`): strings from the path grammar with
 * `__proto__`, `constructor` and `prototype` among the keys, indices at and past the
 * lists' ends, and arbitrary strings. Accepted paths must print back to themselves, and
 * no case may touch `Object.prototype` (the harness checks after every case).
 *
 *   npx tsx bench/fuzz/param-path.ts [--cases N] [--seed S]     (default 100000)
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { formatPath, getPath, parsePath, pathProblem, setPath } from "../../sim/sweep/param-path.ts";
import { applyParams } from "../../sim/sweep/plan.ts";
import { nastyJson, runIfMain, type FuzzTarget } from "./_harness.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const base = JSON.parse(readFileSync(join(ROOT, "sim/experiment/builtin/default.json"), "utf8")) as Record<string, unknown>;

const key = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "prototype", "defenses", "device", "server", "params", "coverRate", "population", "users", "observers", "toString", "hasOwnProperty", "valueOf", "length"),
  fc.stringMatching(/^[A-Za-z_$][A-Za-z0-9_$-]{0,6}$/),
);
const step = fc.oneof(
  key.map((k) => `.${k}`),
  fc.oneof(fc.nat({ max: 12 }), fc.constantFrom(999999999, 1000000000)).map((i) => `[${i}]`),
  fc.constantFrom("[01]", "[-1]", "[x]", "..", ".", "[", "]", " "),
);
const path = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(key, fc.array(step, { maxLength: 6 })).map(([k, s]) => k + s.join("")) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
);

export const target: FuzzTarget<{ path: string; value: unknown }> = {
  name: "sweep path",
  arbitrary: fc.record({ path, value: nastyJson }),
  run({ path: p, value }) {
    const keys = parsePath(p);
    if (formatPath(keys) !== p) throw new Error(`path does not print back: ${p}`);
    getPath(base, keys);
    if (pathProblem(base, keys) === null) {
      const out = setPath(base, keys, value);
      if (JSON.stringify(getPath(out, keys)) !== JSON.stringify(value)) throw new Error(`setPath did not set ${p}`);
    }
    applyParams(base, { [p]: value });
  },
};

await runIfMain(import.meta.url, target);
