/**
 * The engine's side of the shaping budgets (`budget.ts` declares them): the checks made
 * before a padding or cover packet is allowed, and the deadline of a held packet. State
 * lives in the egress's blocks of the arena (`egress-arena.ts`): its wire bytes in the
 * hot block, its real bytes and the padding-rate token bucket in the cold one.
 *
 * @example
 * cold[c + C_TOKENS] = initialTokens(budget);
 * if (withinPaddingFraction(hot, h, cold, c, 0.5, 1500) && takePaddingToken(cold, c, now, 10)) send();
 */
import type { Budget } from "./budget.ts";
import { C_REAL_BYTES, C_TOKENS, C_TOKENS_AT, H_WIRE_BYTES, Q_ENQ } from "./egress-arena.ts";
import type { Micros } from "../core/time.ts";

/** The token bucket's fill when an egress starts: full (one second of tokens, at least one). */
export function initialTokens(budget: Budget): number {
  return Number.isFinite(budget.maxPaddingRate) ? Math.max(1, budget.maxPaddingRate) : Infinity;
}

/** Whether `size` more padding bytes keep the egress's padding within `fraction` of its wire bytes. */
export function withinPaddingFraction(hot: Float64Array, h: number, cold: Float64Array, c: number, fraction: number, size: number): boolean {
  const wire = hot[h + H_WIRE_BYTES];
  const padding = wire - cold[c + C_REAL_BYTES];
  return padding + size <= fraction * (wire + size);
}

/** The padding-rate token bucket (one second deep) at `now`: refills, then takes a token if there is one. */
export function takePaddingToken(cold: Float64Array, c: number, now: Micros, rate: number): boolean {
  const tokens = Math.min(Math.max(1, rate), cold[c + C_TOKENS] + ((now - cold[c + C_TOKENS_AT]) * rate) / 1e6);
  cold[c + C_TOKENS_AT] = now;
  cold[c + C_TOKENS] = tokens < 1 ? tokens : tokens - 1;
  return tokens >= 1;
}

/** When the queued packet whose record is at `r` must leave, under the added-delay budget. */
export function releaseDeadline(pool: Float64Array, r: number, budget: Budget): Micros {
  return pool[r + Q_ENQ] + budget.maxAddedDelay;
}
