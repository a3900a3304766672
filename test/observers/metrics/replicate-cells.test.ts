import { describe, expect, it } from "vitest";
import { replicateScoreMetrics } from "../../../observers/metrics/replicate-score-metrics.ts";
import { drawTimeWeights } from "../../../observers/metrics/time-weights.ts";
import { drawUserWeights } from "../../../observers/metrics/user-weights.ts";
import { stream } from "../../../sim/core/rng.ts";

describe("replicate AUC of per-user cases over time with far more cases than (user, block) cells", () => {
  it("equals the weighted Mann–Whitney count over every (positive, negative) couple, replicate by replicate", () => {
    // 3 users × 4 one-second blocks = 12 cells; 400 negatives and 40 positives with tied scores.
    const rng = stream(7, "test/cases");
    const users = 3;
    const make = (n: number, shift: number) => ({
      score: Array.from({ length: n }, () => Math.round(rng.uniform(0, 20)) + shift),
      user: Array.from({ length: n }, () => rng.int(0, users)),
      time: Array.from({ length: n }, () => rng.uniform(0, 4)),
    });
    const pos = make(40, 3);
    const neg = make(400, 0);
    const scores = {
      positives: pos.score,
      negatives: neg.score,
      usersPerCase: 1 as const,
      positiveUsers: pos.user,
      negativeUsers: neg.user,
      positiveTimes: pos.time,
      negativeTimes: neg.time,
    };
    const R = 50;
    const W = drawUserWeights(users, R, stream(7, "metrics/users"));
    const T = drawTimeWeights(0, 4, 1, R, stream(7, "metrics/time"));
    const got = replicateScoreMetrics(scores, 1, W, { fprs: [0.1], ks: [], time: T });
    for (let r = 0; r < R; r++) {
      const w = W.weights(r);
      const v = T.weights.weights(r);
      const weight = (u: number, t: number) => w[u] * v[Math.min(3, Math.floor(t))];
      let twiceU = 0;
      let P = 0;
      let Q = 0;
      for (let i = 0; i < 40; i++) P += weight(pos.user[i], pos.time[i]);
      for (let j = 0; j < 400; j++) Q += weight(neg.user[j], neg.time[j]);
      for (let i = 0; i < 40; i++) {
        for (let j = 0; j < 400; j++) {
          const c = pos.score[i] > neg.score[j] ? 2 : pos.score[i] === neg.score[j] ? 1 : 0;
          twiceU += c * weight(pos.user[i], pos.time[i]) * weight(neg.user[j], neg.time[j]);
        }
      }
      // Integer weights: every sum is exact, so the figure is the same double.
      if (P > 0 && Q > 0) expect(got.auc[r]).toBe(twiceU / (2 * P * Q));
      else expect(got.auc[r]).toBeNaN();
    }
  });
});
