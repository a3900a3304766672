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
 * Memory is bounded by the packets in flight per endpoint; buffers are typed-array
 * rings that grow by doubling.
 */
import type { Micros } from "./time.ts";
import { DOWN, UP, type Direction } from "./trace.ts";

export type OrderedSink = (endpoint: number, time: Micros, size: number, dir: Direction) => void;

class Ring {
  time = new Float64Array(8);
  size = new Int32Array(8);
  head = 0;
  count = 0;
  push(t: Micros, s: number): void {
    if (this.count === this.time.length) {
      const cap = this.time.length * 2;
      const time = new Float64Array(cap);
      const size = new Int32Array(cap);
      for (let k = 0; k < this.count; k++) {
        const j = (this.head + k) & (this.time.length - 1);
        time[k] = this.time[j];
        size[k] = this.size[j];
      }
      this.time = time;
      this.size = size;
      this.head = 0;
    }
    const i = (this.head + this.count) & (this.time.length - 1);
    this.time[i] = t;
    this.size[i] = s;
    this.count++;
  }
  peek(): Micros {
    return this.count === 0 ? Infinity : this.time[this.head];
  }
  shift(): number {
    const s = this.size[this.head];
    this.head = (this.head + 1) & (this.time.length - 1);
    this.count--;
    return s;
  }
}

export class OrderedFeed {
  private readonly up: Ring[];
  private readonly down: Ring[];
  private readonly sink: OrderedSink;

  constructor(endpoints: number, sink: OrderedSink) {
    this.up = Array.from({ length: endpoints }, () => new Ring());
    this.down = Array.from({ length: endpoints }, () => new Ring());
    this.sink = sink;
  }

  /** Reports a packet at `time` on `endpoint`, learned at engine time `now` (<= time). */
  push(endpoint: number, time: Micros, size: number, dir: Direction, now: Micros): void {
    (dir === UP ? this.up : this.down)[endpoint].push(time, size);
    this.drain(endpoint, now);
  }

  /** Releases, in time order, every packet of `endpoint` no later than `until`. */
  drain(endpoint: number, until: Micros): void {
    const u = this.up[endpoint];
    const d = this.down[endpoint];
    for (;;) {
      const tu = u.peek();
      const td = d.peek();
      if (u.count === 0 && d.count === 0) return;
      if (tu <= td) {
        if (tu > until) return;
        this.sink(endpoint, tu, u.shift(), UP);
      } else {
        if (td > until) return;
        this.sink(endpoint, td, d.shift(), DOWN);
      }
    }
  }

  /** Releases everything (end of run). */
  flush(): void {
    for (let e = 0; e < this.up.length; e++) this.drain(e, Infinity);
  }
}
