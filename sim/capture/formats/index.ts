/**
 * The trace formats by name, and a guess of a file's format from its name and first
 * line (for `chaff import` / `chaff export` without `--from` / `--to`).
 *
 * @example
 * guessTraceFormat("0-0.log", "0,s,514\n")?.name // => "maybenot"
 */
import { chaffJsonl } from "./chaff-jsonl.ts";
import { csv } from "./csv.ts";
import { maybenot } from "./maybenot.ts";
import type { TraceFormat } from "./trace-format.ts";
import { wf, wfCell } from "./wf.ts";

export const TRACE_FORMATS: readonly TraceFormat[] = [chaffJsonl, maybenot, wf, wfCell, csv];

export function traceFormat(name: string): TraceFormat | undefined {
  return TRACE_FORMATS.find((f) => f.name === name);
}

export const TRACE_FORMAT_NAMES = TRACE_FORMATS.map((f) => f.name);

const MAYBENOT_LINE = /^\d+,(s|r|sn|rn|sp|rp)(,\d+)?$/;
const WF_LINE = /^[\d.eE+-]+[\t ]+[+-]?\d+$/;
const WF_CELL_LINE = /^[\d.eE+-]+[\t ]+[+-]?(1|888)$/;

/** The format of a text trace from its content (first lines), then its name; null when unsure. */
export function guessTraceFormat(name: string, text: string): TraceFormat | null {
  const lines = text.split("\n", 50).map((l) => l.trim()).filter((l) => l !== "");
  const first = lines[0] ?? "";
  if (first.startsWith("{")) return chaffJsonl;
  if (lines.length > 0 && lines.every((l) => MAYBENOT_LINE.test(l))) return maybenot;
  if (lines.length > 0 && lines.every((l) => WF_CELL_LINE.test(l))) return wfCell;
  if (lines.length > 0 && lines.every((l) => WF_LINE.test(l))) return wf;
  if (/^[a-z_]+(,[a-z_]+)+$/.test(first)) return csv;
  const byName = TRACE_FORMATS.find((f) => f.extensions.some((e) => name.toLowerCase().endsWith(e)));
  return byName ?? null;
}
