/**
 * Wall and CPU time per phase of a run (simulate, extract, train, score, bootstrap,
 * figures, report), for the manifest and `chaff run --timings` — never for the hashed
 * outputs, which must not depend on the machine.
 *
 * CPU time is the calling *thread's* where the platform says (Linux:
 * `/proc/thread-self/schedstat`, nanoseconds on CPU), so a phase timed on a worker thread
 * counts that worker's work and not its siblings'; elsewhere it is the process's
 * (`process.cpuUsage()`), which over-counts while other threads run. Phases may be timed
 * in pieces and on several threads: `merge` adds timings made elsewhere (a worker's arm)
 * into this one, so one phase's wall time can exceed the run's when arms overlap.
 *
 * **Nested spans count once.** Time goes to the innermost open span: a span started
 * inside another pauses the outer one until it ends, so a runner can time a whole arm as
 * `simulate` and the code inside can carve out its `train` or `score` spans without the
 * seconds being counted twice. Spans are expected to end in the reverse order they
 * started (the usual `time`/`timeAsync` nesting); a span that ends out of order is still
 * counted, from its start or last resumption, and the spans it interrupted resume then.
 *
 * **The active timer.** Code deep in the pipeline (the bootstrap, an observer's training)
 * cannot be handed a timer through every signature, so a thread has one active timer
 * (`withActiveTimer`), and `timed` / `timedAsync` add spans to it — or just run the
 * function when no timer is active, at the cost of one comparison. One run at a time per
 * thread: two runs interleaved on one thread would share the active timer.
 *
 * @example
 * const timer = new PhaseTimer();
 * const result = timer.time("simulate", () => world.run());
 * await timer.timeAsync("score", () => scoreAll());
 * timer.toJSON() // => { simulate: { wallSeconds: 1.9, cpuSeconds: 1.8, spans: 1 }, score: {...} }
 * console.log(timer.format());
 */
import { readFileSync } from "node:fs";

export const PHASES = ["simulate", "extract", "train", "score", "bootstrap", "figures", "report"] as const;
export type Phase = (typeof PHASES)[number];

export interface PhaseTiming {
  wallSeconds: number;
  cpuSeconds: number;
  /** How many timed spans were added up. */
  spans: number;
}

export type PhaseTimings = Partial<Record<Phase, PhaseTiming>>;

/** This thread's CPU time, seconds (the process's where a thread's is not available). */
export function threadCpuSeconds(): number {
  if (schedstat) {
    try {
      const text = readFileSync("/proc/thread-self/schedstat", "latin1");
      return Number(text.slice(0, text.indexOf(" "))) / 1e9;
    } catch {
      schedstat = false;
    }
  }
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}
let schedstat = process.platform === "linux";

interface OpenSpan {
  phase: Phase;
  /** Wall (ms) and CPU (s) clock when this span started or last resumed. */
  wall0: number;
  cpu0: number;
}

export class PhaseTimer {
  private readonly timings: PhaseTimings = {};
  /** Spans started and not yet ended, innermost last; only the innermost is running. */
  private readonly open: OpenSpan[] = [];

  /** Starts timing a span of `phase` (pausing the enclosing span, if any); the returned function ends it. */
  start(phase: Phase): () => void {
    const wall = performance.now();
    const cpu = threadCpuSeconds();
    const outer = this.open.at(-1);
    if (outer) this.add(outer.phase, (wall - outer.wall0) / 1e3, cpu - outer.cpu0, 0);
    const span: OpenSpan = { phase, wall0: wall, cpu0: cpu };
    this.open.push(span);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      const wallEnd = performance.now();
      const cpuEnd = threadCpuSeconds();
      const at = this.open.lastIndexOf(span);
      const running = at === this.open.length - 1;
      if (at >= 0) this.open.splice(at, 1);
      // A span ended out of order was paused since an inner one started: it counts
      // from its last resumption only while it was running, else nothing more.
      if (running) this.add(phase, (wallEnd - span.wall0) / 1e3, cpuEnd - span.cpu0, 1);
      else this.add(phase, 0, 0, 1);
      const resumed = this.open.at(-1);
      if (resumed && running) {
        resumed.wall0 = wallEnd;
        resumed.cpu0 = cpuEnd;
      }
    };
  }

  /** Runs `fn` as a span of `phase`. */
  time<T>(phase: Phase, fn: () => T): T {
    const stop = this.start(phase);
    try {
      return fn();
    } finally {
      stop();
    }
  }

  /**
   * Awaits `fn` as a span of `phase`. The CPU time is this thread's between start and
   * end, which includes anything else this thread ran meanwhile.
   */
  async timeAsync<T>(phase: Phase, fn: () => Promise<T>): Promise<T> {
    const stop = this.start(phase);
    try {
      return await fn();
    } finally {
      stop();
    }
  }

  /** Adds a span measured elsewhere. */
  add(phase: Phase, wallSeconds: number, cpuSeconds: number, spans = 1): void {
    const t = (this.timings[phase] ??= { wallSeconds: 0, cpuSeconds: 0, spans: 0 });
    t.wallSeconds += wallSeconds;
    t.cpuSeconds += cpuSeconds;
    t.spans += spans;
  }

  /** Adds timings made by another timer (for example a worker thread's, sent back with its result). */
  merge(other: PhaseTimings): void {
    for (const phase of PHASES) {
      const t = other[phase];
      if (t) this.add(phase, t.wallSeconds, t.cpuSeconds, t.spans);
    }
  }

  /** The timings so far, phases in pipeline order (plain JSON, for the manifest or a worker's reply). */
  toJSON(): PhaseTimings {
    const out: PhaseTimings = {};
    for (const phase of PHASES) {
      const t = this.timings[phase];
      if (t) out[phase] = { ...t };
    }
    return out;
  }

  /** One line per phase timed: wall and CPU seconds, for `--timings`. */
  format(): string {
    return formatTimings(this.timings);
  }
}

/** Timings as a table, one line per phase timed: wall and CPU seconds and spans. */
export function formatTimings(timings: PhaseTimings): string {
    const lines = ["phase        wall s    CPU s  spans"];
    for (const phase of PHASES) {
      const t = timings[phase];
      if (t) lines.push(`${phase.padEnd(10)} ${t.wallSeconds.toFixed(2).padStart(8)} ${t.cpuSeconds.toFixed(2).padStart(8)} ${String(t.spans).padStart(6)}`);
    }
    return lines.join("\n");
}

let active: PhaseTimer | null = null;

/** The timer `timed` and `timedAsync` add to on this thread, or null. */
export function activeTimer(): PhaseTimer | null {
  return active;
}

/** Runs `fn` with `timer` as this thread's active timer (restoring the previous one after). */
export async function withActiveTimer<T>(timer: PhaseTimer | null | undefined, fn: () => Promise<T>): Promise<T> {
  const previous = active;
  active = timer ?? null;
  try {
    return await fn();
  } finally {
    active = previous;
  }
}

/** Runs `fn` as a span of `phase` of the active timer (just runs it when none is active). */
export function timed<T>(phase: Phase, fn: () => T): T {
  return active === null ? fn() : active.time(phase, fn);
}

/** Awaits `fn` as a span of `phase` of the active timer (just awaits it when none is active). */
export function timedAsync<T>(phase: Phase, fn: () => Promise<T>): Promise<T> {
  return active === null ? fn() : active.timeAsync(phase, fn);
}
