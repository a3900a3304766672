import { describe, expect, it } from "vitest";
import { provideReplicateScoreMetrics, replicateRequest, replicateScoreMetrics } from "../../../observers/metrics/replicate-score-metrics.ts";
import { drawUserWeights } from "../../../observers/metrics/user-weights.ts";
import { drawTimeWeights } from "../../../observers/metrics/time-weights.ts";
import { stream } from "../../../sim/core/rng.ts";

/** Six users, pairs {0,1}, {2,3} positive and the other pairs negative, scored so that one positive is perfectly separated. */
function pairScores() {
  const positives: number[] = [];
  const negatives: number[] = [];
  const positiveUsers: number[] = [];
  const negativeUsers: number[] = [];
  for (let a = 0; a < 6; a++) {
    for (let b = a + 1; b < 6; b++) {
      const pos = (a === 0 && b === 1) || (a === 2 && b === 3);
      (pos ? positives : negatives).push(pos ? 10 - a : a + b / 10);
      (pos ? positiveUsers : negativeUsers).push(a, b);
    }
  }
  return { positives, negatives, usersPerCase: 2 as const, positiveUsers, negativeUsers };
}

describe("replicate metrics computed ahead", () => {
  it("are used only for exactly the request they answer; any other call computes its own", () => {
    const scores = pairScores();
    const W = drawUserWeights(6, 200, stream(1, "metrics/users"));
    const opts = { fprs: [0.1], ks: [] as number[] };
    const computed = replicateScoreMetrics(scores, 1, W, opts);
    // a marked stand-in, so a returned hand-over is recognisable
    const marked = { ...computed, auc: new Float64Array(200).fill(0.25) };
    provideReplicateScoreMetrics(scores, replicateRequest(1, W, opts), marked);
    // the same request (the same weights drawn again, element for element): the hand-over
    const again = drawUserWeights(6, 200, stream(1, "metrics/users"));
    expect(replicateScoreMetrics(scores, 1, again, { fprs: [0.1], ks: [] })).toBe(marked);
    // other weights, orientation, options or time blocks: computed afresh, equal to a plain computation
    const other = drawUserWeights(6, 200, stream(2, "metrics/users"));
    const fresh = replicateScoreMetrics(scores, 1, other, opts);
    expect(fresh).not.toBe(marked);
    expect(Array.from(fresh.auc)).toEqual(Array.from(replicateScoreMetrics(pairScores(), 1, other, opts).auc));
    expect(replicateScoreMetrics(scores, -1, W, opts)).not.toBe(marked);
    expect(replicateScoreMetrics(scores, 1, W, { fprs: [0.2], ks: [] })).not.toBe(marked);
    const T = drawTimeWeights(0, 60, 10, 200, stream(1, "metrics/time"));
    expect(replicateScoreMetrics(scores, 1, W, { ...opts, time: T })).not.toBe(marked);
    // another scores object with the same numbers: no hand-over either
    expect(replicateScoreMetrics(pairScores(), 1, W, opts)).not.toBe(marked);
    expect(Array.from(replicateScoreMetrics(pairScores(), 1, W, opts).auc)).toEqual(Array.from(computed.auc));
  });
});
