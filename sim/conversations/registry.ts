/**
 * The conversation-model registry: every file in `sim/conversations/` that exports a
 * `definition` is a conversation model (helpers such as `message-mix.ts` export none and
 * are skipped). Adding a model means adding one file; no engine code lists them.
 * Definitions are loaded once, sorted by name.
 *
 * @example
 * const messaging = await getConversationModel("messaging");
 * const model = messaging.create(messaging.schema.parse({}), stream(seed, "conversations/messaging"));
 */
import { readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ConversationModelDefinition } from "../conversation.ts";

const here = dirname(fileURLToPath(import.meta.url));
let loaded: Map<string, ConversationModelDefinition> | null = null;

function candidateFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .map((name) => join(dir, name))
    .filter((path) => path.endsWith(".ts") && !path.endsWith(".d.ts") && statSync(path).isFile());
}

export async function loadConversationModels(): Promise<Map<string, ConversationModelDefinition>> {
  if (loaded) return loaded;
  const defs = new Map<string, ConversationModelDefinition>();
  for (const file of candidateFiles(here)) {
    const mod = (await import(pathToFileURL(file).href)) as { definition?: ConversationModelDefinition };
    const def = mod.definition;
    if (!def || typeof def.create !== "function") continue;
    if (defs.has(def.name)) throw new Error(`two conversation models are named "${def.name}" (second in ${file})`);
    defs.set(def.name, def);
  }
  loaded = new Map([...defs.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
  return loaded;
}

export async function getConversationModel(name: string): Promise<ConversationModelDefinition> {
  const defs = await loadConversationModels();
  const def = defs.get(name);
  if (!def) throw new Error(`conversation model "${name}": unknown; expected one of ${[...defs.keys()].join(", ")}`);
  return def;
}
