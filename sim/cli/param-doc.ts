/**
 * A component's parameters as the listings and the published schema show them: the
 * defaults (the schema applied to `{}`), the JSON Schema of what may be set (each
 * parameter with its `description` and, for numbers, its `unit`), and the experiment
 * schema with every registered component's parameter schema under `$defs`.
 *
 * In the experiment schema each place that names a component (a defense side's
 * `shaper`, an observer use's `observer`, a conversation's `model`) gets one `if/then`
 * per registered component, so an editor following `$schema` checks and completes
 * `{"shaper": "padme", "params": {...}}` against padme's own parameters. Names not
 * registered when the schema was written are left to `chaff run` to judge (the names
 * are offered as `examples`, not as an `enum`).
 *
 * @example
 * const schema = withComponentParams(experimentJsonSchema(), { shapers: [padme], observers: [], models: [] });
 * schema.$defs["shaper.padme"] // => { type: "object", properties: {}, additionalProperties: false }
 */
import { z } from "zod";

export interface ParamComponent {
  readonly name: string;
  readonly schema: z.ZodType;
}

type Node = Record<string, unknown>;

/** The JSON Schema of a component's parameters, as a standalone document's body (no `$schema`). */
export function paramsJsonSchema(schema: z.ZodType): Node {
  const { $schema: _, ...body } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Node;
  return body;
}

export function paramDoc(schema: z.ZodType): { defaults: Record<string, unknown>; parameters: unknown } {
  return {
    defaults: schema.parse({}) as Record<string, unknown>,
    parameters: z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }),
  };
}

/**
 * The lines a listing prints for a component's parameters, one per parameter:
 * `  name = default  (description)`.
 *
 * @example
 * paramLines(paramDoc(z.object({ rate: z.number().default(5).describe("cells per second") })))
 * // => ["  rate = 5  (cells per second)"]
 */
export function paramLines(doc: ReturnType<typeof paramDoc>): string[] {
  const props = (doc.parameters as { properties?: Record<string, { description?: string }> }).properties ?? {};
  return Object.entries(props).map(([k, v]) => `  ${k} = ${JSON.stringify(doc.defaults[k])}${v.description ? `  (${v.description})` : ""}`);
}

/** The places in an experiment that name a component, by the key holding its name. */
const PLACES = [
  { key: "shaper", kind: "shapers" },
  { key: "observer", kind: "observers" },
  { key: "model", kind: "models" },
] as const;

export interface Components {
  readonly shapers: readonly ParamComponent[];
  readonly observers: readonly ParamComponent[];
  readonly models: readonly ParamComponent[];
}

/** The `$defs` key of a component's parameter schema: "shaper.padme", "observer.volume-correlation". */
export function paramsDefKey(key: "shaper" | "observer" | "model", name: string): string {
  return `${key}.${name}`;
}

/**
 * The experiment JSON Schema `root` (as zod writes it) with each component's parameter
 * schema in `$defs` and an `if/then` on every object that has `params` beside a
 * component-name key. Returns a new object; `root` is not changed.
 */
export function withComponentParams(root: unknown, components: Components): Node {
  const out = structuredClone(root) as Node;
  const defs = ((out.$defs as Node | undefined) ?? {}) as Node;
  for (const { key, kind } of PLACES) {
    for (const c of components[kind]) {
      const body = paramsJsonSchema(c.schema);
      if (body.$defs) throw new Error(`${key} "${c.name}": its parameter schema has $defs of its own, which the experiment schema cannot carry`);
      defs[paramsDefKey(key, c.name)] = body;
    }
  }
  out.$defs = defs;

  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const n of node) visit(n);
      return;
    }
    if (node === null || typeof node !== "object") return;
    const obj = node as Node;
    for (const [k, v] of Object.entries(obj)) if (k !== "$defs") visit(v);
    const props = obj.properties as Node | undefined;
    if (obj.type !== "object" || !props || !props.params) return;
    for (const { key, kind } of PLACES) {
      const nameNode = props[key] as Node | undefined;
      if (!nameNode || components[kind].length === 0) continue;
      const names = components[kind].map((c) => c.name);
      nameNode.examples = names;
      const rules = components[kind].map((c) => ({
        if: { properties: { [key]: { const: c.name } }, required: [key] },
        then: { properties: { params: { $ref: `#/$defs/${paramsDefKey(key, c.name)}` } } },
      }));
      obj.allOf = [...((obj.allOf as unknown[] | undefined) ?? []), ...rules];
    }
  };
  visit(out.properties);
  return out;
}
