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
 * list of fixed-size chunks of event records; events further out wait in an overflow
 * heap. The *front* heap holds every event of the current bucket and of any earlier one,
 * fully ordered by (time, tie). When it runs dry, the next non-empty bucket (found
 * through an occupancy bitmap, or taken from the overflow heap when that comes first) is
 * copied into it and its chunks are freed. Every event in the front is earlier than
 * every event elsewhere, so pops come out in exactly the order a single heap over all
 * events would give.
 *
 * `HeapEventQueue` is the same queue without the calendar, for a handful of events.
 *
 * Why it is fast with 20,000 pending timers: the front stays small (the events of about
 * one bucket) and in cache, a push appends to its bucket's tail chunk (a store), and a
 * bucket is read back as a few contiguous chunks (a stream the hardware prefetches)
 * instead of as records scattered through a heap. Freed chunks are reused last-in
 * first-out. Arrays grow by doubling; steady-state push/pop allocates nothing.
 *
 * Times (µs, past 2^30 after 18 minutes) and ties are doubles, and a double passed to
 * (or returned from) a call V8 does not inline is boxed into a fresh heap number. So
 * times travel in one-double registers (Float64Arrays), never as arguments of calls
 * that may not be inlined: `pushStamped(stamp, ...)` takes the time in `stamp[0]`, and
 * `push(time, ...)` is a wrapper small enough to be inlined always that puts it in the
 * queue's own register; heaps take (time, tie) the same way (`next`). A hot loop over a
 * `HeapEventQueue` reads the head's time from `times[0]` (when `count > 0`) rather than
 * through `peekTime`, whose return value is boxed where it is not inlined.
 *
 * @example
 * const q = new EventQueue();
 * q.push(20, 0, 1, 7, 0);
 * q.push(10, 0, 2, 8, 0);
 * q.pop(); q.time // => 10
 */
import type { Micros } from "../core/time.ts";

/** Sequence numbers fit under 2^44 and classes under 2^8, so (class, seq) packs exactly in a double. */
const SEQ_SPAN = 2 ** 44;

/** Doubles per event record in a chunk: time, tie, type, a, b, c. */
const REC = 6;
/** Event records per chunk. */
const CHUNK = 8;
const CHUNK_DOUBLES = REC * CHUNK;

export interface EventQueueOptions {
  /** Width of a calendar bucket, µs: a power of two (default 1024, about 1 ms). */
  readonly bucketWidth?: number;
  /** Buckets in the ring: a power of two from 32 to 2^24 (default 4096, about 4 s ahead). */
  readonly buckets?: number;
}

/**
 * A binary min-heap of events on (time, tie). Sifting moves (time, tie, slot); each
 * event's type and three 32-bit arguments stay in a record of a small pool, reused
 * last-in first-out so the records in play stay in cache.
 */
class EventHeap {
  times: Float64Array;
  ties: Float64Array;
  slots: Int32Array;
  count = 0;
  /** type, a, b, c per slot. */
  args: Int32Array;
  /** The time and tie of the event `insert` adds: set them, then call `insert`. */
  readonly next = new Float64Array(2);
  private free: Int32Array;
  private freeCount: number;
  // the entry `pop` removed
  time = 0;
  tie = 0;
  type = 0;
  a = 0;
  b = 0;
  c = 0;

  constructor(capacity: number) {
    this.times = new Float64Array(capacity);
    this.ties = new Float64Array(capacity);
    this.slots = new Int32Array(capacity);
    this.args = new Int32Array(capacity * 4);
    this.free = new Int32Array(capacity);
    for (let i = 0; i < capacity; i++) this.free[i] = capacity - 1 - i;
    this.freeCount = capacity;
  }

  /** Adds the event at (`next[0]`, `next[1]`) = (time, tie). */
  insert(type: number, a: number, b: number, c: number): void {
    const time = this.next[0];
    const tie = this.next[1];
    if (this.count === this.times.length) this.grow();
    const slot = this.free[--this.freeCount];
    const args = this.args;
    args[4 * slot] = type;
    args[4 * slot + 1] = a;
    args[4 * slot + 2] = b;
    args[4 * slot + 3] = c;
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

  /** Removes the top into `time` ... `c`. The heap must not be empty. */
  removeTop(): void {
    const times = this.times;
    const ties = this.ties;
    const slots = this.slots;
    const top = slots[0];
    const args = this.args;
    this.time = times[0];
    this.tie = ties[0];
    this.type = args[4 * top];
    this.a = args[4 * top + 1];
    this.b = args[4 * top + 2];
    this.c = args[4 * top + 3];
    this.free[this.freeCount++] = top;
    const n = --this.count;
    if (n === 0) return;
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
    const args = new Int32Array(cap * 4);
    args.set(this.args);
    // the heap is full when it grows: every old slot is in use, the new ones are free
    const free = new Int32Array(cap);
    for (let i = 0; i < cap - old; i++) free[i] = cap - 1 - i;
    this.times = times;
    this.ties = ties;
    this.slots = slots;
    this.args = args;
    this.free = free;
    this.freeCount = cap - old;
  }
}

/**
 * The same queue without the calendar: a plain binary heap, best when only a handful of
 * events are ever pending (one shaper run alone, as in `shape-trace.ts`). Same order,
 * same interface as `EventQueue`.
 */
export class HeapEventQueue extends EventHeap {
  private seq = 0;
  private readonly stamp = new Float64Array(1);

  constructor(capacity = 64) {
    super(Math.max(2, capacity));
  }

  get size(): number {
    return this.count;
  }

  /** Time of the next event, or Infinity when empty. */
  peekTime(): Micros {
    return this.count === 0 ? Infinity : this.times[0];
  }

  /** Queues an event; `a`, `b` and `c` are 32-bit integers (stored as an Int32Array would). */
  push(time: Micros, cls: number, type: number, a: number, b: number, c = 0): void {
    this.stamp[0] = time;
    this.pushStamped(this.stamp, cls, type, a, b, c);
  }

  /** `push` with the time in `stamp[0]`. */
  pushStamped(stamp: Float64Array, cls: number, type: number, a: number, b: number, c: number): void {
    this.next[0] = stamp[0];
    this.next[1] = cls * SEQ_SPAN + this.seq++;
    this.insert(type, a, b, c);
  }

  /** Removes the earliest event into `time`, `type`, `a`, `b`, `c`. Returns false when empty. */
  pop(): boolean {
    if (this.count === 0) return false;
    this.removeTop();
    return true;
  }
}

export class EventQueue {
  private seq = 0;

  // calendar
  private readonly invWidth: number;
  private readonly nBuckets: number;
  private readonly mask: number;
  /** First and last chunk of each ring bucket, -1 when empty. */
  private readonly headChunk: Int32Array;
  private readonly tailChunk: Int32Array;
  /** One bit per ring bucket: non-empty. */
  private readonly bits: Int32Array;
  private ringCount = 0;
  /** Absolute index of the current bucket: the front holds every event of this bucket and earlier ones. */
  private cursor = -1;

  // chunk pool: CHUNK records of REC doubles per chunk, a next link and a fill count, and a LIFO free list
  private chunks: Float64Array;
  private chunkNext: Int32Array;
  private chunkFill: Int32Array;
  private freeChunks: Int32Array;
  private freeCount: number;

  private readonly front = new EventHeap(64);
  private readonly overflow = new EventHeap(64);
  /** The time of the event `push` is adding (see the header: kept out of call arguments). */
  private readonly stamp = new Float64Array(1);

  /** Fields of the event most recently popped. */
  time: Micros = 0;
  type = 0;
  a = 0;
  b = 0;
  c = 0;

  /** `capacity`: events the ring's chunk pool is sized for at first (it grows as needed). */
  constructor(capacity = 1024, opts: EventQueueOptions = {}) {
    const width = opts.bucketWidth ?? 1024;
    const buckets = opts.buckets ?? 4096;
    if (!(width >= 1 && Number.isInteger(Math.log2(width)))) {
      throw new RangeError(`event queue: bucketWidth = ${width}, expected a power of two >= 1`);
    }
    if (!(buckets >= 32 && buckets <= 2 ** 24 && Number.isInteger(Math.log2(buckets)))) {
      throw new RangeError(`event queue: buckets = ${buckets}, expected a power of two from 32 to 2^24`);
    }
    this.invWidth = 1 / width;
    this.nBuckets = buckets;
    this.mask = buckets - 1;
    this.headChunk = new Int32Array(buckets).fill(-1);
    this.tailChunk = new Int32Array(buckets).fill(-1);
    this.bits = new Int32Array(buckets >> 5);
    const n = Math.max(4, Math.ceil(capacity / CHUNK));
    this.chunks = new Float64Array(n * CHUNK_DOUBLES);
    this.chunkNext = new Int32Array(n);
    this.chunkFill = new Int32Array(n);
    this.freeChunks = new Int32Array(n);
    for (let i = 0; i < n; i++) this.freeChunks[i] = n - 1 - i;
    this.freeCount = n;
  }

  get size(): number {
    return this.front.count + this.ringCount + this.overflow.count;
  }

  /** Time of the next event, or Infinity when empty. */
  peekTime(): Micros {
    if (this.front.count === 0 && !this.refill()) return Infinity;
    return this.front.times[0];
  }

  /** Queues an event; `a`, `b` and `c` are 32-bit integers (stored as an Int32Array would). */
  push(time: Micros, cls: number, type: number, a: number, b: number, c = 0): void {
    this.stamp[0] = time;
    this.pushStamped(this.stamp, cls, type, a, b, c);
  }

  /** `push` with the time in `stamp[0]`. */
  pushStamped(stamp: Float64Array, cls: number, type: number, a: number, b: number, c: number): void {
    const time = stamp[0];
    const tie = cls * SEQ_SPAN + this.seq++;
    const bucket = Math.floor(time * this.invWidth);
    if (bucket > this.cursor && bucket < this.cursor + this.nBuckets) {
      // the common case, kept small so callers inline it: append to the bucket's tail chunk.
      // ToInt32 keeps the low 32 bits of any integer below 2^53, so `& mask` is bucket mod nBuckets
      const pos = bucket & this.mask;
      let chunk = this.tailChunk[pos];
      if (chunk < 0 || this.chunkFill[chunk] === CHUNK) chunk = this.extendBucket(pos);
      const r = chunk * CHUNK_DOUBLES + this.chunkFill[chunk]++ * REC;
      const chunks = this.chunks;
      chunks[r] = time;
      chunks[r + 1] = tie;
      chunks[r + 2] = type | 0;
      chunks[r + 3] = a | 0;
      chunks[r + 4] = b | 0;
      chunks[r + 5] = c | 0;
      this.ringCount++;
    } else {
      const heap = bucket <= this.cursor ? this.front : this.overflow;
      heap.next[0] = time;
      heap.next[1] = tie;
      heap.insert(type, a, b, c);
    }
  }

  /** Links a fresh chunk at the tail of ring bucket `pos` (marking the bucket non-empty); returns it. */
  private extendBucket(pos: number): number {
    const tail = this.tailChunk[pos];
    const fresh = this.takeChunk();
    if (tail < 0) {
      this.headChunk[pos] = fresh;
      this.bits[pos >> 5] |= 1 << (pos & 31);
    } else {
      this.chunkNext[tail] = fresh;
    }
    this.tailChunk[pos] = fresh;
    return fresh;
  }

  /** Removes the earliest event into `time`, `type`, `a`, `b`, `c`. Returns false when empty. */
  pop(): boolean {
    if (this.front.count === 0 && !this.refill()) return false;
    const f = this.front;
    f.removeTop();
    this.time = f.time;
    this.type = f.type;
    this.a = f.a;
    this.b = f.b;
    this.c = f.c;
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
    if (this.ringCount > 0) {
      const pos = next & this.mask;
      const word = pos >> 5;
      const bit = 1 << (pos & 31);
      if ((this.bits[word] & bit) !== 0) {
        const chunks = this.chunks;
        let chunk = this.headChunk[pos];
        while (chunk >= 0) {
          const n = this.chunkFill[chunk];
          const base = chunk * CHUNK_DOUBLES;
          for (let k = 0; k < n; k++) {
            const r = base + k * REC;
            front.next[0] = chunks[r];
            front.next[1] = chunks[r + 1];
            front.insert(chunks[r + 2], chunks[r + 3], chunks[r + 4], chunks[r + 5]);
          }
          this.ringCount -= n;
          const following = this.chunkNext[chunk];
          this.freeChunks[this.freeCount++] = chunk;
          chunk = following;
        }
        this.headChunk[pos] = -1;
        this.tailChunk[pos] = -1;
        this.bits[word] &= ~bit;
      }
    }
    while (overflow.count > 0 && Math.floor(overflow.times[0] * this.invWidth) <= next) {
      overflow.removeTop();
      front.next[0] = overflow.time;
      front.next[1] = overflow.tie;
      front.insert(overflow.type, overflow.a, overflow.b, overflow.c);
    }
    if (front.count === 0 && overflow.count > 0) {
      // an overflow event's time is not a number (no bucket): take it as it is
      overflow.removeTop();
      front.next[0] = overflow.time;
      front.next[1] = overflow.tie;
      front.insert(overflow.type, overflow.a, overflow.b, overflow.c);
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

  /** A free chunk, empty and unlinked. */
  private takeChunk(): number {
    if (this.freeCount === 0) this.growChunks();
    const chunk = this.freeChunks[--this.freeCount];
    this.chunkNext[chunk] = -1;
    this.chunkFill[chunk] = 0;
    return chunk;
  }

  private growChunks(): void {
    const old = this.chunkNext.length;
    const cap = old * 2;
    const chunks = new Float64Array(cap * CHUNK_DOUBLES);
    chunks.set(this.chunks);
    const next = new Int32Array(cap);
    next.set(this.chunkNext);
    const fill = new Int32Array(cap);
    fill.set(this.chunkFill);
    const free = new Int32Array(cap);
    // all old chunks are in use (the free list is empty when we grow); the new ones are free
    for (let i = 0; i < cap - old; i++) free[i] = cap - 1 - i;
    this.chunks = chunks;
    this.chunkNext = next;
    this.chunkFill = fill;
    this.freeChunks = free;
    this.freeCount = cap - old;
  }
}
