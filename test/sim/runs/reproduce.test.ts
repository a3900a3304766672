import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseExperiment } from "../../../sim/experiment/parse.ts";
import { reproduceRun } from "../../../sim/runs/reproduce.ts";
import { runId, writeRun } from "../../../sim/runs/run-dir.ts";
import { runFiles } from "../../../sim/runs/outputs.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
const TINY = join(ROOT, "test/fixtures/tiny-experiment.json");

/**
 * The tiny experiment for two simulated minutes, its undefended arm only, recorded once
 * for the file; each test tampers with its own copy. One arm writes the same 19 outputs
 * as two, and a run here is mostly its figures (about 1.1 CPU-s with one arm, 1.6 with
 * two, measured 2026-12-07); the file re-runs it four times.
 */
let recorded = "";
beforeAll(async () => {
  const tiny = JSON.parse(readFileSync(TINY, "utf8"));
  const exp = await parseExperiment({ ...tiny, durationSeconds: 120, defenses: tiny.defenses.slice(0, 1) });
  const { files } = await runFiles(exp);
  recorded = writeRun(mkdtempSync(join(tmpdir(), "chaff-repro-")), runId(exp.name, exp.seed, exp), exp, files);
});

function recordRun(): string {
  const dir = join(mkdtempSync(join(tmpdir(), "chaff-repro-")), basename(recorded));
  cpSync(recorded, dir, { recursive: true });
  return dir;
}

/** Changes one byte: the first digit after `"estimate": ` becomes another digit. */
function flipOneByte(path: string): void {
  const text = readFileSync(path, "utf8");
  const at = text.search(/"estimate": \d/) + '"estimate": '.length;
  const digit = text[at];
  writeFileSync(path, text.slice(0, at) + (digit === "9" ? "8" : String(Number(digit) + 1)) + text.slice(at + 1));
}

describe("reproduce", () => {
  it("verifies an untouched run, and fails naming the file and the first differing field when one byte of metrics.json changes", async () => {
    const dir = recordRun();
    const ok = await reproduceRun(dir);
    expect(ok.problems).toEqual([]);
    const outputs = Object.keys(JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")).outputs).sort();
    expect(outputs).toEqual(expect.arrayContaining(["metrics.json", "report.md"]));
    expect(ok.verified).toEqual(outputs);

    flipOneByte(join(dir, "metrics.json"));
    // The tampered run is reproduced once, by the command line: `chaff reproduce` prints
    // reproduceRun's answer line by line (`ok   NAME` per verified output, `FAIL PROBLEM`
    // per problem, exit 1 when not ok), so its output is checked for the same answer
    // instead of re-running the experiment a second time in this process.
    const cli = spawnSync(process.execPath, [join(ROOT, "bin/chaff.js"), "reproduce", dir], { cwd: ROOT, encoding: "utf8" });
    const lines = cli.stdout.split("\n");
    const bad = {
      ok: cli.status === 0,
      verified: lines.filter((l) => l.startsWith("ok   ")).map((l) => l.slice("ok   ".length)),
      problems: lines.filter((l) => l.startsWith("FAIL ")).map((l) => l.slice("FAIL ".length)),
    };
    expect(bad.ok).toBe(false);
    expect(bad.verified).toEqual(outputs.filter((n) => n !== "metrics.json"));
    expect(bad.problems).toHaveLength(1);
    expect(bad.problems[0]).toMatch(/^metrics\.json: the file does not match its recorded SHA-256 .* it was changed after the run\. First difference: arms\[0\]\.[\w.[\]]*estimate: /);
    expect(cli.status).toBe(1);
    expect(cli.stdout).toMatch(/^FAIL metrics\.json: .*First difference: arms\[0\]/m);
    expect(cli.stdout).toMatch(/^ok {3}report\.md$/m);
    expect(cli.stderr).toMatch(/1 output\(s\) of .* did not reproduce/);
  });

  it("names a tampered experiment in the manifest, and a re-run that no longer matches", async () => {
    const dir = recordRun();
    const mpath = join(dir, "manifest.json");
    const manifest = JSON.parse(readFileSync(mpath, "utf8"));
    // Edit the experiment but keep its recorded hash: the manifest no longer vouches for it.
    manifest.experiment.metrics.resamples = 201;
    writeFileSync(mpath, JSON.stringify(manifest, null, 2));
    const r = await reproduceRun(dir);
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatch(/^manifest\.json: the stored experiment does not match its recorded experimentHash/);
    // And the outputs re-run from the edited experiment differ from what was recorded.
    expect(r.problems.some((p) => /^metrics\.json: the re-run does not reproduce it .*First difference: /.test(p))).toBe(true);
  });
});
