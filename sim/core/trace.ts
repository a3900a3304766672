/**
 * A packet trace, stored column by column.
 *
 * One row per packet on the wire: time (integer µs in a Float64Array), wire size in
 * bytes, payload bytes (the real application bytes it carries; the rest is padding),
 * direction, kind (real / padding / cover) and a flow or message id (-1 when none).
 * Columns are typed arrays that grow by doubling, so appending is amortized O(1) and
 * allocation-free between growths. `view(start, end)` returns a Trace over the same
 * memory (subarrays), not a copy.
 *
 * Traces print and parse in a compact notation (see `trace-notation.ts`):
 *
 * @example
 * const t = new Trace();
 * t.push(0, 1200, 1200, UP, REAL, 7);
 * t.length // => 1
 */
import { grown } from "./grown.ts";
import type { Direction, Kind } from "./kinds.ts";
import type { Micros } from "./time.ts";


export class Trace {
  time: Float64Array;
  size: Int32Array;
  payload: Int32Array;
  dir: Uint8Array;
  kind: Uint8Array;
  flow: Int32Array;
  length = 0;
  private readonly fixed: boolean;

  constructor(capacity = 64, columns?: Pick<Trace, "time" | "size" | "payload" | "dir" | "kind" | "flow">) {
    if (columns) {
      this.time = columns.time;
      this.size = columns.size;
      this.payload = columns.payload;
      this.dir = columns.dir;
      this.kind = columns.kind;
      this.flow = columns.flow;
      this.length = columns.time.length;
      this.fixed = true;
    } else {
      const c = Math.max(1, capacity);
      this.time = new Float64Array(c);
      this.size = new Int32Array(c);
      this.payload = new Int32Array(c);
      this.dir = new Uint8Array(c);
      this.kind = new Uint8Array(c);
      this.flow = new Int32Array(c);
      this.fixed = false;
    }
  }

  get capacity(): number {
    return this.time.length;
  }

  /** Appends one packet. Grows the columns by doubling when full. */
  push(time: Micros, size: number, payload: number, dir: Direction, kind: Kind, flow = -1): void {
    if (this.length === this.time.length) this.grow();
    const i = this.length++;
    this.time[i] = time;
    this.size[i] = size;
    this.payload[i] = payload;
    this.dir[i] = dir;
    this.kind[i] = kind;
    this.flow[i] = flow;
  }

  /** A trace over rows [start, end) sharing this trace's memory. */
  view(start: number, end = this.length): Trace {
    if (start < 0 || end > this.length || start > end) {
      throw new RangeError(`view(${start}, ${end}): expected 0 <= start <= end <= ${this.length}`);
    }
    return new Trace(0, {
      time: this.time.subarray(start, end),
      size: this.size.subarray(start, end),
      payload: this.payload.subarray(start, end),
      dir: this.dir.subarray(start, end),
      kind: this.kind.subarray(start, end),
      flow: this.flow.subarray(start, end),
    });
  }

  /** Empties the trace, keeping its memory. */
  clear(): void {
    if (this.fixed) throw new Error("clear(): a view cannot be cleared");
    this.length = 0;
  }

  /** Total wire bytes, optionally of one direction. */
  bytes(dir?: Direction): number {
    let s = 0;
    for (let i = 0; i < this.length; i++) if (dir === undefined || this.dir[i] === dir) s += this.size[i];
    return s;
  }

  /** Total real payload bytes, optionally of one direction. */
  payloadBytes(dir?: Direction): number {
    let s = 0;
    for (let i = 0; i < this.length; i++) if (dir === undefined || this.dir[i] === dir) s += this.payload[i];
    return s;
  }

  private grow(): void {
    if (this.fixed) throw new Error("push(): a view cannot grow");
    this.time = grown(this.time);
    this.size = grown(this.size);
    this.payload = grown(this.payload);
    this.dir = grown(this.dir);
    this.kind = grown(this.kind);
    this.flow = grown(this.flow);
  }
}
