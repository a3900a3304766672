/** `chaff shapers [--json]`: every shaper, its parameters with defaults, and its citation. */
import type { Command } from "commander";

export async function listShapers(opts: { json?: boolean }): Promise<void> {
  const { paramDoc, paramLines } = await import("../param-doc.ts");
  const { loadShapers } = await import("../../experiment/registries.ts");
  const defs = await loadShapers();
  const rows = [...defs.values()].map((d) => ({
    name: d.name,
    summary: d.summary,
    citation: d.citation,
    declaration: d.declaration,
    ...paramDoc(d.schema),
  }));
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  for (const r of rows) {
    process.stdout.write(`${r.name} — ${r.summary}\n  cites: ${r.citation}\n`);
    for (const line of paramLines(r)) process.stdout.write(`${line}\n`);
    const does = Object.entries(r.declaration).filter(([, v]) => v).map(([k]) => k);
    process.stdout.write(`  declares: ${does.length ? does.join(", ") : "nothing (passive)"}\n\n`);
  }
}

export function register(program: Command): void {
  program.command("shapers").description("list every shaper with its parameters, defaults and citation").option("--json", "machine-readable").action(listShapers);
}
