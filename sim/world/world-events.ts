/**
 * The world's events: what each one is, how it ranks against others at the same time,
 * and what its three integer arguments (`a`, `b`, `c` of the event queue) mean.
 *
 * At equal times events run by class (lower first), then in push order:
 * network arrivals, then deliveries, then shaper timers, then conversation wakes.
 *
 * | type             | class    | a             | b                | c                           |
 * |------------------|----------|---------------|------------------|-----------------------------|
 * | `WAKE`           | WAKE     | model index   | the model's token| –                           |
 * | `TIMER`          | TIMER    | egress slot   | timer token      | –                           |
 * | `SERVER_MESSAGE` | NETWORK  | message id    | –                | –                           |
 * | `DELIVERED`      | DELIVERY | message id    | –                | –                           |
 * | `RECEIVED`       | NETWORK  | egress slot   | size             | kind                        |
 * | `FRAME`          | NETWORK  | recipient     | wire bytes       | real bytes                  |
 * | `ENQUEUE`        | NETWORK  | egress slot   | flow             | `packSizes(wire, real)`     |
 * | `ACK_SEGMENT`    | NETWORK  | TCP endpoint  | –                | –                           |
 * | `ACK_TIMER`      | TIMER    | TCP endpoint  | –                | –                           |
 * | `PHONE_WAKES`    | NETWORK  | user          | –                | –                           |
 * | `FETCH`          | NETWORK  | user          | –                | –                           |
 *
 * `ACK_SEGMENT`: a TCP data segment reached the endpoint (numbered by the egress slot its
 * ACKs leave by, `acks.ts`); `ACK_TIMER`: its delayed-ACK timer is due (the time is the
 * deadline, which `acks.ts` checks to skip stale timers). `PHONE_WAKES`: a user for whom
 * the server holds messages wakes up (the push is sent); `FETCH`: the app's fetch after
 * that push reaches the server, which sends the held messages (`server-relay.ts`).
 *
 * Timer tokens are `sim/engine/timer-token.ts`'s. The push functions below are the only
 * places events are made, so each site reads as what it schedules.
 *
 * A *flow* is what an egress packet belongs to: a message id (>= 0), a call frame to
 * user `to` (`frameFlow(to)`, <= -2), or nothing (-1).
 *
 * @example
 * pushEnqueue(queue, arrival, slot, messageId, 1400, 1380);
 * // later, in the loop: queue.type === EventType.ENQUEUE, packedWire(queue.c) === 1400
 */
import type { EventQueue } from "../engine/event-queue.ts";
import type { Micros } from "../core/time.ts";
import type { Kind } from "../core/kinds.ts";

/** Event classes: at equal times a lower class runs first. */
export const EventClass = { NETWORK: 0, DELIVERY: 1, TIMER: 2, WAKE: 3 } as const;

/** Event types (what the loop does with the event). */
export const EventType = { WAKE: 0, TIMER: 1, SERVER_MESSAGE: 2, DELIVERED: 3, RECEIVED: 4, FRAME: 5, ENQUEUE: 6, ACK_SEGMENT: 7, ACK_TIMER: 8, PHONE_WAKES: 9, FETCH: 10 } as const;

/** The flow of a pure TCP ACK (and of anything else that belongs to no message or call): nothing, −1. */
export const ACK_FLOW = -1;

/** Sizes below 2^16 (packets never exceed the 9000-byte MTU): wire and real bytes in one integer. */
export function packSizes(wire: number, real: number): number {
  return (wire << 16) | real;
}

/** The wire bytes of `packSizes(wire, real)`. */
export function packedWire(packed: number): number {
  return packed >>> 16;
}

/** The real bytes of `packSizes(wire, real)`. */
export function packedReal(packed: number): number {
  return packed & 0xffff;
}

/** The flow of a call frame sent to user `to`. */
export function frameFlow(to: number): number {
  return -2 - to;
}

/** Whether `flow` is a call frame's. */
export function isFrameFlow(flow: number): boolean {
  return flow <= -2;
}

/** The recipient of the call frame whose flow is `flow`. */
export function frameRecipient(flow: number): number {
  return -2 - flow;
}

/** Conversation model `model` asked to be woken at `at` with `token`. */
export function pushWake(q: EventQueue, at: Micros, model: number, token: number): void {
  q.push(at, EventClass.WAKE, EventType.WAKE, model, token);
}

/** Egress `slot` asked for timer `token` at `at[0]` (a register: see `TimerScheduler`). */
export function pushTimer(q: EventQueue, at: Float64Array, slot: number, token: number): void {
  q.pushStamped(at, EventClass.TIMER, EventType.TIMER, slot, token, 0);
}

/** Message `id` (and its fan-out copies) is whole at the server at `at`: relay it. */
export function pushServerMessage(q: EventQueue, at: Micros, id: number): void {
  q.push(at, EventClass.NETWORK, EventType.SERVER_MESSAGE, id, 0);
}

/** Message `id`'s last byte reaches its recipient at `at`. */
export function pushDelivered(q: EventQueue, at: Micros, id: number): void {
  q.push(at, EventClass.DELIVERY, EventType.DELIVERED, id, 0);
}

/** A packet of `size` bytes and kind `kind` from the peer reaches egress `slot` (a listening shaper) at `at`. */
export function pushReceived(q: EventQueue, at: Micros, slot: number, size: number, kind: Kind): void {
  q.push(at, EventClass.NETWORK, EventType.RECEIVED, slot, size, kind);
}

/** A call frame for user `to` (`wire` bytes, `real` of them payload) reaches the server's relay at `at`. */
export function pushFrame(q: EventQueue, at: Micros, to: number, wire: number, real: number): void {
  q.push(at, EventClass.NETWORK, EventType.FRAME, to, wire, real);
}

/** A packet of `flow` (`wire` bytes, `real` of them payload) reaches egress `slot`'s queue at `at` (off the VPN's core link). */
export function pushEnqueue(q: EventQueue, at: Micros, slot: number, flow: number, wire: number, real: number): void {
  q.push(at, EventClass.NETWORK, EventType.ENQUEUE, slot, flow, packSizes(wire, real));
}

/** A TCP data segment reaches endpoint `e`'s TCP at `at` (`acks.ts`). */
export function pushAckSegment(q: EventQueue, at: Micros, e: number): void {
  q.push(at, EventClass.NETWORK, EventType.ACK_SEGMENT, e, 0);
}

/** Endpoint `e`'s delayed-ACK timer is due at `at[0]` (a register, as for `pushTimer`). */
export function pushAckTimer(q: EventQueue, at: Float64Array, e: number): void {
  q.pushStamped(at, EventClass.TIMER, EventType.ACK_TIMER, e, 0, 0);
}

/** User `u`, for whom the server holds messages, wakes at `at`. */
export function pushPhoneWakes(q: EventQueue, at: Micros, u: number): void {
  q.push(at, EventClass.NETWORK, EventType.PHONE_WAKES, u, 0);
}

/** User `u`'s app fetches what the server held for it; the fetch reaches the server at `at`. */
export function pushFetch(q: EventQueue, at: Micros, u: number): void {
  q.push(at, EventClass.NETWORK, EventType.FETCH, u, 0);
}
