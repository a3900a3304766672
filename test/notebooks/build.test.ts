import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildNotebooks, findSummaries, listRuns, readSummary } from "../../notebooks/build.ts";

const tmp = mkdtempSync(join(tmpdir(), "chaff-nbbuild-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function touch(path: string, text: string, time: number): void {
  writeFileSync(path, text);
  utimesSync(path, time, time);
}

describe("notebook build inputs", () => {
  it("lists run directories newest first, skipping sweeps and scratch", () => {
    const runs = join(tmp, "results", "runs");
    for (const [name, t, metrics] of [["old", 1000, true], ["new", 2000, true], ["a-sweep", 3000, false], [".tmp", 4000, true]] as const) {
      mkdirSync(join(runs, name), { recursive: true });
      touch(join(runs, name, "manifest.json"), "{}", t);
      if (metrics) writeFileSync(join(runs, name, "metrics.json"), "{}");
    }
    expect(listRuns(runs).map((d) => d.slice(runs.length + 1))).toEqual(["new", "old"]);
    expect(listRuns(join(tmp, "nowhere"))).toEqual([]);
  });

  it("finds sweep summaries under the results and reads both shapes", () => {
    const a = join(tmp, "results", "runs", "a-sweep");
    touch(join(a, "summary.json"), JSON.stringify({ experiment: "x", figures: [] }), 3000);
    writeFileSync(join(a, "sweep.json"), JSON.stringify({ experiment: { defenses: [{ name: "none" }] } }));
    const b = join(tmp, "results", "sweeps", "b");
    mkdirSync(b, { recursive: true });
    touch(join(b, "summary.json"), JSON.stringify({ kind: "chaff-sweep-summary", version: 1, name: "mine", rows: [] }), 5000);
    expect(findSummaries(join(tmp, "results"))).toEqual([join(b, "summary.json"), join(a, "summary.json")]);
    expect(readSummary(join(b, "summary.json")).name).toBe("mine");
    expect(readSummary(join(a, "summary.json")).name).toBe("x (sweep, mean and range over seeds)");
    const bad = join(tmp, "bad.json");
    writeFileSync(bad, "{}");
    expect(() => readSummary(bad)).toThrow(/expected the summary.json of chaff collect/);
  });

  it("refuses to build without a run, or over a run without figure data", () => {
    expect(() => buildNotebooks({ results: join(tmp, "empty"), quiet: true })).toThrow(/no run under .*run `npx chaff run` first/);
    expect(() => buildNotebooks({ run: join(tmp, "results", "runs", "new"), quiet: true })).toThrow(/has no roc\.json, timeline\.json, latency\.json, energy\.json/);
  });
});
