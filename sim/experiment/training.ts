/**
 * The adaptive adversary's training run: a separate simulation of the same defense with
 * the same observers at the same vantages, under a seed disjoint from the experiment's
 * (a different population and different traffic). Learned observers fit on its labelled
 * rows before the test run is scored: the adversary has seen the defense, never the
 * test population.
 */
import type { TrainingData } from "../../observers/observer.ts";
import type { Micros } from "../core/time.ts";
import { buildArm } from "./build-arm.ts";
import { getObserver } from "./registries.ts";
import type { Defense, Experiment } from "./schema.ts";

/**
 * The seed of an arm's training run: disjoint from the experiment seed, so the learned
 * observer trains on a different population and different traffic (docs/architecture.md §6).
 */
export function trainingSeed(seed: number): number {
  return (seed + 0x9e3779b9) % 2 ** 32;
}

/**
 * Learned observers train first: a separate simulation of the same defense, the same
 * observers at the same vantages, under the training seed; each learned observer hands
 * over its labelled rows. This is the adaptive adversary: it has seen the defense.
 * Returns the training data by observer index; empty when no observer learns.
 */
export async function trainLearnedObservers(exp: Experiment, defense: Defense, duration: Micros): Promise<Map<number, TrainingData>> {
  const defs = await Promise.all(exp.observers.map((o) => getObserver(o.observer)));
  const learners = defs.flatMap((d, i) => (d.learns ? [i] : []));
  const out = new Map<number, TrainingData>();
  if (learners.length === 0) return out;
  const train: Experiment = { ...exp, seed: trainingSeed(exp.seed), observers: learners.map((i) => exp.observers[i]), traceUsers: [] };
  const setup = await buildArm(train, defense, duration, { radio: false });
  const result = setup.world.run();
  setup.observers.forEach((o, k) => {
    if (!o.observer.trainingSet) throw new Error(`observer "${o.def.name}" declares learns but has no trainingSet()`);
    out.set(learners[k], o.observer.trainingSet(result.truth));
  });
  return out;
}

