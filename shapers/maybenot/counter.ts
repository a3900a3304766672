/**
 * Counter updates — maybenot-io/maybenot `crates/maybenot/src/counter.rs`.
 *
 * Rule: each machine has two counters, A and B (u64, start at 0). Entering a state
 * may update either with Increment, Decrement or Set, by 1 (no dist), by a sampled
 * value (dist: truncated toward zero; negative or non-finite → 0; above u64::MAX →
 * u64::MAX), or by the *other* counter's value from before the transition (copy, which
 * wins over dist). Arithmetic saturates at 0 and u64::MAX. A counter that goes from
 * non-zero to zero raises CounterZero (at most once per counter per trigger call).
 */
import { type Dist, validateDist } from "./dist.ts";
import { MachineError } from "./error.ts";

export const OPERATIONS = ["Increment", "Decrement", "Set"] as const;
export type Operation = (typeof OPERATIONS)[number];

export interface Counter {
  operation: Operation;
  dist: Dist | null;
  copy: boolean;
}

export function validateCounter(c: Counter, which: "A" | "B"): void {
  if (!OPERATIONS.includes(c.operation))
    throw new MachineError(`counter ${which}: operation ${String(c.operation)}: expected one of ${OPERATIONS.join(", ")}`);
  if (c.dist) {
    try {
      validateDist(c.dist);
    } catch (e) {
      throw MachineError.within(`counter ${which}: dist`, e);
    }
  }
}

/** A sampled counter value as Maybenot truncates it. */
export function counterValue(sampled: number): number {
  if (!Number.isFinite(sampled) || sampled < 0) return 0;
  if (sampled >= 18446744073709551615) return 18446744073709551615;
  return Math.trunc(sampled);
}
