/**
 * Captures as population: the `recorded` section of an experiment and its loading. A
 * folder of traces (imported captures, or any trace file `loadTrace` reads) stands in
 * for the modelled population: one file per user, sorted by name, the user index is the
 * file's position; `pairs` lists the users known to have conversed, the only ground
 * truth a capture carries. `run-recorded.ts` replays them through each defense.
 *
 * Paths (`dir`, and `pairs` when it names a file) are relative to the experiment file
 * (`setRecordedBase`, set by the CLI's loader) or absolute; without a known base they
 * are relative to the working directory.
 *
 * Clocks: when every trace carries the capture's wall-clock origin (`originMicros`, as
 * `chaff import` writes), each is shifted onto the earliest origin so the users share
 * one clock; otherwise every trace keeps its own zero (stated in the run's notes).
 *
 * @example
 * // experiment.json: "recorded": { "dir": "traces", "pairs": [[0, 1], [2, 3]] }
 * const pop = loadRecorded(exp.recorded!, dirname(file)); // pop.traces[u], pop.pairs
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, isAbsolute, resolve } from "node:path";
import { z } from "zod";
import { Trace } from "../core/trace.ts";
import { InputError } from "../core/validation.ts";
import { loadTrace } from "../capture/load-trace.ts";
import type { Direction, Kind } from "../core/kinds.ts";

const pairSchema = z.tuple([z.number().int().min(0), z.number().int().min(0)]);

export const recordedSchema = z
  .object({
    dir: z.string().min(1).describe("folder of trace files, one per user, sorted by name (relative to the experiment file, or absolute)"),
    pairs: z.union([z.array(pairSchema), z.string().min(1)]).describe("users known to converse: [[0,1],[2,3]], or a JSON file holding that list"),
    clients: z.array(z.string().min(1)).optional().describe("client IP addresses, for capture files (chaff import --client)"),
    from: z.string().min(1).optional().describe("text trace format of the files (default: guessed per file)"),
  })
  .strict()
  .describe("captures as population: replay a folder of recorded traces instead of modelled conversations");

export type RecordedSection = z.infer<typeof recordedSchema>;

export interface RecordedPopulation {
  /** traces[u]: user u's recorded trace, every row real, in time order, on the shared clock. */
  traces: Trace[];
  /** The file each user came from. */
  files: string[];
  /** Known conversing pairs (the link task's positives). */
  pairs: [number, number][];
  /** True when the traces were put on one clock by their capture origins. */
  aligned: boolean;
}

const bases = new WeakMap<object, string>();

/** Records the folder the experiment file sits in, for its relative `recorded` paths. */
export function setRecordedBase(exp: object, dir: string): void {
  bases.set(exp, dir);
}

export function recordedBase(exp: object): string {
  return bases.get(exp) ?? process.cwd();
}

const at = (base: string, p: string) => (isAbsolute(p) ? p : resolve(base, p));

function readPairs(section: RecordedSection, base: string): [number, number][] {
  if (Array.isArray(section.pairs)) return section.pairs.map(([a, b]) => [a, b]);
  const file = at(base, section.pairs);
  if (!existsSync(file)) throw new InputError(`recorded.pairs = ${JSON.stringify(section.pairs)}: no such file (${file})`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new InputError(`recorded.pairs: ${file}: ${(e as Error).message}`);
  }
  const parsed = z.array(pairSchema).safeParse(raw);
  if (!parsed.success) throw new InputError(`recorded.pairs: ${file}: expected a JSON list of [user, user] pairs of integers ≥ 0`);
  return parsed.data.map(([a, b]) => [a, b]);
}

/** Reads the folder and the pairs; every problem is an InputError naming the file. */
export function loadRecorded(section: RecordedSection, base: string): RecordedPopulation {
  const dir = at(base, section.dir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(`recorded.dir = ${JSON.stringify(section.dir)}: not a directory (${dir})`);
  const pairsFile = typeof section.pairs === "string" ? at(base, section.pairs) : null;
  const names = readdirSync(dir)
    .filter((n) => !n.startsWith(".") && statSync(resolve(dir, n)).isFile() && resolve(dir, n) !== pairsFile)
    .sort();
  if (names.length < 2) throw new InputError(`recorded.dir = ${JSON.stringify(section.dir)}: ${names.length} trace file(s): expected at least 2 (one per user)`);
  const loaded = names.map((n) => loadTrace(resolve(dir, n), { clients: section.clients, from: section.from }));
  const origins = loaded.map((l) => l.meta.originMicros);
  const aligned = origins.every((o) => typeof o === "number");
  const zero = aligned ? Math.min(...(origins as number[])) : 0;
  const traces = loaded.map((l, u) => {
    const shift = aligned ? (origins[u] as number) - zero : 0;
    const t = l.trace;
    const out = new Trace(Math.max(1, t.length));
    for (let i = 0; i < t.length; i++) out.push(t.time[i] + shift, t.size[i], t.payload[i], t.dir[i] as Direction, t.kind[i] as Kind, t.flow[i]);
    return out;
  });
  const pairs = readPairs(section, base);
  pairs.forEach(([a, b], k) => {
    if (a >= names.length || b >= names.length || a === b) {
      throw new InputError(`recorded.pairs[${k}] = [${a}, ${b}]: expected two different users from 0 to ${names.length - 1} (the ${names.length} files of ${basename(dir)}, sorted by name)`);
    }
  });
  return { traces, files: names, pairs, aligned };
}
