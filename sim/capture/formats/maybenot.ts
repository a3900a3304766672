/**
 * Maybenot's trace format: one packet per line, `time_ns,dir[,size]`.
 *
 * Reference: maybenot-io/maybenot, `crates/maybenot-simulator/src/lib.rs`, `parse_trace`
 * (Pulls & Witwer, "Maybenot: A Framework for Traffic Analysis Defenses", WPES 2023):
 * time in nanoseconds since the start of the trace; `s`/`sn` a normal packet sent by the
 * client, `r`/`rn` one received by it, `sp`/`rp` padding sent / received (the simulator
 * itself ignores padding lines and sizes). Published traces (BigEnough, Gong–Surakav
 * logs in the same repository) use `s`/`r` with a size.
 *
 * chaff writes `sn`, `rn`, `sp`, `rp` with the wire size. It cannot carry: payload bytes
 * (a padded real packet comes back with payload = size), cover as distinct from padding
 * (both are written `sp`/`rp`), flow ids, and times finer than 1 µs (read times are
 * floored to the µs; chaff writes exact multiples of 1000 ns).
 *
 * @example
 * maybenot.print(parseTrace("0 s1200, 20ms r80p")) // => "0,sn,1200\n20000000,rp,80\n"
 */
import { COVER, DOWN, PADDING, REAL, UP, type Direction, type Kind } from "../../core/kinds.ts";
import { Trace } from "../../core/trace.ts";
import { lineError, nanosToMicros, parseUint, textLines } from "./fields.ts";
import { mapRows, type FormatOptions, type TraceFormat } from "./trace-format.ts";

const CODES: Record<string, [Direction, Kind]> = {
  s: [UP, REAL],
  sn: [UP, REAL],
  r: [DOWN, REAL],
  rn: [DOWN, REAL],
  sp: [UP, PADDING],
  rp: [DOWN, PADDING],
};

function parse(text: string, opts: FormatOptions = {}): Trace {
  const source = opts.source ?? "maybenot trace";
  const trace = new Trace();
  let previous = 0;
  for (const { line, n } of textLines(text)) {
    const fields = line.split(",");
    if (fields.length < 2 || fields.length > 3) throw lineError(source, n, 'a line "time_ns,dir[,size]"', JSON.stringify(line));
    const time = nanosToMicros(fields[0], source, n);
    const code = CODES[fields[1].trim()];
    if (!code) throw lineError(source, n, "a direction s, r, sn, rn, sp or rp", JSON.stringify(fields[1]));
    let size: number;
    if (fields.length === 3) size = parseUint(fields[2], "a size in bytes", source, n);
    else if (opts.cellSize !== undefined) size = opts.cellSize;
    else throw lineError(source, n, "a size (third field), or a --cell-size for lines without one", JSON.stringify(line));
    if (time < previous) throw lineError(source, n, `a time no earlier than the line before (${previous} µs)`, `${time} µs`);
    previous = time;
    const [dir, kind] = code;
    trace.push(time, size, kind === REAL ? size : 0, dir, kind, -1);
  }
  return trace;
}

function print(trace: Trace): string {
  const out: string[] = [];
  for (let i = 0; i < trace.length; i++) {
    const d = trace.dir[i] === UP ? "s" : "r";
    const k = trace.kind[i] === REAL ? "n" : "p";
    out.push(`${trace.time[i] * 1000},${d}${k},${trace.size[i]}\n`);
  }
  return out.join("");
}

function project(trace: Trace): Trace {
  return mapRows(trace, (r) => ({ ...r, kind: r.kind === COVER ? PADDING : r.kind, payload: r.kind === REAL ? r.size : 0, flow: -1 }));
}

export const maybenot: TraceFormat = {
  name: "maybenot",
  summary: "time_ns,{s|r}{n|p},size per line (Maybenot simulator)",
  reference: "maybenot-io/maybenot crates/maybenot-simulator/src/lib.rs parse_trace; Pulls & Witwer, WPES 2023",
  cannotCarry: ["payload bytes (real packets read back with payload = size)", "cover vs padding (both written as p)", "flow ids", "times finer than 1 µs"],
  extensions: [".log", ".maybenot"],
  parse,
  print,
  project,
};
