/**
 * The data files a run writes beside `metrics.json` for its figures and notebooks:
 * `roc.json`, `timeline.json`, `latency.json` and `energy.json`. Each is plain JSON
 * (numbers rounded to what the figure can show, never NaN or Infinity), built from the
 * run's in-memory extras, and each figure is a pure function of these files plus
 * `metrics.json`, so `chaff report` can redraw a run from disk.
 *
 * - ROC curves are kept on a log-spaced FPR grid from 1/negatives (the smallest non-zero
 *   FPR the run can measure) to 1: the exact step curve read at each grid point, 121
 *   points per curve whatever the number of cases. The TPR-at-FPR intervals come from
 *   the metrics summary.
 * - Timelines keep every packet of each traced user (time in seconds with µs precision),
 *   up to `maxPackets` per user and defense; `truncated` says when the cap cut it.
 * - Latency keeps the added-latency distribution as 201 quantiles (p = 0, 0.005, …, 1).
 * - Energy keeps the per-device J/h distribution as 7 quantiles (min, p5, p25, median,
 *   p75, p95, max) with the mean's interval from the metrics.
 *
 * @example
 * const data = figureData(await runExperiment(exp));
 * data.roc.arms[0].observers[0].curve.fpr.length // => 121
 */
import { quantileSorted } from "simple-statistics";
import type { Interval } from "../../runs/metrics.ts";
import type { ArmExtras } from "../../experiment/run-arm.ts";
import type { RunMetrics } from "../../runs/metrics.ts";
import type { RunOutput } from "../../experiment/run.ts";
import { isBaselineArm } from "./privacy-cost.ts";

export interface RocObserverData {
  observer: string;
  vantage: string;
  task: string;
  positives: number;
  negatives: number;
  auc: Interval;
  /** The empirical ROC on a log FPR grid (empty when the run had no curve). */
  curve: { fpr: number[]; tpr: number[] };
  /** TPR at each reported FPR with its interval; `resolvable` false when negatives < 10/FPR. */
  tprAt: { fpr: number; estimate: number | null; lo: number | null; hi: number | null; resolvable: boolean; negativesNeeded: number }[];
}

export interface RocData {
  kind: "chaff-roc";
  version: 1;
  arms: { defense: string; baseline: boolean; observers: RocObserverData[] }[];
}

export interface TimelineArm {
  defense: string;
  baseline: boolean;
  /** Packets in the full trace (before any cap). */
  packets: number;
  truncated: boolean;
  /** Seconds since the start, µs precision. */
  t: number[];
  /** Wire bytes. */
  size: number[];
  /** Real payload bytes (the rest of `size` is padding). */
  payload: number[];
  /** 0 = sent by the device (uplink), 1 = received. */
  dir: number[];
  /** 0 = real, 1 = padding, 2 = cover. */
  kind: number[];
}

export interface TimelineData {
  kind: "chaff-timeline";
  version: 1;
  durationSeconds: number;
  users: { user: number; arms: TimelineArm[] }[];
}

export interface LatencyData {
  kind: "chaff-latency";
  version: 1;
  arms: {
    defense: string;
    baseline: boolean;
    messages: number;
    /** Quantiles of added latency: `ms[i]` at probability `p[i]`. */
    cdf: { p: number[]; ms: number[] };
    p50: Interval;
    p95: Interval;
    p99: Interval;
  }[];
}

export interface EnergyData {
  kind: "chaff-energy";
  version: 1;
  radio: string;
  arms: {
    defense: string;
    baseline: boolean;
    devices: number;
    joulesPerHour: Interval;
    wakeupsPerHour: Interval;
    /** Per-device J/h at p = 0, 0.05, 0.25, 0.5, 0.75, 0.95, 1. */
    distribution: { p: number[]; value: number[] };
  }[];
}

export interface FigureData {
  roc: RocData;
  timeline: TimelineData;
  latency: LatencyData;
  energy: EnergyData;
}

/** File name of each data part inside a run directory. */
export const DATA_FILES = { roc: "roc.json", timeline: "timeline.json", latency: "latency.json", energy: "energy.json" } as const;

export interface FigureDataOptions {
  /** Most packets kept per traced user and defense (default 40 000). */
  maxPackets?: number;
  /** Points on the log FPR grid (default 121). */
  rocPoints?: number;
}

/** Rounds to `d` decimals; refuses NaN and Infinity (a results file never holds them). */
export function round(x: number, d: number): number {
  if (!Number.isFinite(x)) throw new Error(`refusing to write ${x} to a figure data file`);
  const r = Number(x.toFixed(d));
  return Object.is(r, -0) ? 0 : r;
}

/** Rounds to `s` significant digits (for FPRs spanning decades). */
export function roundSig(x: number, s: number): number {
  if (!Number.isFinite(x)) throw new Error(`refusing to write ${x} to a figure data file`);
  return x === 0 ? 0 : Number(x.toPrecision(s));
}

function roundInterval(i: Interval, d: number): Interval {
  const r = (v: number | null) => (v === null ? null : round(v, d));
  return { estimate: r(i.estimate), lo: r(i.lo), hi: r(i.hi) };
}

function extrasFor(output: RunOutput, defense: string, index: number): ArmExtras {
  const e = output.extras[index];
  if (e && e.defense === defense) return e;
  const found = output.extras.find((x) => x.defense === defense);
  if (!found) throw new Error(`figure data: no extras for defense "${defense}"`);
  return found;
}

/**
 * Reads an ROC step curve at a log-spaced FPR grid from 1/negatives to 1: at each grid
 * point, the TPR of the last curve point whose FPR does not exceed it.
 */
export function rocOnLogGrid(fpr: ArrayLike<number>, tpr: ArrayLike<number>, negatives: number, points = 121): { fpr: number[]; tpr: number[] } {
  if (fpr.length === 0 || negatives < 1) return { fpr: [], tpr: [] };
  const lo = Math.log10(1 / negatives);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let k = 0; k < points; k++) {
    const g = points === 1 ? 1 : 10 ** (lo + ((0 - lo) * k) / (points - 1));
    // last index with fpr <= g (fpr is non-decreasing); tolerance for the grid's rounding
    let a = 0;
    let b = fpr.length - 1;
    while (a < b) {
      const mid = (a + b + 1) >> 1;
      if (fpr[mid] <= g * (1 + 1e-9)) a = mid;
      else b = mid - 1;
    }
    xs.push(roundSig(g, 4));
    ys.push(round(tpr[a], 4));
  }
  return { fpr: xs, tpr: ys };
}

export function rocData(output: RunOutput, opts: FigureDataOptions = {}): RocData {
  const { metrics } = output;
  return {
    kind: "chaff-roc",
    version: 1,
    arms: metrics.arms.map((arm, a) => {
      const extra = extrasFor(output, arm.defense, a);
      let next = 0;
      const observers = arm.observers.map((o): RocObserverData => {
        const s = o.summary;
        let curve = { fpr: [] as number[], tpr: [] as number[] };
        if (s.positives > 0 && s.negatives > 0) {
          // extras.roc holds one curve per observer that had both classes, in order
          let c = extra.roc[next];
          if (!c || c.observer !== o.observer) c = extra.roc.slice(next).find((r) => r.observer === o.observer) ?? c;
          next++;
          if (c) curve = rocOnLogGrid(c.fpr, c.tpr, s.negatives, opts.rocPoints);
        }
        return {
          observer: o.observer,
          vantage: o.vantage,
          task: o.task,
          positives: s.positives,
          negatives: s.negatives,
          auc: roundInterval(s.auc, 4),
          curve,
          tprAt: Object.entries(s.tprAt)
            .map(([key, t]) => ({
              fpr: Number(key),
              estimate: t.estimate === null ? null : round(t.estimate, 4),
              lo: t.lo === null ? null : round(t.lo, 4),
              hi: t.hi === null ? null : round(t.hi, 4),
              resolvable: t.resolvable,
              negativesNeeded: t.negativesNeeded,
            }))
            .sort((x, y) => x.fpr - y.fpr),
        };
      });
      return { defense: arm.defense, baseline: isBaselineArm(arm), observers };
    }),
  };
}

export function timelineData(output: RunOutput, opts: FigureDataOptions = {}): TimelineData {
  const cap = opts.maxPackets ?? 40_000;
  const { metrics } = output;
  const users = [...new Set(output.extras.flatMap((e) => e.timelines.map((t) => t.user)))].sort((a, b) => a - b);
  return {
    kind: "chaff-timeline",
    version: 1,
    durationSeconds: metrics.durationSeconds,
    users: users.map((user) => ({
      user,
      arms: metrics.arms.flatMap((arm, a) => {
        const tl = extrasFor(output, arm.defense, a).timelines.find((t) => t.user === user);
        if (!tl) return [];
        const tr = tl.trace;
        const n = Math.min(tr.length, cap);
        const t: number[] = new Array(n);
        const size: number[] = new Array(n);
        const payload: number[] = new Array(n);
        const dir: number[] = new Array(n);
        const kind: number[] = new Array(n);
        for (let i = 0; i < n; i++) {
          t[i] = round(tr.time[i] / 1e6, 6);
          size[i] = tr.size[i];
          payload[i] = tr.payload[i];
          dir[i] = tr.dir[i];
          kind[i] = tr.kind[i];
        }
        return [{ defense: arm.defense, baseline: isBaselineArm(arm), packets: tr.length, truncated: tr.length > cap, t, size, payload, dir, kind }];
      }),
    })),
  };
}

/** Probability levels of the latency CDF: 0, 0.005, …, 1. */
export const CDF_LEVELS: readonly number[] = Array.from({ length: 201 }, (_, i) => round(i / 200, 3));
/** Probability levels of the energy distribution. */
export const ENERGY_LEVELS: readonly number[] = [0, 0.05, 0.25, 0.5, 0.75, 0.95, 1];

function quantiles(values: Float64Array, levels: readonly number[], digits: number): number[] {
  if (values.length === 0) return [];
  const sorted = Array.from(values).sort((a, b) => a - b);
  return levels.map((p) => round(quantileSorted(sorted, p), digits));
}

export function latencyData(output: RunOutput): LatencyData {
  const { metrics } = output;
  return {
    kind: "chaff-latency",
    version: 1,
    arms: metrics.arms.map((arm, a) => {
      const values = extrasFor(output, arm.defense, a).addedLatencyMs;
      const ms = quantiles(values, CDF_LEVELS, 3);
      const c = arm.cost.addedLatencyMs;
      return {
        defense: arm.defense,
        baseline: isBaselineArm(arm),
        messages: values.length,
        cdf: { p: ms.length ? [...CDF_LEVELS] : [], ms },
        p50: roundInterval(c.p50, 3),
        p95: roundInterval(c.p95, 3),
        p99: roundInterval(c.p99, 3),
      };
    }),
  };
}

export function energyData(output: RunOutput): EnergyData {
  const { metrics } = output;
  return {
    kind: "chaff-energy",
    version: 1,
    radio: metrics.arms[0]?.cost.energy.radio ?? "",
    arms: metrics.arms.map((arm, a) => {
      const values = extrasFor(output, arm.defense, a).joulesPerHour;
      const value = quantiles(values, ENERGY_LEVELS, 2);
      return {
        defense: arm.defense,
        baseline: isBaselineArm(arm),
        devices: values.length,
        joulesPerHour: roundInterval(arm.cost.energy.joulesPerHour, 2),
        wakeupsPerHour: roundInterval(arm.cost.energy.wakeupsPerHour, 2),
        distribution: { p: value.length ? [...ENERGY_LEVELS] : [], value },
      };
    }),
  };
}

/** All data parts of a run. */
export function figureData(output: RunOutput, opts: FigureDataOptions = {}): FigureData {
  return { roc: rocData(output, opts), timeline: timelineData(output, opts), latency: latencyData(output), energy: energyData(output) };
}

/** JSON text of a data part: compact (they are data, not documents), newline-terminated. */
export function dataJson(value: unknown): string {
  return `${JSON.stringify(value, (_k, v) => {
    if (typeof v === "number" && !Number.isFinite(v)) throw new Error(`refusing to write ${v} to a figure data file`);
    return v;
  })}\n`;
}

/** The metrics type the figures read, re-exported for callers that load files. */
export type { RunMetrics };
