/**
 * Which figures a task's scores can support, counting cases and the users behind them
 * on both sides.
 *
 * Rule (a figure is "not resolvable" unless all its conditions hold):
 * - positives: at least `MIN_POSITIVES` = 10 positive cases, and at least `MIN_USERS` =
 *   10 distinct users among them. Below 10 positives a TPR moves in steps of 0.1 or more
 *   and one case decides the figure; below 10 users the user bootstrap has too few
 *   distinct resamples for a percentile interval to mean anything (a cluster bootstrap
 *   with few clusters under-covers). Needed by every figure.
 * - negatives, for AUC: at least `MIN_POSITIVES` negative cases from `MIN_USERS` users.
 * - negatives, for TPR at FPR f: at least 10/f negatives (with m negatives the smallest
 *   non-zero FPR is 1/m; a claim at f needs about ten false positives' worth, DESIGN §6,
 *   reference/traffic-and-adversaries.md §2.4 item 2) and at least `MIN_USERS` distinct
 *   users among them: negatives that all involve a few users say little about the FPR
 *   of a population.
 * - top-k: the positives' rule, and ranks present.
 * The counts themselves are returned so a report can print both: cases and distinct
 * contributing users, per class.
 *
 * @example
 * scoreResolvability(scores, [1e-2, 1e-3])
 * // => { positives: 268, negatives: 19632, positiveUsers: 181, negativeUsers: 200,
 * //      positivesResolvable: true, auc: true, tprAt: [true, true], topK: true,
 * //      reasons: [] }
 */
import { scoredCases, type CaseScores } from "./scored-cases.ts";
import { isResolvable } from "./tpr-at-fpr.ts";

export const MIN_POSITIVES = 10;
export const MIN_USERS = 10;

export interface ScoreResolvability {
  readonly positives: number;
  readonly negatives: number;
  /** Distinct users among the positive cases and among the negative cases. */
  readonly positiveUsers: number;
  readonly negativeUsers: number;
  readonly positivesResolvable: boolean;
  readonly auc: boolean;
  /** Per FPR asked for. */
  readonly tprAt: boolean[];
  readonly topK: boolean;
  /** Why a figure is not resolvable, one line each (empty when all are). */
  readonly reasons: string[];
}

export function scoreResolvability(scores: CaseScores, fprs: readonly number[]): ScoreResolvability {
  const c = scoredCases(scores, 1, "scoreResolvability");
  const reasons: string[] = [];
  const posOk = c.n >= MIN_POSITIVES && c.positiveUsers >= MIN_USERS;
  if (!posOk) reasons.push(`${c.n} positives from ${c.positiveUsers} users; at least ${MIN_POSITIVES} positives from ${MIN_USERS} users are needed`);
  const negUsersOk = c.negativeUsers >= MIN_USERS;
  const aucOk = posOk && c.m >= MIN_POSITIVES && negUsersOk;
  if (posOk && !aucOk) reasons.push(`AUC: ${c.m} negatives from ${c.negativeUsers} users; at least ${MIN_POSITIVES} negatives from ${MIN_USERS} users are needed`);
  const tprAt = fprs.map((f) => {
    const ok = posOk && isResolvable(f, c.m) && negUsersOk;
    if (posOk && !ok) reasons.push(`TPR at FPR ${f}: ${c.m} negatives from ${c.negativeUsers} users; at least ${Math.ceil((10 / f) * (1 - 1e-12))} negatives from ${MIN_USERS} users are needed`);
    return ok;
  });
  const topK = posOk && scores.ranks !== undefined;
  return { positives: c.n, negatives: c.m, positiveUsers: c.positiveUsers, negativeUsers: c.negativeUsers, positivesResolvable: posOk, auc: aucOk, tprAt, topK, reasons };
}
