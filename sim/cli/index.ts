/**
 * The chaff command line. Each command is one file in `commands/` exporting
 * `register(program)`; this file loads them (sorted by name), and turns known errors
 * into one line per problem and an exit code: 2 for bad input, 1 for a failed check
 * (a command that fails a check sets `process.exitCode = 1` itself).
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Command } from "commander";
import { InputError } from "../core/validation.ts";

const program = new Command();
const pkg = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), "..", "..", "package.json"), "utf8")) as { version: string };
program.name("chaff").description("a traffic-shaping lab: how much does a shaper hide, and what does it cost?").version(pkg.version, "-V, --version", "print chaff's version");

const dir = join(dirname(fileURLToPath(import.meta.url)), "commands");
for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts")).sort()) {
  const mod = (await import(pathToFileURL(join(dir, file)).href)) as { register?: (p: Command) => void };
  mod.register?.(program);
}

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof InputError) {
    for (const p of e.problems) process.stderr.write(`error: ${p}\n`);
    process.exit(2);
  }
  throw e;
}
