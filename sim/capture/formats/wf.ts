/**
 * The website-fingerprinting layouts: one packet per line, `time<TAB>±size` (`wf`) or
 * `time<TAB>±1` (`wf-cell`), the sign giving the direction: + sent by the client
 * (outgoing), − received.
 *
 * References: Juarez et al., WTF-PAD (ESORICS 2016), `wtfpad/wtfpad` — `<timestamp>\t
 * <signed length>`; Gong & Wang, FRONT (USENIX Security 2020), `websitefingerprinting/
 * WebsiteFingerprinting` `defenses/front/main.py` (`dump`: `"{:.4f}\t{}"`, OUT = +1,
 * IN = −1 in `constants.py`, dummy packets written as ±888); Deep Fingerprinting (Sirinam
 * et al., CCS 2018) and Tik-Tok (Rahman et al., PETS 2020) read the ±1 / time layouts.
 *
 * Time unit: seconds (decimal) or nanoseconds (integer). `timeUnit: "auto"` reads seconds
 * unless every time is an integer and the largest is above 100,000 (no capture in these
 * datasets lasts 28 hours; nanosecond traces pass 100,000 within 0.1 ms). Columns may be
 * separated by a tab or spaces. chaff writes seconds with six decimals (exact µs), or
 * integer nanoseconds with `timeUnit: "ns"`.
 *
 * `wf` cannot carry: payload bytes (read back = size), kind (padding and cover read back
 * as real), flow ids. `wf-cell` cannot carry: sizes (every packet reads back as
 * `cellSize`, default 512, the Tor cell of FRONT's constants), payload, cover vs padding
 * (padding and cover are written ±888 as in FRONT's output and read back as padding),
 * flow ids. Neither carries times finer than 1 µs.
 *
 * @example
 * wf.print(parseTrace("0 s1200, 20ms r80")) // => "0.000000\t1200\n0.020000\t-80\n"
 */
import type { Micros } from "../../core/time.ts";
import { COVER, DOWN, PADDING, REAL, UP, type Kind } from "../../core/kinds.ts";
import { Trace } from "../../core/trace.ts";
import { lineError, microsToSeconds, nanosToMicros, secondsToMicros, textLines } from "./fields.ts";
import { mapRows, type FormatOptions, type TraceFormat } from "./trace-format.ts";

export const DEFAULT_CELL_SIZE = 512;
/** FRONT's marker for dummy (padding) cells. */
export const DUMMY_CELL = 888;
const AUTO_NS_ABOVE = 100_000;

const SIGNED = /^([+-]?)(\d+)(?:\.0*)?$/;

interface Row {
  n: number;
  time: string;
  sign: 1 | -1;
  value: number;
}

function rows(text: string, source: string): Row[] {
  const out: Row[] = [];
  for (const { line, n } of textLines(text)) {
    const fields = line.trim().split(/[\t ]+/);
    if (fields.length !== 2) throw lineError(source, n, 'a line "time<TAB>±value"', JSON.stringify(line));
    const m = SIGNED.exec(fields[1]);
    if (!m) throw lineError(source, n, "a signed integer (+ outgoing, − incoming)", JSON.stringify(fields[1]));
    const value = Number(m[2]);
    if (value === 0 || !Number.isSafeInteger(value)) throw lineError(source, n, "a non-zero signed size", JSON.stringify(fields[1]));
    out.push({ n, time: fields[0], sign: m[1] === "-" ? -1 : 1, value });
  }
  return out;
}

function timeUnitOf(rs: Row[], unit: FormatOptions["timeUnit"]): "s" | "ns" {
  if (unit === "s" || unit === "ns") return unit;
  let max = 0;
  for (const r of rs) {
    if (!/^\d+$/.test(r.time)) return "s";
    max = Math.max(max, Number(r.time));
  }
  return max > AUTO_NS_ABOVE ? "ns" : "s";
}

function build(text: string, opts: FormatOptions, cells: boolean): Trace {
  const source = opts.source ?? (cells ? "wf-cell trace" : "wf trace");
  const rs = rows(text, source);
  const unit = timeUnitOf(rs, opts.timeUnit);
  const cellSize = opts.cellSize ?? DEFAULT_CELL_SIZE;
  const trace = new Trace(Math.max(1, rs.length));
  let previous: Micros = 0;
  for (const r of rs) {
    const time = unit === "ns" ? nanosToMicros(r.time, source, r.n) : secondsToMicros(r.time, source, r.n);
    if (time < previous) throw lineError(source, r.n, `a time no earlier than the line before (${previous} µs)`, `${time} µs`);
    previous = time;
    const dir = r.sign > 0 ? UP : DOWN;
    if (cells) {
      if (r.value !== 1 && r.value !== DUMMY_CELL) throw lineError(source, r.n, `a cell direction ±1 (or ±${DUMMY_CELL} for a dummy cell)`, `${r.sign * r.value}`);
      const kind: Kind = r.value === DUMMY_CELL ? PADDING : REAL;
      trace.push(time, cellSize, kind === REAL ? cellSize : 0, dir, kind, -1);
    } else {
      trace.push(time, r.value, r.value, dir, REAL, -1);
    }
  }
  return trace;
}

function printTime(t: Micros, opts: FormatOptions): string {
  return opts.timeUnit === "ns" ? String(t * 1000) : microsToSeconds(t);
}

export const wf: TraceFormat = {
  name: "wf",
  summary: "time<TAB>±size per line (WTF-PAD, FRONT and DF-style datasets)",
  reference: "wtfpad/wtfpad (Juarez et al., ESORICS 2016); websitefingerprinting/WebsiteFingerprinting (Gong & Wang, USENIX Security 2020)",
  cannotCarry: ["payload bytes (read back = size)", "kind: padding and cover read back as real", "flow ids", "times finer than 1 µs"],
  extensions: [".wf", ".tsv", ".cell.txt"],
  parse: (text, opts = {}) => build(text, opts, false),
  print(trace, opts = {}) {
    const out: string[] = [];
    for (let i = 0; i < trace.length; i++) out.push(`${printTime(trace.time[i], opts)}\t${trace.dir[i] === UP ? "" : "-"}${trace.size[i]}\n`);
    return out.join("");
  },
  project: (trace) => mapRows(trace, (r) => ({ ...r, kind: REAL, payload: r.size, flow: -1 })),
};

export const wfCell: TraceFormat = {
  name: "wf-cell",
  summary: "time<TAB>±1 per line (Tor cells; ±888 marks a dummy cell, as FRONT writes)",
  reference: "websitefingerprinting/WebsiteFingerprinting defenses/front/main.py (Gong & Wang, USENIX Security 2020)",
  cannotCarry: ["sizes (read back as the cell size, default 512)", "payload bytes", "cover vs padding (both written ±888, read back as padding)", "flow ids", "times finer than 1 µs"],
  extensions: [".cell"],
  parse: (text, opts = {}) => build(text, opts, true),
  print(trace, opts = {}) {
    const out: string[] = [];
    for (let i = 0; i < trace.length; i++) {
      const v = trace.kind[i] === REAL ? 1 : DUMMY_CELL;
      out.push(`${printTime(trace.time[i], opts)}\t${trace.dir[i] === UP ? "" : "-"}${v}\n`);
    }
    return out.join("");
  },
  project(trace, opts = {}) {
    const cell = opts.cellSize ?? DEFAULT_CELL_SIZE;
    return mapRows(trace, (r) => ({ ...r, size: cell, kind: r.kind === COVER ? PADDING : r.kind, payload: r.kind === REAL ? cell : 0, flow: -1 }));
  },
};
