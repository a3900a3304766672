/**
 * `npm run notebooks [-- --run DIR] [--sweep DIR|FILE] [--results DIR] [--port N] [--no-serve]`
 *
 * Builds the Observable notebooks over results and serves them on localhost. The
 * notebooks never silently pick a run: each page opens on a **run picker** (overview,
 * inspector) or a **sweep picker** (sweep explorer) listing what the build found, and
 * says which one it shows and why it was the first choice.
 *
 * 1. empties `notebooks/.observable` (Notebook Kit caches there, and a stale cache shows
 *    old results; reference/ecosystem.md §1);
 * 2. catalogues the runs: `--run DIR` first (the initial choice) when given, then the
 *    newest runs under `results/runs/` (at most `MAX_RUNS`); each run's figure data
 *    (`metrics.json`, `roc.json`, `timeline.json`, `latency.json`, `energy.json`) is
 *    copied to `dist/data/runs/r<k>/`;
 * 3. catalogues the sweeps: `--sweep` first when given, then every `summary.json` under
 *    `results/` (what `chaff collect` writes in a sweep directory, turned into rows by
 *    `rowsFromCollected`), newest first (at most `MAX_SWEEPS`), then one made of every
 *    run under `results/runs/` (`sweepSummary`); both in
 *    `sim/report/figures/privacy-cost.ts`, which defines the rows the notebook reads.
 *    Each goes to `dist/data/sweeps/s<k>.json`;
 * 4. writes the catalogue (`{ runs, sweeps }`: id, label, where it came from, and the
 *    reason for the initial choice) to `.observable/data/catalog.json`, which the
 *    notebooks read through `FileAttachment`; the data of the chosen entry is fetched
 *    from `data/` beside the pages, so ids are the build's own (`r0`, `s1`) and no name
 *    from a results file ever becomes a path;
 * 5. runs `notebooks build` (Notebook Kit, pinned) into `notebooks/.observable/dist/`: the
 *    notebooks import Plot and d3 from node_modules, so the built site is a
 *    self-contained snapshot needing no network;
 * 6. serves it on http://127.0.0.1:PORT/ (default 3000) until interrupted.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { rowsFromCollected, sweepSummary, type CollectedSummary, type SweepSummary } from "../sim/report/figures/privacy-cost.ts";
import type { RunMetrics } from "../sim/runs/metrics.ts";
import { serveStatic } from "./serve.ts";
import { readJsonFile } from "../sim/core/json-input.ts";

/** Largest results file the build reads, bytes. */
const MAX_INPUT_BYTES = 256 * 1024 * 1024;
const readJson = (path: string, label: string): unknown => readJsonFile(path, { label, maxBytes: MAX_INPUT_BYTES });

export const NOTEBOOKS_DIR = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(NOTEBOOKS_DIR, "..");
export const NOTEBOOKS = ["overview.html", "sweep.html", "inspector.html"] as const;
/** Files of a run the notebooks read. */
export const RUN_FILES = ["metrics.json", "roc.json", "timeline.json", "latency.json", "energy.json"] as const;

export interface BuildOptions {
  /** Results root (default `results/`). */
  results?: string;
  /** A run directory (default: the newest under `<results>/runs`). */
  run?: string;
  /** A sweep directory or summary file (default: see the header). */
  sweep?: string;
  quiet?: boolean;
}

export interface BuildResult {
  dist: string;
  /** The initial run (the first of the catalogue). */
  run: string;
  /** The initial sweep summary (the first of the catalogue). */
  sweep: string;
  catalog: Catalog;
}

/** At most this many runs and sweeps are offered by the pickers (newest first). */
export const MAX_RUNS = 12;
export const MAX_SWEEPS = 12;

export interface CatalogEntry {
  /** The build's own id: `r<k>` or `s<k>`, also the data's folder or file name. */
  id: string;
  /** What the picker shows: the folder's name and the experiment it ran. */
  label: string;
  /** Where the data came from (a path, or a description). */
  source: string;
}

export interface Catalog {
  runs: CatalogEntry[];
  sweeps: CatalogEntry[];
  /** Why the first run / sweep is the initial choice. */
  runChoice: string;
  sweepChoice: string;
}

function log(opts: BuildOptions, msg: string): void {
  if (!opts.quiet) process.stdout.write(`${msg}\n`);
}

/** Run directories (holding a manifest.json) under `runsDir`, newest first. */
export function listRuns(runsDir: string): string[] {
  if (!existsSync(runsDir)) return [];
  return readdirSync(runsDir)
    .filter((d) => !d.startsWith("."))
    .map((d) => join(runsDir, d))
    .filter((d) => existsSync(join(d, "manifest.json")) && existsSync(join(d, "metrics.json")))
    .sort((a, b) => statSync(join(b, "manifest.json")).mtimeMs - statSync(join(a, "manifest.json")).mtimeMs || a.localeCompare(b));
}

/** `summary.json` files under `dir` (depth ≤ 4, skipping dot directories), newest first. */
export function findSummaries(dir: string, depth = 4): string[] {
  const out: string[] = [];
  const walk = (d: string, level: number) => {
    if (!existsSync(d) || level > depth) return;
    for (const name of readdirSync(d)) {
      if (name.startsWith(".")) continue;
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p, level + 1);
      else if (name === "summary.json") out.push(p);
    }
  };
  walk(dir, 0);
  return out.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs || a.localeCompare(b));
}

/** The shapers of each defense of the experiment a sweep directory ran (its manifest.json or sweep.json). */
function sweepShapers(dir: string): Record<string, { device: string; server: string }> {
  for (const f of ["manifest.json", "sweep.json"]) {
    const p = join(dir, f);
    if (!existsSync(p)) continue;
    const exp = (readJson(p, "sweep description") as { experiment?: { defenses?: unknown } } | null)?.experiment;
    if (!exp || !Array.isArray(exp.defenses)) continue;
    const str = (v: unknown, d: string) => (typeof v === "string" ? v : d);
    return Object.fromEntries(
      (exp.defenses as { name?: unknown; device?: { shaper?: unknown }; server?: { shaper?: unknown } }[])
        .filter((d) => d && typeof d === "object")
        .map((d) => [str(d.name, "?"), { device: str(d.device?.shaper, "none"), server: str(d.server?.shaper, "none") }]),
    );
  }
  return {};
}

/**
 * Reads a sweep summary: the notebook's own shape (`rows`), or the `summary.json` that
 * `chaff collect` writes (`figures`, long form over seeds), turned into rows.
 */
export function readSummary(file: string): SweepSummary {
  const s = (readJson(file, "sweep summary") ?? {}) as Partial<SweepSummary> & Partial<CollectedSummary>;
  if (Array.isArray(s.rows)) return { kind: "chaff-sweep-summary", version: 1, name: s.name ?? basename(dirname(file)), rows: s.rows };
  if (Array.isArray(s.figures)) {
    const rows = rowsFromCollected(s as CollectedSummary, sweepShapers(dirname(file)));
    return { kind: "chaff-sweep-summary", version: 1, name: `${s.experiment ?? basename(dirname(file))} (sweep, mean and range over seeds)`, rows };
  }
  throw new Error(`${file}: expected the summary.json of chaff collect ({ experiment, figures: [...] }) or { kind: "chaff-sweep-summary", rows: [...] } (see sim/report/figures/privacy-cost.ts)`);
}

/** The experiment a run directory ran, for its picker label (its metrics.json; "?" when unreadable). */
function runExperimentName(dir: string): string {
  try {
    const m = readJson(join(dir, "metrics.json"), "run metrics") as { experiment?: unknown } | null;
    return typeof m?.experiment === "string" ? m.experiment : "?";
  } catch {
    return "?";
  }
}

/** Prepares the data and builds the notebooks; returns where the site is and what its pickers offer. */
export function buildNotebooks(opts: BuildOptions = {}): BuildResult {
  const results = resolve(opts.results ?? join(REPO_ROOT, "results"));
  const runsDir = join(results, "runs");
  const runs = listRuns(runsDir);
  const explicitRun = opts.run ? resolve(opts.run) : undefined;
  const runDirs = [...(explicitRun ? [explicitRun] : []), ...runs.filter((d) => d !== explicitRun)].slice(0, MAX_RUNS);
  if (runDirs.length === 0) throw new Error(`no run under ${runsDir}: run \`npx chaff run\` first, or pass --run DIR`);
  for (const run of runDirs) {
    const missing = RUN_FILES.filter((f) => !existsSync(join(run, f)));
    if (missing.length === 0) continue;
    // the run asked for must have its figure data; an older run without it is left out of the picker
    if (run === explicitRun || runDirs.length === 1) {
      throw new Error(`${run} has no ${missing.join(", ")}: re-run it with a chaff that writes figure data (sim/report/figures dataFiles)`);
    }
  }
  const usable = runDirs.filter((d) => RUN_FILES.every((f) => existsSync(join(d, f))));
  if (usable.length === 0) throw new Error(`no run under ${runsDir} has figure data (${RUN_FILES.join(", ")}): re-run one with this chaff, or pass --run DIR`);

  const work = join(NOTEBOOKS_DIR, ".observable");
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, "data"), { recursive: true });
  const staged = join(work, "staged");

  const catalog: Catalog = {
    runs: [],
    sweeps: [],
    runChoice: explicitRun ? "named by --run" : "the newest run under results/runs (pick another below)",
    sweepChoice: "",
  };
  usable.forEach((run, k) => {
    const id = `r${k}`;
    mkdirSync(join(staged, "runs", id), { recursive: true });
    for (const f of RUN_FILES) copyFileSync(join(run, f), join(staged, "runs", id, f));
    catalog.runs.push({ id, label: `${basename(run)} · ${runExperimentName(run)}`, source: run });
  });
  log(opts, `runs:  ${usable.length} (first: ${usable[0]})`);

  const explicit = opts.sweep ? resolve(opts.sweep) : undefined;
  const explicitFile = explicit ? (statSync(explicit).isDirectory() ? join(explicit, "summary.json") : explicit) : undefined;
  const found = [...(explicitFile ? [explicitFile] : []), ...findSummaries(results).filter((f) => f !== explicitFile)].slice(0, MAX_SWEEPS);
  const sweeps: { source: string; summary: SweepSummary }[] = found.map((f) => ({ source: f, summary: readSummary(f) }));
  {
    const all = (runs.length ? runs : usable).map((d) => ({ run: basename(d), metrics: readJson(join(d, "metrics.json"), "run metrics") as RunMetrics }));
    sweeps.push({ source: `${all.length} run(s) in ${runsDir}`, summary: sweepSummary(`all runs in ${runsDir}`, all) });
  }
  catalog.sweepChoice = explicitFile
    ? "named by --sweep"
    : found.length > 0
      ? "the newest summary.json under results (pick another below)"
      : "no summary.json under results: every run, one point each";
  mkdirSync(join(staged, "sweeps"), { recursive: true });
  sweeps.forEach(({ source, summary }, k) => {
    const id = `s${k}`;
    writeFileSync(join(staged, "sweeps", `${id}.json`), `${JSON.stringify(summary)}\n`);
    catalog.sweeps.push({ id, label: k < found.length ? `${summary.name} · ${basename(dirname(source))}` : summary.name, source });
  });
  writeFileSync(join(work, "data", "catalog.json"), `${JSON.stringify(catalog)}\n`);
  log(opts, `sweeps: ${sweeps.length} (first: ${sweeps[0].source})`);

  const bin = join(REPO_ROOT, "node_modules", "@observablehq", "notebook-kit", "dist", "bin", "notebooks.js");
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run npm install (devDependency @observablehq/notebook-kit)`);
  const args = [bin, "build", "--root", NOTEBOOKS_DIR, "--", ...NOTEBOOKS.map((n) => join(NOTEBOOKS_DIR, n))];
  const r = spawnSync(process.execPath, args, { cwd: REPO_ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  const output = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  if (r.status !== 0) throw new Error(`notebooks build failed (exit ${r.status}):\n${output}`);
  // Vite only warns when an attachment is missing; here that is an error
  const unresolved = output.split("\n").filter((l) => /doesn't exist at build time/.test(l));
  if (unresolved.length) throw new Error(`notebooks build: unresolved files:\n${unresolved.join("\n")}`);
  const dist = join(work, "dist");
  for (const n of NOTEBOOKS) if (!existsSync(join(dist, n))) throw new Error(`notebooks build wrote no ${join(dist, n)}:\n${output}`);
  // the pickers' data, fetched by the pages from data/ beside them
  cpSync(staged, join(dist, "data"), { recursive: true });
  rmSync(staged, { recursive: true, force: true });
  log(opts, `built: ${NOTEBOOKS.map((n) => join(dist, n)).join(", ")}`);
  return { dist, run: usable[0], sweep: sweeps[0].source, catalog };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    allowNegative: true,
    options: {
      results: { type: "string" },
      run: { type: "string" },
      sweep: { type: "string" },
      port: { type: "string", default: "3000" },
      host: { type: "string", default: "127.0.0.1" },
      serve: { type: "boolean", default: true },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write("usage: npm run notebooks -- [--run DIR] [--sweep DIR|FILE] [--results DIR] [--port N] [--host ADDR] [--no-serve]\n");
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port = ${JSON.stringify(values.port)}: expected an integer from 0 to 65535`);
  const { dist } = buildNotebooks({ results: values.results, run: values.run, sweep: values.sweep });
  if (!values.serve) return;
  const { url } = await serveStatic(dist, { port, host: values.host });
  process.stdout.write(`\nserving ${dist}\n${NOTEBOOKS.map((n) => `  ${url}${n}`).join("\n")}\n(Ctrl-C to stop)\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: Error) => {
    process.stderr.write(`error: ${e.message}\n`);
    process.exit(2);
  });
}
