/**
 * The three registries of pluggable components, discovered from their folders: every
 * file in `shapers/` (and one level of sub-folders) exporting a shaper `definition`,
 * every file in `observers/` (and one level down) exporting an observer `definition`,
 * and every file in `sim/world/conversations/` exporting a conversation-model
 * `definition`. Adding a component means adding one file; no code lists them.
 *
 * Also the one way a component's parameters are validated: the component's zod schema,
 * with problems as lines `<kind> "<name>" parameter <path> = <value>: <expected>`.
 *
 * @example
 * const padme = await getShaper("padme");
 * const params = validateShaperParams(padme, {});
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { z } from "zod";
import type { ObserverDefinition } from "../../observers/observer.ts";
import type { ShaperDefinition } from "../../shapers/shaper.ts";
import { parseWith } from "../core/validation.ts";
import type { ConversationModelDefinition } from "../world/conversation.ts";
import { registry } from "./discover.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

const shapers = registry<ShaperDefinition>("shaper", join(ROOT, "shapers"), 1);
const observers = registry<ObserverDefinition>("observer", join(ROOT, "observers"), 1);
const models = registry<ConversationModelDefinition>("conversation model", join(ROOT, "sim", "world", "conversations"), 0);

export const loadShapers = shapers.load;
export const getShaper = shapers.get;
export const loadObservers = observers.load;
export const getObserver = observers.get;
export const loadConversationModels = models.load;
export const getConversationModel = models.get;

/** Validates raw parameters against a component's schema, filling defaults; throws an InputError, one line per problem. */
export function validateParams<P>(kind: string, name: string, schema: z.ZodType<P>, raw: unknown): P {
  return parseWith(schema, raw ?? {}, `${kind} "${name}" parameter `);
}

export function validateShaperParams<P extends Record<string, unknown>>(def: ShaperDefinition<P>, raw: unknown): P {
  return validateParams("shaper", def.name, def.schema, raw);
}

export function validateObserverParams<P extends Record<string, unknown>>(def: ObserverDefinition<P>, raw: unknown): P {
  return validateParams("observer", def.name, def.schema, raw);
}
