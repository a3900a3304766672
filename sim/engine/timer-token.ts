/**
 * Timer tokens: the integer an egress hands the event queue for a timer it set, and gets
 * back when the timer fires.
 *
 * A token is one 32-bit integer: the timer's id in the low 4 bits (shaper timers 0..7,
 * and the engine's own budget timer, 8) and the timer's generation above them (28 bits,
 * wrapping). Every schedule or cancel of a timer bumps its generation, and each schedule
 * makes exactly one event, so a token whose generation is no longer its timer's is stale
 * and is ignored when it fires.
 *
 * @example
 * const token = timerToken(2, 5);
 * tokenTimer(token) // => 2
 * tokenGeneration(token) // => 5
 */

/** Timers a shaper may use: ids 0 .. SHAPER_TIMERS - 1. */
export const SHAPER_TIMERS = 8;
/** The engine's timer for the added-delay budget (the head packet's deadline). */
export const BUDGET_TIMER = SHAPER_TIMERS;

const ID_BITS = 4;
const ID_MASK = (1 << ID_BITS) - 1;
/** Generations wrap here: 28 bits. */
const GENERATION_MASK = 0x0fffffff;

/** The token of timer `id` at generation `generation`. */
export function timerToken(id: number, generation: number): number {
  return (generation << ID_BITS) | id;
}

/** The timer a token is for. */
export function tokenTimer(token: number): number {
  return token & ID_MASK;
}

/** The generation a token was made at. */
export function tokenGeneration(token: number): number {
  return token >>> ID_BITS;
}

/** The generation after `generation`. */
export function nextGeneration(generation: number): number {
  return (generation + 1) & GENERATION_MASK;
}
