import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { sha256, prettyJson } from "../../../../sim/core/canonical-json.ts";
import { reportCommand, writeReport } from "../../../../sim/cli/commands/report.ts";
import { dataFiles } from "../../../../sim/report/figures/index.ts";
import { reportMarkdown } from "../../../../sim/report/text.ts";
import { codeRevision, experimentHash, readManifest, writeRun } from "../../../../sim/runs/run-dir.ts";
import { reportFiles } from "../../../../sim/report/html.ts";
import { FIGURES } from "../../../../sim/report/figures/captions.ts";
import { syntheticRun } from "../../report/figures/synthetic.ts";

const tmp = mkdtempSync(join(tmpdir(), "chaff-report-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
afterEach(() => {
  process.exitCode = undefined;
  vi.restoreAllMocks();
});

function makeRun(id: string, withData = true): string {
  const output = syntheticRun();
  const files: Record<string, string> = { "metrics.json": prettyJson(output.metrics), "report.md": reportMarkdown(output.metrics), ...(withData ? dataFiles(output) : {}) };
  return writeRun(tmp, id, { seed: 7 }, files);
}

describe("chaff report", () => {
  it("writes a self-contained report.html and a report.md identical to the run's", async () => {
    const dir = makeRun("full");
    const before = readFileSync(join(dir, "report.md"), "utf8");
    const r = await writeReport(dir);
    expect(r.changed).toEqual([]);
    expect(r.missing).toEqual([]);
    const html = readFileSync(join(dir, "report.html"), "utf8");
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html.match(/<figure id="fig-/g)).toHaveLength(FIGURES.length);
    expect(readFileSync(join(dir, "report.md"), "utf8")).toBe(before);
    // the manifest's hash of report.md still holds
    expect(sha256(readFileSync(join(dir, "report.md")))).toBe(readManifest(dir).outputs["report.md"]);
    expect(readdirSync(dir).filter((f) => f.includes(".tmp-"))).toEqual([]);
  });

  it("redraws byte for byte the report.html a run wrote with reportFiles", async () => {
    const output = syntheticRun();
    // run-files.ts passes only provenance that follows from the experiment (id and hash)
    const provenance = { id: "with-report", experimentHash: experimentHash({ seed: 7 }) };
    const files = { "metrics.json": prettyJson(output.metrics), "report.md": reportMarkdown(output.metrics), ...reportFiles(output, provenance) };
    expect(Object.keys(files)).toEqual(expect.arrayContaining(["roc.json", "figures/roc.svg", "figures/roc.png", "report.html"]));
    const dir = writeRun(tmp, "with-report", { seed: 7 }, files);
    await writeReport(dir);
    expect(sha256(readFileSync(join(dir, "report.html")))).toBe(readManifest(dir).outputs["report.html"]);
  });

  it("draws what it can when the run has no figure data, and says what is missing", async () => {
    const dir = makeRun("bare", false);
    const r = await writeReport(dir);
    expect(r.missing).toEqual(["roc.json", "timeline.json", "latency.json", "energy.json"]);
    const html = readFileSync(join(dir, "report.html"), "utf8");
    expect(html).toContain('<figure id="fig-pareto">');
    expect(html).toContain("This run has no roc.json, timeline.json, latency.json, energy.json");
  });

  it("fails (exit 1) when a file no longer matches the manifest, but still writes the report", async () => {
    const dir = makeRun("tampered");
    const m = JSON.parse(readFileSync(join(dir, "metrics.json"), "utf8"));
    m.arms[0].defense = "edited";
    writeFileSync(join(dir, "metrics.json"), prettyJson(m));
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    await reportCommand(dir);
    expect(process.exitCode).toBe(1);
    expect(err.mock.calls.map((c) => String(c[0])).join("")).toContain("metrics.json does not match the SHA-256 in manifest.json");
    expect(readFileSync(join(dir, "report.html"), "utf8")).toContain("Changed since the run (SHA-256 differs from the manifest): metrics.json.");
  });

  it("rejects a path that is not a run directory (exit 2)", async () => {
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    await reportCommand(join(tmp, "nope"));
    expect(process.exitCode).toBe(2);
    expect(String(err.mock.calls[0][0])).toMatch(/RUN_DIR = .*nope.*not a directory/);
    await reportCommand(tmp);
    expect(String(err.mock.calls[1][0])).toMatch(/no manifest\.json/);
  });
});
