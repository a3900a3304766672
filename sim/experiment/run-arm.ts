/**
 * Runs one defense arm: trains the learned observers on their own run, builds and runs
 * the arm's world, closes the radio books, scores every observer on the arm's labels
 * and measures the cost. Returns the arm's entry of `metrics.json` and the extras the
 * figures draw (timelines, ROC curves, per-message latencies, per-device energy).
 */
import { rocCurve, summarizeScores } from "../../observers/metrics.ts";
import { stream } from "../core/rng.ts";
import type { Micros } from "../core/time.ts";
import type { Trace } from "../core/trace.ts";
import type { ArmResult, ObserverResult } from "../runs/metrics.ts";
import type { RadioFleet } from "../world/radio.ts";
import type { WorldResult } from "../world/world.ts";
import { buildArm } from "./build-arm.ts";
import { armCost } from "./cost.ts";
import type { Defense, Experiment } from "./schema.ts";
import { trainLearnedObservers } from "./training.ts";

export interface ArmExtras {
  defense: string;
  events: number;
  packets: number;
  timelines: { user: number; trace: Trace }[];
  roc: { observer: string; fpr: Float64Array; tpr: Float64Array }[];
  addedLatencyMs: Float64Array;
  joulesPerHour: Float64Array;
}

/** Runs one defense arm of an experiment. Exported for the sweep workers. */
export async function runDefense(
  exp: Experiment,
  defense: Defense,
  duration: Micros,
  onProgress?: (fraction: number) => void,
): Promise<{ arm: ArmResult; extra: ArmExtras }> {
  const seed = exp.seed;
  const trainable = await trainLearnedObservers(exp, defense, duration);
  const { population, observers, radio: fleet, world } = await buildArm(exp, defense, duration, { onProgress });
  const radio = fleet as RadioFleet;
  observers.forEach((o, i) => {
    const data = trainable.get(i);
    if (data && o.observer.train) o.observer.train(data.features, data.labels, data);
  });
  const result = world.run();
  radio.finish(duration);
  onProgress?.(1);

  const metricsRng = stream(seed, `metrics/${defense.name}`);
  const { resamples, level, fprs } = exp.metrics;
  const observerResults: ObserverResult[] = [];
  const roc: ArmExtras["roc"] = [];
  for (const [i, o] of observers.entries()) {
    const scores = o.observer.scoreAsync ? await o.observer.scoreAsync(result.truth) : o.observer.score(result.truth);
    const summary = summarizeScores(scores, metricsRng.child(`observer/${i}`), { fprs, resamples, level });
    observerResults.push({ observer: o.def.name, vantage: o.vantage, task: o.def.task, sees: o.def.sees, cannotSee: o.def.cannotSee, summary });
    if (scores.positives.length > 0 && scores.negatives.length > 0) {
      const c = rocCurve(scores.positives, scores.negatives);
      roc.push({ observer: o.def.name, fpr: c.fpr, tpr: c.tpr });
    }
  }

  const cost = armCost(result, radio, population.size, duration, exp.metrics, exp.radio, metricsRng.child("cost"));
  const arm: ArmResult = {
    defense: defense.name,
    device: { shaper: defense.device.shaper, params: defense.device.params },
    server: { shaper: defense.server.shaper, params: defense.server.params },
    traffic: trafficOf(result),
    cost: cost.summary,
    observers: observerResults,
  };
  const timelines = [...result.traces.entries()].map(([user, trace]) => ({ user, trace }));
  return {
    arm,
    extra: {
      defense: defense.name,
      events: result.events,
      packets: result.packets,
      timelines,
      roc,
      addedLatencyMs: cost.addedMs,
      joulesPerHour: cost.joulesPerHour,
    },
  };
}

function trafficOf(r: WorldResult): ArmResult["traffic"] {
  const m = r.truth.messages;
  let delivered = 0;
  for (let i = 0; i < m.length; i++) if (!Number.isNaN(m.delivered[i])) delivered++;
  return { messages: m.length, delivered, conversations: r.truth.conversations.length, packets: r.packets };
}

