/**
 * The contract of a text trace format: parse, print, and say exactly what the format
 * cannot carry — `project(t)` is the trace with those losses applied, so for every
 * format `parse(print(t))` equals `project(t)` row for row (the round-trip tests check
 * this), and `project` of a trace already in the format's reach is the trace itself.
 */
import { type Direction, type Kind } from "../../core/kinds.ts";
import { Trace } from "../../core/trace.ts";

export interface FormatOptions {
  /** Name for error messages (the file name). */
  source?: string;
  /** WF layouts: time unit of the file; "auto" (default) guesses (see `wf.ts`). */
  timeUnit?: "s" | "ns" | "auto";
  /** Bytes per packet where the file has none: WF cells (default 512), Maybenot lines without a size (no default). */
  cellSize?: number;
}

export interface TraceFormat {
  readonly name: string;
  readonly summary: string;
  /** The original specification or reference implementation this follows. */
  readonly reference: string;
  /** What a trace loses in this format, one phrase each. */
  readonly cannotCarry: readonly string[];
  /** File name endings this format is guessed from. */
  readonly extensions: readonly string[];
  parse(text: string, opts?: FormatOptions): Trace;
  print(trace: Trace, opts?: FormatOptions): string;
  project(trace: Trace, opts?: FormatOptions): Trace;
}

/** A copy of `t` with each row mapped (for `project`). */
export function mapRows(
  t: Trace,
  f: (row: { time: number; size: number; payload: number; dir: Direction; kind: Kind; flow: number }) => { time: number; size: number; payload: number; dir: Direction; kind: Kind; flow: number },
): Trace {
  const out = new Trace(Math.max(1, t.length));
  for (let i = 0; i < t.length; i++) {
    const r = f({ time: t.time[i], size: t.size[i], payload: t.payload[i], dir: t.dir[i] as Direction, kind: t.kind[i] as Kind, flow: t.flow[i] });
    out.push(r.time, r.size, r.payload, r.dir, r.kind, r.flow);
  }
  return out;
}
