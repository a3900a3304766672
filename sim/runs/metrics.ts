/**
 * The results of a run as `metrics.json` holds them: per defense arm, the traffic
 * counts, the cost (bandwidth, latency, energy, budget) and each observer's scores
 * summarised with intervals. Plain JSON: no times, paths or machine facts, so the same
 * experiment and seed give byte-identical files. Reports, figures, compare and the
 * notebooks read these types; the runner writes them.
 */
import type { ScoreSummary } from "../../observers/metrics.ts";
import type { TaskName, VantageName } from "../../observers/observer.ts";

export interface RunMetrics {
  experiment: string;
  purpose: string;
  seed: number;
  durationSeconds: number;
  users: number;
  arms: ArmResult[];
}

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


/** An estimate with its confidence interval; null where the data cannot give one (never NaN in a results file). */
export interface Interval {
  estimate: number | null;
  lo: number | null;
  hi: number | null;
}
