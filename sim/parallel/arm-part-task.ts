/**
 * One part of a defense arm as a worker task: its training run (`part: "train"`,
 * training.ts `computeTraining`) or the arm itself with its bootstrap replicates
 * (`part: "arm"`, scored-arm-task.ts), given the training run computed by an earlier
 * task. Splitting each arm in two gives the workers twice as many, smaller tasks to
 * balance, and lets one arm's training run beside another arm's test run. The arm
 * part hands the training over (`provideTraining`), so `runDefense` uses it instead of
 * running it again; the results are the same as running the arm in one piece.
 */
import { SECOND } from "../core/time.ts";
import { timedAsync } from "../core/phase-timer.ts";
import { computeTraining, provideTraining, type Training } from "../experiment/training.ts";
import type { ArmTask } from "../experiment/arm-task.ts";
import scoredArmTask, { type ScoredArm } from "./scored-arm-task.ts";

export type ArmPartTask = (ArmTask & { part: "train" }) | (ArmTask & { part: "arm"; training: Training });

export default async function armPartTask(task: ArmPartTask): Promise<Training | ScoredArm> {
  const exp = task.experiment;
  const defense = exp.defenses[task.index];
  const duration = Math.round(exp.durationSeconds * SECOND);
  // timed as train, as runDefense times the training run it makes itself
  if (task.part === "train") return timedAsync("train", () => computeTraining(exp, defense, duration));
  provideTraining(exp, defense, duration, task.training);
  return scoredArmTask({ experiment: exp, index: task.index });
}
