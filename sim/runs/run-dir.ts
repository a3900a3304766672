/**
 * Results on disk: a run directory `<out>/<id>/` holding `manifest.json`,
 * `metrics.json`, `report.md` and whatever else the run writes (figures, timelines).
 *
 * The manifest is what an auditor needs to reproduce the run without trusting whoever
 * made it: the full parsed experiment (defaults filled in), the seed, the code revision,
 * the SHA-256 of the lockfile, the Node version, the SHA-256 of every output file, and
 * the SHA-256 of every source file the run executed (`code.sources`, see below). The id
 * is derived from the experiment's name, seed and canonical hash, so the same
 * experiment lands in the same place.
 *
 * **Provenance that cannot lie.** `code.sources` maps each source file to its SHA-256:
 * every file of the engine folders (`sim/core`, `sim/engine`, `sim/world` with the
 * conversation models, `sim/experiment`), the file of every shaper and observer the
 * experiment names (sweep grids included), and every repository file those import,
 * transitively (type-only imports excepted). `code.dirty` is true when a tracked file
 * anywhere differs from the commit, or when one of those sources is modified or not
 * tracked by git at all (an untracked shaper file is exactly what makes a run
 * irreproducible at its recorded revision); `code.changed` names those sources.
 * `chaff reproduce` compares the recorded hashes with the files it is about to run and
 * names each one that changed.
 *
 * **Reading a manifest someone else made.** `readManifest` reads at most 16 MiB, refuses
 * deep nesting and prototype keys (`sim/core/json-input.ts`) and checks the shape with
 * a zod schema: the integrity fields (`experiment`, `experimentHash`, `outputs`) are
 * required, hashes are 64 hex digits, and every output name is a plain relative name
 * inside the run directory (`figures/roc.svg`; never absolute, never `..`, no
 * backslashes or control characters). `readOutput` reads an output through the
 * directory only: a regular file (not a link leading outside, not a device), at most
 * `MAX_OUTPUT_BYTES`.
 *
 * **Timings are not provenance.** `timings` (optional) holds the wall and CPU seconds of
 * the run as a whole and per phase (`sim/core/phase-timer.ts`): facts of the machine and
 * its load, so no output file carries them and no check compares them — `chaff
 * reproduce` verifies the outputs' hashes, never the manifest's timings.
 *
 * Writing is atomic: files go to a temporary directory (`.<id>.tmp-<pid>@<host>`) that is
 * renamed into place, so a failed or interrupted run leaves no partial results; the
 * temporary directory of a writer that was killed is removed by the next run into the
 * same folder (`removeDebris`).
 */
import { execFileSync } from "node:child_process";
import {
  closeSync,
  existsSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { hostname } from "node:os";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { canonicalJson, prettyJson, sha256 } from "../core/canonical-json.ts";
import { readCapped, readJsonFile } from "../core/json-input.ts";
import { InputError, parseWith } from "../core/validation.ts";
import { PHASES, type PhaseTimings } from "../core/phase-timer.ts";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Largest manifest read, bytes. */
export const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;
/** Largest output file read back (by `reproduce` and `report`), bytes. */
export const MAX_OUTPUT_BYTES = 1024 * 1024 * 1024;

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Why `name` is not a plain relative output name inside a run directory, or null:
 * slash-separated segments of letters, digits, `.`, `_`, `-` and `+`, none of them `.` or `..`,
 * at most 255 characters.
 */
export function outputNameProblem(name: string): string | null {
  if (typeof name !== "string" || name.length === 0) return "expected a file name";
  if (name.length > 255) return "expected a name of at most 255 characters";
  if (isAbsolute(name) || name.startsWith("/")) return "expected a relative name inside the run directory, not an absolute path";
  if (name.includes("\\")) return "expected '/' as the only separator";
  const segments = name.split("/");
  for (const s of segments) {
    if (s === "" || s === "." || s === "..") return "expected a plain name inside the run directory (no empty, '.' or '..' segments)";
    if (!/^[A-Za-z0-9._+-]+$/.test(s)) return "expected letters, digits, '.', '_', '-' or '+' in each segment";
  }
  return null;
}

/** name → SHA-256, every name a plain relative output name (each bad one is its own issue, naming it). */
const outputsSchema = z.record(z.string(), z.string().regex(SHA256, "expected a SHA-256 in hex (64 digits)")).superRefine((outputs, ctx) => {
  for (const name of Object.keys(outputs)) {
    const p = outputNameProblem(name);
    if (p) ctx.addIssue({ code: "custom", path: [name], message: `output name ${JSON.stringify(name.length > 60 ? `${name.slice(0, 57)}...` : name)}: ${p}` });
  }
});

const seconds = z.number().finite().min(0);
const phaseTimingSchema = z.object({ wallSeconds: seconds, cpuSeconds: z.number().finite(), spans: z.number().int().min(0) }).strict();

/** What the manifest records of a run's time (never hashed, never compared; see the header). */
export const timingsSchema = z
  .object({
    /** Wall seconds from the start of the run to its files being ready. */
    wallSeconds: seconds,
    /** CPU seconds of the whole process (every thread) over the same stretch. */
    cpuSeconds: seconds,
    /** Worker threads the arms ran on. */
    workers: z.number().int().min(1),
    /** Per phase, summed over threads (CPU per thread, so phases on several threads can add up to more than the run's wall time). */
    phases: z.object(Object.fromEntries(PHASES.map((p) => [p, phaseTimingSchema.optional()])) as Record<(typeof PHASES)[number], z.ZodOptional<typeof phaseTimingSchema>>).strict(),
  })
  .strict();

export interface RunTimings {
  wallSeconds: number;
  cpuSeconds: number;
  workers: number;
  phases: PhaseTimings;
}

export const manifestSchema = z
  .object({
    chaff: z.string().max(32),
    id: z.string().min(1).max(255),
    experiment: z.looseObject({ seed: z.number().int().min(0).optional() }),
    experimentHash: z.string().regex(SHA256, "expected a SHA-256 in hex (64 digits)"),
    seed: z.number().int().min(0),
    code: z.looseObject({
      revision: z.string().regex(/^[0-9a-f]{7,64}$/, "expected a git revision in hex").nullable(),
      dirty: z.boolean().nullable(),
      changed: z.array(z.string().max(1000)).optional(),
      sources: z.record(z.string().max(1000), z.string().regex(SHA256, "expected a SHA-256 in hex (64 digits)")).optional(),
    }),
    lockfileSha256: z.string().regex(SHA256, "expected a SHA-256 in hex (64 digits)").nullable(),
    node: z.string().max(64),
    outputs: outputsSchema,
    timings: timingsSchema.optional(),
  })
  .strict();

export type Manifest = z.infer<typeof manifestSchema>;
export type CodeState = Manifest["code"];

/** Checks a parsed manifest's shape; InputError, one line per problem, each starting with `label`. */
export function parseManifest(raw: unknown, label = "manifest.json: "): Manifest {
  return parseWith(manifestSchema, raw, label);
}

function git(args: string[]): string {
  return execFileSync("git", args, { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "ignore"], maxBuffer: 64 * 1024 * 1024 }).toString();
}

/** The commit and whether any tracked file differs from it (null, null outside a git checkout). */
export function codeRevision(): { revision: string | null; dirty: boolean | null } {
  try {
    const revision = git(["rev-parse", "HEAD"]).trim();
    const status = git(["status", "--porcelain", "--untracked-files=no"]);
    return { revision, dirty: status.trim().length > 0 };
  } catch {
    return { revision: null, dirty: null };
  }
}

// ---------------------------------------------------------------------------------------
// Source files a run executes.

/** The folders whose every file counts as the engine. */
export const ENGINE_FOLDERS = ["sim/core", "sim/engine", "sim/world", "sim/experiment"] as const;

/** Where shapers and observers are discovered, and how deep (as `sim/experiment/registries.ts`). */
const COMPONENT_DIRS = { shaper: { dir: "shapers", depth: 1 }, observer: { dir: "observers", depth: 1 } } as const;

function listFiles(dir: string, depth: number, filter: (name: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith(".")) continue;
    const p = join(dir, name);
    let st;
    try {
      st = lstatSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) {
      if (depth > 0) out.push(...listFiles(p, depth - 1, filter));
    } else if (st.isFile() && filter(name)) out.push(p);
  }
  return out;
}

const isSource = (name: string) => /\.(ts|mts|mjs|js|json)$/.test(name) && !name.endsWith(".d.ts");

/** The name a component file's `definition` declares, read from its text (no import, so no side effects). */
export function declaredName(text: string): string | null {
  const at = text.search(/export\s+const\s+definition\b/);
  if (at < 0) return null;
  const m = /\bname\s*:\s*(?:"([^"\\]*)"|'([^'\\]*)'|([A-Za-z_$][\w$]*))/.exec(text.slice(at));
  if (!m) return null;
  if (m[1] !== undefined || m[2] !== undefined) return m[1] ?? m[2];
  const c = new RegExp(`\\bconst\\s+${m[3].replace(/\$/g, "\\$")}\\s*(?::\\s*[\\w<>]+\\s*)?=\\s*(?:"([^"\\\\]*)"|'([^'\\\\]*)')`).exec(text);
  return c ? (c[1] ?? c[2]) : null;
}

/** name → file of every shaper or observer definition (files that declare none are left out). */
export function componentFiles(kind: keyof typeof COMPONENT_DIRS): Map<string, string> {
  const { dir, depth } = COMPONENT_DIRS[kind];
  const out = new Map<string, string>();
  for (const file of listFiles(join(REPO_ROOT, dir), depth, (n) => n.endsWith(".ts") && !n.endsWith(".d.ts"))) {
    const name = declaredName(readFileSync(file, "utf8"));
    if (name !== null && !out.has(name)) out.set(name, file);
  }
  return out;
}

const IMPORT = /(?:^|[^\w$.])(?:import|export)\s+(type\s+)?(?:[^'"`;]*?\s+from\s*)?["']([^"']+)["']/g;
const DYNAMIC = /(?:\bimport\s*\(\s*|new\s+URL\s*\(\s*)["']([^"']+)["']/g;

let importsMap: Record<string, string> | null = null;

function packageImports(): Record<string, string> {
  if (importsMap) return importsMap;
  try {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { imports?: Record<string, string> };
    importsMap = pkg.imports ?? {};
  } catch {
    importsMap = {};
  }
  return importsMap;
}

function resolveSpecifier(from: string, spec: string): string | null {
  let target: string | null = null;
  if (spec.startsWith("./") || spec.startsWith("../")) target = resolve(dirname(from), spec);
  else if (spec.startsWith("#")) {
    for (const [pattern, to] of Object.entries(packageImports())) {
      if (pattern.endsWith("*") && spec.startsWith(pattern.slice(0, -1))) target = resolve(REPO_ROOT, to.replace("*", spec.slice(pattern.length - 1)));
      else if (pattern === spec) target = resolve(REPO_ROOT, to);
    }
  }
  if (target === null) return null;
  for (const candidate of [target, `${target}.ts`, join(target, "index.ts")]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/** Repository files `file` imports at run time (type-only imports excepted). */
export function localImports(file: string): string[] {
  if (!/\.(ts|mts|mjs|js)$/.test(file)) return [];
  const text = readFileSync(file, "utf8");
  const specs: string[] = [];
  for (const m of text.matchAll(IMPORT)) if (!m[1]) specs.push(m[2]);
  for (const m of text.matchAll(DYNAMIC)) specs.push(m[1]);
  const out: string[] = [];
  for (const s of specs) {
    const r = resolveSpecifier(file, s);
    if (r && r.startsWith(REPO_ROOT + sep) && !r.includes(`${sep}node_modules${sep}`)) out.push(r);
  }
  return out;
}

/** Shaper and observer names an experiment (or sweep) may run, read loosely from the raw document. */
export function componentNames(experiment: unknown): { shapers: Set<string>; observers: Set<string> } {
  const shapers = new Set<string>();
  const observers = new Set<string>();
  const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
  if (!isObj(experiment)) return { shapers, observers };
  for (const d of Array.isArray(experiment.defenses) ? experiment.defenses : []) {
    if (!isObj(d)) continue;
    for (const side of ["device", "server"]) {
      const s = d[side];
      shapers.add(isObj(s) && typeof s.shaper === "string" ? s.shaper : "none");
    }
  }
  for (const o of Array.isArray(experiment.observers) ? experiment.observers : []) if (isObj(o) && typeof o.observer === "string") observers.add(o.observer);
  const sweep = isObj(experiment.sweep) ? experiment.sweep : null;
  for (const axis of sweep && Array.isArray(sweep.grid) ? sweep.grid : []) {
    if (!isObj(axis) || !Array.isArray(axis.values)) continue;
    // a tied axis names several paths that take the same values
    const paths = typeof axis.path === "string" ? [axis.path] : Array.isArray(axis.path) ? axis.path.filter((p): p is string => typeof p === "string") : [];
    for (const path of paths) {
      const set = /\.shaper$/.test(path) ? shapers : /\.observer$/.test(path) ? observers : null;
      for (const v of axis.values) if (set && typeof v === "string") set.add(v);
    }
  }
  return { shapers, observers };
}

/**
 * Every source file a run of `experiment` executes, relative to the repository (sorted):
 * the engine folders, the named shapers and observers, and everything they import.
 * A name no file declares pulls in every file of its kind (so nothing is left out).
 */
export function sourceFiles(experiment: unknown): string[] {
  const start: string[] = [];
  for (const f of ENGINE_FOLDERS) start.push(...listFiles(join(REPO_ROOT, f), 16, isSource));
  const { shapers, observers } = componentNames(experiment);
  for (const [kind, names] of [["shaper", shapers], ["observer", observers]] as const) {
    if (names.size === 0) continue;
    const files = componentFiles(kind);
    for (const n of names) {
      const f = files.get(n);
      if (f) start.push(f);
      else start.push(...files.values());
    }
  }
  const seen = new Set<string>();
  const todo = [...start];
  while (todo.length > 0) {
    const f = todo.pop() as string;
    if (seen.has(f)) continue;
    seen.add(f);
    for (const g of localImports(f)) if (!seen.has(g)) todo.push(g);
  }
  return [...seen].map((f) => relative(REPO_ROOT, f).split(sep).join("/")).sort();
}

/** SHA-256 of each file (relative to the repository); a file that cannot be read is left out. */
export function hashSources(files: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of files) {
    try {
      out[f] = sha256(readFileSync(join(REPO_ROOT, f)));
    } catch {
      // gone between listing and hashing: reproduce reports it as missing
    }
  }
  return out;
}

/** Of `files`, those git does not track ("untracked") or that differ from HEAD ("modified"). */
export function gitChanges(files: readonly string[]): Map<string, "untracked" | "modified"> | null {
  const out = new Map<string, "untracked" | "modified">();
  try {
    const tracked = new Set(git(["ls-files", "-z"]).split("\0").filter(Boolean));
    const modified = new Set(
      git(["diff", "HEAD", "--name-only", "-z"])
        .split("\0")
        .filter(Boolean),
    );
    for (const f of files) {
      if (!tracked.has(f)) out.set(f, "untracked");
      else if (modified.has(f)) out.set(f, "modified");
    }
    return out;
  } catch {
    return null;
  }
}

/** The code state a manifest records for a run of `experiment` (see the header). */
export function provenance(experiment: unknown): CodeState {
  const { revision, dirty } = codeRevision();
  const files = sourceFiles(experiment);
  const sources = hashSources(files);
  const changes = gitChanges(files);
  const changed = changes ? [...changes].map(([f, how]) => `${f} (${how})`).sort() : [];
  return { revision, dirty: dirty === null && changes === null ? null : Boolean(dirty) || changed.length > 0, changed, sources };
}

/** What differs between recorded source hashes and the files now: one line per file. */
export function sourceDifferences(recorded: Record<string, string>, now: Record<string, string>): string[] {
  const lines: string[] = [];
  for (const f of Object.keys(recorded).sort()) {
    if (!(f in now)) lines.push(`source ${f} was used by the recording but is gone now`);
    else if (now[f] !== recorded[f]) lines.push(`source ${f} changed since the recording (sha256 ${recorded[f].slice(0, 12)} then, ${now[f].slice(0, 12)} now)`);
  }
  for (const f of Object.keys(now).sort()) if (!(f in recorded)) lines.push(`source ${f} is new since the recording (not in its manifest)`);
  return lines;
}

// ---------------------------------------------------------------------------------------

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

/** Whether a process with this pid exists on this host. */
function pidAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Temporary names: `.<id>.tmp-<pid>@<host>` (a run being written), `<file>.tmp-<pid>-<n>@<host>`
 * (writeFileAtomic), or the older `.<x>.tmp-<pid>`. Host names hold no '@'.
 */
const DEBRIS = /\.tmp-(\d+)(?:-\d+)?(?:@([^@/]+))?$/;

/**
 * Removes what killed writers left in `dir`: temporary run directories and temporary
 * files of processes on this host that no longer exist. Returns the names removed.
 */
export function removeDebris(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const here = hostname();
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  for (const name of names) {
    const m = DEBRIS.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    const host = m[2];
    // Without a host (the older form), only hidden run directories count.
    if (host === undefined && !name.startsWith(".")) continue;
    if ((host === undefined || host === here) && !pidAlive(pid)) {
      rmSync(join(dir, name), { recursive: true, force: true });
      removed.push(name);
    }
  }
  return removed;
}

const PSEUDO_FS = ["/proc", "/sys", "/dev"];

/**
 * Why `dir` cannot be written as an output directory, or null when it can: it (or, when
 * it does not exist yet, its nearest existing ancestor) must be a directory, outside the
 * kernel's pseudo-filesystems, in which a directory can be created (tried, then removed).
 * Checked before a run, so a bad `--out` is found in a second, not after the simulation.
 */
export function outDirProblem(dir: string, flag = "--out"): string | null {
  const path = resolve(dir);
  const show = `${flag} ${JSON.stringify(dir)}`;
  let probe = path;
  while (!existsSync(probe)) {
    const up = dirname(probe);
    if (up === probe) break;
    probe = up;
  }
  let real: string;
  try {
    real = realpathSync(probe);
  } catch (e) {
    return `${show}: cannot be resolved (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  }
  if (PSEUDO_FS.some((p) => real === p || real.startsWith(`${p}/`))) return `${show}: is inside ${real.split("/").slice(0, 2).join("/")}, a kernel pseudo-filesystem; expected a directory on disk`;
  let st;
  try {
    st = statSync(real);
  } catch (e) {
    return `${show}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  }
  if (!st.isDirectory()) return probe === path ? `${show}: is a file, not a directory` : `${show}: ${probe} is a file, so no directory can be made inside it`;
  try {
    const t = mkdtempSync(join(real, ".chaff-write-test-"));
    rmSync(t, { recursive: true, force: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return `${show}: ${probe === path ? "" : `${probe} `}is not writable (${code === "EACCES" || code === "EPERM" || code === "EROFS" ? "read-only or permission denied" : code ?? (e as Error).message})`;
  }
  return null;
}

/** Throws an InputError (one line) when `dir` cannot be written; see `outDirProblem`. */
export function assertWritableDir(dir: string, flag = "--out"): void {
  const p = outDirProblem(dir, flag);
  if (p) throw new InputError([p]);
}

/**
 * Writes `files` (name → contents) plus a manifest into `<out>/<id>/` atomically and
 * returns the directory. `code` defaults to the provenance of `experiment`; `timings`,
 * when given, go into the manifest only (see the header).
 */
export function writeRun(out: string, id: string, experiment: { seed: number }, files: Record<string, string | Uint8Array>, code?: CodeState, timings?: RunTimings): string {
  for (const name of Object.keys(files)) {
    const p = outputNameProblem(name);
    if (p) throw new Error(`writeRun: output name ${JSON.stringify(name)}: ${p}`);
  }
  if (outputNameProblem(id) || id.includes("/")) throw new Error(`writeRun: run id ${JSON.stringify(id)} is not a plain name`);
  mkdirSync(out, { recursive: true });
  removeDebris(out);
  const final = resolve(out, id);
  const tmp = resolve(out, `.${id}.tmp-${process.pid}@${hostname()}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
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
      experiment: experiment as Manifest["experiment"],
      experimentHash: experimentHash(experiment),
      seed: experiment.seed,
      code: code ?? provenance(experiment),
      lockfileSha256: lockfileHash(),
      node: process.version,
      outputs,
      ...(timings ? { timings } : {}),
    };
    writeFileSync(join(tmp, "manifest.json"), prettyJson(manifest));
    rmSync(final, { recursive: true, force: true });
    renameSync(tmp, final);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return final;
}

/**
 * Reads and checks a run directory's manifest (size cap, nesting cap, no prototype keys,
 * the schema above). Throws an InputError, one line per problem.
 */
export function readManifest(runDir: string): Manifest {
  const p = join(runDir, "manifest.json");
  if (!existsSync(p)) throw new InputError([`${runDir}: no manifest.json (expected a run directory written by chaff run)`]);
  const raw = readJsonFile(p, { label: "manifest", maxBytes: MAX_MANIFEST_BYTES });
  return parseManifest(raw, `${p}: `);
}

/**
 * The bytes of output `name` of the run in `dir`, or null when it does not exist.
 * Throws an InputError when the name is not a plain relative name, when the path leads
 * outside the directory (through a link), is not a regular file, or is larger than
 * `maxBytes`.
 */
export function readOutput(dir: string, name: string, maxBytes = MAX_OUTPUT_BYTES): Buffer | null {
  const bad = outputNameProblem(name);
  if (bad) throw new InputError([`output ${JSON.stringify(name.slice(0, 80))}: ${bad}`]);
  const path = join(dir, name);
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return null;
  }
  if (st.isSymbolicLink()) {
    let real: string;
    try {
      real = realpathSync(path);
    } catch {
      return null;
    }
    const root = realpathSync(dir);
    if (!real.startsWith(root + sep)) throw new InputError([`output ${name}: a link leading outside the run directory (to ${real}); refused`]);
  }
  return readCapped(path, { maxBytes, label: "output" });
}

let tmpCounter = 0;

/**
 * Writes one file atomically: to a temporary sibling (named by host, process and a
 * counter, so concurrent writers on a shared file system never collide), fsynced, then
 * renamed over the target. Readers see the old file or the new one, never a part.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${tmpCounter++}@${hostname()}`;
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
