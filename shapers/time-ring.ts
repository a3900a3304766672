/**
 * A FIFO of times on a typed-array ring buffer that grows by doubling: the per-packet
 * state of shapers that hold real packets (one release time or deadline per queued
 * packet, in queue order). Push and shift are O(1) amortized and allocate nothing in
 * steady state.
 *
 * Shapers that keep one entry per queued real packet pop it in `onSent` for each REAL
 * packet that leaves whole, so the ring stays aligned with the egress queue even when
 * the engine forces a release to honour a delay budget.
 *
 * @example
 * const r = new TimeRing();
 * r.push(10); r.push(20);
 * r.shift() // => 10
 * r.head()  // => 20
 */
import type { Micros } from "../sim/core/time.ts";

export class TimeRing {
  private buf: Float64Array;
  private first = 0;
  private count = 0;
  private mask: number;

  constructor(capacity = 16) {
    let c = 1;
    while (c < capacity) c *= 2;
    this.buf = new Float64Array(c);
    this.mask = c - 1;
  }

  get length(): number {
    return this.count;
  }

  push(t: Micros): void {
    if (this.count === this.buf.length) this.grow();
    this.buf[(this.first + this.count) & this.mask] = t;
    this.count++;
  }

  /** The oldest value; NaN when empty. */
  head(): Micros {
    return this.count === 0 ? Number.NaN : this.buf[this.first];
  }

  /** Removes and returns the oldest value; NaN when empty. */
  shift(): Micros {
    if (this.count === 0) return Number.NaN;
    const t = this.buf[this.first];
    this.first = (this.first + 1) & this.mask;
    this.count--;
    return t;
  }

  clear(): void {
    this.first = 0;
    this.count = 0;
  }

  private grow(): void {
    const next = new Float64Array(this.buf.length * 2);
    for (let k = 0; k < this.count; k++) next[k] = this.buf[(this.first + k) & this.mask];
    this.buf = next;
    this.first = 0;
    this.mask = next.length - 1;
  }
}
