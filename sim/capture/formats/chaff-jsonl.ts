/**
 * chaff's own trace file (`.jsonl`): what `chaff import` writes and every other command
 * reads. Lossless.
 *
 * Line 1 is a JSON header: `{"format": "chaff-trace", "version": 1, "columns":
 * ["time_us", "dir", "size", "payload", "kind", "flow"], …}` with optional `source`,
 * `originMicros` (µs since the epoch that time 0 stands for), `flows` (per flow id: the
 * protocol, client and server address and port, and the rule that chose the client) and
 * `stats` (what the import skipped and why). Then one JSON array per packet in that
 * column order: time in integer µs, dir 0 = sent by the device / 1 = received, wire
 * size, payload bytes, kind 0 real / 1 padding / 2 cover, flow id (-1 when none) — the
 * same numbering as the run's `timeline.json`.
 *
 * @example
 * chaffJsonl.print(parseTrace("0 s100")) // => '{"format":"chaff-trace","version":1,"columns":[…]}\n[0,0,100,100,0,-1]\n'
 */
import { REAL, type Direction, type Kind } from "../../core/kinds.ts";
import { Trace } from "../../core/trace.ts";
import { lineError, textLines } from "./fields.ts";
import type { FormatOptions, TraceFormat } from "./trace-format.ts";

export const CHAFF_TRACE_COLUMNS = ["time_us", "dir", "size", "payload", "kind", "flow"] as const;

export interface ChaffTraceFlow {
  id: number;
  protocol: "tcp" | "udp";
  client: { addr: string; port: number };
  server: { addr: string; port: number };
  clientBy: string;
  packets: number;
  upBytes: number;
  downBytes: number;
}

export interface ChaffTraceMeta {
  source?: string;
  originMicros?: number;
  flows?: ChaffTraceFlow[];
  stats?: Record<string, unknown>;
}

export interface ChaffTraceFile {
  trace: Trace;
  meta: ChaffTraceMeta;
}

export function printChaffTrace(trace: Trace, meta: ChaffTraceMeta = {}): string {
  const header = { format: "chaff-trace", version: 1, columns: CHAFF_TRACE_COLUMNS, ...meta };
  const out: string[] = [`${JSON.stringify(header)}\n`];
  for (let i = 0; i < trace.length; i++) {
    out.push(`[${trace.time[i]},${trace.dir[i]},${trace.size[i]},${trace.payload[i]},${trace.kind[i]},${trace.flow[i]}]\n`);
  }
  return out.join("");
}

function isInt(x: unknown): x is number {
  return typeof x === "number" && Number.isSafeInteger(x);
}

export function readChaffTrace(text: string, opts: FormatOptions = {}): ChaffTraceFile {
  const source = opts.source ?? "chaff trace";
  const lines = textLines(text);
  const first = lines.next();
  if (first.done) throw lineError(source, 1, 'a header line {"format": "chaff-trace", …}', "an empty file");
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(first.value.line) as Record<string, unknown>;
  } catch {
    throw lineError(source, first.value.n, "a JSON header line", JSON.stringify(first.value.line.slice(0, 40)));
  }
  if (header === null || typeof header !== "object" || header.format !== "chaff-trace") {
    throw lineError(source, first.value.n, 'a header with "format": "chaff-trace"', JSON.stringify(first.value.line.slice(0, 60)));
  }
  if (header.version !== 1) throw lineError(source, first.value.n, "version 1", JSON.stringify(header.version));
  if (JSON.stringify(header.columns) !== JSON.stringify(CHAFF_TRACE_COLUMNS)) {
    throw lineError(source, first.value.n, `columns ${JSON.stringify(CHAFF_TRACE_COLUMNS)}`, JSON.stringify(header.columns));
  }
  const trace = new Trace();
  let previous = 0;
  for (const { line, n } of lines) {
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      row = null;
    }
    if (!Array.isArray(row) || row.length !== 6 || !row.every(isInt)) {
      throw lineError(source, n, "[time_us, dir, size, payload, kind, flow] as six integers", JSON.stringify(line.slice(0, 60)));
    }
    const [time, dir, size, payload, kind, flow] = row as number[];
    if (time < 0) throw lineError(source, n, "a time >= 0", String(time));
    if (time < previous) throw lineError(source, n, `a time no earlier than the line before (${previous} µs)`, String(time));
    previous = time;
    if (dir !== 0 && dir !== 1) throw lineError(source, n, "dir 0 (sent) or 1 (received)", String(dir));
    if (kind !== 0 && kind !== 1 && kind !== 2) throw lineError(source, n, "kind 0, 1 or 2", String(kind));
    if (size < 0 || size > 0x7fffffff) throw lineError(source, n, "a size from 0 to 2^31-1", String(size));
    if (payload < 0 || payload > size) throw lineError(source, n, `a payload from 0 to the size ${size}`, String(payload));
    if (kind !== REAL && payload !== 0) throw lineError(source, n, "payload 0 for padding and cover", String(payload));
    if (flow < -1 || flow > 0x7fffffff) throw lineError(source, n, "a flow from -1 to 2^31-1", String(flow));
    trace.push(time, size, payload, dir as Direction, kind as Kind, flow);
  }
  const { format: _f, version: _v, columns: _c, ...meta } = header;
  return { trace, meta: meta as ChaffTraceMeta };
}

export const chaffJsonl: TraceFormat = {
  name: "chaff",
  summary: "chaff's JSON-lines trace: a header, then [time_us, dir, size, payload, kind, flow] per packet (lossless)",
  reference: "this project (docs/captures.md)",
  cannotCarry: [],
  extensions: [".jsonl"],
  parse: (text, opts) => readChaffTrace(text, opts).trace,
  print: (trace) => printChaffTrace(trace),
  project: (trace) => trace,
};
