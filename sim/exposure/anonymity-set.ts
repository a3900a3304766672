/**
 * The anonymity-set size an observer leaves, read off its oriented AUC: how many
 * candidates, the true one included, it cannot rank below the truth, in expectation.
 *
 * AUC is the probability that a random positive case scores above a random negative
 * (ties counting half: Hanley & McNeil 1982), so of M wrong candidates a true one
 * competes with, (1 − AUC)·M are expected to score at least as high as it (ties half).
 * The set is that many plus the truth itself: 1 + (1 − AUC)·M, from 1 (the observer
 * names it) to 1 + M/2 at chance (half the crowd ranks above the truth) and 1 + M when
 * the observer is exactly wrong. The interval follows from the AUC's (the map is
 * monotone: the AUC's upper bound gives the set's lower bound).
 *
 * What M is, per task:
 * - `service` (per device): the devices the observer scores that do not run the service
 *   (the task's negatives): "how many devices does the true user hide among";
 * - `link`, `group-link`: the wrong candidates per target, candidates − 1 when the
 *   scores name how many candidates a target has (every other user), else the negatives
 *   per positive: the expected rank of the true partner, plus one;
 * - `flow-link`: the same with flows: the wrong flows per true partner flow;
 * - `activity`, `burst`, `content`: null (their cases are windows, bursts and contents,
 *   not people: no crowd to hide in).
 *
 * This reads the whole run's AUC as every target's; targets differ, so it is the mean
 * set, not any one user's (the attacker-favouring reading is the AUC itself: oriented).
 *
 * @example
 * anonymitySet("service", { estimate: 0.9, lo: 0.85, hi: 0.95 }, { negatives: 41, positives: 24, candidates: null })
 * // => { estimate: 5.1, lo: 3.05, hi: 7.15, crowd: 41 }
 */
import type { Interval } from "../runs/metrics.ts";

export interface AnonymitySet extends Interval {
  /** M: the wrong candidates a true one competes with. */
  crowd: number;
}

const PER_DEVICE = new Set(["service"]);
const PAIRS = new Set(["link", "group-link", "flow-link"]);

/** The crowd M of a task's scores (see the header), or null when the task has none. */
export function crowdSize(task: string, counts: { positives: number; negatives: number; candidates: number | null }): number | null {
  if (PER_DEVICE.has(task)) return counts.negatives;
  if (PAIRS.has(task)) {
    if (counts.candidates !== null && counts.candidates > 1) return counts.candidates - 1;
    return counts.positives > 0 ? counts.negatives / counts.positives : null;
  }
  return null;
}

/** 1 + (1 − AUC)·M with its interval; null when the task has no crowd or the AUC is not resolvable. */
export function anonymitySet(task: string, auc: Interval, counts: { positives: number; negatives: number; candidates: number | null }): AnonymitySet | null {
  const m = crowdSize(task, counts);
  if (m === null || auc.estimate === null) return null;
  const at = (a: number | null) => (a === null ? null : 1 + (1 - a) * m);
  return { estimate: at(auc.estimate), lo: at(auc.hi), hi: at(auc.lo), crowd: m };
}
