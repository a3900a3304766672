/**
 * Burst (event) extraction — Bahramali, Houmansadr, Soltani, Goeckel, Towsley,
 * "Practical Traffic Analysis Attacks on Secure Messaging Applications", NDSS 2020,
 * event extraction (reference/traffic-and-adversaries.md §1.2).
 *
 * Rule: per endpoint and direction, packets larger than `minPacket` bytes that follow
 * each other by at most `gap` µs form one burst. A burst is an event when its total size
 * exceeds `minBurst` bytes; the event's time is its **last** packet's time and its size
 * is the **sum** of its packet sizes (paper rule). The first packet's time is kept too.
 *
 * Memory is fixed at construction: at most `maxEvents` events per endpoint and
 * direction (users × 2 × maxEvents slots); later events are counted in `dropped` and
 * not stored, so memory never grows with traffic. The tap is O(1) and allocation-free.
 * Call `finish()` before reading, to close the bursts still open.
 *
 * @example
 * const e = new BurstExtractor({ users: 1, gap: seconds(1), minPacket: 40, minBurst: 1500, maxEvents: 64 });
 * e.packet(0, 0, 1400, UP); e.packet(0, ms(10), 1400, UP); e.packet(0, seconds(5), 100, UP);
 * e.finish();
 * e.count(0, UP) // => 1: one 2800-byte event ending at 10 ms; the 100-byte burst is too small
 */
import type { Tap } from "./observer.ts";
import type { Micros } from "../sim/core/time.ts";
import type { Direction } from "../sim/core/kinds.ts";

export interface BurstOptions {
  readonly users: number;
  /** Largest inter-packet gap inside one burst, µs. */
  readonly gap: Micros;
  /** Packets of this many bytes or fewer are ignored. */
  readonly minPacket: number;
  /** Bursts of this many bytes or fewer are not events. */
  readonly minBurst: number;
  /** Event slots per endpoint and direction. */
  readonly maxEvents: number;
  /** Refuse to allocate more than this many slots in all (default 2^25). */
  readonly maxSlots?: number;
}

export class BurstExtractor implements Tap {
  readonly users: number;
  readonly gap: Micros;
  readonly minPacket: number;
  readonly minBurst: number;
  readonly maxEvents: number;
  /** Event end (last packet) times, stream s = user·2 + dir, slot s·maxEvents + k. */
  readonly time: Float64Array;
  /** Event first-packet times. */
  readonly first: Float64Array;
  /** Event sizes in bytes. */
  readonly size: Float64Array;
  /** Events stored per stream. */
  readonly counts: Int32Array;
  /** Events that did not fit, per stream. */
  readonly dropped: Int32Array;
  private readonly openFirst: Float64Array;
  private readonly openLast: Float64Array;
  private readonly openSize: Float64Array;

  constructor(opts: BurstOptions) {
    const streams = opts.users * 2;
    const slots = streams * opts.maxEvents;
    const cap = opts.maxSlots ?? 2 ** 25;
    if (!Number.isSafeInteger(opts.maxEvents) || opts.maxEvents < 1) throw new RangeError(`burst extractor: maxEvents = ${opts.maxEvents}, expected a positive integer`);
    if (slots > cap) {
      throw new RangeError(`burst extractor: ${opts.users} users × 2 directions × ${opts.maxEvents} events = ${slots} slots exceeds the limit of ${cap}; lower maxEvents`);
    }
    this.users = opts.users;
    this.gap = opts.gap;
    this.minPacket = opts.minPacket;
    this.minBurst = opts.minBurst;
    this.maxEvents = opts.maxEvents;
    this.time = new Float64Array(slots);
    this.first = new Float64Array(slots);
    this.size = new Float64Array(slots);
    this.counts = new Int32Array(streams);
    this.dropped = new Int32Array(streams);
    this.openFirst = new Float64Array(streams);
    this.openLast = new Float64Array(streams).fill(-Infinity);
    this.openSize = new Float64Array(streams);
  }

  packet(endpoint: number, time: Micros, size: number, dir: Direction): void {
    if (size <= this.minPacket || endpoint < 0 || endpoint >= this.users) return;
    const s = endpoint * 2 + dir;
    if (time - this.openLast[s] > this.gap) {
      this.close(s);
      this.openFirst[s] = time;
      this.openSize[s] = 0;
    }
    this.openLast[s] = time;
    this.openSize[s] += size;
  }

  private close(s: number): void {
    if (this.openLast[s] === -Infinity) return;
    if (this.openSize[s] > this.minBurst) {
      const k = this.counts[s];
      if (k < this.maxEvents) {
        const slot = s * this.maxEvents + k;
        this.time[slot] = this.openLast[s];
        this.first[slot] = this.openFirst[s];
        this.size[slot] = this.openSize[s];
        this.counts[s] = k + 1;
      } else {
        this.dropped[s]++;
      }
    }
    this.openLast[s] = -Infinity;
    this.openSize[s] = 0;
  }

  /** Closes every open burst. Safe to call more than once. */
  finish(): void {
    for (let s = 0; s < this.counts.length; s++) this.close(s);
  }

  /** Number of events of one endpoint and direction. */
  count(user: number, dir: Direction): number {
    return this.counts[user * 2 + dir];
  }

  /** Index of the first slot of one endpoint and direction. */
  offset(user: number, dir: Direction): number {
    return (user * 2 + dir) * this.maxEvents;
  }

  /** Events that did not fit, over all streams. */
  totalDropped(): number {
    let s = 0;
    for (let i = 0; i < this.dropped.length; i++) s += this.dropped[i];
    return s;
  }
}
