/**
 * One defense arm as a worker task, with its bootstrap done where it ran: `arm-task.ts`
 * runs the arm, then this computes every observer's replicate metrics on the run's
 * shared replicates (`replicateScoreMetrics`) while other arms are still running, and
 * sends them back with the arm. `runExperiment` hands them to the run's scoring
 * (`provideReplicateScoreMetrics`), which would otherwise compute them one arm after
 * another on one thread after every arm is done.
 *
 * The replicates are drawn here exactly as the run's scoring draws them (user weights
 * from stream `metrics/users`, one-minute time blocks from `metrics/time`, the
 * experiment's resamples and FPRs, top-1 and top-5). A result is used only when the
 * scoring asks for exactly that computation (same weights element for element, same
 * options); if the scoring draws differently, the results here go unused and it
 * computes its own: the run's results never depend on this task.
 */
import { SECOND } from "../core/time.ts";
import { stream } from "../core/rng.ts";
import { drawUserWeights } from "../../observers/metrics/user-weights.ts";
import { drawTimeWeights } from "../../observers/metrics/time-weights.ts";
import { replicateRequest, replicateScoreMetrics, type ReplicateRequest, type ReplicateScoreMetrics } from "../../observers/metrics/replicate-score-metrics.ts";
import armTask, { type ArmTask, type ClonedArm } from "../experiment/arm-task.ts";
import { metadataDevices } from "../experiment/devices.ts";

/** Top-k cut-offs the run's scoring asks for. */
export const SCORED_KS = [1, 5] as const;

export interface ScoredArm {
  arm: ClonedArm;
  /** Per observer score of the arm (in `arm.scores` order): the request and its result. */
  replicates: { request: ReplicateRequest; result: ReplicateScoreMetrics }[];
}

export default async function scoredArmTask(task: ArmTask): Promise<ScoredArm> {
  const arm = await armTask(task);
  const exp = task.experiment;
  const { resamples: R, fprs } = exp.metrics;
  // over every device (bystanders too, with a policy): exactly the run's scoring draw
  const W = drawUserWeights(metadataDevices(exp), R, stream(exp.seed, "metrics/users"));
  const T = drawTimeWeights(0, exp.durationSeconds * SECOND, 60 * SECOND, R, stream(exp.seed, "metrics/time"));
  const opts = { fprs, ks: SCORED_KS, time: T };
  const replicates = arm.scores.map((o) => ({ request: replicateRequest(o.orientation, W, opts), result: replicateScoreMetrics(o.scores, o.orientation, W, opts) }));
  return { arm, replicates };
}
