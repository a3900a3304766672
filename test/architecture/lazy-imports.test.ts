/**
 * Heavy libraries load only where a code path uses them. Every `chaff` child process
 * (the test suites start about a hundred) and every worker thread of a run imports the
 * command modules or the observer registry; TensorFlow.js, linkedom, Observable Plot,
 * d3, resvg, DuckDB and cli-progress cost seconds of CPU there together, so each is
 * loaded inside the code that needs it (training a network, drawing a figure, writing
 * Parquet, showing a bar on a terminal).
 *
 * Checked on child processes run with record-imports.mjs, which logs every module the
 * process loads (ES modules through the loader's hooks, CommonJS through require's
 * cache). A control first shows the log catches both kinds, so an empty finding is
 * evidence, not a blind spot.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const RECORD = join(ROOT, "test/architecture/record-imports.mjs");
const tmp = mkdtempSync(join(tmpdir(), "chaff-lazy-imports-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Packages no command may load before it knows it needs them (matched as node_modules/<prefix> in a module's path). */
const HEAVY = ["@tensorflow/", "linkedom/", "@observablehq/plot/", "d3/", "d3-", "@resvg/", "@duckdb/", "cli-progress/"];

let runs = 0;

/** Runs `node --import record-imports.mjs ARGS` and returns its exit status, output and the modules it loaded. */
function recorded(args: string[]): { status: number | null; stdout: string; stderr: string; modules: string[] } {
  const log = join(tmp, `modules-${runs++}.log`);
  writeFileSync(log, "");
  const r = spawnSync(process.execPath, ["--import", RECORD, ...args], { cwd: ROOT, encoding: "utf8", timeout: 120_000, env: { ...process.env, CHAFF_IMPORT_LOG: log } });
  const modules = readFileSync(log, "utf8").split("\n").filter(Boolean);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, modules };
}

/** The heavy packages among `modules`, each named once. */
function heavy(modules: readonly string[]): string[] {
  const found = new Set<string>();
  for (const m of modules) for (const h of HEAVY) if (m.replace(/\\/g, "/").includes(`/node_modules/${h}`)) found.add(h);
  return [...found].sort();
}

const chaff = (args: string[]) => recorded([join(ROOT, "bin/chaff.js"), ...args]);

describe("lazy imports", () => {
  it("the recorder sees an ES module import and a CommonJS require (control)", () => {
    const r = recorded(["--input-type=module", "-e", 'await import("d3"); (await import("node:module")).createRequire(import.meta.url)("cli-progress");']);
    expect(r.status, r.stderr).toBe(0);
    expect(heavy(r.modules)).toEqual(["cli-progress/", "d3-", "d3/"]);
  });

  it("chaff --version loads no heavy library", () => {
    const r = chaff(["--version"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(r.modules.some((m) => m.endsWith("/sim/cli/commands/run.ts")), "every command registers").toBe(true);
    expect(heavy(r.modules)).toEqual([]);
  });

  it("a refused run loads no heavy library: a missing file, and a bad parameter after every observer is loaded", () => {
    const missing = chaff(["run", join(tmp, "nonexistent.json")]);
    expect(missing.status, missing.stderr).toBe(2);
    expect(missing.stderr).toMatch(/^error: experiment file .*nonexistent\.json: does not exist\n$/);
    expect(heavy(missing.modules)).toEqual([]);

    // the registry imports every observer, the TensorFlow.js one (sequence-correlator) included
    const tiny = JSON.parse(readFileSync(join(ROOT, "test/fixtures/tiny-experiment.json"), "utf8")) as { observers: unknown[] };
    tiny.observers.push({ observer: "sequence-correlator", params: { epochs: 0 } });
    const file = join(tmp, "bad-observer.json");
    writeFileSync(file, JSON.stringify(tiny));
    const bad = chaff(["run", file, "--out", join(tmp, "runs")]);
    expect(bad.status, bad.stderr).toBe(2);
    expect(bad.stderr).toMatch(/^error: observers\[1\]\.params\.epochs = 0: /);
    expect(bad.modules.some((m) => m.endsWith("/observers/sequence-correlator.ts"))).toBe(true);
    expect(bad.modules.some((m) => m.endsWith("/observers/seeded-network.ts"))).toBe(true);
    expect(heavy(bad.modules)).toEqual([]);
  });
});
