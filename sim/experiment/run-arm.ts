/**
 * Runs one defense arm: trains the learned observers on their own run, builds and runs
 * the arm's world, closes the radio books, feeds the metadata observers their vantage's
 * records when the experiment has a `policy` (sim/world/metadata-feed.ts), scores every
 * observer on the arm's labels (a metadata observer on labels that also know its flow
 * handles and the bystanders) and measures the cost. Returns the arm's entry of
 * `metrics.json` and the extras the figures draw (timelines, ROC curves, per-message
 * latencies, per-device energy).
 */
import type { Orientation } from "../../observers/metrics/scored-cases.ts";
import type { IdentificationScores, Observer, TaskScores } from "../../observers/observer.ts";
import { stream } from "../core/rng.ts";
import type { Trace } from "../core/trace.ts";
import type { ArmResult } from "../runs/metrics.ts";
import type { RadioFleet } from "../world/radio.ts";
import type { WorldResult } from "../world/world.ts";
import type { Truth } from "../world/truth.ts";
import { buildArm } from "./build-arm.ts";
import { armCost } from "./cost.ts";
import type { Defense, Experiment } from "./schema.ts";
import { labelsFromTruth, labelsPerObserver } from "./labels.ts";
import { feedMetadata } from "../world/metadata-feed.ts";
import { scopeUsers } from "../world/topology.ts";
import { restrictToScope } from "./scope-cases.ts";
import { trainingRun } from "./training.ts";
import { timed, timedAsync } from "../core/phase-timer.ts";
import { observationHorizons, truthUntil } from "./truth-until.ts";
import { SECOND, type Micros } from "../core/time.ts";

export interface ArmExtras {
  defense: string;
  events: number;
  packets: number;
  timelines: { user: number; trace: Trace }[];
  roc: { observer: string; fpr: Float64Array; tpr: Float64Array }[];
  addedLatencyMs: Float64Array;
  joulesPerHour: Float64Array;
}

/** A long-term observer's scores after watching until one horizon. */
export interface HorizonScores {
  /** The horizon, seconds from the start of the run (observationHorizons). */
  seconds: number;
  /** Observation rounds the attack had seen by then, and their width in seconds. */
  rounds: number;
  roundSeconds: number;
  /** The link task on the pairs that had talked by then. */
  scores: TaskScores;
  /** Partner identification of the targets who had a partner by then (oriented as the observer is read). */
  identification: IdentificationScores | null;
}

/** One observer's scores in one arm, with the direction fixed on the training run: what the run's scoring needs. */
export interface ObserverScores {
  /** Index of the observer in the experiment. */
  index: number;
  scores: TaskScores;
  orientation: Orientation;
  trainingAuc: number | null;
  /**
   * For observers that can score after a shorter observation (`Observer.scoreUntil`: the
   * long-term attacks), the same attack at each observation horizon, the last the whole
   * run. Labels at each horizon come from the truth cut there (truth-until.ts).
   */
  horizons?: HorizonScores[];
}

/** What one arm hands to the run's scoring: its entry of metrics.json without the observer figures, its scores, its extras. */
export interface ArmRun {
  arm: Omit<ArmResult, "observers" | "strongest" | "versusUndefended">;
  scores: ObserverScores[];
  extra: ArmExtras;
}

/**
 * Runs one defense arm of an experiment: the training run (learned observers' rows and
 * every observer's score direction), then the arm itself. Exported for the workers.
 */
export async function runDefense(exp: Experiment, defense: Defense, duration: Micros, onProgress?: (fraction: number) => void): Promise<ArmRun> {
  const seed = exp.seed;
  const training = await timedAsync("train", () => trainingRun(exp, defense, duration));
  const { population, observers, placement, radio: fleet, world } = await buildArm(exp, defense, duration, { onProgress });
  const radio = fleet as RadioFleet;
  for (const o of observers) {
    const data = training.data.get(o.index);
    const train = o.observer.train?.bind(o.observer);
    if (data && train) timed("train", () => train(data.features, data.labels, data));
  }
  const result = world.run();
  radio.finish(duration);
  onProgress?.(1);

  const metricsRng = stream(seed, `metrics/${defense.name}`);
  const labels = labelsFromTruth(result.truth, population.size);
  // the metadata world (only with a policy): each metadata observer reads its vantage's records, and gets labels that know its flow handles
  const fed = exp.policy === undefined ? null : timed("score", () => feedMetadata(observers, result.truth, placement, exp.policy, exp.transport, duration, seed));
  const labelsOf = labelsPerObserver(labels, fed);
  const scores: ObserverScores[] = [];
  for (const o of observers) {
    const own = labelsOf(o.index);
    const all = await timedAsync("score", async () => (o.observer.scoreAsync ? await o.observer.scoreAsync(own) : o.observer.score(own)));
    // a scoped observer answers for its own scope's users only (scope-cases.ts)
    const s = restrictToScope(all, scopeUsers(placement, o.vantage, o.scope), population.size);
    scores.push({ index: o.index, scores: s, orientation: training.orientation[o.index], trainingAuc: training.trainingAuc[o.index] });
  }
  scoreHorizons(observers, scores, result.truth, population.size, duration, exp.durationSeconds, labels);

  const cost = armCost(result, radio, population.size, duration, exp.metrics, exp.radio, metricsRng.child("cost"));
  const arm: ArmRun["arm"] = {
    defense: defense.name,
    device: { shaper: defense.device.shaper, params: defense.device.params },
    server: { shaper: defense.server.shaper, params: defense.server.params },
    traffic: trafficOf(result),
    cost: cost.summary,
  };
  const timelines = [...result.traces.entries()].map(([user, trace]) => ({ user, trace }));
  return {
    arm,
    scores,
    extra: {
      defense: defense.name,
      events: result.events,
      packets: result.packets,
      timelines,
      roc: [],
      addedLatencyMs: cost.addedMs,
      joulesPerHour: cost.joulesPerHour,
    },
  };
}

/**
 * The long-term observers (those with `scoreUntil`) scored at every observation horizon
 * of the run (truth-until.ts `observationHorizons`: derived from the duration, one grid
 * for all), each on the labels of what had happened by then; the last horizon is the
 * whole run and reuses its labels. Read off the aggregates each observer already holds:
 * nothing is re-run. Attaches `horizons` to each such observer's entry of `scores`.
 */
export function scoreHorizons(
  observers: readonly { index: number; observer: Observer }[],
  scores: ObserverScores[],
  truth: Truth,
  users: number,
  duration: Micros,
  durationSeconds: number,
  fullLabels: ReturnType<typeof labelsFromTruth>,
): void {
  const longTerm = observers.filter((o) => typeof o.observer.scoreUntil === "function");
  if (longTerm.length === 0) return;
  const horizons = observationHorizons(durationSeconds);
  const entries = longTerm.map((o) => {
    const entry = scores.find((x) => x.index === o.index)!;
    entry.horizons = [];
    return entry;
  });
  // Horizon by horizon, so only one cut truth (and its labels) is alive at a time.
  horizons.forEach((h, k) => {
    const last = k === horizons.length - 1;
    const until = last ? duration : Math.round(h * SECOND);
    const labels = last ? fullLabels : labelsFromTruth(truthUntil(truth, until), users);
    longTerm.forEach((o, j) => {
      const entry = entries[j];
      const obs = o.observer;
      const seen = obs.roundsUntil?.(until) ?? { rounds: 0, width: 0 };
      entry.horizons!.push({
        seconds: h,
        rounds: seen.rounds,
        roundSeconds: seen.width / SECOND,
        scores: last ? entry.scores : obs.scoreUntil!(labels, until),
        identification: obs.identificationUntil ? obs.identificationUntil(labels, until, entry.orientation) : null,
      });
    });
  });
}

function trafficOf(r: WorldResult): ArmResult["traffic"] {
  const m = r.truth.messages;
  let delivered = 0;
  for (let i = 0; i < m.length; i++) if (!Number.isNaN(m.delivered[i])) delivered++;
  return { messages: m.length, delivered, conversations: r.truth.conversations.length, packets: r.packets };
}

