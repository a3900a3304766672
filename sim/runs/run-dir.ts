/**
 * Results on disk: a run directory `<out>/<id>/` holding `manifest.json`,
 * `metrics.json`, `report.md` and whatever else the run writes (figures, timelines).
 *
 * The manifest is what an auditor needs to reproduce the run without trusting whoever
 * made it: the full parsed experiment (defaults filled in), the seed, the code revision
 * and whether the tree was dirty, the SHA-256 of the lockfile, the Node version, and the
 * SHA-256 of every output file. The id is derived from the experiment's name, seed and
 * canonical hash, so the same experiment lands in the same place.
 *
 * Writing is atomic: files go to a temporary directory that is renamed into place, so a
 * failed or interrupted run leaves no partial results.
 */
import { execFileSync } from "node:child_process";
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { canonicalJson, prettyJson, sha256 } from "../core/canonical-json.ts";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

export interface Manifest {
  chaff: string;
  id: string;
  experiment: unknown;
  experimentHash: string;
  seed: number;
  code: { revision: string | null; dirty: boolean | null };
  lockfileSha256: string | null;
  node: string;
  outputs: Record<string, string>;
}

export function codeRevision(): { revision: string | null; dirty: boolean | null } {
  try {
    const revision = execFileSync("git", ["rev-parse", "HEAD"], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "ignore"] }).toString().trim();
    const status = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "ignore"] }).toString();
    return { revision, dirty: status.trim().length > 0 };
  } catch {
    return { revision: null, dirty: null };
  }
}

export function lockfileHash(): string | null {
  const p = join(REPO_ROOT, "package-lock.json");
  return existsSync(p) ? sha256(readFileSync(p)) : null;
}

export function experimentHash(experiment: unknown): string {
  return sha256(canonicalJson(experiment));
}

export function runId(name: string, seed: number, experiment: unknown): string {
  return `${name}-s${seed}-${experimentHash(experiment).slice(0, 10)}`;
}

/**
 * Writes `files` (name → contents) plus a manifest into `<out>/<id>/` atomically and
 * returns the directory.
 */
export function writeRun(out: string, id: string, experiment: { seed: number }, files: Record<string, string | Uint8Array>): string {
  const final = resolve(out, id);
  const tmp = resolve(out, `.${id}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const outputs: Record<string, string> = {};
  for (const name of Object.keys(files).sort()) {
    const path = join(tmp, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, files[name]);
    outputs[name] = sha256(typeof files[name] === "string" ? Buffer.from(files[name] as string) : (files[name] as Uint8Array));
  }
  const manifest: Manifest = {
    chaff: "1",
    id,
    experiment,
    experimentHash: experimentHash(experiment),
    seed: experiment.seed,
    code: codeRevision(),
    lockfileSha256: lockfileHash(),
    node: process.version,
    outputs,
  };
  writeFileSync(join(tmp, "manifest.json"), prettyJson(manifest));
  rmSync(final, { recursive: true, force: true });
  renameSync(tmp, final);
  return final;
}

export function readManifest(runDir: string): Manifest {
  const p = join(runDir, "manifest.json");
  if (!existsSync(p)) throw new Error(`${runDir}: no manifest.json (expected a run directory written by chaff run)`);
  return JSON.parse(readFileSync(p, "utf8")) as Manifest;
}

let tmpCounter = 0;

/**
 * Writes one file atomically: to a temporary sibling (named by host, process and a
 * counter, so concurrent writers on a shared file system never collide), fsynced, then
 * renamed over the target. Readers see the old file or the new one, never a part.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${hostname()}-${process.pid}-${tmpCounter++}`;
  const fd = openSync(tmp, "w");
  try {
    const buf = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
}
