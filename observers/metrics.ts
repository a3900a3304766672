/**
 * The scoring metrics of chaff, one function per file under `observers/metrics/`.
 *
 * Observers return raw scores (`TaskScores`); these functions turn them into the figures
 * that go into a claim (DESIGN §6): the ROC on a log-FPR axis, TPR at FPR 1e-2/1e-3/1e-4
 * with the resolution rule, the Bayesian detection rate at a stated base rate, AUC,
 * top-k accuracy, entropy-based anonymity (degree of anonymity, effective anonymity-set
 * size), mutual information for leakage, and seeded bootstrap intervals for all of them:
 * pair and per-user statistics resample users (`drawUserWeights`, then
 * `replicateScoreMetrics` gives every replicate's figures, which the lab can subtract
 * between arms or maximise over observers replicate by replicate, and
 * `replicateInterval` turns into an interval). `summarizeScores` assembles the JSON a
 * report prints.
 *
 * @example
 * import { rocAuc, tprAtFpr, summarizeScores } from "./observers/metrics.ts";
 * rocAuc([0.9, 0.8], [0.1, 0.8]); // => 0.875
 */
export { rocAuc, rocAucSorted } from "./metrics/roc-auc.ts";
export { rocCurve, type RocCurve } from "./metrics/roc-curve.ts";
export { allowedFalsePositives, falsePositiveBudget, isResolvable, tprAtFpr, tprAtFprSorted, type TprAtFpr } from "./metrics/tpr-at-fpr.ts";
export { topKAccuracy, topKCredit } from "./metrics/top-k-accuracy.ts";
export { bayesianDetectionRate } from "./metrics/bayesian-detection-rate.ts";
export { entropyBits } from "./metrics/entropy-bits.ts";
export { degreeOfAnonymity } from "./metrics/degree-of-anonymity.ts";
export { effectiveAnonymitySetSize } from "./metrics/effective-anonymity-set-size.ts";
export { crowdsPosterior } from "./metrics/crowds-posterior.ts";
export { loopixPoolProbabilities, type LoopixPool } from "./metrics/loopix-pool-probabilities.ts";
export { mutualInformation, type MutualInformationOptions } from "./metrics/mutual-information.ts";
export { discretize } from "./metrics/discretize.ts";
export {
  bootstrapCi,
  percentileInterval,
  type BootstrapCiOptions,
  type BootstrapOptions,
  type Interval,
} from "./metrics/bootstrap-ci.ts";
export { bootstrapScores, bootstrapScoresAll, type ScoreMetric, type ScoresLike } from "./metrics/bootstrap-scores.ts";
export { drawUserWeights, type UserWeights } from "./metrics/user-weights.ts";
export { drawTimeWeights, type TimeWeights } from "./metrics/time-weights.ts";
export { weightedScoreMetrics, type ScoreMetricOptions, type ScoreMetrics } from "./metrics/weighted-score-metrics.ts";
export { replicateScoreMetrics, type ReplicateOptions, type ReplicateScoreMetrics } from "./metrics/replicate-score-metrics.ts";
export { replicateInterval, type ReplicateInterval } from "./metrics/replicate-interval.ts";
export { MIN_POSITIVES, MIN_USERS, scoreResolvability, type ScoreResolvability } from "./metrics/score-resolvability.ts";
export type { CaseScores, Orientation, TimeBlocks } from "./metrics/scored-cases.ts";
export {
  fprKey,
  summarizeScores,
  type BdrSummary,
  type ResolvableInterval,
  type ScoreSummary,
  type SummarizeOptions,
  type SummaryInterval,
  type SummaryScores,
  type TprSummary,
} from "./metrics/summarize-scores.ts";
