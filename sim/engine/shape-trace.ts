/**
 * Runs one shaper over a trace, alone: the harness for shaper tests (input trace →
 * expected output trace, in trace notation) and for the shaper benchmark.
 *
 * The uplink packets (`s`) of the input are queued at the egress at their times; the
 * downlink packets (`r`) are delivered to the shaper as `onReceived` (if it listens) and
 * copied to the output unchanged. The link is ideal unless one is given: no
 * serialization, no latency, so the output times are the times packets left the gate.
 * Timers run in virtual time until `until` (default: the last input packet).
 *
 * @example
 * // background-cover at 10 packets/s of 100 B, with a little real traffic, run until 350 ms:
 * const cover = backgroundCover.create({ ratePerSecond: 10, gaps: "constant", packetBytes: 100 }, { rng, side: "device", mtu: 1500 });
 * const out = shapeTrace(cover, parseTrace("0 s500, 150ms s1500, 160ms r80"), { until: 350_000 });
 * printTrace(out.trace) // => "0 s500, 100ms s100c, 150ms s1500, 160ms r80, 200ms s100c, 300ms s100c"
 * // (record padders such as padme pad records before segmentation, in the world's
 * // padRecord step, so shapeTrace passes their packets through unchanged)
 */
import type { Shaper } from "../../shapers/shaper.ts";
import { UNLIMITED, type Budget } from "./budget.ts";
import { Egress } from "./egress.ts";
import type { EgressSink, TimerScheduler } from "./egress-host.ts";
import { HeapEventQueue } from "./event-queue.ts";
import { LinkModel, type LinkSpec, type StreamName } from "./link.ts";
import type { Micros } from "../core/time.ts";
import { Trace } from "../core/trace.ts";
import { DOWN, UP, type Kind } from "../core/kinds.ts";

export interface ShapeTraceOptions {
  until?: Micros;
  mtu?: number;
  budget?: Budget;
  link?: LinkSpec;
  /** The link's jitter stream, by name (a fresh `Rng` will do); without it the link has no jitter. */
  linkRng?: StreamName;
  /** Skip building the output trace (benchmarks): only stats and counts. */
  countOnly?: boolean;
  name?: string;
}

export interface ShapeTraceResult {
  trace: Trace;
  egress: Egress;
  /** Real payload bytes delivered per flow id, in delivery order (for conservation checks). */
  pieces: { flow: number; bytes: number }[];
  /** Added delay of each completed real packet, µs, in completion order. */
  addedDelays: number[];
}

const IDEAL: LinkSpec = { bandwidthBps: Infinity, latency: 0, jitter: 0 };

/**
 * The harness's side of the egress: records what leaves and queues timers. A class, not
 * object literals made per run, so the engine's call sites see the same functions on
 * every run and V8's optimized code for them stays valid from one run to the next.
 */
class Harness implements EgressSink, TimerScheduler {
  readonly queue = new HeapEventQueue(64);
  readonly pieces: { flow: number; bytes: number }[] = [];
  readonly addedDelays: number[] = [];
  readonly out: Trace;
  readonly countOnly: boolean;

  constructor(countOnly: boolean, capacity: number) {
    this.countOnly = countOnly;
    this.out = new Trace(countOnly ? 1 : capacity);
  }

  onPiece(_slot: number, flow: number, bytes: number, _wire: number, completed: boolean, added: Micros): void {
    if (this.countOnly) return;
    this.pieces.push({ flow, bytes });
    if (completed) this.addedDelays.push(added);
  }

  onWire(_slot: number, sent: Micros, _finish: Micros, _arrival: Micros, size: number, payload: number, kind: Kind, flow: number): void {
    if (!this.countOnly) this.out.push(sent, size, payload, UP, kind, flow);
  }

  scheduleTimer(_slot: number, token: number, at: Float64Array): void {
    this.queue.pushStamped(at, 1, 0, token, 0, 0);
  }
}

export function shapeTrace(shaper: Shaper, input: Trace, opts: ShapeTraceOptions = {}): ShapeTraceResult {
  const countOnly = opts.countOnly === true;
  // one shaper has a handful of timers pending: a plain heap beats the calendar
  const host = new Harness(countOnly, Math.max(16, input.length * 2));
  const queue = host.queue;
  const out = host.out;
  const egress = new Egress({ slots: 1, mtu: opts.mtu ?? 1500, sink: host, scheduler: host });
  egress.attach(0, {
    shaper,
    shaperName: opts.name ?? shaper.constructor.name,
    link: new LinkModel(opts.link ?? IDEAL, null, opts.linkRng !== undefined),
    linkJitter: opts.linkRng ?? null,
    budget: opts.budget ?? UNLIMITED,
  });
  const until = opts.until ?? (input.length > 0 ? input.time[input.length - 1] : 0);
  const start = input.length > 0 ? Math.min(input.time[0], 0) : 0;
  egress.start(0, start);
  const listens = shaper.declaration.listensToReceive;
  // times go to the egress in its clock register: this loop, with the shaper's callbacks
  // inlined into it, can outgrow V8's inlining budget, and a µs time passed to a call
  // that is not inlined is boxed (16 B per packet)
  const clock = egress.clock;
  // the input's columns in locals: a store the loop makes to a `Trace` field (the output's
  // `push`) would otherwise make V8 reload them on every packet
  const { time, size, payload, dir, kind, flow } = input;
  const n = input.length;
  let i = 0;
  for (;;) {
    // the head's time read in place: `peekTime()` returns a double, boxed if V8 does not inline it
    const nextTimer = queue.count === 0 ? Infinity : queue.times[0];
    const nextInput = i < n ? time[i] : Infinity;
    // input (class 0) before timers (class 1) at equal times
    if (nextInput <= nextTimer && nextInput <= until) {
      if (dir[i] === UP) {
        clock[0] = nextInput;
        egress.enqueueAt(0, size[i], payload[i], flow[i]);
      } else {
        if (listens) {
          clock[0] = nextInput;
          egress.receiveAt(0, size[i], kind[i] as Kind);
        }
        if (!countOnly) out.push(nextInput, size[i], payload[i], DOWN, kind[i] as Kind, flow[i]);
      }
      i++;
    } else if (nextTimer <= until) {
      queue.pop();
      clock[0] = queue.time;
      egress.fireAt(0, queue.a);
    } else {
      break;
    }
  }
  return { trace: sortTrace(out), egress, pieces: host.pieces, addedDelays: host.addedDelays };
}

/** Output rows sorted by time (stable), since downlink copies and uplink sends interleave. */
function sortTrace(t: Trace): Trace {
  let sorted = true;
  for (let i = 1; i < t.length; i++) if (t.time[i] < t.time[i - 1]) sorted = false;
  if (sorted) return t;
  const idx = Array.from({ length: t.length }, (_, i) => i).sort((a, b) => t.time[a] - t.time[b] || a - b);
  const s = new Trace(t.length);
  for (const i of idx) s.push(t.time[i], t.size[i], t.payload[i], t.dir[i] as 0 | 1, t.kind[i] as Kind, t.flow[i]);
  return s;
}
