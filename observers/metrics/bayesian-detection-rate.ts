/**
 * Bayesian detection rate: the precision of an attack at a stated base rate.
 *
 * BDR = TPR·b / (TPR·b + FPR·(1−b)), the probability that a flagged case really is
 * positive when a fraction b of all cases are (Axelsson, "The base-rate fallacy and its
 * implications for the difficulty of intrusion detection", ACM CCS 1999). DeepCoFFEA
 * reports it with b = 1/N for N test flows (Oh et al., IEEE S&P 2022, as coded in
 * traffic-analysis/deepcoffea; reference/traffic-and-adversaries.md §2.3, §2.4 item 3).
 * It is why a 94% TPR at FPR 1e-3 is not a deployable attack against a million users.
 *
 * Returns NaN only when nothing can ever be flagged (TPR·b = FPR·(1−b) = 0), where
 * precision is undefined.
 *
 * @example
 * bayesianDetectionRate(0.94, 1e-3, 1e-6) // => 9.39e-4 (about 1,000 false accusations per true one)
 * bayesianDetectionRate(0.94, 1e-5, 1e-6) // => 0.0859
 */
import { checkProbability } from "./validate.ts";

export function bayesianDetectionRate(tpr: number, fpr: number, baseRate: number): number {
  checkProbability(tpr, "bayesianDetectionRate", "tpr");
  checkProbability(fpr, "bayesianDetectionRate", "fpr");
  checkProbability(baseRate, "bayesianDetectionRate", "baseRate");
  const hit = tpr * baseRate;
  const denominator = hit + fpr * (1 - baseRate);
  return denominator === 0 ? Number.NaN : hit / denominator;
}
