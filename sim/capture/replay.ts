/**
 * Replays a recorded trace (an imported capture, or any trace file) through shapers:
 * the capture → shaper half of "what would an observer learn from my app, with and
 * without a shaper". Built on `sim/engine/shape-trace.ts`, the same harness the shaper
 * tests use.
 *
 * How it replays:
 * - Uplink packets (`s`) are queued at the device egress at their recorded times, with
 *   their wire size, payload and flow id; the shaper then pads, delays, batches or adds
 *   to them. The egress keeps one FIFO queue, so each flow's packets leave in their
 *   recorded order (and so do the flows among themselves), whatever the shaper delays.
 * - Downlink packets (`r`) are, with a server-side shaper, first shaped the same way on
 *   the server's egress (directions mirrored); then they reach the device at their
 *   (server-shaped) times and the device shaper hears them (`onReceived`).
 * - With `perFlow`, each flow gets its own shaper instances (a per-connection
 *   defense); otherwise one device shaper and one server shaper see all flows (a
 *   per-link defense, as in chaff's experiments).
 *
 * What cannot be re-timed causally (a recording has no request → response links,
 * the same gap Maybenot's simulator names):
 * - the server's responses are replayed at their recorded times (or their server-shaped
 *   times), never later because the shaper delayed the request they answer;
 * - likewise the client's own packets that answered the server (TCP ACKs, the next
 *   request) keep their recorded queueing times: a delay the device shaper adds to one
 *   uplink packet does not push back the later ones, except through the shared queue;
 * - the server-side shaper hears the recorded uplink, not the device-shaped one (the
 *   two sides are shaped one after the other, downlink first);
 * - TCP's own reaction to shaping (congestion window, retransmissions) is not modelled.
 * So added delay shows up as latency cost but never as a longer conversation; chaff's
 * modeled conversations (`sim/world/`) are causal and do propagate it.
 *
 * The input must be unshaped (every row real) and in time order.
 *
 * @example
 * const shaped = replayTrace(imported.trace, { device: () => padme.create({}, ctx) });
 * printTrace(shaped.trace) // uplink padded, downlink as recorded
 */
import type { Shaper } from "../../shapers/shaper.ts";
import { DOWN, REAL, UP, type Direction, type Kind } from "../core/kinds.ts";
import type { Micros } from "../core/time.ts";
import { Trace } from "../core/trace.ts";
import { InputError } from "../core/validation.ts";
import { shapeTrace, type ShapeTraceOptions } from "../engine/shape-trace.ts";

export interface ReplayOptions {
  /** Makes the device-side (uplink) shaper; none: the uplink passes unshaped. */
  device?: () => Shaper;
  /** Makes the server-side (downlink) shaper; none: the downlink passes unshaped. */
  server?: () => Shaper;
  /** One shaper instance per flow instead of one per side. */
  perFlow?: boolean;
  /** Run shaper timers until this time (default: the last recorded packet). */
  until?: Micros;
  mtu?: number;
  link?: ShapeTraceOptions["link"];
}

export interface ReplayResult {
  /** Both directions after shaping, in time order. */
  trace: Trace;
  /** Added delay of each real uplink packet the device shaper completed, µs. */
  upDelays: number[];
  /** Added delay of each real downlink packet the server shaper completed, µs. */
  downDelays: number[];
}

function check(trace: Trace): void {
  for (let i = 0; i < trace.length; i++) {
    if (trace.kind[i] !== REAL) throw new InputError(`replay: row ${i + 1} is ${trace.kind[i] === 1 ? "padding" : "cover"}: expected an unshaped trace (every row real)`);
    if (i > 0 && trace.time[i] < trace.time[i - 1]) throw new InputError(`replay: row ${i + 1} goes back in time: expected rows in time order`);
  }
}

function copyRows(from: Trace, to: Trace, pick: (i: number) => boolean, flip: boolean): void {
  for (let i = 0; i < from.length; i++) {
    if (!pick(i)) continue;
    const dir = (flip ? 1 - from.dir[i] : from.dir[i]) as Direction;
    to.push(from.time[i], from.size[i], from.payload[i], dir, from.kind[i] as Kind, from.flow[i]);
  }
}

/** Stable time order (rows at equal times keep their order in `t`). */
function sorted(t: Trace): Trace {
  const idx = Array.from({ length: t.length }, (_, i) => i).sort((a, b) => t.time[a] - t.time[b] || a - b);
  const out = new Trace(Math.max(1, t.length));
  for (const i of idx) out.push(t.time[i], t.size[i], t.payload[i], t.dir[i] as Direction, t.kind[i] as Kind, t.flow[i]);
  return out;
}

function replayOne(trace: Trace, opts: ReplayOptions, until: Micros): ReplayResult {
  const shapeOpts: ShapeTraceOptions = { until, mtu: opts.mtu, link: opts.link };
  let downlink = trace;
  const downDelays: number[] = [];
  if (opts.server) {
    // the server's egress: its "uplink" is chaff's downlink
    const mirrored = new Trace(Math.max(1, trace.length));
    copyRows(trace, mirrored, () => true, true);
    const r = shapeTrace(opts.server(), mirrored, shapeOpts);
    downDelays.push(...r.addedDelays);
    downlink = new Trace(Math.max(1, r.trace.length));
    copyRows(r.trace, downlink, () => true, true);
  }
  const upDelays: number[] = [];
  let out: Trace;
  if (opts.device) {
    const input = new Trace(Math.max(1, trace.length));
    // recorded uplink plus the (server-shaped) downlink, merged in time order
    const merged = new Trace(Math.max(1, trace.length + downlink.length));
    copyRows(trace, merged, (i) => trace.dir[i] === UP, false);
    copyRows(downlink, merged, (i) => downlink.dir[i] === DOWN, false);
    copyRows(sorted(merged), input, () => true, false);
    const r = shapeTrace(opts.device(), input, shapeOpts);
    upDelays.push(...r.addedDelays);
    out = r.trace;
  } else {
    const merged = new Trace(Math.max(1, trace.length + downlink.length));
    copyRows(trace, merged, (i) => trace.dir[i] === UP, false);
    copyRows(downlink, merged, (i) => downlink.dir[i] === DOWN, false);
    out = sorted(merged);
  }
  return { trace: out, upDelays, downDelays };
}

export function replayTrace(trace: Trace, opts: ReplayOptions = {}): ReplayResult {
  check(trace);
  const until = opts.until ?? (trace.length > 0 ? trace.time[trace.length - 1] : 0);
  if (!opts.perFlow) return replayOne(trace, opts, until);
  const flows = [...new Set(Array.from(trace.flow))];
  const parts = flows.map((f) => {
    const t = new Trace();
    copyRows(trace, t, (i) => trace.flow[i] === f, false);
    return replayOne(t, opts, until);
  });
  const all = new Trace();
  for (const p of parts) copyRows(p.trace, all, () => true, false);
  return { trace: sorted(all), upDelays: parts.flatMap((p) => p.upDelays), downDelays: parts.flatMap((p) => p.downDelays) };
}
