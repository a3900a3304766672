/**
 * Reads an experiment file (or the built-in default) and validates it completely before
 * any work starts. Problems come back as one line each: path, value, expectation.
 *
 * The file is read as hostile input (`sim/core/json-input.ts`): a regular file of at
 * most `MAX_EXPERIMENT_BYTES` (so `run /dev/zero` or a 300 MB file is one line, not an
 * unbounded read), UTF-8 JSON nested at most `MAX_EXPERIMENT_DEPTH` deep, with no
 * `__proto__`, `constructor` or `prototype` keys. After the schema and the components,
 * `feasibilityProblems` refuses what cannot finish within the experiment's limits.
 * Numeric options (`--seed`) accept plain decimal integers only: `""`, `0x10`, `1e3`,
 * ` 7` and `+7` are refused. The schema, the component registries and the recorded-trace
 * readers are loaded when an experiment is checked, not with this file (which every
 * command imports, so that `chaff --version` stays cheap).
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Experiment } from "../experiment/schema.ts";
import { parseJsonText, readJsonFile } from "../core/json-input.ts";
import { InputError } from "../core/validation.ts";

export const EXPERIMENTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..", "experiment", "builtin");
export const DEFAULT_EXPERIMENT = join(EXPERIMENTS_DIR, "default.json");

/** Largest experiment file accepted, bytes. */
export const MAX_EXPERIMENT_BYTES = 8 * 1024 * 1024;
/** Deepest nesting accepted in an experiment file (the schema's own needs are about 8). */
export const MAX_EXPERIMENT_DEPTH = 32;

/**
 * A plain decimal integer option from `min` to `max`: digits only, no sign, no spaces, no
 * leading zeros, no `0x`, no exponent. Throws an InputError naming the option.
 */
export function parseIntegerOption(flag: string, text: string, min: number, max: number): number {
  if (typeof text !== "string" || !/^(0|[1-9][0-9]{0,15})$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new InputError([`${flag} = ${JSON.stringify(text)}: expected a decimal integer from ${min} to ${max}`]);
  }
  return Number(text);
}

/** Validates a raw experiment document with any overrides, then checks it is feasible. */
export async function experimentFrom(raw: unknown, overrides: { seed?: string } = {}): Promise<Experiment> {
  if (overrides.seed !== undefined) {
    const seed = parseIntegerOption("--seed", overrides.seed, 0, 2 ** 32 - 1);
    if (raw && typeof raw === "object" && !Array.isArray(raw)) (raw as Record<string, unknown>).seed = seed;
  }
  const { parseExperiment } = await import("../experiment/parse.ts");
  const { feasibilityProblems } = await import("../experiment/feasibility.ts");
  const experiment = await parseExperiment(raw);
  const problems = feasibilityProblems(experiment);
  if (problems.length > 0) throw new InputError(problems);
  return experiment;
}

/** Parses experiment JSON text (what `loadExperiment` does after reading the file). */
export async function experimentFromText(text: string, label = "experiment file", overrides: { seed?: string } = {}): Promise<Experiment> {
  if (text.length > MAX_EXPERIMENT_BYTES) throw new InputError([`${label}: ${text.length} characters, larger than the ${MAX_EXPERIMENT_BYTES} accepted`]);
  return experimentFrom(parseJsonText(text, { label, maxDepth: MAX_EXPERIMENT_DEPTH }), overrides);
}

export async function loadExperiment(path: string | undefined, overrides: { seed?: string } = {}): Promise<{ experiment: Experiment; file: string }> {
  // Options first: a bad --seed is reported without reading anything.
  if (overrides.seed !== undefined) parseIntegerOption("--seed", overrides.seed, 0, 2 ** 32 - 1);
  const file = resolve(path ?? DEFAULT_EXPERIMENT);
  const raw = readJsonFile(file, { label: "experiment file", maxBytes: MAX_EXPERIMENT_BYTES, maxDepth: MAX_EXPERIMENT_DEPTH });
  const experiment = await experimentFrom(raw, overrides);
  // a recorded population's folder is relative to the experiment file
  if (experiment.recorded) (await import("../experiment/recorded.ts")).setRecordedBase(experiment, dirname(file));
  return { experiment, file };
}
