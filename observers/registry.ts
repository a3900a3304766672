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
import { readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ObserverDefinition } from "./observer.ts";

const here = dirname(fileURLToPath(import.meta.url));
let loaded: Map<string, ObserverDefinition> | null = null;

function candidateFiles(dir: string, depth: number): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (depth > 0) out.push(...candidateFiles(path, depth - 1));
    } else if (name.endsWith(".ts") && !name.endsWith(".d.ts") && path !== fileURLToPath(import.meta.url)) {
      out.push(path);
    }
  }
  return out;
}

export async function loadObservers(): Promise<Map<string, ObserverDefinition>> {
  if (loaded) return loaded;
  const defs = new Map<string, ObserverDefinition>();
  for (const file of candidateFiles(here, 1)) {
    const mod = (await import(pathToFileURL(file).href)) as { definition?: ObserverDefinition };
    const def = mod.definition;
    if (!def || typeof def.create !== "function") continue;
    if (defs.has(def.name)) throw new Error(`two observers are named "${def.name}" (second in ${file})`);
    defs.set(def.name, def);
  }
  loaded = new Map([...defs.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
  return loaded;
}

export async function getObserver(name: string): Promise<ObserverDefinition> {
  const defs = await loadObservers();
  const def = defs.get(name);
  if (!def) throw new Error(`observer "${name}": unknown; expected one of ${[...defs.keys()].join(", ")}`);
  return def;
}

/**
 * Validates raw parameters against a definition's schema (filling the published
 * defaults). Errors name the observer, the parameter, the value and what was expected,
 * one line per problem.
 */
export function validateObserverParams<P extends Record<string, unknown>>(def: ObserverDefinition<P>, raw: unknown): P {
  const result = def.schema.safeParse(raw ?? {});
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const param = issue.path.join(".") || "(parameters)";
    const value = issue.path.reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[k as PropertyKey] : undefined), raw);
    return `observer "${def.name}" parameter ${param} = ${JSON.stringify(value)}: ${issue.message}`;
  });
  throw new ObserverParamError(lines);
}

export class ObserverParamError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join("\n"));
    this.problems = problems;
    this.name = "ObserverParamError";
  }
}
