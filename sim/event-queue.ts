/**
 * The engine's event queue: a binary min-heap on typed arrays.
 *
 * Events are ordered by (time, class, sequence): at equal times a lower class runs
 * first, and within a class the event pushed first runs first. The sequence number is
 * the push counter, so ties break the same way on every run and on every machine. An
 * event carries a type and three integer arguments; the heap stores them in parallel
 * typed arrays and grows by doubling, so steady-state push/pop allocates nothing.
 *
 * @example
 * const q = new EventQueue();
 * q.push(20, 0, 1, 7, 0);
 * q.push(10, 0, 2, 8, 0);
 * q.pop(); q.time // => 10
 */
import type { Micros } from "./time.ts";

/** Sequence numbers fit under 2^44 and classes under 2^8, so (class, seq) packs exactly in a double. */
const SEQ_SPAN = 2 ** 44;

export class EventQueue {
  private times: Float64Array;
  private ties: Float64Array;
  private types: Int32Array;
  private as: Int32Array;
  private bs: Int32Array;
  private cs: Int32Array;
  private count = 0;
  private seq = 0;

  /** Fields of the event most recently popped. */
  time: Micros = 0;
  type = 0;
  a = 0;
  b = 0;
  c = 0;

  constructor(capacity = 1024) {
    this.times = new Float64Array(capacity);
    this.ties = new Float64Array(capacity);
    this.types = new Int32Array(capacity);
    this.as = new Int32Array(capacity);
    this.bs = new Int32Array(capacity);
    this.cs = new Int32Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Time of the next event, or Infinity when empty. */
  peekTime(): Micros {
    return this.count === 0 ? Infinity : this.times[0];
  }

  push(time: Micros, cls: number, type: number, a: number, b: number, c = 0): void {
    if (this.count === this.times.length) this.grow();
    const tie = cls * SEQ_SPAN + this.seq++;
    const times = this.times;
    const ties = this.ties;
    let i = this.count++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p];
      if (pt < time || (pt === time && ties[p] < tie)) break;
      times[i] = pt;
      ties[i] = ties[p];
      this.types[i] = this.types[p];
      this.as[i] = this.as[p];
      this.bs[i] = this.bs[p];
      this.cs[i] = this.cs[p];
      i = p;
    }
    times[i] = time;
    ties[i] = tie;
    this.types[i] = type;
    this.as[i] = a;
    this.bs[i] = b;
    this.cs[i] = c;
  }

  /** Removes the earliest event into `time`, `type`, `a`, `b`, `c`. Returns false when empty. */
  pop(): boolean {
    if (this.count === 0) return false;
    const times = this.times;
    const ties = this.ties;
    const types = this.types;
    const as = this.as;
    const bs = this.bs;
    const cs = this.cs;
    this.time = times[0];
    this.type = types[0];
    this.a = as[0];
    this.b = bs[0];
    this.c = cs[0];
    const n = --this.count;
    if (n === 0) return true;
    const t = times[n];
    const tie = ties[n];
    const ty = types[n];
    const a = as[n];
    const b = bs[n];
    const c = cs[n];
    let i = 0;
    for (;;) {
      let k = 2 * i + 1;
      if (k >= n) break;
      const r = k + 1;
      if (r < n && (times[r] < times[k] || (times[r] === times[k] && ties[r] < ties[k]))) k = r;
      if (t < times[k] || (t === times[k] && tie < ties[k])) break;
      times[i] = times[k];
      ties[i] = ties[k];
      types[i] = types[k];
      as[i] = as[k];
      bs[i] = bs[k];
      cs[i] = cs[k];
      i = k;
    }
    times[i] = t;
    ties[i] = tie;
    types[i] = ty;
    as[i] = a;
    bs[i] = b;
    cs[i] = c;
    return true;
  }

  private grow(): void {
    const c = this.times.length * 2;
    const grow = <T extends Float64Array | Int32Array>(old: T, make: (n: number) => T): T => {
      const next = make(c);
      next.set(old);
      return next;
    };
    this.times = grow(this.times, (n) => new Float64Array(n));
    this.ties = grow(this.ties, (n) => new Float64Array(n));
    this.types = grow(this.types, (n) => new Int32Array(n));
    this.as = grow(this.as, (n) => new Int32Array(n));
    this.bs = grow(this.bs, (n) => new Int32Array(n));
    this.cs = grow(this.cs, (n) => new Int32Array(n));
  }
}
