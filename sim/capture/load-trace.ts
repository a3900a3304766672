/**
 * One way in for every command that takes a trace: a capture file (pcap or pcapng, by
 * its magic), a text trace in any of the formats of `formats/` (by `--from`, or guessed
 * from the content and the name), or a run directory, whose `timeline.json` holds the
 * modeled traffic of the users the experiment traced (`traceUsers`).
 *
 * @example
 * loadTrace("call.pcapng", { clients: ["192.168.1.20"] }).trace
 * loadTrace("results/runs/default-s1-…", { user: 0 }).trace   // the undefended arm by default
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { DOWN, REAL, UP, type Kind } from "../core/kinds.ts";
import { Trace } from "../core/trace.ts";
import { InputError } from "../core/validation.ts";
import { captureFormat } from "./capture-file.ts";
import { MAX_CAPTURE_BYTES } from "./captured-packet.ts";
import { readChaffTrace, type ChaffTraceMeta } from "./formats/chaff-jsonl.ts";
import { guessTraceFormat, TRACE_FORMAT_NAMES, traceFormat } from "./formats/index.ts";
import type { FormatOptions } from "./formats/trace-format.ts";
import { importCapture, type CaptureImportOptions } from "./to-trace.ts";

export interface LoadOptions extends FormatOptions, Omit<CaptureImportOptions, "source"> {
  /** Text format name (default: guessed). */
  from?: string;
  /** Run directories: which traced user (default: the first). */
  user?: number;
  /** Run directories: which defense's arm (default: the undefended one). */
  defense?: string;
}

export interface LoadedTrace {
  trace: Trace;
  /** What the path was: a capture, a text trace (by format name), or a run's timeline. */
  kind: "capture" | "trace" | "run";
  format: string;
  meta: ChaffTraceMeta;
}

export function loadTrace(path: string, opts: LoadOptions = {}): LoadedTrace {
  if (!existsSync(path)) throw new InputError(`${path}: no such file or directory`);
  const st = statSync(path);
  if (st.isDirectory()) return loadRun(path, opts);
  if (st.size > MAX_CAPTURE_BYTES) throw new InputError(`${path}: ${st.size} bytes: expected a file of at most ${MAX_CAPTURE_BYTES} bytes`);
  const bytes = new Uint8Array(readFileSync(path));
  const name = basename(path);
  if (opts.from === undefined && (captureFormat(bytes) !== null || /\.(pcap|pcapng|cap)$/i.test(name))) {
    const x = importCapture(bytes, { source: name, clients: opts.clients, spbTime: opts.spbTime, malformed: opts.malformed });
    return { trace: x.trace, kind: "capture", format: x.format, meta: { source: name, originMicros: x.originMicros, flows: x.flows, stats: { ...x.stats } } };
  }
  const text = new TextDecoder("utf-8").decode(bytes);
  const format = opts.from !== undefined ? traceFormat(opts.from) : guessTraceFormat(name, text);
  if (!format) {
    const why = opts.from !== undefined ? `--from ${JSON.stringify(opts.from)}: unknown format` : `cannot tell the format of ${name}; pass --from`;
    throw new InputError(`${why} (expected one of ${TRACE_FORMAT_NAMES.join(", ")}, or a pcap/pcapng capture)`);
  }
  const fo: FormatOptions = { source: name, timeUnit: opts.timeUnit, cellSize: opts.cellSize };
  if (format.name === "chaff") {
    const f = readChaffTrace(text, fo);
    return { trace: f.trace, kind: "trace", format: "chaff", meta: f.meta };
  }
  return { trace: format.parse(text, fo), kind: "trace", format: format.name, meta: { source: name } };
}

interface TimelineArm {
  defense: string;
  baseline?: boolean;
  t: number[];
  size: number[];
  payload: number[];
  dir: number[];
  kind: number[];
}

function loadRun(dir: string, opts: LoadOptions): LoadedTrace {
  const file = join(dir, "timeline.json");
  if (!existsSync(file)) throw new InputError(`${dir}: a directory without timeline.json: expected a run directory written by chaff run, or a trace file`);
  let data: { kind?: string; users?: { user: number; arms: TimelineArm[] }[] };
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new InputError(`${file}: ${(e as Error).message}`);
  }
  if (data.kind !== "chaff-timeline" || !Array.isArray(data.users) || data.users.length === 0) {
    throw new InputError(`${file}: expected a chaff-timeline with at least one traced user`);
  }
  const users = data.users.map((u) => u.user);
  const u = opts.user === undefined ? data.users[0] : data.users.find((x) => x.user === opts.user);
  if (!u) throw new InputError(`--user = ${opts.user}: not traced in this run (expected one of ${users.join(", ")}; set traceUsers in the experiment)`);
  const arms = u.arms.map((a) => a.defense);
  const arm = opts.defense === undefined ? (u.arms.find((a) => a.baseline) ?? u.arms[0]) : u.arms.find((a) => a.defense === opts.defense);
  if (!arm) throw new InputError(`--defense = ${JSON.stringify(opts.defense)}: no such arm in this run (expected one of ${arms.join(", ")})`);
  const trace = new Trace(Math.max(1, arm.t.length));
  for (let i = 0; i < arm.t.length; i++) {
    const kind = arm.kind[i] as Kind;
    trace.push(Math.round(arm.t[i] * 1e6), arm.size[i], kind === REAL ? arm.payload[i] : 0, arm.dir[i] === 0 ? UP : DOWN, kind, -1);
  }
  return { trace, kind: "run", format: "chaff-timeline", meta: { source: `${basename(dir)} user ${u.user} ${arm.defense}` } };
}
