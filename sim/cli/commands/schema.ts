/** `chaff schema [--out FILE]`: the experiment file's JSON Schema, for editors and auditors. */
import type { Command } from "commander";
import { writeFileSync } from "node:fs";
import { experimentJsonSchema } from "../../experiment/schema.ts";

export function schemaCommand(opts: { out?: string }): void {
  const text = `${JSON.stringify(experimentJsonSchema(), null, 2)}\n`;
  if (opts.out) writeFileSync(opts.out, text);
  else process.stdout.write(text);
}

export function register(program: Command): void {
  program.command("schema").description("write the experiment JSON Schema").option("--out <file>", "write to a file instead of stdout").action(schemaCommand);
}
