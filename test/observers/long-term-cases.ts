/**
 * Constructed cases for the long-term (disclosure) observers, whose answers are known:
 * rounds of a mix-like system in which a target sends to fixed partners among random
 * background traffic. Each message is one upload packet of its sender and one download
 * packet of its recipient in the same round, so a round is exactly a mix batch.
 */
import type { Labels } from "../../observers/labels.ts";
import type { ObserverContext, Tap } from "../../observers/observer.ts";
import { labelsFromPairs } from "../../observers/pair-labels.ts";
import { stream, type Rng } from "../../sim/core/rng.ts";
import { SECOND, type Micros } from "../../sim/core/time.ts";
import { DOWN, UP } from "../../sim/core/kinds.ts";

export const ROUND: Micros = 60 * SECOND;

/** Labels with the given positive pairs (and pairs left out): what the lab would hand the scorer. */
export function labelsOf(users: number, positives: [number, number][], excluded: [number, number][] = []): Labels {
  const pairs = labelsFromPairs(users, positives, excluded);
  return {
    users,
    pairs: () => pairs,
    activeWindows: () => {
      throw new Error("not a pair task");
    },
    carried: () => 0,
  };
}

export function contextFor(users: number, rounds: number, seed = 1): ObserverContext {
  return { users, start: 0, end: rounds * ROUND, rng: stream(seed, "observer") };
}

export interface MixCase {
  readonly users: number;
  readonly rounds: number;
  /** The target and its partners with their weights (shares of its messages). */
  readonly target: number;
  readonly partners: readonly (readonly [number, number])[];
  /** Probability that the target sends in a round. */
  readonly targetRate: number;
  /** Background messages per round (from random senders other than the target). */
  readonly background: number;
  /** Background recipients' weights (default uniform over everyone but the sender). */
  readonly recipientWeights?: readonly number[];
  /** Probability that a message of the target is not seen delivered in its round (noise). */
  readonly missing?: number;
  readonly seed: number;
}

/** Feeds the rounds of a mix case into `tap` (packets in time order per endpoint), message size 1000 B. */
export function feedMix(tap: Tap, c: MixCase): void {
  const r: Rng = stream(c.seed, "mix-case");
  const pw = c.partners.map(([, w]) => w);
  for (let round = 0; round < c.rounds; round++) {
    const t0 = round * ROUND;
    let slot = 0;
    // Messages 2 s apart inside the round (at most 29 a round), so each is its own event at a 1 s burst gap.
    const at = () => {
      if (slot === 29) throw new Error("mix case: at most 29 messages a round");
      return t0 + slot++ * 2 * SECOND + 10_000;
    };
    if (r.bernoulli(c.targetRate)) {
      const to = c.partners[r.pick(pw)][0];
      const t = at();
      tap.packet(c.target, t, 1000, UP);
      if (!r.bernoulli(c.missing ?? 0)) tap.packet(to, t + 5_000, 1000, DOWN);
    }
    for (let k = 0; k < c.background; k++) {
      let from = r.int(0, c.users - 1);
      if (from >= c.target) from++;
      let to: number;
      do to = c.recipientWeights ? r.pick(c.recipientWeights) : r.int(0, c.users);
      while (to === from);
      const t = at();
      tap.packet(from, t, 1000, UP);
      tap.packet(to, t + 5_000, 1000, DOWN);
    }
  }
}
