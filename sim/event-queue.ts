/**
 * The engine's event queue: a calendar queue (Brown, "Calendar queues: a fast O(1)
 * priority queue implementation for the simulation event set problem", CACM 31(10),
 * 1988) with an exact binary heap in front, all on typed arrays.
 *
 * Events are ordered by (time, class, sequence): at equal times a lower class runs
 * first, and within a class the event pushed first runs first. The sequence number is
 * the push counter, so ties break the same way on every run and on every machine.
 *
 * Time is cut into buckets of `bucketWidth` µs. A ring of `buckets` buckets holds the
 * events of the next `buckets` buckets after the current one, each bucket an unsorted
 * linked list; events further out wait in an overflow heap. The *front* heap holds every
 * event of the current bucket and of any earlier one, fully ordered by (time, tie). When
 * it runs dry, the next non-empty bucket (found through an occupancy bitmap, or taken
 * from the overflow heap when that comes first) is moved into it. Every event in the
 * front is earlier than every event elsewhere, so pops come out in exactly the order a
 * single heap over all events would give; the front stays small (the events of about one
 * bucket), so a push or pop touches a few cache lines instead of sifting through a heap
 * of every pending timer.
 *
 * An event carries a type and three integer arguments, kept with its time and tie in one
 * 64-byte record of a slot pool; freed records are reused last-in first-out, so the next
 * push writes a record that is still in cache. Arrays grow by doubling; steady-state
 * push/pop allocates nothing.
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

/** Doubles per slot record: time, tie, type, a, b, c, next (in a bucket list), spare. */
const REC = 8;
const R_TIME = 0;
const R_TIE = 1;
const R_TYPE = 2;
const R_A = 3;
const R_B = 4;
const R_C = 5;
const R_NEXT = 6;

export interface EventQueueOptions {
  /** Width of a calendar bucket, µs: a power of two (default 1024, about 1 ms). */
  readonly bucketWidth?: number;
  /** Buckets in the ring: a power of two, at least 32 (default 4096, about 4 s ahead). */
  readonly buckets?: number;
}

/** A binary min-heap of (time, tie, slot) on typed arrays. */
class SlotHeap {
  times: Float64Array;
  ties: Float64Array;
  slots: Int32Array;
  count = 0;

  constructor(capacity: number) {
    this.times = new Float64Array(capacity);
    this.ties = new Float64Array(capacity);
    this.slots = new Int32Array(capacity);
  }

  push(time: number, tie: number, slot: number): void {
    if (this.count === this.times.length) this.grow();
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

  /** Removes the top; returns its slot. The heap must not be empty. */
  pop(): number {
    const times = this.times;
    const ties = this.ties;
    const slots = this.slots;
    const top = slots[0];
    const n = --this.count;
    if (n === 0) return top;
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
    return top;
  }

  private grow(): void {
    const cap = this.times.length * 2;
    const times = new Float64Array(cap);
    times.set(this.times);
    const ties = new Float64Array(cap);
    ties.set(this.ties);
    const slots = new Int32Array(cap);
    slots.set(this.slots);
    this.times = times;
    this.ties = ties;
    this.slots = slots;
  }
}

export class EventQueue {
  // slot pool: one record of REC doubles per event, and a LIFO free list
  private rec: Float64Array;
  private free: Int32Array;
  private freeCount: number;
  private seq = 0;

  // calendar
  private readonly width: number;
  private readonly invWidth: number;
  private readonly nBuckets: number;
  private readonly mask: number;
  /** First slot of each ring bucket's list, -1 when empty. */
  private readonly heads: Int32Array;
  /** One bit per ring bucket: non-empty. */
  private readonly bits: Int32Array;
  private ringCount = 0;
  /** Absolute index of the current bucket: the front holds every event of this bucket and earlier ones. */
  private cursor = -1;
  private readonly front = new SlotHeap(64);
  private readonly overflow = new SlotHeap(64);

  /** Fields of the event most recently popped. */
  time: Micros = 0;
  type = 0;
  a = 0;
  b = 0;
  c = 0;

  constructor(capacity = 1024, opts: EventQueueOptions = {}) {
    const cap = Math.max(2, capacity);
    this.rec = new Float64Array(cap * REC);
    this.free = new Int32Array(cap);
    for (let i = 0; i < cap; i++) this.free[i] = cap - 1 - i;
    this.freeCount = cap;
    const width = opts.bucketWidth ?? 1024;
    const buckets = opts.buckets ?? 4096;
    if (!(width >= 1 && Number.isInteger(Math.log2(width)))) {
      throw new RangeError(`event queue: bucketWidth = ${width}, expected a power of two >= 1`);
    }
    if (!(buckets >= 32 && buckets <= 2 ** 24 && Number.isInteger(Math.log2(buckets)))) {
      throw new RangeError(`event queue: buckets = ${buckets}, expected a power of two from 32 to 2^24`);
    }
    this.width = width;
    this.invWidth = 1 / width;
    this.nBuckets = buckets;
    this.mask = buckets - 1;
    this.heads = new Int32Array(buckets).fill(-1);
    this.bits = new Int32Array(buckets >> 5);
  }

  get size(): number {
    return this.front.count + this.ringCount + this.overflow.count;
  }

  /** Time of the next event, or Infinity when empty. */
  peekTime(): Micros {
    if (this.front.count === 0 && !this.refill()) return Infinity;
    return this.front.times[0];
  }

  push(time: Micros, cls: number, type: number, a: number, b: number, c = 0): void {
    if (this.freeCount === 0) this.grow();
    const slot = this.free[--this.freeCount];
    const tie = cls * SEQ_SPAN + this.seq++;
    const rec = this.rec;
    const r = slot * REC;
    rec[r + R_TIME] = time;
    rec[r + R_TIE] = tie;
    // arguments are 32-bit integers (as in an Int32Array)
    rec[r + R_TYPE] = type | 0;
    rec[r + R_A] = a | 0;
    rec[r + R_B] = b | 0;
    rec[r + R_C] = c | 0;
    const bucket = Math.floor(time * this.invWidth);
    if (bucket <= this.cursor) {
      this.front.push(time, tie, slot);
    } else if (bucket < this.cursor + this.nBuckets) {
      // ToInt32 keeps the low 32 bits of any integer below 2^53, so `& mask` is bucket mod nBuckets
      const pos = bucket & this.mask;
      rec[r + R_NEXT] = this.heads[pos];
      this.heads[pos] = slot;
      this.bits[pos >> 5] |= 1 << (pos & 31);
      this.ringCount++;
    } else {
      this.overflow.push(time, tie, slot);
    }
  }

  /** Removes the earliest event into `time`, `type`, `a`, `b`, `c`. Returns false when empty. */
  pop(): boolean {
    if (this.front.count === 0 && !this.refill()) return false;
    const slot = this.front.pop();
    const rec = this.rec;
    const r = slot * REC;
    this.time = rec[r + R_TIME];
    this.type = rec[r + R_TYPE];
    this.a = rec[r + R_A];
    this.b = rec[r + R_B];
    this.c = rec[r + R_C];
    this.free[this.freeCount++] = slot;
    return true;
  }

  /**
   * The front is empty: advance the cursor to the next non-empty bucket (in the ring or
   * at the top of the overflow heap, whichever comes first) and move its events to the
   * front. Returns false when there are no events at all.
   */
  private refill(): boolean {
    const overflow = this.overflow;
    let next = 0;
    let found = false;
    if (this.ringCount > 0) {
      next = this.cursor + 1 + this.ringDistance();
      found = true;
    }
    if (overflow.count > 0) {
      const ob = Math.floor(overflow.times[0] * this.invWidth);
      if (!found || ob < next) next = ob;
      found = true;
    }
    if (!found) return false;
    this.cursor = next;
    const front = this.front;
    const rec = this.rec;
    if (this.ringCount > 0) {
      const pos = next & this.mask;
      const word = pos >> 5;
      const bit = 1 << (pos & 31);
      if ((this.bits[word] & bit) !== 0) {
        let s = this.heads[pos];
        while (s >= 0) {
          const r = s * REC;
          front.push(rec[r + R_TIME], rec[r + R_TIE], s);
          this.ringCount--;
          s = rec[r + R_NEXT];
        }
        this.heads[pos] = -1;
        this.bits[word] &= ~bit;
      }
    }
    while (overflow.count > 0 && Math.floor(overflow.times[0] * this.invWidth) <= next) {
      const t = overflow.times[0];
      const tie = overflow.ties[0];
      front.push(t, tie, overflow.pop());
    }
    if (front.count === 0 && overflow.count > 0) {
      // an overflow event's time is not finite (no bucket): take it as it is
      front.push(overflow.times[0], overflow.ties[0], overflow.pop());
    }
    return true;
  }

  /** Buckets from the one after the cursor to the first non-empty ring bucket (the ring is not empty). */
  private ringDistance(): number {
    const bits = this.bits;
    const words = bits.length;
    const start = (this.cursor + 1) & this.mask;
    let w = start >> 5;
    // bits at or after `start` in its word
    let m = bits[w] & (-1 << (start & 31));
    let d = -(start & 31);
    for (let k = 0; m === 0; k++) {
      if (k > words) throw new Error("event queue: ring count and bitmap disagree");
      w = w + 1 === words ? 0 : w + 1;
      d += 32;
      m = bits[w];
    }
    return d + (31 - Math.clz32(m & -m));
  }

  private grow(): void {
    const old = this.free.length;
    const cap = old * 2;
    const rec = new Float64Array(cap * REC);
    rec.set(this.rec);
    const free = new Int32Array(cap);
    // all old slots are in use (the free list is empty when we grow); the new ones are free
    for (let i = 0; i < cap - old; i++) free[i] = cap - 1 - i;
    this.rec = rec;
    this.free = free;
    this.freeCount = cap - old;
  }
}
