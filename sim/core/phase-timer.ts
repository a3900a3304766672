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

export class PhaseTimer {
  private readonly timings: PhaseTimings = {};

  /** Starts timing a span of `phase`; the returned function ends it. */
  start(phase: Phase): () => void {
    const wall0 = performance.now();
    const cpu0 = threadCpuSeconds();
    return () => this.add(phase, (performance.now() - wall0) / 1e3, threadCpuSeconds() - cpu0);
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
    const lines = ["phase        wall s    CPU s  spans"];
    for (const phase of PHASES) {
      const t = this.timings[phase];
      if (t) lines.push(`${phase.padEnd(10)} ${t.wallSeconds.toFixed(2).padStart(8)} ${t.cpuSeconds.toFixed(2).padStart(8)} ${String(t.spans).padStart(6)}`);
    }
    return lines.join("\n");
  }
}
