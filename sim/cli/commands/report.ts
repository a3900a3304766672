/**
 * `chaff report RUN_DIR`: (re)writes a run's `report.html` — one self-contained page
 * with the tables, findings and every figure inlined as SVG, drawn from `metrics.json`
 * and the figure data files — and its `report.md` for CI summaries.
 *
 * Before drawing, it checks each file it reads against the SHA-256 the manifest
 * recorded; a file changed since the run is reported and the command exits 1 (the
 * report is still written, marked as such). `report.md` comes out byte-identical to the
 * one `chaff run` wrote, so the manifest's hash of it stays valid.
 *
 * The manifest is read as hostile input (`readManifest`: size cap, schema): one without
 * its integrity fields (`experiment`, `experimentHash`, `outputs`) is refused, never
 * silently skipped, and every file is read through `readOutput` (inside the directory,
 * size-capped). Bad input is one line per problem and exit 2, never a stack trace.
 * The figure and HTML code is loaded when a report is drawn, not with the command.
 */
import type { Command } from "commander";
import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { sha256 } from "../../core/canonical-json.ts";
import { decodeUtf8, parseJsonText } from "../../core/json-input.ts";
import { InputError } from "../../core/validation.ts";
import type { Manifest } from "../../runs/run-dir.ts";

export interface ReportOptions {
  quiet?: boolean;
}

/** Files read for the report whose bytes no longer match the manifest. */
export async function changedSinceRun(runDir: string, outputs: Record<string, string>, files: readonly string[]): Promise<string[]> {
  const { readOutput } = await import("../../runs/run-dir.ts");
  return files.filter((f) => {
    if (outputs[f] === undefined) return false;
    const bytes = readOutput(runDir, f);
    return bytes !== null && sha256(bytes) !== outputs[f];
  });
}

/** The files the report reads, in the order it reads them. */
export const REPORT_INPUTS = ["metrics.json", "roc.json", "timeline.json", "latency.json", "energy.json"] as const;

/** Checks each input the report reads: inside the directory, a regular file, size-capped, JSON. */
async function checkInputs(dir: string): Promise<void> {
  const { readOutput } = await import("../../runs/run-dir.ts");
  const problems: string[] = [];
  for (const f of REPORT_INPUTS) {
    try {
      const bytes = readOutput(dir, f);
      if (bytes === null) {
        if (f === "metrics.json") problems.push(`${dir}: no metrics.json (expected a run directory written by chaff run)`);
        continue;
      }
      parseJsonText(decodeUtf8(bytes, join(dir, f)), { label: join(dir, f) });
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      problems.push(...e.problems);
    }
  }
  if (problems.length > 0) throw new InputError(problems);
}

/** Builds and writes the report; returns the paths written and the problems found. */
export async function writeReport(runDir: string): Promise<{ written: string[]; changed: string[]; missing: string[] }> {
  const dir = resolve(runDir);
  const { readManifest, writeFileAtomic } = await import("../../runs/run-dir.ts");
  const manifest = readManifest(dir);
  await checkInputs(dir);
  const { readFigureData, renderFigures } = await import("../../report/figures/index.ts");
  const { reportHtml } = await import("../../report/html.ts");
  const { reportMarkdown } = await import("../../report/text.ts");
  let drawn: { html: string; markdown: string; missing: string[]; changed: string[] };
  try {
    drawn = await draw(dir, manifest, { readFigureData, renderFigures, reportHtml, reportMarkdown });
  } catch (e) {
    if (e instanceof InputError) throw e;
    // The files parsed as JSON but are not what chaff run writes.
    throw new InputError([`${dir}: its metrics and figure data cannot be drawn (${(e as Error).name}: ${(e as Error).message.split("\n")[0].slice(0, 160)}); expected the files chaff run writes`]);
  }
  const htmlPath = join(dir, "report.html");
  const mdPath = join(dir, "report.md");
  writeFileAtomic(htmlPath, drawn.html);
  writeFileAtomic(mdPath, drawn.markdown);
  return { written: [htmlPath, mdPath], changed: drawn.changed, missing: drawn.missing };
}

/** The figure, HTML and Markdown code the report is drawn with. */
interface Drawing {
  readFigureData: typeof import("../../report/figures/index.ts").readFigureData;
  renderFigures: typeof import("../../report/figures/index.ts").renderFigures;
  reportHtml: typeof import("../../report/html.ts").reportHtml;
  reportMarkdown: typeof import("../../report/text.ts").reportMarkdown;
}

async function draw(dir: string, manifest: Manifest, { readFigureData, renderFigures, reportHtml, reportMarkdown }: Drawing): Promise<{ html: string; markdown: string; missing: string[]; changed: string[] }> {
  const { metrics, data, missing } = readFigureData(dir);
  const read = REPORT_INPUTS.filter((f) => !missing.includes(f));
  const unlisted = read.filter((f) => manifest.outputs[f] === undefined);
  if (unlisted.length > 0) {
    throw new InputError(unlisted.map((f) => `${join(dir, "manifest.json")}: outputs has no SHA-256 for ${f}, which the report reads; the manifest cannot vouch for it`));
  }
  const changed = await changedSinceRun(dir, manifest.outputs, read);
  const notes: string[] = [];
  if (missing.length) notes.push(`This run has no ${missing.join(", ")}: the figures drawn from them are missing (re-run with a chaff that writes them).`);
  if (changed.length) notes.push(`Changed since the run (SHA-256 differs from the manifest): ${changed.join(", ")}.`);
  const html = reportHtml({ metrics, figures: renderFigures(metrics, data), manifest: { id: manifest.id, experimentHash: manifest.experimentHash }, notes });
  return { html, markdown: reportMarkdown(metrics), missing, changed };
}

export async function reportCommand(runDir: string, opts: ReportOptions = {}): Promise<void> {
  const dir = resolve(runDir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    process.stderr.write(`error: RUN_DIR = ${JSON.stringify(runDir)}: not a directory (expected a run directory written by chaff run, e.g. results/runs/<id>)\n`);
    process.exitCode = 2;
    return;
  }
  let result: Awaited<ReturnType<typeof writeReport>>;
  try {
    result = await writeReport(dir);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    for (const p of e.problems) process.stderr.write(`error: ${p}\n`);
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
