/**
 * Physics of the adaptive activity detector (observers/adaptive-activity-detector.ts) on
 * the repository's sim/experiment/builtin/adaptive-activity.json, used as written (200
 * users, one hour), through the public runner's arm (`runDefense`): under Poisson cover
 * on both sides, an observer that has seen covered traffic before (trained on a disjoint
 * population running the same defense) tells real activity from cover better than the
 * naive one that measures each window against the user's own median — the paired
 * difference adaptive − naive, on the same user and time-block bootstrap replicates for
 * both, has an interval above 0. This is what makes "additional network activity should
 * not be interpreted as proof of active user communication" hold only against an
 * observer who has not seen the cover.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseExperiment } from "../../sim/experiment/parse.ts";
import { runDefense } from "../../sim/experiment/run-arm.ts";
import { drawUserWeights } from "../../observers/metrics/user-weights.ts";
import { drawTimeWeights } from "../../observers/metrics/time-weights.ts";
import { replicateScoreMetrics } from "../../observers/metrics/replicate-score-metrics.ts";
import { replicateInterval } from "../../observers/metrics/replicate-interval.ts";
import { stream } from "../../sim/core/rng.ts";
import { MINUTE, SECOND } from "../../sim/core/time.ts";

describe("the adaptive activity detector (adaptive-activity.json)", () => {
  it("beats the naive detector under Poisson cover: paired AUC and TPR@1e-2 differences above 0", async () => {
    const raw = JSON.parse(readFileSync(new URL("../../sim/experiment/builtin/adaptive-activity.json", import.meta.url), "utf8"));
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
    const auc = replicateInterval(diff(adaptive.auc, naive.auc), adaptive.estimate.auc - naive.estimate.auc);
    const tpr = replicateInterval(diff(adaptive.tprAt[0], naive.tprAt[0]), adaptive.estimate.tprAt[0] - naive.estimate.tprAt[0]);
    console.log(`poisson-cover: naive AUC ${naive.estimate.auc.toFixed(3)}, adaptive ${adaptive.estimate.auc.toFixed(3)}; adaptive − naive AUC ${JSON.stringify(auc)}, TPR@1e-2 ${JSON.stringify(tpr)}`);
    expect(auc.lo!).toBeGreaterThan(0);
    expect(tpr.lo!).toBeGreaterThan(0);
  }, 1_800_000);
});
