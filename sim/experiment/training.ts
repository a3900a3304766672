/**
 * The adaptive adversary's training run: a separate simulation of the same defense with
 * the same observers at the same vantages, under a seed disjoint from the experiment's
 * (a different population and different traffic). Learned observers fit on its labelled
 * rows, and every observer's score direction is fixed on it, before the test run is
 * scored: the adversary has seen the defense, never the test population.
 *
 * The training run is a function of (experiment, defense, duration) alone, so it can run
 * on another thread than its arm (run.ts with several workers: training runs and test
 * runs are separate tasks, sim/parallel/arm-part-task.ts) and be handed over with
 * `provideTraining`; `trainingRun` then returns the hand-over for exactly that key
 * instead of running it again. Results never depend on where it ran.
 */
import { rocAuc } from "../../observers/metrics.ts";
import type { Orientation } from "../../observers/metrics/scored-cases.ts";
import type { TrainingData } from "../../observers/observer.ts";
import type { Micros } from "../core/time.ts";
import { buildArm } from "./build-arm.ts";
import { labelsFromTruth, labelsPerObserver } from "./labels.ts";
import { feedMetadata } from "../world/metadata-feed.ts";
import { scopeUsers } from "../world/topology.ts";
import { restrictToScope } from "./scope-cases.ts";
import type { Defense, Experiment } from "./schema.ts";

/**
 * The seed of an arm's training run: disjoint from the experiment seed, so the learned
 * observer trains on a different population and different traffic (docs/architecture.md §6).
 */
export function trainingSeed(seed: number): number {
  return (seed + 0x9e3779b9) % 2 ** 32;
}

/** What the training run tells the test run, per observer (by its index in the experiment). */
export interface Training {
  /** Labelled rows for each learned observer. */
  data: Map<number, TrainingData>;
  /** The direction each observer's score is read in: −1 where its training AUC was below 0.5. */
  orientation: Orientation[];
  /** Each observer's AUC on the training population as it scores; null for learned observers and where no AUC is defined. */
  trainingAuc: (number | null)[];
}

/**
 * The training run: a separate simulation of the same defense, with every observer of
 * the experiment at its vantage, under the training seed. Learned observers hand over
 * their labelled rows (the adaptive adversary: it has seen the defense). Every other
 * observer is scored on the training labels once, and its score direction is fixed
 * there: an observer the defense pushed below chance (AUC < 0.5) is read flipped in the
 * test run, as an adversary who knows the defense would read it. The test population is
 * never looked at. A learned observer is trained to score linked pairs high, so it
 * keeps its direction.
 */
export async function trainingRun(exp: Experiment, defense: Defense, duration: Micros): Promise<Training> {
  const key = trainingKey(exp, defense, duration);
  const ready = provided.get(key);
  if (ready !== undefined) {
    provided.delete(key);
    return ready;
  }
  return computeTraining(exp, defense, duration);
}

/** Training runs computed elsewhere (another thread), by `trainingKey`, each used once. */
const provided = new Map<string, Training>();

/** Everything a training run depends on, as one string. */
export function trainingKey(exp: Experiment, defense: Defense, duration: Micros): string {
  return JSON.stringify({ experiment: exp, defense, duration });
}

/** Hands over a training run computed elsewhere: the next `trainingRun` with the same arguments returns it. */
export function provideTraining(exp: Experiment, defense: Defense, duration: Micros, training: Training): void {
  provided.set(trainingKey(exp, defense, duration), training);
}

/** The training run itself (what `trainingRun` returns when nothing was handed over). */
export async function computeTraining(exp: Experiment, defense: Defense, duration: Micros): Promise<Training> {
  const train: Experiment = { ...exp, seed: trainingSeed(exp.seed), traceUsers: [] };
  const setup = await buildArm(train, defense, duration, { radio: false });
  const result = setup.world.run();
  // metadata observers see the training population's metadata too, so they are oriented like the rest
  const fed = train.policy === undefined ? null : feedMetadata(setup.observers, result.truth, setup.placement, train.policy, train.transport, duration, train.seed);
  const labelsOf = labelsPerObserver(labelsFromTruth(result.truth, setup.population.size), fed);
  const data = new Map<number, TrainingData>();
  const orientation: Orientation[] = [];
  const trainingAuc: (number | null)[] = [];
  for (const o of setup.observers) {
    const labels = labelsOf(o.index);
    if (o.def.learns) {
      if (!o.observer.trainingSet) throw new Error(`observer "${o.def.name}" declares learns but has no trainingSet()`);
      data.set(o.index, o.observer.trainingSet(labels));
      orientation.push(1);
      trainingAuc.push(null);
      continue;
    }
    const all = o.observer.scoreAsync ? await o.observer.scoreAsync(labels) : o.observer.score(labels);
    const scores = restrictToScope(all, scopeUsers(setup.placement, o.vantage, o.scope), setup.population.size);
    const auc = scores.positives.length > 0 && scores.negatives.length > 0 ? rocAuc(scores.positives, scores.negatives) : null;
    orientation.push(auc !== null && auc < 0.5 ? -1 : 1);
    trainingAuc.push(auc);
  }
  return { data, orientation, trainingAuc };
}
