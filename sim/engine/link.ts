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
 * The constants of a link (`LinkModel`) are shared by every link built from the same
 * spec; the state of one link is `LINK_STATE` doubles in a Float64Array, so the engine
 * keeps each access link's state inside its egress's block (`egress-arena.ts`) and
 * `transmitOn` works on it in place. `Link` is a standalone link that owns its state.
 *
 * The link's jitter stream is named (seed and path) and kept in the link's state as an
 * `alea-cell.ts` cell: the same draws as `stream(seed, path)`, with no heap objects to
 * visit per packet.
 *
 * @example
 * const l = new Link({ bandwidthBps: 100e6, latency: 10_000, jitter: 0 }, rng);
 * l.transmit(0, 1500); // => 10120 (120 µs to serialize, 10 ms to propagate)
 */
import { ALEA_STATE, CELL_OUT, cellStep, seedCell } from "../core/alea-cell.ts";
import type { Seed } from "../core/rng.ts";
import type { Micros } from "../core/time.ts";

export interface LinkSpec {
  /** Bits per second; Infinity for an ideal link. */
  readonly bandwidthBps: number;
  /** One-way propagation latency, µs. */
  readonly latency: Micros;
  /** Mean of the exponential jitter added to each packet, µs (0 for none). */
  readonly jitter: Micros;
}

/** When the transmitter is next free, which is also when the last packet finished serializing. */
export const L_FREE_AT = 0;
/** Arrival time of the last packet at the far end. */
export const L_LAST_ARRIVAL = 1;
/** The jitter stream (an Alea cell). */
export const L_JITTER = 2;
/** Doubles of state per link. */
export const LINK_STATE = L_JITTER + ALEA_STATE;

/** A stream's name: an `Rng` is one (the link draws it from its start). */
export interface StreamName {
  readonly seed: Seed;
  readonly path: string;
}

/** What links built from one spec share: bandwidth, latency, jitter and encapsulation. */
export class LinkModel {
  readonly spec: LinkSpec;
  readonly usPerByte: number;
  readonly latency: Micros;
  readonly jitterMean: Micros;
  /** Whether packets get jitter (draws from the link's stream). */
  readonly jitters: boolean;
  /** Bytes on this link's wire for a packet of `size` (encapsulation); identity when null. */
  readonly wireSize: ((size: number) => number) | null;

  /** `withJitter: false` builds links without jitter whatever the spec says (no stream to draw it from). */
  constructor(spec: LinkSpec, wireSize: ((size: number) => number) | null = null, withJitter = true) {
    this.spec = spec;
    this.wireSize = wireSize;
    this.usPerByte = Number.isFinite(spec.bandwidthBps) ? 8e6 / spec.bandwidthBps : 0;
    this.latency = spec.latency;
    this.jitterMean = spec.jitter;
    this.jitters = withJitter && spec.jitter > 0;
  }

  /** Serialization time of `size` bytes, in whole µs. */
  serialization(size: number): Micros {
    return Math.round((this.wireSize === null ? size : this.wireSize(size)) * this.usPerByte);
  }
}

/** Sets a fresh link's state in `st[o .. o + LINK_STATE)`: idle, its jitter stream at its start. */
export function initLinkState(st: Float64Array, o: number, jitter: StreamName | null): void {
  st.fill(0, o, o + LINK_STATE);
  if (jitter !== null) seedCell(st, o + L_JITTER, jitter.seed, jitter.path);
}

/**
 * Sends `size` bytes at the time in `at[0]` on the link whose state is
 * `st[o .. o + LINK_STATE)`. Returns nothing: the arrival time at the far end is then
 * `st[o + L_LAST_ARRIVAL]` and the time it finished serializing `st[o + L_FREE_AT]`. The
 * engine's form: no µs time (a double past 2^30) crosses the call, so none is boxed
 * when V8 does not inline it.
 */
export function transmitAt(model: LinkModel, st: Float64Array, o: number, at: Float64Array, size: number): void {
  const now = at[0];
  const freeAt = st[o + L_FREE_AT];
  const start = now > freeAt ? now : freeAt;
  const finish = start + Math.round((model.wireSize === null ? size : model.wireSize(size)) * model.usPerByte);
  st[o + L_FREE_AT] = finish;
  let arrival = finish + model.latency;
  if (model.jitters) {
    // `cellExponential`'s rule written out around a step that returns nothing (a double
    // returned from a call V8 does not inline is boxed)
    cellStep(st, o + L_JITTER);
    arrival += Math.round(-model.jitterMean * Math.log(1 - st[o + L_JITTER + CELL_OUT]));
  }
  const last = st[o + L_LAST_ARRIVAL];
  if (arrival < last) arrival = last;
  st[o + L_LAST_ARRIVAL] = arrival;
}

const stamp = new Float64Array(1);

/**
 * Sends `size` bytes at `now` on the link whose state is `st[o .. o + LINK_STATE)`;
 * returns the arrival time at the far end (`transmitAt` with the time as an argument).
 */
export function transmitOn(model: LinkModel, st: Float64Array, o: number, now: Micros, size: number): Micros {
  stamp[0] = now;
  transmitAt(model, st, o, stamp, size);
  return st[o + L_LAST_ARRIVAL];
}

/** A link that owns its state (core links, the shaper harness). */
export class Link {
  readonly model: LinkModel;
  private readonly st = new Float64Array(LINK_STATE);

  /** `jitter` names the link's jitter stream (a fresh `Rng` does); without one the link has no jitter. */
  constructor(spec: LinkSpec, jitter: StreamName | null, wireSize: ((size: number) => number) | null = null) {
    this.model = new LinkModel(spec, wireSize, jitter !== null);
    initLinkState(this.st, 0, this.model.jitters ? jitter : null);
  }

  get spec(): LinkSpec {
    return this.model.spec;
  }

  /** When the transmitter is next free. */
  get freeAt(): Micros {
    return this.st[L_FREE_AT];
  }

  /** When the last packet finished serializing (the "departure" an on-path tap sees). */
  get lastFinish(): Micros {
    return this.st[L_FREE_AT];
  }

  /** Arrival time of the last packet at the far end. */
  get lastArrival(): Micros {
    return this.st[L_LAST_ARRIVAL];
  }

  /** Serialization time of `size` bytes, in whole µs. */
  serialization(size: number): Micros {
    return this.model.serialization(size);
  }

  /** Sends `size` bytes at `now`; returns the arrival time at the far end. */
  transmit(now: Micros, size: number): Micros {
    return transmitOn(this.model, this.st, 0, now, size);
  }
}
