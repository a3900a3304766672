/**
 * `chaff report RUN_DIR`: (re)writes a run's `report.html` — one self-contained page
 * with the tables, findings and every figure inlined as SVG, drawn from `metrics.json`
 * and the figure data files — and its `report.md` for CI summaries.
 *
 * Before drawing, it checks each file it reads against the SHA-256 the manifest
 * recorded; a file changed since the run is reported and the command exits 1 (the
 * report is still written, marked as such). `report.md` comes out byte-identical to the
 * one `chaff run` wrote, so the manifest's hash of it stays valid.
 */
import type { Command } from "commander";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { sha256 } from "../../core/canonical-json.ts";
import { readFigureData, renderFigures } from "../../report/figures/index.ts";
import { reportHtml } from "../../report/html.ts";
import { reportMarkdown } from "../../report/text.ts";
import { readManifest, writeFileAtomic } from "../../runs/run-dir.ts";

export interface ReportOptions {
  quiet?: boolean;
}

/** Files read for the report whose bytes no longer match the manifest. */
export function changedSinceRun(runDir: string, outputs: Record<string, string>, files: readonly string[]): string[] {
  return files.filter((f) => {
    const p = join(runDir, f);
    return outputs[f] !== undefined && existsSync(p) && sha256(readFileSync(p)) !== outputs[f];
  });
}

/** Builds and writes the report; returns the paths written and the problems found. */
export function writeReport(runDir: string): { written: string[]; changed: string[]; missing: string[] } {
  const dir = resolve(runDir);
  const manifest = readManifest(dir);
  const { metrics, data, missing } = readFigureData(dir);
  const read = ["metrics.json", "roc.json", "timeline.json", "latency.json", "energy.json"].filter((f) => !missing.includes(f));
  const changed = changedSinceRun(dir, manifest.outputs ?? {}, read);
  const notes: string[] = [];
  if (missing.length) notes.push(`This run has no ${missing.join(", ")}: the figures drawn from them are missing (re-run with a chaff that writes them).`);
  if (changed.length) notes.push(`Changed since the run (SHA-256 differs from the manifest): ${changed.join(", ")}.`);
  const html = reportHtml({ metrics, figures: renderFigures(metrics, data), manifest: { id: manifest.id, experimentHash: manifest.experimentHash }, notes });
  const htmlPath = join(dir, "report.html");
  const mdPath = join(dir, "report.md");
  writeFileAtomic(htmlPath, html);
  writeFileAtomic(mdPath, reportMarkdown(metrics));
  return { written: [htmlPath, mdPath], changed, missing };
}

export function reportCommand(runDir: string, opts: ReportOptions = {}): void {
  const dir = resolve(runDir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    process.stderr.write(`error: RUN_DIR = ${JSON.stringify(runDir)}: not a directory (expected a run directory written by chaff run, e.g. results/runs/<id>)\n`);
    process.exitCode = 2;
    return;
  }
  let result: ReturnType<typeof writeReport>;
  try {
    result = writeReport(dir);
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  for (const f of result.missing) process.stderr.write(`warning: ${f} is missing; its figure is left out\n`);
  for (const f of result.changed) process.stderr.write(`error: ${f} does not match the SHA-256 in manifest.json\n`);
  if (result.changed.length) process.exitCode = 1;
  if (!opts.quiet) for (const p of result.written) process.stdout.write(`wrote ${p}\n`);
}

export function register(program: Command): void {
  program
    .command("report")
    .description("write report.html (self-contained, figures inline) and report.md for a run directory")
    .argument("<run-dir>", "a run directory written by chaff run (results/runs/<id>)")
    .option("--quiet", "print nothing on success")
    .action(reportCommand);
}
