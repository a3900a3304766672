/**
 * Runs an experiment: for each defense, the same population and conversation models
 * (the same seed, so common random numbers until shaping delays make conversations
 * diverge) through the engine, observers at their vantage points, and the costs.
 *
 * Returns `metrics` — plain JSON with no times, paths or machine facts in it, so the
 * same experiment and seed give a byte-identical `metrics.json` — and `extras`
 * (timelines, ROC curves, run statistics) for figures and the manifest.
 */
import { getObserver } from "./registries.ts";
import type { Observer, ObserverDefinition, TaskName, TrainingData, VantageName } from "../../observers/observer.ts";
import { rocCurve, summarizeScores, type ScoreSummary } from "../../observers/metrics.ts";
import { getShaper } from "./registries.ts";
import { budgetFrom } from "../engine/budget.ts";
import { getConversationModel } from "./registries.ts";
import { meanInterval, overheadInterval, quantileIntervals, type Interval } from "./cost.ts";
import type { Defense, Experiment } from "./schema.ts";
import { planNetwork } from "../world/network.ts";
import { buildPopulation, type Population } from "../world/population.ts";
import { RadioFleet, radioPreset } from "../world/radio.ts";
import { stream } from "../core/rng.ts";
import { HOUR, SECOND, type Micros } from "../core/time.ts";
import type { Trace } from "../core/trace.ts";
import { Transport } from "../world/transport.ts";
import { tsxPool } from "../parallel/tsx-pool.ts";
import { TYPE_CODE } from "../world/truth.ts";
import { World, type WorldResult } from "../world/world.ts";

export interface ObserverResult {
  observer: string;
  vantage: VantageName;
  task: TaskName;
  sees: string;
  cannotSee: string;
  summary: ScoreSummary;
}

export interface ArmResult {
  defense: string;
  device: { shaper: string; params: Record<string, unknown> };
  server: { shaper: string; params: Record<string, unknown> };
  traffic: {
    messages: number;
    delivered: number;
    conversations: number;
    packets: number;
  };
  cost: {
    bandwidthOverhead: { total: Interval; device: Interval; server: Interval };
    addedLatencyMs: { p50: Interval; p95: Interval; p99: Interval; messages: number };
    endToEndLatencyMs: { p50: Interval; p95: Interval; p99: Interval };
    energy: { radio: string; joulesPerHour: Interval; wakeupsPerHour: Interval };
    budget: { refusedPadding: number; forcedReleases: number };
  };
  observers: ObserverResult[];
}

export interface RunMetrics {
  experiment: string;
  purpose: string;
  seed: number;
  durationSeconds: number;
  users: number;
  arms: ArmResult[];
}

export interface ArmExtras {
  defense: string;
  events: number;
  packets: number;
  timelines: { user: number; trace: Trace }[];
  roc: { observer: string; fpr: Float64Array; tpr: Float64Array }[];
  addedLatencyMs: Float64Array;
  joulesPerHour: Float64Array;
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
}

/** Person-to-person message types: the ones whose latency a user feels. */
const USER_TYPES = new Set(["text", "photo", "video", "voice-note", "file"].map((t) => TYPE_CODE[t as keyof typeof TYPE_CODE]));

export async function runExperiment(exp: Experiment, hooks: RunHooks = {}): Promise<RunOutput> {
  const duration: Micros = Math.round(exp.durationSeconds * SECOND);
  const n = exp.defenses.length;
  const workers = Math.min(hooks.workers ?? 1, n);
  const results: { arm: ArmResult; extra: ArmExtras }[] = new Array(n);
  if (workers <= 1) {
    for (let i = 0; i < n; i++) results[i] = await runDefense(exp, exp.defenses[i], duration, (f) => hooks.onProgress?.(i, f));
  } else {
    // Arms are independent (each draws from its own named streams), so running them on
    // several threads gives the same results as running them one after another.
    const { unclone } = await import("./arm-task.ts");
    const pool = tsxPool(new URL("./arm-task.ts", import.meta.url), workers);
    try {
      let done = 0;
      await Promise.all(
        exp.defenses.map(async (_, index) => {
          results[index] = unclone(await pool.run({ experiment: exp, index }));
          hooks.onProgress?.(index, 1);
          hooks.onArmDone?.(++done, n);
        }),
      );
    } finally {
      await pool.destroy();
    }
  }
  return {
    metrics: {
      experiment: exp.name,
      purpose: exp.purpose,
      seed: exp.seed,
      durationSeconds: exp.durationSeconds,
      users: (exp.population as { users: number }).users,
      arms: results.map((r) => r.arm),
    },
    extras: results.map((r) => r.extra),
  };
}

/** The experiment's observers, created for one run of `population.users` users under `seed`. */
async function buildArmObservers(exp: Experiment, duration: Micros, seed: number) {
  const users = (exp.population as { users: number }).users;
  return Promise.all(
    exp.observers.map(async (o, index) => {
      const def = await getObserver(o.observer);
      const observer = def.create(o.params as never, { users, start: 0, end: duration, rng: stream(seed, `observer/${index}/${o.observer}`) });
      return { index, def, vantage: (o.vantage ?? def.vantage) as VantageName, observer };
    }),
  );
}

/** Everything one defense arm runs with, built from the experiment. */
export interface ArmSetup {
  population: Population;
  observers: { index: number; def: ObserverDefinition; vantage: VantageName; observer: Observer }[];
  radio: RadioFleet | null;
  world: World;
}

/**
 * Builds the world for one defense arm: population, conversation models, transport,
 * network, shapers, observers' taps and (unless `radio: false`) the radio fleet.
 * Exported for the benchmarks, which run the world without scoring.
 */
export async function buildArm(
  exp: Experiment,
  defense: Defense,
  duration: Micros,
  opts: { radio?: boolean; onProgress?: (fraction: number) => void } = {},
): Promise<ArmSetup> {
  const seed = exp.seed;
  const population: Population = buildPopulation(exp.population, stream(seed, "population"));
  const models = await Promise.all(
    exp.conversations.map(async (c, i) => {
      const def = await getConversationModel(c.model);
      return { name: c.model, model: def.create(c.params as never, stream(seed, `conversation/${i}/${c.model}`)) };
    }),
  );
  const observers = await buildArmObservers(exp, duration, seed);
  const radio = opts.radio === false ? null : new RadioFleet(population.size, radioPreset(exp.radio));
  const onProgress = opts.onProgress;
  const world = new World({
    seed,
    duration,
    population,
    models,
    transport: new Transport(exp.transport),
    network: planNetwork(exp.network),
    device: {
      name: defense.device.shaper,
      definition: await getShaper(defense.device.shaper),
      params: defense.device.params,
      budget: budgetFrom(defense.device.budget),
    },
    server: {
      name: defense.server.shaper,
      definition: await getShaper(defense.server.shaper),
      params: defense.server.params,
      budget: budgetFrom(defense.server.budget),
    },
    taps: observers.map((o) => ({ vantage: o.vantage, tap: o.observer.tap })),
    // packets still in flight at the end of the run fall outside its books
    deviceFeed: radio ? (device, time, size, dir) => (time <= duration ? radio.packet(device, time, size, dir) : undefined) : undefined,
    traceUsers: exp.traceUsers,
    maxEvents: exp.limits.maxEvents,
    onProgress: onProgress ? (now) => onProgress(now / duration) : undefined,
  });
  return { population, observers, radio, world };
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

  const cost = costOf(result, radio, population.size, duration, exp, metricsRng.child("cost"));
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

/**
 * The seed of an arm's training run: disjoint from the experiment seed, so the learned
 * observer trains on a different population and different traffic (DESIGN §6).
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
async function trainLearnedObservers(exp: Experiment, defense: Defense, duration: Micros): Promise<Map<number, TrainingData>> {
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

function trafficOf(r: WorldResult): ArmResult["traffic"] {
  const m = r.truth.messages;
  let delivered = 0;
  for (let i = 0; i < m.length; i++) if (!Number.isNaN(m.delivered[i])) delivered++;
  return { messages: m.length, delivered, conversations: r.truth.conversations.length, packets: r.packets };
}

function costOf(r: WorldResult, radio: RadioFleet, users: number, duration: Micros, exp: Experiment, rng: ReturnType<typeof stream>) {
  const { resamples, level } = exp.metrics;
  const m = r.truth.messages;
  const added: number[] = [];
  const e2e: number[] = [];
  for (let i = 0; i < m.length; i++) {
    if (!USER_TYPES.has(m.type[i]) || m.from[i] < 0 || m.to[i] < 0 || Number.isNaN(m.delivered[i])) continue;
    added.push(m.added[i] / 1000);
    e2e.push((m.delivered[i] - m.created[i]) / 1000);
  }
  const addedMs = Float64Array.from(added);
  const qs = [0.5, 0.95, 0.99];
  const [a50, a95, a99] = quantileIntervals(addedMs, qs, rng.child("added"), resamples, level);
  const [e50, e95, e99] = quantileIntervals(Float64Array.from(e2e), qs, rng.child("e2e"), resamples, level);

  const hours = duration / HOUR;
  const joulesPerHour = new Float64Array(users);
  const wakeupsPerHour = new Float64Array(users);
  for (let u = 0; u < users; u++) {
    joulesPerHour[u] = radio.energyJoules(u) / hours;
    wakeupsPerHour[u] = radio.wakeups(u) / hours;
  }
  return {
    addedMs,
    joulesPerHour,
    summary: {
      bandwidthOverhead: {
        total: overheadInterval(r.userWireBytes, r.userRealBytes, rng.child("bw/total"), resamples, level),
        device: overheadInterval(r.deviceWireBytes, r.deviceRealBytes, rng.child("bw/device"), resamples, level),
        server: overheadInterval(r.serverWireBytes, r.serverRealBytes, rng.child("bw/server"), resamples, level),
      },
      addedLatencyMs: { p50: a50, p95: a95, p99: a99, messages: addedMs.length },
      endToEndLatencyMs: { p50: e50, p95: e95, p99: e99 },
      energy: {
        radio: exp.radio,
        joulesPerHour: meanInterval(joulesPerHour, rng.child("energy"), resamples, level),
        wakeupsPerHour: meanInterval(wakeupsPerHour, rng.child("wakeups"), resamples, level),
      },
      budget: {
        refusedPadding: r.device.refusedPadding + r.server.refusedPadding,
        forcedReleases: r.device.forcedReleases + r.server.forcedReleases,
      },
    },
  };
}
