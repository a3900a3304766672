/**
 * Parameters, for every shaper in the registry: the defaults parse and build a shaper on
 * both sides; NaN, ±Infinity, negative, out-of-range, fractional-integer, wrong-type and
 * unknown values are rejected with a message naming the shaper, the parameter, the value
 * and the allowed range. Numeric parameters are found from each schema's JSON Schema.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { loadShapers } from "../../sim/experiment/registries.ts";
import type { ShaperDefinition } from "../../shapers/shaper.ts";
import { InputError } from "../../sim/core/validation.ts";
import { validateShaperParams } from "../../sim/experiment/registries.ts";
import { stream } from "../../sim/core/rng.ts";

const defs = await loadShapers();

interface Leaf {
  path: string[];
  node: Record<string, unknown>;
}

/** Every leaf parameter of an object JSON Schema (the numeric branch of a nullable one). */
function leaves(schema: Record<string, unknown>, path: string[] = []): Leaf[] {
  const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const out: Leaf[] = [];
  for (const [key, raw] of Object.entries(props)) {
    const node = raw.anyOf ? ((raw.anyOf as Record<string, unknown>[]).find((b) => b.type !== "null") ?? raw) : raw;
    if (node.type === "object") out.push(...leaves(node, [...path, key]));
    else out.push({ path: [...path, key], node });
  }
  return out;
}

function withValue(path: string[], value: unknown): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  let cur = root;
  path.forEach((k, i) => {
    if (i === path.length - 1) cur[k] = value;
    else cur = cur[k] = {} as Record<string, unknown>;
  });
  return root;
}

function rejection(def: ShaperDefinition, raw: unknown): string {
  try {
    validateShaperParams(def, raw);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error(`shaper "${def.name}" accepted ${JSON.stringify(raw)}`);
}

const RANGE = /expected .*(from|>|<|one of|true or false|finite)/;

describe("shaper parameters", () => {
  for (const [name, def] of defs) {
    describe(name, () => {
      it("defaults parse and build a shaper on both sides", () => {
        const p = validateShaperParams(def, {});
        expect(validateShaperParams(def, undefined)).toEqual(p);
        expect(JSON.parse(JSON.stringify(p))).toEqual(p); // parameters serialize to JSON
        for (const side of ["device", "server"] as const) {
          const s = def.create(p, { rng: stream(1, name), side, mtu: 1500 });
          expect(typeof s.onQueued).toBe("function");
        }
      });

      it("rejects unknown parameters", () => {
        expect(rejection(def, { noSuchParameter: 1 })).toMatch(new RegExp(`shaper "${name}".*noSuchParameter`));
      });

      const json = z.toJSONSchema(def.schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
      for (const { path, node } of leaves(json)) {
        const param = path.join(".");
        const prefix = `shaper "${name}" parameter ${param} = `;
        if (node.type === "number" || node.type === "integer") {
          it(`${param}: rejects NaN, infinities, and values outside its range`, () => {
            const bad: [unknown, string][] = [
              [Number.NaN, "NaN"],
              [Infinity, "Infinity"],
              [-Infinity, "-Infinity"],
              ["1", '"1"'],
            ];
            const min = (node.minimum ?? node.exclusiveMinimum) as number | undefined;
            const max = (node.maximum ?? node.exclusiveMaximum) as number | undefined;
            if (min !== undefined && min >= 0) bad.push([-1, "-1"]);
            if (min !== undefined) bad.push([min - 1, String(min - 1)]);
            if (node.exclusiveMinimum !== undefined) bad.push([min, String(min)]);
            if (max !== undefined) bad.push([max + 1, String(max + 1)]);
            if (node.type === "integer") bad.push([(min ?? 0) + 1.5, String((min ?? 0) + 1.5)]);
            for (const [value, shown] of bad) {
              const msg = rejection(def, withValue(path, value));
              expect(msg).toContain(prefix);
              expect(msg).toMatch(RANGE);
              expect(msg).toContain(shown);
            }
          });
        } else if (node.type === "boolean" || node.enum) {
          it(`${param}: rejects a value of the wrong kind`, () => {
            const msg = rejection(def, withValue(path, "bogus"));
            expect(msg).toContain(`${prefix}"bogus"`);
            expect(msg).toMatch(RANGE);
          });
        }
      }
    });
  }
});
