/**
 * Where the egresses of one world keep their numbers: arrays of structs in typed
 * arrays, so that what one event touches sits in one cache line.
 *
 * With 20,000 egresses taking turns, the cost of an event is the memory it has to fetch,
 * not the arithmetic: state spread over many small heap objects (and the boxed doubles a
 * µs clock past 2^30 turns into) costs a dependent cache miss per object, and once the
 * lines the events touch, summed over all egresses, outgrow the caches and the TLB's
 * reach (about 8 MB on the machine this was tuned on), every miss goes to DRAM. So:
 *
 * - `hot`, 16 doubles (two 64-byte lines) per egress: exactly what a cover or padding
 *   packet touches — its link's state (transmitter, last arrival, jitter stream), the
 *   generation of timer 0, its wire bytes (the first line) and its shaper's random
 *   stream (the second). 20,000 egresses take 2.6 MB.
 * - `cold`, 32 doubles per egress: what real packets, the other timers and the budgets
 *   touch — the queue's ring (as integers), the virtual link, real counters, the budget
 *   timer and the token bucket in the first 16, the generations of timers 1..7 after them.
 * - `groups`, 4 doubles per group of egresses (the world's two sides): counts that are
 *   only ever reported summed over a side, so no egress needs its own copy.
 * - `pool`: the queues of real packets. Each egress's FIFO ring is a run of `QREC`-double
 *   records, taken on first use and moved to a run twice as long when full. Runs are
 *   never freed, so the pool holds at most twice the sum of the egresses' largest
 *   queues; growing the pool copies it once and leaves every offset valid.
 *
 * Padding bytes need no field: they are wire bytes minus real bytes.
 *
 * @example
 * const arena = new EgressArena(2, 1);
 * arena.hot[1 * HOT + H_WIRE_BYTES] // => 0, egress 1's wire bytes
 * const run = arena.takeQueue(8); // offset of an 8-record run in arena.pool
 */
import { ALEA_STATE } from "../core/alea-cell.ts";
import { LINK_STATE } from "./link.ts";

/** Doubles per egress in `hot`: 16, two cache lines. */
export const HOT = 16;
/** The link's state (`LINK_STATE` doubles, see `link.ts`). */
export const H_LINK = 0;
/** Generation of shaper timer 0 (the one most shapers use). */
export const H_GEN0 = H_LINK + LINK_STATE;
export const H_WIRE_BYTES = H_GEN0 + 1;
/** The shaper's random stream (an Alea cell, `ALEA_STATE` doubles; see `slot-streams.ts`). */
export const H_STREAM = H_WIRE_BYTES + 1;

/** Doubles per egress in `cold`. */
export const COLD = 32;
// The first three doubles of a cold block are six 32-bit integers (read through an Int32Array
// on the same memory, at slot * COLD * 2 + I_*): the queue ring's offset in the pool, head,
// count and capacity (records), and whether the gate is closed.
export const I_Q_BASE = 0;
export const I_Q_HEAD = 1;
export const I_Q_COUNT = 2;
export const I_Q_CAP = 3;
export const I_HELD = 4;
export const C_VIRTUAL_FREE_AT = 3;
export const C_REAL_PACKETS = 4;
export const C_REAL_BYTES = 5;
/** Real wire bytes waiting in the queue. */
export const C_QUEUED_BYTES = 6;
/** The budget timer: deadline (NaN when not set) and generation. */
export const C_BUDGET_AT = 7;
export const C_BUDGET_GEN = 8;
/** Token bucket for the padding-rate budget: tokens and when last filled. */
export const C_TOKENS = 9;
export const C_TOKENS_AT = 10;
/** Generations of shaper timers 1..7 (at C_GENS + id - 1). */
export const C_GENS = 16;

/** Doubles per group in `groups`. */
export const GROUP = 4;
export const G_PADDING_PACKETS = 0;
export const G_COVER_PACKETS = 1;
export const G_REFUSED_PADDING = 2;
export const G_FORCED_RELEASES = 3;

/** Doubles per queued real packet in the queue pool: wire, payload, flow, enqueued at, virtual finish. */
export const QREC = 5;
export const Q_WIRE = 0;
export const Q_PAY = 1;
export const Q_FLOW = 2;
export const Q_ENQ = 3;
export const Q_VIRT = 4;

if (H_STREAM + ALEA_STATE > HOT || C_TOKENS_AT >= C_GENS || C_GENS + 7 > COLD) throw new Error("egress arena: a block overflows");

export class EgressArena {
  readonly size: number;
  readonly hot: Float64Array;
  readonly cold: Float64Array;
  /** The same memory as `cold`, as 32-bit integers (2 per double). */
  readonly coldInts: Int32Array;
  readonly groups: Float64Array;
  /** Queue records (`QREC` doubles each); replaced by a larger copy when it grows. */
  pool: Float64Array;
  private top = 0;

  constructor(egresses: number, groups: number, poolRecords = 64) {
    if (!(Number.isSafeInteger(egresses) && egresses >= 1)) throw new RangeError(`egress arena: ${egresses} egresses, expected a positive integer`);
    if (!(Number.isSafeInteger(groups) && groups >= 1)) throw new RangeError(`egress arena: ${groups} groups, expected a positive integer`);
    this.size = egresses;
    this.hot = new Float64Array(egresses * HOT);
    this.cold = new Float64Array(egresses * COLD);
    this.coldInts = new Int32Array(this.cold.buffer, this.cold.byteOffset, this.cold.length * 2);
    this.groups = new Float64Array(groups * GROUP);
    this.pool = new Float64Array(Math.max(8, poolRecords) * QREC);
  }

  /** Reserves a run of `records` queue records; returns its offset in `pool`. */
  takeQueue(records: number): number {
    const need = this.top + records * QREC;
    if (need > this.pool.length) {
      let cap = this.pool.length * 2;
      while (cap < need) cap *= 2;
      const pool = new Float64Array(cap);
      pool.set(this.pool);
      this.pool = pool;
    }
    const at = this.top;
    this.top = need;
    return at;
  }
}
