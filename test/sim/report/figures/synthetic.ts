/**
 * A small synthetic run output for figure tests: three defenses (undefended, a padder,
 * a constant-rate shaper with cover), two observers, seeded scores summarised by the
 * real metrics code, a traced user whose packets are built by hand, and per-message
 * latencies and per-device energies drawn from named streams. Built in milliseconds, so
 * figure tests need no simulation.
 */
import { rocCurve, summarizeScores } from "../../../../observers/metrics.ts";
import type { Interval } from "../../../../sim/runs/metrics.ts";
import { stream } from "../../../../sim/core/rng.ts";
import type { ArmExtras } from "../../../../sim/experiment/run-arm.ts";
import type { ArmResult } from "../../../../sim/runs/metrics.ts";
import type { RunOutput } from "../../../../sim/experiment/run.ts";
import { Trace } from "../../../../sim/core/trace.ts";
import { COVER, DOWN, PADDING, REAL, UP } from "../../../../sim/core/kinds.ts";

const iv = (estimate: number, lo: number, hi: number): Interval => ({ estimate, lo, hi });

interface ArmSpec {
  name: string;
  device: string;
  server: string;
  /** Separation of positive from negative scores per observer. */
  shift: [number, number];
  bandwidth: Interval;
  latencyMean: number;
  energy: number;
  pad: (size: number) => number;
  coverEvery: number;
}

const ARMS: ArmSpec[] = [
  { name: "none", device: "none", server: "none", shift: [3, 1.5], bandwidth: iv(0, 0, 0), latencyMean: 0, energy: 300, pad: (s) => s, coverEvery: 0 },
  {
    name: "padme",
    device: "padme",
    server: "padme",
    shift: [2.2, 1.2],
    bandwidth: iv(0.06, 0.05, 0.07),
    latencyMean: 1.5,
    energy: 305,
    pad: (s) => Math.min(1500, Math.ceil(s / 256) * 256),
    coverEvery: 0,
  },
  {
    name: "constant-rate",
    device: "constant-rate",
    server: "constant-rate",
    shift: [0.6, 0.3],
    bandwidth: iv(4.2, 3.9, 4.6),
    latencyMean: 180,
    energy: 820,
    pad: () => 1500,
    coverEvery: 0.5,
  },
];

const OBSERVERS = [
  { observer: "volume-correlation", vantage: "isp", task: "link", sees: "binned volumes", cannotSee: "contents" },
  { observer: "activity-detector", vantage: "local", task: "activity", sees: "packet times", cannotSee: "contents" },
] as const;

function traceFor(spec: ArmSpec, seed: number): Trace {
  const rng = stream(seed, "synthetic/timeline");
  const tr = new Trace(64);
  // a conversation: bursts of messages with replies, the same for every arm (common random numbers)
  const events: { t: number; size: number; dir: 0 | 1 }[] = [];
  let t = 2e6;
  for (let burst = 0; burst < 6; burst++) {
    const n = rng.int(1, 4);
    for (let k = 0; k < n; k++) {
      events.push({ t, size: rng.int(80, 1400), dir: k % 2 === 0 ? UP : DOWN });
      t += Math.round(rng.exponential(300_000)) + 1000;
    }
    t += Math.round(rng.exponential(8e6)) + 1e6;
  }
  const cover: { t: number }[] = [];
  if (spec.coverEvery > 0) for (let c = 1e6; c < t; c += spec.coverEvery * 1e6) cover.push({ t: c });
  const all = [
    ...events.map((e) => ({ ...e, cover: false })),
    ...cover.map((c, i) => ({ t: c.t + 137, size: 0, dir: (i % 2) as 0 | 1, cover: true })),
  ].sort((a, b) => a.t - b.t);
  for (const e of all) {
    if (e.cover) tr.push(e.t, 1500, 0, e.dir, e.dir === UP ? COVER : PADDING, -1);
    else tr.push(e.t, spec.pad(e.size), e.size, e.dir, REAL, 1);
  }
  return tr;
}

/** The synthetic run output; the same `seed` gives the same output. */
export function syntheticRun(seed = 7): RunOutput {
  const arms: ArmResult[] = [];
  const extras: ArmExtras[] = [];
  ARMS.forEach((spec, a) => {
    const rng = stream(seed, `synthetic/${spec.name}`);
    const observers = OBSERVERS.map((o, j) => {
      const pos = Array.from({ length: 40 }, () => rng.normal(spec.shift[j], 1));
      const neg = Array.from({ length: 1500 }, () => rng.normal(0, 1));
      const summary = summarizeScores({ positives: pos, negatives: neg }, rng.child(`summary/${j}`), { resamples: 60 });
      return { o, summary, curve: rocCurve(pos, neg) };
    });
    const added = Float64Array.from({ length: 80 }, () => (spec.latencyMean > 0 ? rng.exponential(spec.latencyMean) : 0));
    const joules = Float64Array.from({ length: 12 }, () => Math.max(50, rng.normal(spec.energy, 40)));
    const sortedAdded = Array.from(added).sort((x, y) => x - y);
    const q = (p: number) => sortedAdded[Math.min(79, Math.ceil(80 * p) - 1)];
    arms.push({
      defense: spec.name,
      device: { shaper: spec.device, params: {} },
      server: { shaper: spec.server, params: {} },
      traffic: { messages: 80, delivered: 80, conversations: 9, packets: 1000 + a },
      cost: {
        bandwidthOverhead: { total: spec.bandwidth, device: spec.bandwidth, server: spec.bandwidth },
        addedLatencyMs: { p50: iv(q(0.5), q(0.4), q(0.6)), p95: iv(q(0.95), q(0.9), q(0.98)), p99: iv(q(0.99), q(0.95), q(1)), messages: 80 },
        endToEndLatencyMs: { p50: iv(60, 55, 65), p95: iv(90, 85, 95), p99: iv(120, 110, 130) },
        energy: { radio: "lte", joulesPerHour: iv(spec.energy, spec.energy - 15, spec.energy + 15), wakeupsPerHour: iv(40 + a, 38 + a, 42 + a) },
        budget: { refusedPadding: 0, forcedReleases: 0 },
      },
      observers: observers.map(({ o, summary }) => ({
        ...o,
        orientation: 1 as const,
        trainingAuc: null,
        summary: {
          ...summary,
          positiveUsers: 12,
          negativeUsers: 12,
          auc: { ...summary.auc, resolvable: summary.auc.estimate !== null },
          top1: null,
          top5: null,
          notResolvable: [],
        },
      })),
      // one observer per task here, so each task's strongest observer is that observer, with its own figures
      strongest: observers.map(({ o, summary }) => ({
        task: o.task,
        observer: `${o.observer}@${o.vantage}`,
        observers: 1,
        auc: { ...summary.auc, resolvable: summary.auc.estimate !== null },
        tprAt: Object.fromEntries(Object.entries(summary.tprAt).map(([k, t]) => [k, { estimate: t.estimate, lo: t.lo, hi: t.hi, resolvable: t.resolvable }])),
        top1: null,
        top5: null,
        replicates: {},
      })),
      versusUndefended: null,
    });
    extras.push({
      defense: spec.name,
      events: 5000,
      packets: 1000 + a,
      timelines: [{ user: 0, trace: traceFor(spec, seed) }],
      roc: observers.map(({ o, curve }) => ({ observer: o.observer, fpr: curve.fpr, tpr: curve.tpr })),
      addedLatencyMs: added,
      joulesPerHour: joules,
    });
  });
  return {
    metrics: { experiment: "synthetic", purpose: "figure tests", seed, durationSeconds: 120, users: 12, arms },
    extras,
  };
}
