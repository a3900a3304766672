/**
 * The published experiment schema carries every registered component's parameters:
 * for each shaper (on both defense sides), observer and conversation model, exactly one
 * `if/then` rule applies to an object naming it, and the schema it points to in `$defs`,
 * read back as a JSON Schema validator (zod's fromJSONSchema), accepts the component's
 * defaults and rejects what the component itself rejects (an out-of-range value, an
 * unknown key). The file `chaff schema` writes is that schema, and results/ holds it
 * for every component it names (one made since by `chaff new` is not held against it).
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { publishedExperimentSchema, schemaCommand } from "../../../sim/cli/commands/schema.ts";
import { loadConversationModels, loadObservers, loadShapers } from "../../../sim/experiment/registries.ts";
import { withComponentParams } from "../../../sim/cli/param-doc.ts";
import { experimentJsonSchema } from "../../../sim/experiment/schema.ts";

type Node = Record<string, unknown>;
interface Rule {
  if: { properties: Record<string, { const: string }>; required: string[] };
  then: { properties: { params: { $ref: string } } };
}

const schema = await publishedExperimentSchema();
const defs = schema.$defs as Record<string, Node>;
const props = schema.properties as Record<string, Node>;
const items = (key: string) => (props[key] as { items: Node }).items;
const defenseSide = (side: "device" | "server") => (items("defenses").properties as Record<string, Node>)[side];

/** The parameter schema an editor applies to an object naming `name` under `key`. */
function paramsFor(place: Node, key: string, name: string): Node {
  const rules = ((place.allOf ?? []) as Rule[]).filter((r) => r.if.required.includes(key) && r.if.properties[key]?.const === name);
  expect(rules).toHaveLength(1);
  const ref = rules[0].then.properties.params.$ref;
  expect(ref.startsWith("#/$defs/")).toBe(true);
  const target = defs[ref.slice("#/$defs/".length)];
  expect(target).toBeDefined();
  return target;
}

const shapers = await loadShapers();
const observers = await loadObservers();
const models = await loadConversationModels();

describe("chaff schema", () => {
  it("ties every shaper's parameters to both defense sides, and they validate as the shaper does", () => {
    const front = shapers.get("front")!;
    for (const side of ["device", "server"] as const) {
      const place = defenseSide(side);
      expect((place.properties as Record<string, Node>).shaper.examples).toEqual([...shapers.keys()]);
      for (const def of shapers.values()) {
        const check = z.fromJSONSchema(paramsFor(place, "shaper", def.name) as z.core.JSONSchema.JSONSchema);
        expect(check.safeParse({}).success).toBe(true);
        expect(check.safeParse({ noSuchParameter: 1 }).success).toBe(false);
      }
      const check = z.fromJSONSchema(paramsFor(place, "shaper", "front") as z.core.JSONSchema.JSONSchema);
      // front's N is an integer >= 2: the published schema and the shaper agree on both sides of the bound
      expect(check.safeParse({ maxPadding: 1 }).success).toBe(false);
      expect(front.schema.safeParse({ maxPadding: 1 }).success).toBe(false);
      expect(check.safeParse({ maxPadding: 2 }).success).toBe(true);
      expect(check.safeParse({ maxPadding: 2.5 }).success).toBe(false);
    }
  });

  it("ties every observer's and conversation model's parameters to the object naming it", () => {
    for (const def of observers.values()) {
      const check = z.fromJSONSchema(paramsFor(items("observers"), "observer", def.name) as z.core.JSONSchema.JSONSchema);
      expect(check.safeParse({ noSuchParameter: 1 }).success).toBe(false);
    }
    for (const def of models.values()) {
      const check = z.fromJSONSchema(paramsFor(items("conversations"), "model", def.name) as z.core.JSONSchema.JSONSchema);
      expect(check.safeParse({ noSuchParameter: 1 }).success).toBe(false);
    }
  });

  it("keeps units and meanings in the published parameter schemas", () => {
    const rate = (defs["shaper.background-cover"].properties as Record<string, Node>).ratePerSecond;
    expect(rate.unit).toBe("packets per second");
    expect(String(rate.description)).toContain("packets per second");
  });

  it("leaves a name it does not know to chaff run (no rule applies, no enum)", () => {
    const place = defenseSide("device");
    const rules = (place.allOf as Rule[]).filter((r) => r.if.properties.shaper?.const === "not-registered");
    expect(rules).toHaveLength(0);
    expect((place.properties as Record<string, Node>).shaper.enum).toBeUndefined();
  });

  it("writes the same schema to a file, and results/experiment.schema.json is it for the components it names", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "chaff-schema-")), "schema.json");
    await schemaCommand({ out });
    const written = JSON.parse(readFileSync(out, "utf8"));
    expect(written).toEqual(schema);
    // a component added since (chaff new) is not held against the published file; a changed one is:
    // refresh with `node bin/chaff.js schema --out results/experiment.schema.json`
    const published = JSON.parse(readFileSync(new URL("../../../results/experiment.schema.json", import.meta.url), "utf8")) as Node;
    const named = new Set(Object.keys(published.$defs as Node));
    const only = <T extends { name: string }>(key: string, m: Map<string, T>) => [...m.values()].filter((d) => named.has(`${key}.${d.name}`));
    const expected = withComponentParams(experimentJsonSchema(), {
      shapers: only("shaper", shapers),
      observers: only("observer", observers),
      models: only("model", models),
    });
    expect(published).toEqual(expected);
  });

  it("refuses a component whose parameter schema has $defs of its own", () => {
    const shared = z.object({ x: z.number() }).meta({ id: "shared" });
    const odd = { name: "odd", schema: z.object({ a: shared, b: shared }) };
    expect(() => withComponentParams({ properties: {} }, { shapers: [odd], observers: [], models: [] })).toThrow(/"odd".*\$defs/);
  });
});
