/**
 * `chaff export INPUT --to FORMAT [--out FILE | --split DIR] [--flow N]`: a chaff trace
 * (or a capture, a run directory, any trace file `chaff import` reads) written in a
 * format the field's attacks read: `maybenot` (Maybenot's simulator), `wf` (time ±size:
 * WTF-PAD, DF, Tik-Tok), `wf-cell` (time ±1), `csv`, or `chaff`. `--split DIR` writes
 * one file per flow (`DIR/<flow>.<ext>`), the one-trace-per-file layout WF datasets use;
 * `--flow N` keeps one flow; `--rebase` starts each written trace at time 0. What the
 * format cannot carry is printed to standard error.
 */
import type { Command } from "commander";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Direction, Kind } from "../../core/kinds.ts";
import { Trace } from "../../core/trace.ts";
import { InputError } from "../../core/validation.ts";
import { printChaffTrace } from "../../capture/formats/chaff-jsonl.ts";
import { TRACE_FORMAT_NAMES, traceFormat } from "../../capture/formats/index.ts";
import { loadTrace } from "../../capture/load-trace.ts";
import { loadOptions, type ImportOptions } from "./import.ts";

export interface ExportOptions extends ImportOptions {
  to?: string;
  split?: string;
  flow?: string;
  rebase?: boolean;
  user?: string;
  defense?: string;
}

const EXT: Record<string, string> = { maybenot: "log", wf: "wf", "wf-cell": "cell", csv: "csv", chaff: "jsonl" };

function only(t: Trace, flow: number): Trace {
  const out = new Trace();
  for (let i = 0; i < t.length; i++) if (t.flow[i] === flow) out.push(t.time[i], t.size[i], t.payload[i], t.dir[i] as Direction, t.kind[i] as Kind, flow);
  return out;
}

/** The trace with times counted from its first packet. */
function rebased(t: Trace): Trace {
  const out = new Trace(Math.max(1, t.length));
  const t0 = t.length > 0 ? t.time[0] : 0;
  for (let i = 0; i < t.length; i++) out.push(t.time[i] - t0, t.size[i], t.payload[i], t.dir[i] as Direction, t.kind[i] as Kind, t.flow[i]);
  return out;
}

export function exportCommand(input: string, opts: ExportOptions): void {
  if (!opts.to) throw new InputError(`--to: missing (expected one of ${TRACE_FORMAT_NAMES.join(", ")})`);
  const format = traceFormat(opts.to);
  if (!format) throw new InputError(`--to = ${JSON.stringify(opts.to)}: expected one of ${TRACE_FORMAT_NAMES.join(", ")}`);
  if (opts.split && opts.out) throw new InputError("--split and --out: expected one of them, not both");
  const lo = loadOptions(opts);
  if (opts.user !== undefined) {
    const u = Number(opts.user);
    if (!Number.isInteger(u) || u < 0) throw new InputError(`--user = ${JSON.stringify(opts.user)}: expected an integer >= 0`);
    lo.user = u;
  }
  lo.defense = opts.defense;
  const loaded = loadTrace(input, lo);
  let trace = loaded.trace;
  if (opts.flow !== undefined) {
    const f = Number(opts.flow);
    if (!Number.isInteger(f) || f < -1) throw new InputError(`--flow = ${JSON.stringify(opts.flow)}: expected an integer >= -1`);
    trace = only(trace, f);
    if (trace.length === 0) throw new InputError(`--flow = ${f}: no packets of that flow in ${input}`);
  }
  const print = (raw: Trace) => {
    const t = opts.rebase ? rebased(raw) : raw;
    return format.name === "chaff" ? printChaffTrace(t, loaded.meta) : format.print(t, { timeUnit: opts.timeUnit === "ns" ? "ns" : "s" });
  };
  if (opts.split) {
    mkdirSync(opts.split, { recursive: true });
    const flows = [...new Set(Array.from(trace.flow))].sort((a, b) => a - b);
    for (const f of flows) writeFileSync(join(opts.split, `${f}.${EXT[format.name]}`), print(only(trace, f)));
    if (!opts.quiet) process.stderr.write(`wrote ${flows.length} files to ${opts.split}\n`);
  } else if (opts.out) {
    writeFileSync(opts.out, print(trace));
  } else {
    process.stdout.write(print(trace));
  }
  if (format.cannotCarry.length > 0 && !opts.quiet) process.stderr.write(`note: ${format.name} cannot carry ${format.cannotCarry.join("; ")}\n`);
}

export function register(program: Command): void {
  program
    .command("export")
    .description("write a trace (chaff JSONL, capture, run directory, any trace file) as maybenot, wf, wf-cell, csv or chaff")
    .argument("<input>", "a chaff trace, capture, run directory or trace file")
    .option("--to <format>", `output format: ${TRACE_FORMAT_NAMES.join(", ")}`)
    .option("--out <file>", "write here (default: standard output)")
    .option("--split <dir>", "one file per flow in this directory (<flow>.<ext>)")
    .option("--flow <n>", "keep only this flow")
    .option("--rebase", "count each written trace's times from its first packet (WF datasets start every trace at 0)")
    .option("--time-unit <unit>", "WF output time unit: s (default) or ns")
    .option("--client <ip...>", "captures: the device's address(es)")
    .option("--from <format>", "input text format (default: guessed)")
    .option("--user <n>", "run directories: the traced user (default: the first)")
    .option("--defense <name>", "run directories: the arm (default: the undefended one)")
    .option("--cell-size <bytes>", "input WF ±1 cells / Maybenot lines without a size: bytes per packet")
    .option("--quiet", "no note on standard error")
    .action(exportCommand);
}
