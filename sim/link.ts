/**
 * One direction of a network link: serialization at a bandwidth, a FIFO transmit
 * queue, one-way propagation latency and jitter.
 *
 * A packet handed to the link at `now` starts serializing when the link is free
 * (`max(now, freeAt)`), takes `size·8/bandwidth` to serialize, then propagates for
 * `latency + jitter`, where jitter is exponential with the configured mean (a common
 * single-parameter model of queueing jitter on an access path). Arrivals never overtake
 * each other: a packet arrives no earlier than the one before it (links are FIFO).
 *
 * @example
 * const l = new Link({ bandwidthBps: 100e6, latency: 10_000, jitter: 0 }, rng);
 * l.transmit(0, 1500); // => 10120 (120 µs to serialize, 10 ms to propagate)
 */
import type { Rng } from "./rng.ts";
import type { Micros } from "./time.ts";

export interface LinkSpec {
  /** Bits per second; Infinity for an ideal link. */
  readonly bandwidthBps: number;
  /** One-way propagation latency, µs. */
  readonly latency: Micros;
  /** Mean of the exponential jitter added to each packet, µs (0 for none). */
  readonly jitter: Micros;
}

export class Link {
  readonly spec: LinkSpec;
  private readonly rng: Rng | null;
  private readonly usPerByte: number;
  private readonly latency: Micros;
  private readonly jitterMean: Micros;
  /** When the transmitter is next free. */
  freeAt: Micros = 0;
  /** When the last packet finished serializing (the "departure" an on-path tap sees). */
  lastFinish: Micros = 0;
  /** Arrival time of the last packet at the far end. */
  lastArrival: Micros = 0;

  /** Bytes on this link's wire for a packet of `size` (encapsulation); identity when null. */
  private readonly wireSize: ((size: number) => number) | null;

  constructor(spec: LinkSpec, rng: Rng | null, wireSize: ((size: number) => number) | null = null) {
    this.spec = spec;
    this.wireSize = wireSize;
    this.rng = spec.jitter > 0 ? rng : null;
    this.usPerByte = Number.isFinite(spec.bandwidthBps) ? 8e6 / spec.bandwidthBps : 0;
    this.latency = spec.latency;
    this.jitterMean = spec.jitter;
  }

  /** Serialization time of `size` bytes, in whole µs. */
  serialization(size: number): Micros {
    return Math.round((this.wireSize === null ? size : this.wireSize(size)) * this.usPerByte);
  }

  /** Sends `size` bytes at `now`; returns the arrival time at the far end. */
  transmit(now: Micros, size: number): Micros {
    const start = now > this.freeAt ? now : this.freeAt;
    const finish = start + Math.round((this.wireSize === null ? size : this.wireSize(size)) * this.usPerByte);
    this.freeAt = finish;
    this.lastFinish = finish;
    let arrival = finish + this.latency;
    if (this.rng !== null) arrival += Math.round(this.rng.exponential(this.jitterMean));
    if (arrival < this.lastArrival) arrival = this.lastArrival;
    this.lastArrival = arrival;
    return arrival;
  }
}
