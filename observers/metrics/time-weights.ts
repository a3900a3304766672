/**
 * Bootstrap replicates of time-block weights: the second factor of per-user statistics
 * over time, such as the activity task's (user, window) cases.
 *
 * Rule: cut [start, end) into B blocks of `block` µs; replicate r draws B blocks
 * uniformly with replacement, v_r[b] = how often block b was drawn. A case of user u at
 * time t then weighs w_r[u]·v_r[block(t)], with w_r the user weights of the same
 * replicate (`drawUserWeights`): the users × time array is resampled by rows and columns
 * independently, Owen's pigeonhole bootstrap ("The pigeonhole bootstrap", Annals of
 * Applied Statistics 1(2), 2007; product weights as in Owen & Eckles, Annals of Applied
 * Statistics 6(3), 2012). Time is a factor because what happens at one time touches many
 * users at once: a group post makes every member active in the same window, both ends of
 * a conversation are active together, so (user, window) cases of different users are
 * not independent, and resampling users alone makes the interval too narrow. Pair
 * statistics over the whole run have no time factor.
 *
 * Draw once per run, from a named stream, and pass the same replicates to every arm and
 * observer, like the user weights.
 *
 * @example
 * const T = drawTimeWeights(0, 3600e6, 60e6, 1000, stream(seed, "metrics/time"));
 * T.blocks; // => 60 one-minute blocks; T.weights.weights(0) sums to 60
 */
import type { Rng } from "../../sim/core/rng.ts";
import type { TimeBlocks } from "./scored-cases.ts";
import { drawUserWeights, type UserWeights } from "./user-weights.ts";
import { timed } from "../../sim/core/phase-timer.ts";

export interface TimeWeights extends TimeBlocks {
  /** Replicates of block weights (blocks play the part of users). */
  readonly weights: UserWeights;
}

export function drawTimeWeights(start: number, end: number, block: number, replicates: number, rng: Rng): TimeWeights {
  // the run's bootstrap phase when a phase timer is active (sim/core/phase-timer.ts)
  return timed("bootstrap", () => drawTimeWeightsUntimed(start, end, block, replicates, rng));
}

function drawTimeWeightsUntimed(start: number, end: number, block: number, replicates: number, rng: Rng): TimeWeights {
  if (!(end > start) || !Number.isFinite(end) || !Number.isFinite(start)) throw new RangeError(`drawTimeWeights: [${start}, ${end}); expected a finite span with end > start`);
  if (!(block > 0) || !Number.isFinite(block)) throw new RangeError(`drawTimeWeights: block = ${block}; expected a positive length`);
  const blocks = Math.ceil((end - start) / block);
  return { start, block, blocks, weights: drawUserWeights(blocks, replicates, rng) };
}
