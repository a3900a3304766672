/**
 * Discovery of pluggable definitions: every `.ts` file in a folder (and, to `depth`,
 * its sub-folders) that exports a `definition` with a `create` function is one entry.
 * Shapers, observers and conversation models each have a registry built on this
 * (`registries.ts`), so
 * adding one means adding one file; no code lists them. Entries are loaded once and
 * sorted by name; two entries with one name are an error.
 *
 * @example
 * const shapers = registry<ShaperDefinition>("shaper", join(root, "shapers"), 1);
 * const padme = await shapers.get("padme");
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

interface Named {
  readonly name: string;
  create(...args: never[]): unknown;
}

export interface Registry<D extends Named> {
  load(): Promise<Map<string, D>>;
  get(name: string): Promise<D>;
}

function candidateFiles(dir: string, depth: number): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (depth > 0) out.push(...candidateFiles(path, depth - 1));
    } else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) {
      out.push(path);
    }
  }
  return out;
}

export function registry<D extends Named>(kind: string, dir: string, depth: number): Registry<D> {
  let loaded: Promise<Map<string, D>> | null = null;
  const load = (): Promise<Map<string, D>> => {
    loaded ??= (async () => {
      const defs = new Map<string, D>();
      for (const file of candidateFiles(dir, depth)) {
        const mod = (await import(pathToFileURL(file).href)) as { definition?: D };
        const def = mod.definition;
        if (!def || typeof def.create !== "function") continue;
        if (defs.has(def.name)) throw new Error(`two ${kind}s are named "${def.name}" (second in ${file})`);
        defs.set(def.name, def);
      }
      return new Map([...defs.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
    })();
    return loaded;
  };
  return {
    load,
    async get(name) {
      const defs = await load();
      const def = defs.get(name);
      if (!def) throw new Error(`${kind} "${name}": unknown; expected one of ${[...defs.keys()].join(", ")}`);
      return def;
    },
  };
}
