/**
 * The shaper registry: every file in `shapers/` (and one level of sub-folders) that
 * exports a `definition` is a shaper. Adding a shaper means adding one file; no engine
 * code lists them. Definitions are loaded once, sorted by name.
 */
import { readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ShaperDefinition } from "./shaper.ts";

const here = dirname(fileURLToPath(import.meta.url));
let loaded: Map<string, ShaperDefinition> | null = null;

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

export async function loadShapers(): Promise<Map<string, ShaperDefinition>> {
  if (loaded) return loaded;
  const defs = new Map<string, ShaperDefinition>();
  for (const file of candidateFiles(here, 1)) {
    const mod = (await import(pathToFileURL(file).href)) as { definition?: ShaperDefinition };
    const def = mod.definition;
    if (!def || typeof def.create !== "function") continue;
    if (defs.has(def.name)) throw new Error(`two shapers are named "${def.name}" (second in ${file})`);
    defs.set(def.name, def);
  }
  loaded = new Map([...defs.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
  return loaded;
}

export async function getShaper(name: string): Promise<ShaperDefinition> {
  const defs = await loadShapers();
  const def = defs.get(name);
  if (!def) throw new Error(`shaper "${name}": unknown; expected one of ${[...defs.keys()].join(", ")}`);
  return def;
}
