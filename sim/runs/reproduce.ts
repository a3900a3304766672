/**
 * Reproduces a run from its manifest alone and verifies every recorded SHA-256, so an
 * auditor need not trust whoever made the run.
 *
 * The manifest stores the full parsed experiment. Reproduction checks that it matches its
 * recorded hash, re-validates it, runs it again (`runFiles`, the same function `chaff
 * run` uses), and then for every output compares three versions: the SHA-256 recorded in
 * the manifest, the file on disk, and the re-run. Each disagreement is named with the
 * first differing field (`sim/runs/first-difference.ts`):
 * - the file differs from its recorded hash, the re-run matches: the file was changed
 *   after the run (the difference shown is file against re-run);
 * - the re-run differs, the file matches: the run does not reproduce (different code,
 *   dependencies or platform; the manifest's code revision and lockfile hash say which);
 * - both differ: the manifest itself no longer matches either.
 *
 * Before re-running, the source files the recording ran (`code.sources` in the manifest,
 * see `run-dir.ts`) are hashed again and each one that changed, disappeared or is new
 * is named in the notes, so a run that does not reproduce says which code moved.
 * The manifest is read with a size cap and checked against its schema (output names
 * plain and inside the directory); outputs are read through `readOutput` (regular files
 * inside the directory, size-capped), so a hostile manifest can neither make it read
 * `/etc/passwd` nor `/dev/zero`.
 *
 * A sweep directory (one `chaff collect` has written a manifest for) is reproduced by
 * re-running every point into a scratch directory and collecting it: the sorted rows,
 * the Parquet file and the summary must match byte for byte, and every row of every
 * shard file must be one of the re-run's rows (shard files are written in completion
 * order, so only their set of rows is reproducible, not their byte order).
 *
 * @example
 * const r = await reproduceRun("results/runs/default-s1-c96d8fd61f");
 * r.ok        // => true when every output reproduced
 * r.problems  // => ["metrics.json: the file on disk does not match ...; first difference: arms[1].cost..."]
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { InputError } from "../core/validation.ts";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { canonicalJson, sha256 } from "../core/canonical-json.ts";
import { COLLECTED_FILE, collectSweep } from "../sweep/collect.ts";
import { parseExperiment } from "../experiment/parse.ts";
import { type Experiment } from "../experiment/schema.ts";
import { firstDifference, firstJsonDifference } from "./first-difference.ts";
import { codeRevision, experimentHash, hashSources, lockfileHash, readManifest, readOutput, sourceDifferences, sourceFiles, type Manifest } from "./run-dir.ts";
import { runFiles } from "./outputs.ts";
import { runSweep } from "../sweep/runner.ts";
import { ROWS_FILE, SWEEP_FILE } from "../sweep/plan.ts";

export interface ReproduceResult {
  ok: boolean;
  /** Outputs whose three versions agree. */
  verified: string[];
  /** One line per differing output, naming it and its first differing field. */
  problems: string[];
  /** Facts worth knowing that are not failures (another code revision, Node version, …). */
  notes: string[];
}

export interface ReproduceOptions {
  /** Worker threads for re-running a sweep (default 1). */
  workers?: number;
  onProgress?: (fraction: number) => void;
}

function short(h: string | undefined): string {
  return h ? h.slice(0, 12) : "none";
}

/** Compares the recorded hash, the file on disk and the recomputed bytes of one output. */
export function judgeOutput(name: string, recorded: string | undefined, disk: Buffer | null, rerun: string | Uint8Array | null): string | null {
  if (recorded === undefined) return `${name}: produced by the re-run but not listed in the manifest`;
  const hDisk = disk ? sha256(disk) : undefined;
  const hRe = rerun !== null ? sha256(rerun) : undefined;
  if (hDisk === recorded && hRe === recorded) return null;
  if (rerun === null) {
    return disk === null
      ? `${name}: listed in the manifest but neither on disk nor produced by the re-run`
      : `${name}: listed in the manifest but not produced by the re-run${hDisk === recorded ? "" : `, and the file does not match its recorded SHA-256 ${short(recorded)}`}`;
  }
  if (disk === null) {
    return hRe === recorded ? `${name}: missing on disk (the re-run reproduces its recorded SHA-256)` : `${name}: missing on disk, and the re-run does not match its recorded SHA-256 ${short(recorded)}`;
  }
  if (hRe === recorded) {
    return `${name}: the file does not match its recorded SHA-256 ${short(recorded)} (found ${short(hDisk)}); it was changed after the run. First difference: ${firstDifference(name, rerun, disk)}`;
  }
  if (hDisk === recorded) {
    return `${name}: the re-run does not reproduce it (recorded ${short(recorded)}, re-run ${short(hRe)}). First difference: ${firstDifference(name, disk, rerun)}`;
  }
  const d = firstDifference(name, rerun, disk);
  return `${name}: neither the file (${short(hDisk)}) nor the re-run (${short(hRe)}) matches the recorded SHA-256 ${short(recorded)}${d ? `. First difference, re-run vs file: ${d}` : "; file and re-run agree, so the manifest was changed"}`;
}

/** What the recorded source hashes say against the files this re-run will execute. */
export function sourceNotes(m: Manifest): string[] {
  const notes: string[] = [];
  const recorded = m.code.sources;
  for (const c of m.code.changed ?? []) notes.push(`the recording ran ${c.replace(/ \((\w+)\)$/, ", $1 at the time")}`);
  if (!recorded) {
    notes.push("the manifest records no source hashes (made by an older chaff); changed source files cannot be named");
    return notes;
  }
  // Now: the files a run of this experiment executes today, and the recorded ones that still exist.
  const now = hashSources([...new Set([...sourceFiles(m.experiment), ...Object.keys(recorded)])]);
  notes.push(...sourceDifferences(recorded, now));
  return notes;
}

function environmentNotes(m: Manifest): string[] {
  const notes: string[] = [];
  const now = codeRevision();
  if (m.code?.revision && now.revision && m.code.revision !== now.revision) notes.push(`recorded at code revision ${m.code.revision.slice(0, 12)}, re-run at ${now.revision.slice(0, 12)}`);
  if (m.code?.dirty) notes.push("the recording was made from a working tree with uncommitted changes");
  if (now.dirty) notes.push("this re-run uses a working tree with uncommitted changes");
  notes.push(...sourceNotes(m));
  const lock = lockfileHash();
  if (m.lockfileSha256 && lock && m.lockfileSha256 !== lock) notes.push(`package-lock.json differs from the recording (${short(m.lockfileSha256)} then, ${short(lock)} now)`);
  if (m.node && m.node !== process.version) notes.push(`recorded with Node ${m.node}, re-run with ${process.version}`);
  return notes;
}

async function revalidate(m: Manifest, problems: string[], notes: string[]): Promise<Experiment> {
  if (experimentHash(m.experiment) !== m.experimentHash) {
    problems.push(`manifest.json: the stored experiment does not match its recorded experimentHash ${short(m.experimentHash)} (found ${short(experimentHash(m.experiment))}); the manifest was edited`);
  }
  const exp = await parseExperiment(m.experiment);
  const d = firstJsonDifference(JSON.parse(canonicalJson(m.experiment)), JSON.parse(canonicalJson(exp)));
  if (d) notes.push(`the stored experiment re-validates with a change at ${d.path} (schema defaults changed since the recording); running the re-validated one`);
  return exp;
}

function readDisk(dir: string, name: string): Buffer | null {
  return readOutput(dir, name);
}

export async function reproduceRun(dir: string, opts: ReproduceOptions = {}): Promise<ReproduceResult> {
  if (!existsSync(dir)) throw new InputError([`RUN_DIR ${JSON.stringify(dir)}: does not exist (expected a run directory written by chaff run)`]);
  const manifest = readManifest(dir);
  if (existsSync(join(dir, SWEEP_FILE))) return reproduceSweep(dir, manifest, opts);
  const problems: string[] = [];
  const notes = environmentNotes(manifest);
  const exp = await revalidate(manifest, problems, notes);
  const { files } = await runFiles(exp, { onProgress: (arm, f) => opts.onProgress?.((arm + f) / exp.defenses.length) });
  const names = [...new Set([...Object.keys(manifest.outputs), ...Object.keys(files)])].sort();
  const verified: string[] = [];
  for (const name of names) {
    const p = judgeOutput(name, manifest.outputs[name], readDisk(dir, name), files[name] ?? null);
    if (p) problems.push(p);
    else verified.push(name);
  }
  return { ok: problems.length === 0, verified, problems, notes };
}

function rowId(line: string): string | null {
  try {
    const id = (JSON.parse(line) as { id?: unknown }).id;
    return typeof id === "string" ? id : null;
  } catch {
    return null;
  }
}

async function reproduceSweep(dir: string, manifest: Manifest, opts: ReproduceOptions): Promise<ReproduceResult> {
  const problems: string[] = [];
  const notes = environmentNotes(manifest);
  const exp = await revalidate(manifest, problems, notes);
  const scratch = mkdtempSync(join(tmpdir(), "chaff-reproduce-"));
  const verified: string[] = [];
  try {
    await runSweep({ experiment: exp, out: scratch, shard: { index: 0, count: 1 }, workers: opts.workers ?? 1, onPoint: (d, n) => opts.onProgress?.(d / n) });
    await collectSweep(scratch);
    const rerunRows = new Set(readFileSync(join(scratch, COLLECTED_FILE), "utf8").split("\n").filter(Boolean));
    for (const name of Object.keys(manifest.outputs).sort()) {
      const recorded = manifest.outputs[name];
      const disk = readDisk(dir, name);
      if (ROWS_FILE.test(name)) {
        // Shard files: the bytes on disk must match the recording, and every row must be a re-run row.
        if (!disk) problems.push(`${name}: listed in the manifest but missing on disk`);
        else if (sha256(disk) !== recorded) problems.push(`${name}: the file does not match its recorded SHA-256 ${short(recorded)} (found ${short(sha256(disk))})`);
        else {
          const lines = disk.toString("utf8").split("\n").filter(Boolean);
          const bad = lines.findIndex((l) => !rerunRows.has(l));
          if (bad >= 0) {
            const id = rowId(lines[bad]);
            const twin = id === null ? undefined : [...rerunRows].find((l) => rowId(l) === id);
            problems.push(`${name}: line ${bad + 1} (point ${id === null ? "?" : id.slice(0, 12)}) does not reproduce. First difference: ${twin ? firstDifference("row.json", twin, lines[bad]) : "no such point in the re-run"}`);
          } else verified.push(name);
        }
        continue;
      }
      const p = judgeOutput(name, recorded, disk, readDisk(scratch, name));
      if (p) problems.push(p);
      else verified.push(name);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return { ok: problems.length === 0, verified, problems, notes };
}
