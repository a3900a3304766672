/**
 * `chaff schema [--out FILE]`: the experiment file's JSON Schema, for editors and
 * auditors, with every registered shaper's, observer's and conversation model's
 * parameter schema in `$defs`, tied to the component it belongs to by `if/then`, so an
 * editor following an experiment's `$schema` checks and completes its `params`.
 */
import type { Command } from "commander";
import { writeFileSync } from "node:fs";

/** The published experiment schema: the experiment's shape and every registered component's parameters. */
export async function publishedExperimentSchema(): Promise<Record<string, unknown>> {
  const { experimentJsonSchema } = await import("../../experiment/schema.ts");
  const { loadConversationModels, loadObservers, loadShapers } = await import("../../experiment/registries.ts");
  const { withComponentParams } = await import("../param-doc.ts");
  const [shapers, observers, models] = await Promise.all([loadShapers(), loadObservers(), loadConversationModels()]);
  return withComponentParams(experimentJsonSchema(), {
    shapers: [...shapers.values()],
    observers: [...observers.values()],
    models: [...models.values()],
  });
}

export async function schemaCommand(opts: { out?: string }): Promise<void> {
  const text = `${JSON.stringify(await publishedExperimentSchema(), null, 2)}\n`;
  if (opts.out) writeFileSync(opts.out, text);
  else process.stdout.write(text);
}

export function register(program: Command): void {
  program
    .command("schema")
    .description("write the experiment JSON Schema, with every shaper's, observer's and conversation model's parameters")
    .option("--out <file>", "write to a file instead of stdout")
    .action(schemaCommand);
}
