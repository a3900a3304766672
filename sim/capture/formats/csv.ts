/**
 * CSV traces: a header line naming the columns, then one packet per line. chaff writes
 * `time_us,dir,size,payload,kind,flow` (dir `s`/`r`, kind `real`/`padding`/`cover`,
 * flow -1 when none) and carries everything a chaff trace holds: the round trip is exact.
 *
 * Reading accepts the columns in any order and a few spellings, for tables made
 * elsewhere: time as `time_us`, `time_ns` or `time_s` (decimal seconds); `dir` as
 * `s`/`r` or `0`/`1` (0 = sent by the device, as in chaff's JSON); `size` required; `payload`
 * (default: size for real packets, 0 otherwise), `kind` (default real; also 0/1/2) and
 * `flow` (default -1) optional. Fields are plain (no quoting); unknown columns are an
 * error, so a misspelt column is not silently ignored.
 *
 * @example
 * csv.print(parseTrace("0 s1200/1000#3")) // => "time_us,dir,size,payload,kind,flow\n0,s,1200,1000,real,3\n"
 */
import type { Micros } from "../../core/time.ts";
import { DOWN, REAL, UP, type Direction, type Kind } from "../../core/kinds.ts";
import { Trace } from "../../core/trace.ts";
import { lineError, nanosToMicros, parseUint, secondsToMicros, textLines } from "./fields.ts";
import type { FormatOptions, TraceFormat } from "./trace-format.ts";

const HEADER = "time_us,dir,size,payload,kind,flow";
const KINDS = ["real", "padding", "cover"] as const;
const KNOWN = new Set(["time_us", "time_ns", "time_s", "dir", "size", "payload", "kind", "flow"]);

function parseDir(text: string, source: string, n: number): Direction {
  const t = text.trim();
  if (t === "s" || t === "0") return UP;
  if (t === "r" || t === "1") return DOWN;
  throw lineError(source, n, "dir s or r (or 0 = sent, 1 = received)", JSON.stringify(text));
}

function parseKind(text: string, source: string, n: number): Kind {
  const t = text.trim();
  const i = KINDS.indexOf(t as (typeof KINDS)[number]);
  if (i >= 0) return i as Kind;
  if (t === "0" || t === "1" || t === "2") return Number(t) as Kind;
  throw lineError(source, n, "kind real, padding or cover (or 0/1/2)", JSON.stringify(text));
}

function parse(text: string, opts: FormatOptions = {}): Trace {
  const source = opts.source ?? "csv trace";
  const lines = textLines(text);
  const first = lines.next();
  if (first.done) return new Trace();
  const columns = first.value.line.split(",").map((c) => c.trim());
  const col = new Map<string, number>();
  columns.forEach((c, i) => {
    if (!KNOWN.has(c)) throw lineError(source, first.value.n, `a header of known columns (${[...KNOWN].join(", ")})`, JSON.stringify(c));
    if (col.has(c)) throw lineError(source, first.value.n, "each column once", `${c} twice`);
    col.set(c, i);
  });
  const times = ["time_us", "time_ns", "time_s"].filter((c) => col.has(c));
  if (times.length !== 1) throw lineError(source, first.value.n, "exactly one time column: time_us, time_ns or time_s", times.length ? times.join(", ") : "none");
  for (const c of ["dir", "size"]) if (!col.has(c)) throw lineError(source, first.value.n, `a ${c} column`, "none");
  const timeCol = times[0];
  const trace = new Trace();
  let previous: Micros = 0;
  for (const { line, n } of lines) {
    const f = line.split(",");
    if (f.length !== columns.length) throw lineError(source, n, `${columns.length} fields, as in the header`, `${f.length}`);
    const raw = f[col.get(timeCol)!];
    const time = timeCol === "time_us" ? parseUint(raw, "time_us", source, n) : timeCol === "time_ns" ? nanosToMicros(raw, source, n) : secondsToMicros(raw, source, n);
    if (time < previous) throw lineError(source, n, `a time no earlier than the line before (${previous} µs)`, `${time} µs`);
    previous = time;
    const dir = parseDir(f[col.get("dir")!], source, n);
    const size = parseUint(f[col.get("size")!], "size", source, n);
    const kind = col.has("kind") ? parseKind(f[col.get("kind")!], source, n) : REAL;
    const payload = col.has("payload") ? parseUint(f[col.get("payload")!], "payload", source, n) : kind === REAL ? size : 0;
    if (payload > size) throw lineError(source, n, `a payload no larger than the size ${size}`, String(payload));
    if (kind !== REAL && payload !== 0) throw lineError(source, n, "payload 0 for padding and cover", String(payload));
    let flow = -1;
    if (col.has("flow")) {
      const t = f[col.get("flow")!].trim();
      if (!/^-?\d+$/.test(t) || !Number.isSafeInteger(Number(t)) || Number(t) < -1 || Number(t) > 0x7fffffff) {
        throw lineError(source, n, "flow as an integer from -1 to 2^31-1", JSON.stringify(t));
      }
      flow = Number(t);
    }
    trace.push(time, size, payload, dir, kind, flow);
  }
  return trace;
}

function print(trace: Trace): string {
  const out: string[] = [`${HEADER}\n`];
  for (let i = 0; i < trace.length; i++) {
    out.push(`${trace.time[i]},${trace.dir[i] === UP ? "s" : "r"},${trace.size[i]},${trace.payload[i]},${KINDS[trace.kind[i]]},${trace.flow[i]}\n`);
  }
  return out.join("");
}

export const csv: TraceFormat = {
  name: "csv",
  summary: `${HEADER} with a header line (lossless)`,
  reference: "RFC 4180 comma-separated values, without quoting",
  cannotCarry: [],
  extensions: [".csv"],
  parse,
  print,
  project: (trace) => trace,
};
