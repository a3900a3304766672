/**
 * Bootstrap replicates of user weights: the resampling unit of every pair and per-user
 * statistic in chaff is the user, not the case.
 *
 * Rule: replicate r draws N users uniformly with replacement from the N users of the
 * population; w_r[u] is how often user u was drawn (multinomial counts, mean 1). A
 * statistic is then recomputed with each case weighted by its users: w_u for a case of
 * one user (a user's window, a message), w_u·w_v for a pair {u, v}, so both ends of a
 * pair are resampled together and a pair whose ends were both drawn twice counts four
 * times. This is "resample users and keep every pair among the drawn users, with
 * multiplicities". A pair statistic over users is a crossed design (each user appears
 * in N − 1 pairs); McCullagh ("Resampling and exchangeable arrays", Bernoulli 6, 2000)
 * shows no bootstrap reproduces its variance exactly, and that resampling pairs, or one
 * end of each, underestimates it. Owen ("The pigeonhole bootstrap", Annals of Applied
 * Statistics 1(2), 2007) resamples the rows and columns of such an array independently;
 * here both ends of a pair come from one population of users and the pairs are
 * unordered, so there is one factor to resample, not a row and a column factor, and
 * product weights of independently drawn factor weights are what Owen & Eckles
 * ("Bootstrapping data arrays of arbitrary order", Annals of Applied Statistics 6(3),
 * 2012) show to be mildly conservative. The same replicates serve every task (pairs and
 * per-user cases alike), every arm and every observer of a run, since all share the
 * population: differences between arms and the maximum over observers can be taken
 * inside each replicate.
 *
 * Draws come from `rng` only (pass a named stream, e.g. `stream(seed, "metrics/users")`),
 * so the replicates are a function of the seed. O(R·N) time, R·N int32 of memory.
 *
 * @example
 * const W = drawUserWeights(200, 1000, stream(1, "metrics/users"));
 * W.weights(0); // Int32Array(200) of counts summing to 200
 */
import type { Rng } from "../../sim/core/rng.ts";
import { checkInteger } from "./validate.ts";
import { timed } from "../../sim/core/phase-timer.ts";

export interface UserWeights {
  readonly users: number;
  readonly replicates: number;
  /** Replicate r's weights are counts[r·users .. (r + 1)·users). */
  readonly counts: Int32Array;
  /** The weights of replicate r (a view). */
  weights(r: number): Int32Array;
}

export function drawUserWeights(users: number, replicates: number, rng: Rng): UserWeights {
  // the run's bootstrap phase when a phase timer is active (sim/core/phase-timer.ts)
  return timed("bootstrap", () => drawUserWeightsUntimed(users, replicates, rng));
}

function drawUserWeightsUntimed(users: number, replicates: number, rng: Rng): UserWeights {
  checkInteger(users, "drawUserWeights", "users", 1, 2 ** 26);
  checkInteger(replicates, "drawUserWeights", "replicates", 1, 2 ** 20);
  if (users * replicates > 2 ** 30) throw new RangeError(`drawUserWeights: ${users} users × ${replicates} replicates is over 2^30 weights; draw fewer replicates`);
  const counts = new Int32Array(users * replicates);
  for (let r = 0; r < replicates; r++) {
    const o = r * users;
    for (let d = 0; d < users; d++) counts[o + rng.int(0, users)]++;
  }
  return { users, replicates, counts, weights: (r) => counts.subarray(r * users, (r + 1) * users) };
}
