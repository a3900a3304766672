/**
 * The engine's event queue: a binary min-heap on typed arrays.
 *
 * Events are ordered by (time, class, sequence): at equal times a lower class runs
 * first, and within a class the event pushed first runs first. The sequence number is
 * the push counter, so ties break the same way on every run and on every machine. An
 * event carries a type and three integer arguments, kept in a slot pool beside the
 * heap so that sifting moves only (time, tie, slot). Arrays grow by doubling;
 * steady-state push/pop allocates nothing.
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
  // heap
  private times: Float64Array;
  private ties: Float64Array;
  private slots: Int32Array;
  // slot pool: 4 ints per slot (type, a, b, c) and a free list
  private data: Int32Array;
  private free: Int32Array;
  private freeCount: number;
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
    this.slots = new Int32Array(capacity);
    this.data = new Int32Array(capacity * 4);
    this.free = new Int32Array(capacity);
    for (let i = 0; i < capacity; i++) this.free[i] = capacity - 1 - i;
    this.freeCount = capacity;
  }

  get size(): number {
    return this.count;
  }

  /** Time of the next event, or Infinity when empty. */
  peekTime(): Micros {
    return this.count === 0 ? Infinity : this.times[0];
  }

  push(time: Micros, cls: number, type: number, a: number, b: number, c = 0): void {
    if (this.freeCount === 0) this.grow();
    const slot = this.free[--this.freeCount];
    const d = slot << 2;
    this.data[d] = type;
    this.data[d + 1] = a;
    this.data[d + 2] = b;
    this.data[d + 3] = c;
    const tie = cls * SEQ_SPAN + this.seq++;
    const times = this.times;
    const ties = this.ties;
    const slots = this.slots;
    let i = this.count++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p];
      if (pt < time || (pt === time && ties[p] < tie)) break;
      times[i] = pt;
      ties[i] = ties[p];
      slots[i] = slots[p];
      i = p;
    }
    times[i] = time;
    ties[i] = tie;
    slots[i] = slot;
  }

  /** Removes the earliest event into `time`, `type`, `a`, `b`, `c`. Returns false when empty. */
  pop(): boolean {
    if (this.count === 0) return false;
    const times = this.times;
    const ties = this.ties;
    const slots = this.slots;
    const top = slots[0];
    const d = top << 2;
    this.time = times[0];
    this.type = this.data[d];
    this.a = this.data[d + 1];
    this.b = this.data[d + 2];
    this.c = this.data[d + 3];
    this.free[this.freeCount++] = top;
    const n = --this.count;
    if (n === 0) return true;
    const t = times[n];
    const tie = ties[n];
    const s = slots[n];
    let i = 0;
    for (;;) {
      let k = 2 * i + 1;
      if (k >= n) break;
      const r = k + 1;
      if (r < n && (times[r] < times[k] || (times[r] === times[k] && ties[r] < ties[k]))) k = r;
      const tk = times[k];
      if (t < tk || (t === tk && tie < ties[k])) break;
      times[i] = tk;
      ties[i] = ties[k];
      slots[i] = slots[k];
      i = k;
    }
    times[i] = t;
    ties[i] = tie;
    slots[i] = s;
    return true;
  }

  private grow(): void {
    const old = this.times.length;
    const cap = old * 2;
    const times = new Float64Array(cap);
    times.set(this.times);
    const ties = new Float64Array(cap);
    ties.set(this.ties);
    const slots = new Int32Array(cap);
    slots.set(this.slots);
    const data = new Int32Array(cap * 4);
    data.set(this.data);
    const free = new Int32Array(cap);
    // all old slots are in use (the free list is empty when we grow); the new ones are free
    for (let i = 0; i < cap - old; i++) free[i] = cap - 1 - i;
    this.times = times;
    this.ties = ties;
    this.slots = slots;
    this.data = data;
    this.free = free;
    this.freeCount = cap - old;
  }
}
