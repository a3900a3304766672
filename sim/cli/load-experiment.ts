/**
 * Reads an experiment file (or the built-in default) and validates it completely before
 * any work starts. Problems come back as one line each: path, value, expectation.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseExperiment } from "../experiment/parse.ts";
import { type Experiment } from "../experiment/schema.ts";
import { InputError } from "../core/validation.ts";

export const EXPERIMENTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..", "experiment", "builtin");
export const DEFAULT_EXPERIMENT = join(EXPERIMENTS_DIR, "default.json");

export async function loadExperiment(path: string | undefined, overrides: { seed?: string } = {}): Promise<{ experiment: Experiment; file: string }> {
  const file = resolve(path ?? DEFAULT_EXPERIMENT);
  if (!existsSync(file)) throw new InputError([`experiment file ${file}: does not exist`]);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new InputError([`experiment file ${file}: not valid JSON (${(e as Error).message})`]);
  }
  if (overrides.seed !== undefined) {
    const seed = Number(overrides.seed);
    if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 32 - 1) {
      throw new InputError([`--seed = ${JSON.stringify(overrides.seed)}: expected an integer from 0 to 4294967295`]);
    }
    if (raw && typeof raw === "object") (raw as Record<string, unknown>).seed = seed;
  }
  return { experiment: await parseExperiment(raw), file };
}
