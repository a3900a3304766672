/**
 * Maybenot's events — maybenot-io/maybenot `crates/maybenot/src/event.rs`.
 *
 * Rule: 13 events in a fixed order, which is also the column order of every state's
 * serialized transition table. Ten of them are reported by the integrator
 * (`TriggerEvent`); LimitReached, CounterZero and Signal are raised inside the
 * framework. PaddingSent, BlockingBegin, TimerBegin and TimerEnd name the machine they
 * belong to. The two-letter codes (`sn`, `st`, `bb`, …) are the ones Maybenot's
 * simulator tests print.
 */

export const NormalRecv = 0;
export const PaddingRecv = 1;
export const TunnelRecv = 2;
export const NormalSent = 3;
export const PaddingSent = 4;
export const TunnelSent = 5;
export const BlockingBegin = 6;
export const BlockingEnd = 7;
export const LimitReached = 8;
export const CounterZero = 9;
export const TimerBegin = 10;
export const TimerEnd = 11;
export const Signal = 12;

/** An event index 0..12. */
export type EventId = number;

/** Event names in index order (the canonical JSON keys of a state's transitions). */
export const EVENT_NAMES = [
  "NormalRecv",
  "PaddingRecv",
  "TunnelRecv",
  "NormalSent",
  "PaddingSent",
  "TunnelSent",
  "BlockingBegin",
  "BlockingEnd",
  "LimitReached",
  "CounterZero",
  "TimerBegin",
  "TimerEnd",
  "Signal",
] as const;

export type EventName = (typeof EVENT_NAMES)[number];

/** Events an integrator may report (the other three are internal). */
export function isTriggerEvent(e: EventId): boolean {
  return e >= 0 && e <= TimerEnd && e !== LimitReached && e !== CounterZero;
}

/** Two-letter codes of the integrator events, as in Maybenot's simulator test traces. */
export const EVENT_CODES: Readonly<Record<number, string>> = {
  [NormalRecv]: "rn",
  [PaddingRecv]: "rp",
  [TunnelRecv]: "rt",
  [NormalSent]: "sn",
  [PaddingSent]: "sp",
  [TunnelSent]: "st",
  [BlockingBegin]: "bb",
  [BlockingEnd]: "be",
  [TimerBegin]: "tb",
  [TimerEnd]: "te",
};
