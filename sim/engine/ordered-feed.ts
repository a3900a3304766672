/**
 * Puts each endpoint's packets back in time order.
 *
 * The engine learns of a packet's time at a vantage point before that time comes: an
 * uplink packet's serialization may finish later than now, and a downlink packet is
 * known when it leaves the server, a latency before it arrives. Each direction of an
 * endpoint is reported in order, but the two directions interleave out of order.
 * Consumers that need one ordered stream per endpoint (the radio state machine) sit
 * behind this feed: it buffers each direction and releases packets once no earlier one
 * can still be reported — every later report has a time >= the engine's now.
 *
 * Memory is bounded by the packets in flight per endpoint. Layout, for locality with
 * many endpoints (see `egress-arena.ts` for why): each direction of each endpoint is a
 * FIFO ring of (time, size) records in one shared pool, and the rings' bookkeeping
 * (offset in the pool, head, count, capacity) is 8 integers per endpoint in one
 * Int32Array, so a packet touches the endpoint's 32 bytes of bookkeeping and the ring's
 * head. A ring takes a run of the pool on first use and moves to a run twice as long
 * when full; runs are never freed (the pool holds at most twice the rings' peak sizes).
 *
 * @example
 * const feed = new OrderedFeed(1, (e, t, size, dir) => radio.packet(e, t, size, dir));
 * feed.push(0, 30_000, 1200, DOWN, 5_000); // held: an uplink packet before 30 ms may still come
 * feed.push(0, 8_000, 100, UP, 8_000); // releases (0, 8000, 100, UP) now
 * feed.flush(); // releases (0, 30000, 1200, DOWN)
 */
import type { Micros } from "../core/time.ts";
import { DOWN, UP, type Direction } from "../core/kinds.ts";

export type OrderedSink = (endpoint: number, time: Micros, size: number, dir: Direction) => void;

/** Integers of bookkeeping per endpoint: for up (0..3) then down (4..7): pool offset, head, count, capacity. */
const META = 8;
const BASE = 0;
const HEAD = 1;
const COUNT = 2;
const CAP = 3;
/** Doubles per record in the pool: time, size. */
const REC = 2;
const FIRST_RUN = 4;

export class OrderedFeed {
  private readonly meta: Int32Array;
  private pool: Float64Array;
  private top = 0;
  private readonly sink: OrderedSink;
  readonly endpoints: number;

  constructor(endpoints: number, sink: OrderedSink) {
    if (!(Number.isSafeInteger(endpoints) && endpoints >= 0)) throw new RangeError(`ordered feed: ${endpoints} endpoints, expected a non-negative integer`);
    this.endpoints = endpoints;
    this.meta = new Int32Array(Math.max(1, endpoints) * META);
    this.pool = new Float64Array(Math.max(64, endpoints * FIRST_RUN * REC));
    this.sink = sink;
  }

  /** Reports a packet at `time` on `endpoint`, learned at engine time `now` (<= time). */
  push(endpoint: number, time: Micros, size: number, dir: Direction, now: Micros): void {
    if (!(endpoint >= 0 && endpoint < this.endpoints)) throw new RangeError(`ordered feed: endpoint ${endpoint}, expected 0..${this.endpoints - 1}`);
    const m = endpoint * META + (dir === UP ? 0 : 4);
    const meta = this.meta;
    if (meta[m + COUNT] === meta[m + CAP]) this.grow(m);
    const r = meta[m + BASE] + ((meta[m + HEAD] + meta[m + COUNT]) & (meta[m + CAP] - 1)) * REC;
    this.pool[r] = time;
    this.pool[r + 1] = size;
    meta[m + COUNT]++;
    this.drain(endpoint, now);
  }

  /** Releases, in time order, every packet of `endpoint` no later than `until`. */
  drain(endpoint: number, until: Micros): void {
    const meta = this.meta;
    const u = endpoint * META;
    const d = u + 4;
    for (;;) {
      const nu = meta[u + COUNT];
      const nd = meta[d + COUNT];
      if (nu === 0 && nd === 0) return;
      const pool = this.pool;
      const tu = nu === 0 ? Infinity : pool[meta[u + BASE] + meta[u + HEAD] * REC];
      const td = nd === 0 ? Infinity : pool[meta[d + BASE] + meta[d + HEAD] * REC];
      if (tu <= td) {
        if (tu > until) return;
        this.sink(endpoint, tu, this.shift(u), UP);
      } else {
        if (td > until) return;
        this.sink(endpoint, td, this.shift(d), DOWN);
      }
    }
  }

  /** Releases everything (end of run). */
  flush(): void {
    for (let e = 0; e < this.endpoints; e++) this.drain(e, Infinity);
  }

  /** Removes the head record of the ring at `m`; returns its size. */
  private shift(m: number): number {
    const meta = this.meta;
    const size = this.pool[meta[m + BASE] + meta[m + HEAD] * REC + 1];
    meta[m + HEAD] = (meta[m + HEAD] + 1) & (meta[m + CAP] - 1);
    meta[m + COUNT]--;
    return size;
  }

  /** Moves the ring at `m` to a run twice as long (the first run on first use). */
  private grow(m: number): void {
    const meta = this.meta;
    const oldCap = meta[m + CAP];
    const cap = oldCap === 0 ? FIRST_RUN : oldCap * 2;
    const need = this.top + cap * REC;
    if (need > this.pool.length) {
      let size = this.pool.length * 2;
      while (size < need) size *= 2;
      const pool = new Float64Array(size);
      pool.set(this.pool);
      this.pool = pool;
    }
    const base = this.top;
    this.top = need;
    const pool = this.pool;
    const oldBase = meta[m + BASE];
    const head = meta[m + HEAD];
    for (let k = 0; k < meta[m + COUNT]; k++) {
      const from = oldBase + ((head + k) & (oldCap - 1)) * REC;
      pool[base + k * REC] = pool[from];
      pool[base + k * REC + 1] = pool[from + 1];
    }
    meta[m + BASE] = base;
    meta[m + HEAD] = 0;
    meta[m + CAP] = cap;
  }
}
