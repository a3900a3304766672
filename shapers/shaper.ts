/**
 * The shaper contract: what a shaper is, what it is told, what it may ask for.
 *
 * A shaper is a deterministic, causal state machine attached to one egress: one
 * direction of one link (the device uplink, or the server/VPN side of the downlink).
 * The engine (`sim/engine/egress.ts`) owns the clock, the queue of real packets, the link and
 * the budgets; the shaper only reacts to events and answers through `ShaperActions`.
 *
 * ## Integration contract
 *
 * The engine MUST:
 * - call `start` once, before any other method, at the time the egress comes up;
 * - call `onQueued` when a real packet enters the egress queue, `onSent` when any
 *   packet (real, padding or cover) leaves on the wire, `onTimer` when a timer the
 *   shaper set fires, and `onReceived` for each packet arriving from the peer, but
 *   only if the shaper declares `listensToReceive`;
 * - pass a `now` that never decreases, and never tell a shaper about anything whose
 *   time is after `now` (no event from its future);
 * - deliver every real byte exactly once, in queue order, unless the shaper declares
 *   otherwise;
 * - enforce the declared budgets (padding fraction, added delay, rate) itself, and
 *   count every action it refused or forced, so the report can say so.
 *
 * A shaper MUST:
 * - never read a clock, a file or the global RNG: its randomness comes from the
 *   named stream handed to its factory;
 * - not allocate per packet in steady state (typed arrays and scalar fields for state);
 * - declare truthfully whether it delays, pads, injects, splits, reorders or drops.
 *
 * A shaper SHOULD keep its work per event O(1) amortized.
 *
 * The gate: an egress starts *open*, so real packets leave as soon as they are queued
 * (subject to the link). `hold()` closes it; then real packets leave only through
 * `releaseOne`, `sendCell` or a later `release()`.
 */
import type { z } from "zod";
import type { RandomSource } from "./random.ts";
import type { Micros } from "../sim/core/time.ts";
import type { Kind } from "../sim/core/kinds.ts";

/** What a shaper may do to real traffic. The engine and the tests hold it to this. */
export interface ShaperDeclaration {
  /** May hold real packets back (adds latency). */
  readonly delays: boolean;
  /** May grow the wire size of real packets or records. */
  readonly pads: boolean;
  /** May send padding or cover packets of its own. */
  readonly injects: boolean;
  /** May carry one real packet's bytes in several wire packets (constant-size cells). */
  readonly splits: boolean;
  /** May change the order of real bytes within a flow. */
  readonly reorders: boolean;
  /** May drop real bytes. */
  readonly drops: boolean;
  /** Wants `onReceived` for every packet from the peer (costs the engine one event per packet). */
  readonly listensToReceive: boolean;
}

/** The requests a shaper can make. Implemented by the engine; valid only during a callback. */
export interface ShaperActions {
  /** Real packets waiting in the egress queue. */
  readonly queuedPackets: number;
  /** Real wire bytes waiting in the egress queue. */
  readonly queuedBytes: number;
  /** Largest wire packet this link carries. */
  readonly mtu: number;
  /** Whether the gate is closed. */
  readonly held: boolean;
  /** In `onQueued` only: grow the wire size of the packet just queued to `size` (<= mtu). */
  padPacket(size: number): void;
  /** Send a packet of `size` bytes carrying no real bytes, now. `kind` is PADDING or COVER. */
  sendPadding(size: number, kind?: Kind): void;
  /** Close the gate: real packets wait. */
  hold(): void;
  /** Open the gate: everything queued leaves now, and later packets leave as they come. */
  release(): void;
  /** Send the head real packet now, at its wire size. False if the queue is empty. */
  releaseOne(): boolean;
  /**
   * Send one packet of exactly `size` bytes now, filled with queued real bytes in order
   * (splitting a packet across cells if needed) and padded with zeros; a pure padding
   * packet when the queue is empty. Returns the real bytes it carried.
   */
  sendCell(size: number): number;
  /** Fire `onTimer(id)` at time `at` (>= now). Setting a timer again replaces it. ids 0..7. */
  setTimer(id: number, at: Micros): void;
  cancelTimer(id: number): void;
}

/** The runtime object: one per egress. */
export interface Shaper {
  readonly declaration: ShaperDeclaration;
  /**
   * Record-level size padding, applied by the transport to each application record
   * before MTU segmentation: returns the padded length of a record of `length` bytes
   * (>= length). Omit it for shapers that do not pad records.
   */
  padRecord?(length: number): number;
  start(now: Micros, out: ShaperActions): void;
  onQueued(now: Micros, size: number, out: ShaperActions): void;
  onSent(now: Micros, size: number, kind: Kind, out: ShaperActions): void;
  onReceived(now: Micros, size: number, kind: Kind, out: ShaperActions): void;
  onTimer(now: Micros, id: number, out: ShaperActions): void;
}

/** Where a shaper runs: on the device, or on the server/VPN side of the downlink. */
export type ShaperSide = "device" | "server";

export interface ShaperContext {
  /** This shaper's own random stream. */
  readonly rng: RandomSource;
  readonly side: ShaperSide;
  readonly mtu: number;
}

/**
 * A shaper family: its name, its published rule, its parameters and a factory.
 * The spec (`params`) is plain JSON validated by `schema`; the runtime object is
 * built by `create` from validated parameters.
 */
export interface ShaperDefinition<P extends Record<string, unknown> = Record<string, unknown>> {
  readonly name: string;
  /** One line: what it does. */
  readonly summary: string;
  /** The paper or specification it implements. */
  readonly citation: string;
  /** Parameters, with the published defaults, as a strict zod object schema. */
  readonly schema: z.ZodType<P>;
  readonly declaration: ShaperDeclaration;
  create(params: P, ctx: ShaperContext): Shaper;
}

/**
 * A declaration naming only what the shaper does; everything unnamed is false.
 *
 * @example
 * declare({ delays: true, injects: true }) // holds packets and sends padding, nothing else
 */
export function declare(does: Partial<ShaperDeclaration>): ShaperDeclaration {
  return Object.freeze({
    delays: false,
    pads: false,
    injects: false,
    splits: false,
    reorders: false,
    drops: false,
    listensToReceive: false,
    ...does,
  });
}

/** The declaration of a shaper that does nothing to real traffic. */
export const PASSIVE: ShaperDeclaration = declare({});

/**
 * Base class with no-op callbacks, so a shaper overrides only what it reacts to.
 * Subclasses MUST still declare what they do.
 */
export abstract class BaseShaper implements Shaper {
  abstract readonly declaration: ShaperDeclaration;
  start(_now: Micros, _out: ShaperActions): void {}
  onQueued(_now: Micros, _size: number, _out: ShaperActions): void {}
  onSent(_now: Micros, _size: number, _kind: Kind, _out: ShaperActions): void {}
  onReceived(_now: Micros, _size: number, _kind: Kind, _out: ShaperActions): void {}
  onTimer(_now: Micros, _id: number, _out: ShaperActions): void {}
}

/**
 * A shaper's parameters are wrong for where it runs (for example a cell size above the
 * link MTU), found when the shaper is built. One line per problem, naming the shaper,
 * the parameter, the value and what was expected; the lab reports it as bad input.
 */
export class ShaperParamError extends Error {
  readonly problems: string[];
  constructor(problems: readonly string[]) {
    super(problems.join("\n"));
    this.problems = [...problems];
    this.name = "ShaperParamError";
  }
}
