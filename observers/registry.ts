/**
 * The observer registry: every file in `observers/` (and one level of sub-folders) that
 * exports a `definition` is an observer. Adding an adversary means adding one file; no
 * engine code lists them. Definitions are loaded once, sorted by name. Shared feature
 * code (binned volumes, bursts, pairwise scoring, metrics) exports no `definition` and
 * is skipped.
 *
 * @example
 * const def = await getObserver("volume-correlation");
 * const params = validateObserverParams(def, { binSeconds: 10 });
 * const obs = def.create(params, ctx);
 */
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { registry, validateParams } from "../sim/experiment/discover.ts";
import type { ObserverDefinition } from "./observer.ts";

const observers = registry<ObserverDefinition>("observer", dirname(fileURLToPath(import.meta.url)), 1);

export const loadObservers = observers.load;
export const getObserver = observers.get;

/**
 * Validates raw parameters against a definition's schema (filling the published
 * defaults). Errors name the observer, the parameter, the value and what was expected,
 * one line per problem.
 */
export function validateObserverParams<P extends Record<string, unknown>>(def: ObserverDefinition<P>, raw: unknown): P {
  return validateParams("observer", def.name, def.schema, raw);
}

export { ParamError as ObserverParamError } from "../sim/experiment/discover.ts";
