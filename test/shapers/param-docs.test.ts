/**
 * Self-describing parameters (issue 17 item 4): every parameter of every registered
 * shaper carries a one-line meaning in its JSON Schema `description` (what `chaff
 * shapers` prints and an editor shows from `chaff schema`), and every numeric one
 * records its unit (`unit`, set by the helpers in shapers/params.ts) and names that unit
 * in its description. Parameters are walked recursively (nested objects, nullable and
 * optional branches), so a new parameter without text fails here.
 *
 * Every registered observer is held to the same rule: a one-line meaning per parameter,
 * and per numeric parameter a `unit` in the schema metadata that the text names.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { loadObservers, loadShapers } from "../../sim/experiment/registries.ts";

type Node = Record<string, unknown>;

interface Param {
  path: string;
  node: Node;
  /** The branch that carries the value's type (the non-null one of a nullable). */
  value: Node;
}

function params(schema: Node, prefix = ""): Param[] {
  const out: Param[] = [];
  for (const [key, node] of Object.entries((schema.properties ?? {}) as Record<string, Node>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const value = node.anyOf ? ((node.anyOf as Node[]).find((b) => b.type !== "null") ?? node) : node;
    out.push({ path, node, value });
    if (value.type === "object") out.push(...params(value, path));
  }
  return out;
}

const isNumeric = (p: Param) => p.value.type === "number" || p.value.type === "integer";

/** What is wrong with one parameter's documentation, or nothing. */
function problem(p: Param): string | undefined {
  const text = p.node.description;
  if (typeof text !== "string" || text.trim() === "") return `${p.path}: no description`;
  if (/\n/.test(text)) return `${p.path}: description spans lines`;
  if (!isNumeric(p)) return undefined;
  const unit = p.value.unit;
  if (typeof unit !== "string" || unit === "") return `${p.path}: no unit`;
  if (!text.includes(unit)) return `${p.path}: description does not name its unit "${unit}"`;
  return undefined;
}

function problems(schema: z.ZodType): string[] {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Node;
  return params(json).flatMap((p) => problem(p) ?? []);
}

const shapers = await loadShapers();
const observers = await loadObservers();

describe("shaper parameters describe themselves", () => {
  it("walks nested, nullable and optional parameters and finds an undocumented one", () => {
    const bad = z.object({
      a: z.number().meta({ unit: "seconds" }).default(1).describe("a, seconds"),
      b: z.number().meta({ unit: "bytes" }).nullable().default(null).describe("b, without it"),
      c: z.object({ d: z.number().optional() }).describe("nested"),
      e: z.boolean().default(false),
    });
    expect(problems(bad)).toEqual(['b: description does not name its unit "bytes"', "c.d: no description", "e: no description"]);
  });

  for (const def of shapers.values()) {
    it(`${def.name}: every parameter has a meaning, every number its unit`, () => {
      expect(problems(def.schema)).toEqual([]);
    });
  }
});

describe("observer parameters describe themselves", () => {
  for (const def of observers.values()) {
    it(`${def.name}: every parameter has a meaning, every number its unit`, () => {
      expect(problems(def.schema)).toEqual([]);
    });
  }
});
