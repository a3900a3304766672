/** `chaff observers [--json]`: every observer, its vantage(s), task, what it sees and cannot see, and its parameters with defaults and meanings. */
import type { Command } from "commander";

export async function listObservers(opts: { json?: boolean }): Promise<void> {
  const { paramDoc, paramLines } = await import("../param-doc.ts");
  const { loadObservers } = await import("../../experiment/registries.ts");
  const defs = await loadObservers();
  const rows = [...defs.values()].map((d) => ({
    name: d.name,
    summary: d.summary,
    citation: d.citation,
    task: d.task,
    vantage: d.vantage,
    vantages: d.vantages,
    sees: d.sees,
    cannotSee: d.cannotSee,
    ...paramDoc(d.schema),
  }));
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  for (const r of rows) {
    process.stdout.write(`${r.name} (${r.task} task, at ${r.vantages.join(" / ")}) — ${r.summary}\n  cites: ${r.citation}\n  sees: ${r.sees}\n  cannot see: ${r.cannotSee}\n`);
    for (const line of paramLines(r)) process.stdout.write(`${line}\n`);
    process.stdout.write("\n");
  }
}

export function register(program: Command): void {
  program.command("observers").description("list every observer with its vantage, task and what it cannot see").option("--json", "machine-readable").action(listObservers);
}
