/**
 * Runs an experiment whose population is a folder of recorded traces (`recorded.ts`):
 * no world, no modelled conversations. For each defense, each user's trace is replayed
 * through the defense's device shaper (uplink) and server shaper (downlink) with
 * `sim/capture/replay.ts`, every shaped packet up to `durationSeconds` is fed to each
 * observer's tap, the link task is labelled from the known `pairs`, and the arms go to
 * `scoreRun` like modelled arms (same user bootstrap, same paired comparisons).
 *
 * What this path can and cannot say (also written into the run's notes):
 * - replay is not causal (see replay.ts): responses keep their recorded times, a delay
 *   the shaper adds never lengthens the conversation; per-flow order is kept;
 * - every vantage sees the same single access link (the capture point), in the device's
 *   directions: there is no separate server, VPN-exit or ISP path to observe;
 * - only the `link` task has labels (pairs known to converse; strangers = every other
 *   pair); activity, burst, content and group-link are not resolvable from a capture;
 * - no training run: there is no second population, so scores keep their direction
 *   (orientation +1) and learned observers are refused;
 * - shaper budgets are not enforced; cost is bandwidth overhead and per-packet added
 *   delay (not per message), no energy model;
 * - mixing recorded and modelled users in one run is not supported: with `recorded`
 *   set, `conversations` and the population model are ignored.
 *
 * @example
 * const { metrics } = await runExperiment(expWithRecorded); // run.ts dispatches here
 */
import type { Observer, TaskName } from "../../observers/observer.ts";
import type { Labels, PairTask } from "../../observers/labels.ts";
import { labelsFromPairs } from "../../observers/pair-labels.ts";
import { stream } from "../core/rng.ts";
import { SECOND, type Micros } from "../core/time.ts";
import type { Trace } from "../core/trace.ts";
import { InputError } from "../core/validation.ts";
import { replayTrace } from "../capture/replay.ts";
import { overheadInterval, quantileIntervals } from "./cost.ts";
import { getObserver, getShaper } from "./registries.ts";
import { loadRecorded, recordedBase, type RecordedPopulation } from "./recorded.ts";
import type { ArmRun, ObserverScores } from "./run-arm.ts";
import type { Defense, Experiment } from "./schema.ts";

/** The limits of a recorded run, as notes for metrics.json and the report. */
export function recordedNotes(pop: RecordedPopulation): string[] {
  return [
    `population: ${pop.traces.length} recorded traces (${pop.files.length > 4 ? `${pop.files[0]} … ${pop.files[pop.files.length - 1]}` : pop.files.join(", ")}, user = position by name), ${pop.pairs.length} known conversing pairs; ${pop.aligned ? "put on one clock by their capture origins" : "each on its own clock (no capture origin): cross-user timing is only meaningful if they were recorded together"}`,
    "replay is not causal: responses keep their recorded times, and a delay the shaper adds never lengthens the conversation (latency cost only); each flow keeps its recorded order",
    "every vantage sees the same single access link (the capture point), in the device's directions",
    "only the link task is labelled (known pairs vs every other pair); activity, burst, content and group-link are not resolvable from a capture",
    "no training run (no second population): scores are read in their own direction and learned observers are refused",
    "shaper budgets are not enforced; packets after durationSeconds are dropped; cost: shaped against recorded wire bytes, and per-packet added delay, no energy model; modelled conversations are ignored (mixing is not supported)",
  ];
}

function recordedLabels(users: number, pairs: [number, number][]): Labels {
  const link = labelsFromPairs(users, pairs);
  const none = (what: string): never => {
    throw new InputError(`recorded population: ${what} is not resolvable from a capture (only the link task has labels: the known pairs)`);
  };
  return {
    users,
    pairs: (task: PairTask) => (task === "link" ? link : none(`the ${task} task`)),
    activeWindows: () => none("the activity task"),
    carried: () => none("the content task"),
  };
}

async function makeShaper(defense: Defense, side: "device" | "server", seed: number, user: number) {
  const s = defense[side];
  if (s.shaper === "none") return undefined;
  const def = await getShaper(s.shaper);
  const params = def.schema.parse(s.params);
  return () => def.create(params as never, { rng: stream(seed, `recorded/${defense.name}/${side}/${user}`), side, mtu: 1500 });
}

async function runRecordedArm(exp: Experiment, pop: RecordedPopulation, defense: Defense, duration: Micros): Promise<ArmRun> {
  const users = pop.traces.length;
  const observers: { index: number; observer: Observer; task: TaskName }[] = await Promise.all(
    exp.observers.map(async (o, index) => {
      const def = await getObserver(o.observer);
      if (def.learns) throw new InputError(`observers[${index}] = ${def.name}: a learned observer needs a training run, which a recorded population does not have`);
      const observer = def.create(def.schema.parse(o.params) as never, { users, start: 0, end: duration, rng: stream(exp.seed, `observer/${index}/${o.observer}`) });
      if (def.task !== "link") throw new InputError(`observers[${index}] = ${def.name}: task ${def.task} is not resolvable from a capture (only link)`);
      return { index, observer, task: def.task };
    }),
  );
  const wire = { device: new Float64Array(users), deviceReal: new Float64Array(users), server: new Float64Array(users), serverReal: new Float64Array(users) };
  const delays: number[] = [];
  let packets = 0;
  const timelines: { user: number; trace: Trace }[] = [];
  for (let u = 0; u < users; u++) {
    const device = await makeShaper(defense, "device", exp.seed, u);
    const server = await makeShaper(defense, "server", exp.seed, u);
    const r = replayTrace(pop.traces[u], { device, server, until: duration });
    for (const d of [...r.upDelays, ...r.downDelays]) delays.push(d / 1000);
    // overhead: shaped wire bytes against the recorded (unshaped) wire bytes, both up to the duration
    const rec = pop.traces[u];
    for (let i = 0; i < rec.length; i++) if (rec.time[i] <= duration) (rec.dir[i] === 0 ? wire.deviceReal : wire.serverReal)[u] += rec.size[i];
    const t = r.trace;
    for (let i = 0; i < t.length; i++) {
      if (t.time[i] > duration) continue;
      packets++;
      (t.dir[i] === 0 ? wire.device : wire.server)[u] += t.size[i];
      for (const o of observers) o.observer.tap.packet(u, t.time[i], t.size[i], t.dir[i] as 0 | 1);
    }
    if (exp.traceUsers.includes(u)) timelines.push({ user: u, trace: t });
  }
  const labels = recordedLabels(users, pop.pairs);
  const scores: ObserverScores[] = [];
  for (const o of observers) {
    const s = o.observer.scoreAsync ? await o.observer.scoreAsync(labels) : o.observer.score(labels);
    scores.push({ index: o.index, scores: s, orientation: 1, trainingAuc: null });
  }
  const { resamples, level } = exp.metrics;
  const rng = stream(exp.seed, `metrics/${defense.name}`).child("cost");
  const total = wire.device.map((v, u) => v + wire.server[u]);
  const totalReal = wire.deviceReal.map((v, u) => v + wire.serverReal[u]);
  const addedMs = Float64Array.from(delays);
  const [a50, a95, a99] = quantileIntervals(addedMs, [0.5, 0.95, 0.99], rng.child("added"), resamples, level);
  const nothing = { estimate: null, lo: null, hi: null };
  return {
    arm: {
      defense: defense.name,
      device: { shaper: defense.device.shaper, params: defense.device.params },
      server: { shaper: defense.server.shaper, params: defense.server.params },
      traffic: { messages: 0, delivered: 0, conversations: pop.pairs.length, packets },
      cost: {
        bandwidthOverhead: {
          total: overheadInterval(total, totalReal, rng.child("bw/total"), resamples, level),
          device: overheadInterval(wire.device, wire.deviceReal, rng.child("bw/device"), resamples, level),
          server: overheadInterval(wire.server, wire.serverReal, rng.child("bw/server"), resamples, level),
        },
        addedLatencyMs: { p50: a50, p95: a95, p99: a99, messages: addedMs.length },
        endToEndLatencyMs: { p50: nothing, p95: nothing, p99: nothing },
        energy: { radio: exp.radio, joulesPerHour: nothing, wakeupsPerHour: nothing },
        budget: { refusedPadding: 0, forcedReleases: 0 },
      },
    },
    scores,
    extra: { defense: defense.name, events: 0, packets, timelines, roc: [], addedLatencyMs: addedMs, joulesPerHour: new Float64Array(users) },
  };
}

/** Loads the recorded population and runs every defense on it, in experiment order. */
export async function runRecordedArms(exp: Experiment, onProgress?: (arm: number, fraction: number) => void): Promise<{ arms: ArmRun[]; users: number; notes: string[] }> {
  if (!exp.recorded) throw new Error("runRecordedArms: the experiment has no recorded section");
  const pop = loadRecorded(exp.recorded, recordedBase(exp));
  const duration: Micros = Math.round(exp.durationSeconds * SECOND);
  const arms: ArmRun[] = [];
  for (const [i, d] of exp.defenses.entries()) {
    arms.push(await runRecordedArm(exp, pop, d, duration));
    onProgress?.(i, 1);
  }
  return { arms, users: pop.traces.length, notes: recordedNotes(pop) };
}
