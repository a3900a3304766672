/**
 * Full scale of test/physics/adaptive-activity.test.ts: the adaptive activity detector
 * (observers/adaptive-activity-detector.ts, trained on a separate run of the same
 * defense) against the naive one (observers/activity-detector.ts) under Poisson cover
 * on both sides, on sim/experiment/builtin/adaptive-activity.json as written (200 users,
 * one hour): the paired differences adaptive − naive in AUC and in TPR at FPR 1e-2, on
 * the same user and time-block bootstrap replicates for both. The test checks that both
 * intervals lie above 0 on 100 users for 30 minutes; `pairedAdaptiveMinusNaive` is the
 * measurement at both scales.
 */
import { readFileSync } from "node:fs";
import { parseExperiment } from "../../sim/experiment/parse.ts";
import { runDefense } from "../../sim/experiment/run-arm.ts";
import { drawUserWeights } from "../../observers/metrics/user-weights.ts";
import { drawTimeWeights } from "../../observers/metrics/time-weights.ts";
import { replicateScoreMetrics } from "../../observers/metrics/replicate-score-metrics.ts";
import { replicateInterval } from "../../observers/metrics/replicate-interval.ts";
import { stream } from "../../sim/core/rng.ts";
import { MINUTE, SECOND } from "../../sim/core/time.ts";
import type { Study } from "./study.ts";

/** adaptive-activity.json, optionally reduced to `users` users and `seconds` seconds; everything else the file's. */
export function adaptiveActivityExperiment(users?: number, seconds?: number): Record<string, unknown> {
  const raw = JSON.parse(readFileSync(new URL("../../sim/experiment/builtin/adaptive-activity.json", import.meta.url), "utf8"));
  if (users !== undefined) raw.population.users = users;
  if (seconds !== undefined) raw.durationSeconds = seconds;
  return raw;
}

/** The poisson-cover arm through the runner's arm (`runDefense`), and the paired differences adaptive − naive (AUC, TPR@1e-2) with their naive and adaptive estimates. */
export async function pairedAdaptiveMinusNaive(raw: Record<string, unknown>) {
  const exp = await parseExperiment(raw);
  const defense = exp.defenses.find((d) => d.name === "poisson-cover")!;
  const duration = exp.durationSeconds * SECOND;
  const run = await runDefense(exp, defense, duration);
  const R = exp.metrics.resamples;
  const users = drawUserWeights(exp.population.users, R, stream(exp.seed, "test/adaptive/users"));
  const time = drawTimeWeights(0, duration, MINUTE, R, stream(exp.seed, "test/adaptive/time"));
  const byName = (name: string) => {
    const i = exp.observers.findIndex((o) => o.observer === name);
    const o = run.scores.find((s) => s.index === i)!;
    return replicateScoreMetrics(o.scores, o.orientation, users, { fprs: [1e-2], time });
  };
  const naive = byName("activity-detector");
  const adaptive = byName("adaptive-activity-detector");
  const diff = (a: ArrayLike<number>, b: ArrayLike<number>) => Float64Array.from({ length: a.length }, (_, r) => a[r] - b[r]);
  return {
    users: exp.population.users,
    durationSeconds: exp.durationSeconds,
    naive: { auc: naive.estimate.auc, tprAt1e2: naive.estimate.tprAt[0] },
    adaptive: { auc: adaptive.estimate.auc, tprAt1e2: adaptive.estimate.tprAt[0] },
    auc: replicateInterval(diff(adaptive.auc, naive.auc), adaptive.estimate.auc - naive.estimate.auc),
    tprAt1e2: replicateInterval(diff(adaptive.tprAt[0], naive.tprAt[0]), adaptive.estimate.tprAt[0] - naive.estimate.tprAt[0]),
  };
}

export const study: Study = {
  description: "the adaptive activity detector against the naive one under Poisson cover, adaptive-activity.json as written (200 users, one hour)",
  test: "test/physics/adaptive-activity.test.ts",
  async run(log) {
    const r = await pairedAdaptiveMinusNaive(adaptiveActivityExperiment());
    log(`adaptive − naive AUC ${JSON.stringify(r.auc)}, TPR@1e-2 ${JSON.stringify(r.tprAt1e2)}`);
    return r;
  },
};
