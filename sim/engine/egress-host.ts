/**
 * What an egress needs from the engine that hosts it: somewhere to report what it puts on
 * the wire (`EgressSink`) and a way to be called back later (`TimerScheduler`). The world
 * implements both; so does the one-shaper harness (`shape-trace.ts`). Every call names
 * the egress slot it is for.
 */
import type { Micros } from "../core/time.ts";
import type { Kind } from "../core/kinds.ts";

/** Where the egresses report what they put on the wire. */
export interface EgressSink {
  /**
   * `wire` bytes of a queued packet of flow `flow`, `bytes` of them real (payload), left
   * slot `slot` in the packet being sent; `completed` says this piece finished that queued
   * packet, whose added delay is `addedDelay`. Called before `onWire` for the same packet.
   */
  onPiece(slot: number, flow: number, bytes: number, wire: number, completed: boolean, addedDelay: Micros, arrival: Micros): void;
  /** One packet left slot `slot`: handed to the link at `sent`, finished serializing at `finish`, arrives at `arrival`. */
  onWire(slot: number, sent: Micros, finish: Micros, arrival: Micros, size: number, payload: number, kind: Kind, flow: number): void;
}

/**
 * How an egress asks the engine to call `Egress.fireAt(slot, token)` (with the time in its clock register) at a later
 * time. The time comes in a one-double register, not as an argument: a µs time is a
 * double past 2^30, and passing one to a call V8 does not inline boxes it (see
 * `event-queue.ts`'s `pushStamped`, which takes it the same way). Read it before
 * returning; the egress reuses the register.
 */
export interface TimerScheduler {
  scheduleTimer(slot: number, token: number, at: Float64Array): void;
}
