/**
 * `chaff model-check MODEL CAPTURE [--user N] [--defense NAME] [--client IP]… [--out DIR]
 * [--max-d X]`: compares a modeled conversation's packet sizes and gaps (per direction)
 * with a captured one: two-sample Kolmogorov–Smirnov D and p, medians, and a QQ figure.
 * MODEL is a run directory (its `timeline.json`: a traced user's undefended arm by
 * default) or any trace; CAPTURE a pcap/pcapng or any trace. Prints a table; `--out DIR`
 * writes `model-check.json` (with the QQ points) and `qq.svg`; `--max-d X` exits 1 when
 * any D exceeds X (a realism gate for CI). The QQ figure is drawn by
 * `sim/report/figures/qq.ts`, loaded only with `--out`.
 */
import type { Command } from "commander";
import { mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { InputError } from "../../core/validation.ts";
import { loadTrace } from "../../capture/load-trace.ts";
import { formatP, modelCheck } from "../../capture/model-check.ts";
import { loadOptions, type ImportOptions } from "./import.ts";

export interface ModelCheckOptions extends ImportOptions {
  user?: string;
  defense?: string;
  maxD?: string;
  json?: boolean;
}

function fmt(x: number | null, digits = 0): string {
  return x === null ? "–" : x.toFixed(digits);
}

export async function modelCheckCommand(model: string, capture: string, opts: ModelCheckOptions): Promise<void> {
  let maxD: number | undefined;
  if (opts.maxD !== undefined) {
    maxD = Number(opts.maxD);
    if (!(maxD >= 0 && maxD <= 1)) throw new InputError(`--max-d = ${JSON.stringify(opts.maxD)}: expected a number from 0 to 1`);
  }
  let user: number | undefined;
  if (opts.user !== undefined) {
    user = Number(opts.user);
    if (!Number.isInteger(user) || user < 0) throw new InputError(`--user = ${JSON.stringify(opts.user)}: expected an integer >= 0`);
  }
  const lo = loadOptions(opts);
  const m = loadTrace(model, { user, defense: opts.defense, timeUnit: lo.timeUnit, cellSize: lo.cellSize });
  const c = loadTrace(capture, lo);
  const result = modelCheck(m.trace, c.trace);
  const names = { model: m.meta.source ?? basename(model), capture: c.meta.source ?? basename(capture) };
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ model: names.model, capture: names.capture, ...result }, null, 2)}\n`);
  } else {
    const header = ["feature", "dir", "n model", "n capture", "median model", "median capture", "KS D", "p"];
    const rows = result.rows.map((r) => [r.feature === "size" ? "size (B)" : "gap (µs)", r.dir, String(r.model.n), String(r.capture.n), fmt(r.model.median), fmt(r.capture.median), r.ks.d.toFixed(3), formatP(r.ks.p)]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => cells.map((s, i) => (i < 2 ? s.padEnd(widths[i]) : s.padStart(widths[i]))).join("  ");
    process.stdout.write(`model: ${names.model} (${m.trace.length} packets)\ncapture: ${names.capture} (${c.trace.length} packets)\n\n${line(header)}\n${rows.map(line).join("\n")}\n\n`);
    for (const cav of result.caveats) process.stdout.write(`note: ${cav}\n`);
  }
  if (opts.out) {
    mkdirSync(opts.out, { recursive: true });
    writeFileSync(join(opts.out, "model-check.json"), `${JSON.stringify({ model: names.model, capture: names.capture, ...result }, null, 2)}\n`);
    const { qqFigure } = await import("../../report/figures/qq.ts");
    writeFileSync(join(opts.out, "qq.svg"), qqFigure(result, names));
    if (!opts.json) process.stdout.write(`wrote ${join(opts.out, "model-check.json")} and ${join(opts.out, "qq.svg")}\n`);
  }
  if (maxD !== undefined) {
    const over = result.rows.filter((r) => r.ks.p !== null && r.ks.d > maxD!);
    if (over.length > 0) {
      process.stderr.write(`model check failed: ${over.map((r) => `${r.feature} ${r.dir} D = ${r.ks.d.toFixed(3)}`).join(", ")} above --max-d ${maxD}\n`);
      process.exitCode = 1;
    }
  }
}

export function register(program: Command): void {
  program
    .command("model-check")
    .description("compare a modeled conversation's packet sizes and gaps with a capture: KS test per direction and a QQ figure")
    .argument("<model>", "a run directory (timeline.json) or a trace file")
    .argument("<capture>", "a capture (pcap, pcapng) or a trace file")
    .option("--user <n>", "run directory: the traced user (default: the first)")
    .option("--defense <name>", "run directory: the arm (default: the undefended one)")
    .option("--client <ip...>", "capture: the device's address(es)")
    .option("--from <format>", "capture side: text trace format (default: guessed)")
    .option("--out <dir>", "write model-check.json and qq.svg here")
    .option("--max-d <x>", "exit 1 when any KS D exceeds x")
    .option("--json", "print the result as JSON")
    .action(modelCheckCommand);
}
