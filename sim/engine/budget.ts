/**
 * Shaping budgets: declared per egress, enforced by the engine, never trusted to the
 * shaper (docs/architecture.md §5). A budget the shaper would exceed is capped, and every refused or
 * forced action is counted so the report can say so.
 *
 * - `maxPaddingFraction`: padding and cover bytes may be at most this share of all
 *   wire bytes on the egress (1 = no cap). A padding packet that would cross it is
 *   refused.
 * - `maxAddedDelay`: a real packet may wait behind a closed gate at most this long
 *   (µs; Infinity = no cap); when it would wait longer the engine releases it.
 * - `maxPaddingRate`: padding and cover packets per second, a token bucket one second
 *   deep (Infinity = no cap).
 */
import { z } from "zod";
import type { Micros } from "../core/time.ts";

export interface Budget {
  readonly maxPaddingFraction: number;
  readonly maxAddedDelay: Micros;
  readonly maxPaddingRate: number;
}

export const UNLIMITED: Budget = { maxPaddingFraction: 1, maxAddedDelay: Infinity, maxPaddingRate: Infinity };

/** The budget as written in an experiment file: seconds and fractions, all optional. */
export const budgetSchema = z
  .object({
    maxPaddingFraction: z.number().min(0).max(1).optional().describe("padding+cover bytes as a share of wire bytes, 0..1"),
    maxAddedDelaySeconds: z.number().positive().optional().describe("longest a real packet may be held, seconds"),
    maxPaddingRate: z.number().positive().optional().describe("padding+cover packets per second"),
  })
  .strict();

export type BudgetSpec = z.infer<typeof budgetSchema>;

export function budgetFrom(spec: BudgetSpec | undefined): Budget {
  return {
    maxPaddingFraction: spec?.maxPaddingFraction ?? 1,
    maxAddedDelay: spec?.maxAddedDelaySeconds !== undefined ? Math.round(spec.maxAddedDelaySeconds * 1e6) : Infinity,
    maxPaddingRate: spec?.maxPaddingRate ?? Infinity,
  };
}
