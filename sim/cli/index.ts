/**
 * The chaff command line. Each command lives in its own file in this folder; this one
 * wires them into commander and turns known errors into one line per problem and an
 * exit code (2 for bad input, 1 for a failed check).
 */
import { Command } from "commander";
import { ExperimentError } from "../experiment.ts";
import { runCommand } from "./run.ts";
import { listShapers } from "./shapers.ts";
import { listObservers } from "./observers.ts";
import { schemaCommand } from "./schema.ts";

const program = new Command();
program.name("chaff").description("a traffic-shaping lab: how much does a shaper hide, and what does it cost?");

program
  .command("run")
  .description("run an experiment (the built-in default without a file) and write results")
  .argument("[experiment]", "experiment JSON file")
  .option("--seed <n>", "override the experiment's seed")
  .option("--out <dir>", "results directory (default results/runs)")
  .option("--quiet", "no progress and no table")
  .action(runCommand);

program.command("shapers").description("list every shaper with its parameters, defaults and citation").option("--json", "machine-readable").action(listShapers);
program.command("observers").description("list every observer with its vantage, task and what it cannot see").option("--json", "machine-readable").action(listObservers);
program.command("schema").description("write the experiment JSON Schema").option("--out <file>", "write to a file instead of stdout").action(schemaCommand);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof ExperimentError) {
    for (const p of e.problems) process.stderr.write(`error: ${p}\n`);
    process.exit(2);
  }
  throw e;
}
