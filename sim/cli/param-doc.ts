/**
 * A component's parameters as the listings show them: the defaults (the schema applied
 * to `{}`) and the JSON Schema of what may be set.
 */
import { z } from "zod";

export function paramDoc(schema: z.ZodType): { defaults: Record<string, unknown>; parameters: unknown } {
  return {
    defaults: schema.parse({}) as Record<string, unknown>,
    parameters: z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }),
  };
}
