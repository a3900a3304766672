/**
 * `chaff import INPUT [--client IP]… [--out trace.jsonl]`: a packet capture (pcap or
 * pcapng, told by its magic) or a trace in one of the field's text formats (Maybenot,
 * WF ±size / ±1, CSV) becomes a chaff trace file (JSON lines, `docs/captures.md`).
 * Captures are split into flows by 5-tuple and oriented from the client (the device):
 * `--client` names the device's addresses, otherwise the first SYN, then the ports
 * decide. Without `--out` the trace goes to standard output. A summary (flows, what was
 * skipped and why) goes to standard error. Bad input: one line, exit 2.
 */
import type { Command } from "commander";
import { writeFileSync } from "node:fs";
import { InputError } from "../../core/validation.ts";
import { printChaffTrace, type ChaffTraceFlow } from "../../capture/formats/chaff-jsonl.ts";
import { TRACE_FORMAT_NAMES } from "../../capture/formats/index.ts";
import { loadTrace, type LoadOptions } from "../../capture/load-trace.ts";

export interface ImportOptions {
  client?: string[];
  out?: string;
  from?: string;
  spbTime?: string;
  lenient?: boolean;
  timeUnit?: string;
  cellSize?: string;
  quiet?: boolean;
}

/** The options every trace-reading command shares, checked. */
export function loadOptions(opts: Pick<ImportOptions, "client" | "from" | "spbTime" | "lenient" | "timeUnit" | "cellSize">): LoadOptions {
  if (opts.spbTime !== undefined && opts.spbTime !== "error" && opts.spbTime !== "previous") {
    throw new InputError(`--spb-time = ${JSON.stringify(opts.spbTime)}: expected error or previous`);
  }
  if (opts.timeUnit !== undefined && !["s", "ns", "auto"].includes(opts.timeUnit)) {
    throw new InputError(`--time-unit = ${JSON.stringify(opts.timeUnit)}: expected s, ns or auto`);
  }
  let cellSize: number | undefined;
  if (opts.cellSize !== undefined) {
    cellSize = Number(opts.cellSize);
    if (!Number.isInteger(cellSize) || cellSize < 1 || cellSize > 65_535) throw new InputError(`--cell-size = ${JSON.stringify(opts.cellSize)}: expected an integer from 1 to 65535`);
  }
  if (opts.from !== undefined && !TRACE_FORMAT_NAMES.includes(opts.from)) {
    throw new InputError(`--from = ${JSON.stringify(opts.from)}: expected one of ${TRACE_FORMAT_NAMES.join(", ")}`);
  }
  return {
    clients: opts.client,
    from: opts.from,
    spbTime: opts.spbTime as LoadOptions["spbTime"],
    malformed: opts.lenient ? "skip" : "error",
    timeUnit: opts.timeUnit as LoadOptions["timeUnit"],
    cellSize,
  };
}

function endpoint(e: { addr: string; port: number }): string {
  return e.addr.includes(":") ? `[${e.addr}]:${e.port}` : `${e.addr}:${e.port}`;
}

export function importCommand(input: string, opts: ImportOptions): void {
  const loaded = loadTrace(input, loadOptions(opts));
  const text = printChaffTrace(loaded.trace, loaded.meta);
  if (opts.out) writeFileSync(opts.out, text);
  else process.stdout.write(text);
  if (opts.quiet) return;
  const t = loaded.trace;
  const lines = [`${input}: ${loaded.format} → ${t.length} packets${opts.out ? ` in ${opts.out}` : ""}`];
  const stats = loaded.meta.stats as { records?: number; skipped?: Record<string, number>; excludedFlows?: number; excludedPackets?: number; untimed?: number } | undefined;
  if (stats) {
    lines.push(`  ${stats.records} packet records; ${t.length} TCP/UDP packets kept`);
    for (const [why, n] of Object.entries(stats.skipped ?? {})) lines.push(`  skipped ${n}: ${why}`);
    if (stats.excludedFlows) lines.push(`  left out ${stats.excludedFlows} flows (${stats.excludedPackets} packets) without a --client address`);
    if (stats.untimed) lines.push(`  ${stats.untimed} Simple Packet Blocks took the previous packet's time`);
  }
  for (const f of (loaded.meta.flows ?? []) as ChaffTraceFlow[]) {
    lines.push(`  flow ${f.id}: ${f.protocol} ${endpoint(f.client)} → ${endpoint(f.server)} (client by ${f.clientBy}), ${f.packets} packets, ${f.upBytes} B up, ${f.downBytes} B down`);
  }
  process.stderr.write(`${lines.join("\n")}\n`);
}

export function register(program: Command): void {
  program
    .command("import")
    .description("read a capture (pcap, pcapng) or a Maybenot/WF/CSV trace into a chaff trace file (JSON lines)")
    .argument("<input>", "capture.pcap | capture.pcapng | a trace file")
    .option("--client <ip...>", "the device's address(es): orient flows by it, leave out flows without it")
    .option("--out <file>", "write the trace here (default: standard output)")
    .option("--from <format>", `text trace format: ${TRACE_FORMAT_NAMES.join(", ")} (default: guessed)`)
    .option("--spb-time <policy>", "pcapng Simple Packet Blocks have no time: error (default) or previous (the previous packet's time)")
    .option("--lenient", "skip and count malformed packets instead of failing (container errors still fail)")
    .option("--time-unit <unit>", "WF traces: time in s, ns or auto (default auto)")
    .option("--cell-size <bytes>", "WF ±1 cells and Maybenot lines without a size: bytes per packet")
    .option("--quiet", "no summary on standard error")
    .action(importCommand);
}
