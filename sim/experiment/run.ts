/**
 * Runs an experiment: every defense arm (on worker threads when asked; the results do
 * not depend on it), then scores all arms together on shared bootstrap replicates
 * (`score-run.ts`: oriented figures, strongest observers, paired comparisons) into `metrics` — plain JSON with no times,
 * paths or machine facts, so the same experiment and seed give a byte-identical
 * `metrics.json` — and `extras` for the figures and the manifest.
 *
 * @example
 * const { metrics } = await runExperiment(exp, { workers: 2 });
 */
import { SECOND, type Micros } from "../core/time.ts";
import { PhaseTimer, timedAsync, withActiveTimer } from "../core/phase-timer.ts";
import { tsxPool, type TimedReply } from "../parallel/tsx-pool.ts";
import type { ScoredArm } from "../parallel/scored-arm-task.ts";
import type { Training } from "./training.ts";
import { provideReplicateScoreMetrics } from "../../observers/metrics/replicate-score-metrics.ts";
import { estimateRun } from "./feasibility.ts";
import type { RunMetrics } from "../runs/metrics.ts";
import { runDefense, type ArmExtras, type ArmRun } from "./run-arm.ts";
import { scoreRun } from "./score-run.ts";
import type { Experiment } from "./schema.ts";
import { runRecordedArms } from "./run-recorded.ts";

/** A recorded population (captures, `recorded.ts`): the arms replay it instead of running the world. */
async function runRecorded(exp: Experiment, hooks: RunHooks): Promise<RunOutput> {
  const { arms, users, notes } = await timedAsync("simulate", () => runRecordedArms(exp, hooks.onProgress));
  const scored = await timedAsync("score", () => scoreRun({ ...exp, population: { ...exp.population, users } }, arms));
  return {
    metrics: { experiment: exp.name, purpose: exp.purpose, seed: exp.seed, durationSeconds: exp.durationSeconds, users, arms: scored.arms, notes },
    extras: arms.map((r, i) => ({ ...r.extra, roc: scored.roc[i] })),
  };
}

export interface RunOutput {
  metrics: RunMetrics;
  extras: ArmExtras[];
}

export interface RunHooks {
  /** Called as simulated time advances: arm index, fraction of this arm done. */
  onProgress?: (arm: number, fraction: number) => void;
  /** With several workers: called as each arm completes (arms done, arms in all). */
  onArmDone?: (done: number, total: number) => void;
  /** Worker threads for the arms (default 1: this thread). Results do not depend on it. */
  workers?: number;
  /** Adds the run's wall and CPU time per phase to this timer (see the header). */
  timer?: PhaseTimer;
}

/** Arm indices, heaviest first by the feasibility estimate (ties in experiment order). */
export function armOrder(exp: Experiment): number[] {
  const events = estimateRun(exp).arms.map((a) => a.events);
  return events.map((_, i) => i).sort((a, b) => events[b] - events[a] || a - b);
}

export async function runExperiment(exp: Experiment, hooks: RunHooks = {}): Promise<RunOutput> {
  return withActiveTimer(hooks.timer, () => (exp.recorded ? runRecorded(exp, hooks) : runModelled(exp, hooks)));
}

async function runModelled(exp: Experiment, hooks: RunHooks): Promise<RunOutput> {
  const duration: Micros = Math.round(exp.durationSeconds * SECOND);
  const n = exp.defenses.length;
  const workers = Math.min(hooks.workers ?? 1, n);
  const results: ArmRun[] = new Array(n);
  if (workers <= 1) {
    for (let i = 0; i < n; i++) results[i] = await timedAsync("simulate", () => runDefense(exp, exp.defenses[i], duration, (f) => hooks.onProgress?.(i, f)));
  } else {
    // Arms are independent (each draws from its own named streams), so running them on
    // several threads gives the same results as running them one after another.
    const { unclone } = await import("./arm-task.ts");
    // Each worker also computes its arm's bootstrap replicates (scored-arm-task.ts), so
    // the scoring after the last arm has less left to do on one thread. Each arm is two
    // tasks (arm-part-task.ts): its training run, then the arm given that training run,
    // so the workers balance twice as many, smaller tasks; training runs are queued
    // heaviest arm first, and each arm follows its own training run.
    const pool = tsxPool(new URL("../parallel/arm-part-task.ts", import.meta.url), workers, { timedPhase: "simulate" });
    try {
      let done = 0;
      await Promise.all(
        armOrder(exp).map(async (index) => {
          const trained = (await pool.run({ experiment: exp, index, part: "train" })) as TimedReply<Training>;
          hooks.timer?.merge(trained.timings);
          const reply = (await pool.run({ experiment: exp, index, part: "arm", training: trained.result })) as TimedReply<ScoredArm>;
          hooks.timer?.merge(reply.timings);
          results[index] = unclone(reply.result.arm);
          results[index].scores.forEach((o, k) => provideReplicateScoreMetrics(o.scores, reply.result.replicates[k].request, reply.result.replicates[k].result));
          hooks.onProgress?.(index, 1);
          hooks.onArmDone?.(++done, n);
        }),
      );
    } finally {
      await pool.destroy();
    }
  }
  const scored = await timedAsync("score", () => scoreRun(exp, results));
  return {
    metrics: {
      experiment: exp.name,
      purpose: exp.purpose,
      seed: exp.seed,
      durationSeconds: exp.durationSeconds,
      users: (exp.population as { users: number }).users,
      arms: scored.arms,
    },
    extras: results.map((r, i) => ({ ...r.extra, roc: scored.roc[i] })),
  };
}

