/**
 * The results of a run as `metrics.json` holds them: per defense arm, the traffic
 * counts, the cost (bandwidth, latency, energy, budget) and each observer's scores
 * summarised with intervals. Plain JSON: no times, paths or machine facts, so the same
 * experiment and seed give byte-identical files. Reports, figures, compare and the
 * notebooks read these types; the runner writes them.
 */
import type { TaskName, VantageName } from "../../observers/observer.ts";

export interface RunMetrics {
  experiment: string;
  purpose: string;
  seed: number;
  durationSeconds: number;
  users: number;
  arms: ArmResult[];
  /** What the run cannot say (recorded populations: the replay's limits); absent for modelled runs. */
  notes?: string[];
}

export interface ObserverResult {
  observer: string;
  vantage: VantageName;
  /** The observer use's scope (an access network, an ISP, a VPN exit); absent: every instance of the vantage at once. */
  scope?: string;
  task: TaskName;
  sees: string;
  cannotSee: string;
  /**
   * The direction of the observer's score, fixed on the training population before it
   * saw the test population: 1 as the observer scores, −1 flipped because its training
   * AUC was below 0.5 (the defense inverted it; an adversary who knows the defense flips
   * its decision).
   */
  orientation: 1 | -1;
  /** The observer's AUC on the training population as it scores (before orientation); null when not measured. */
  trainingAuc: number | null;
  summary: ObserverSummary;
}

/** A figure with its interval and whether the data can support it. */
export interface Figure extends Interval {
  resolvable: boolean;
}

/** One observer's oriented figures, every interval from the run's shared user-bootstrap replicates. */
export interface ObserverSummary {
  positives: number;
  negatives: number;
  /** Distinct users among the positive cases and among the negative cases. */
  positiveUsers: number;
  negativeUsers: number;
  resamples: number;
  level: number;
  auc: Figure;
  /** Keyed by the FPR in exponent form ("1e-2", "1e-3", …). */
  tprAt: Record<string, Figure & { negatives: number; negativesNeeded: number }>;
  /** Bayesian detection rate (precision) at each FPR, at `baseRate`. */
  bdr: { baseRate: number | null; at: Record<string, Figure> };
  candidates: number | null;
  top1: Figure | null;
  top5: Figure | null;
  /** Why a figure is not resolvable, one line each (empty when every figure is). */
  notResolvable: string[];
}

/**
 * The strongest observer of one task against one defense: the observer with the highest
 * oriented AUC (ties: the higher TPR at 1e-3). Every figure is the maximum over the
 * task's observers, taken inside each bootstrap replicate, so the interval accounts for
 * picking the best of several and the figure is never below any one observer's.
 */
export interface Strongest {
  task: TaskName;
  /** `"<observer>@<vantage>"` of the observer with the highest oriented AUC. */
  observer: string;
  /** How many observers of this task competed. */
  observers: number;
  auc: Figure;
  tprAt: Record<string, Figure>;
  top1: Figure | null;
  top5: Figure | null;
  /**
   * Every bootstrap replicate of each figure above (keyed `auc`, `tpr@1e-3`, `top1`, …),
   * encoded by `replicates.ts`: what lets `compare` judge a run against a baseline of the
   * same seed on the paired difference.
   */
  replicates: Record<string, string>;
}

export type PairedVerdict = "lower" | "higher" | "no detectable change" | "not resolvable";

/**
 * A figure of a defense against the same figure undefended, judged on the bootstrap
 * distribution of the difference (the same users resampled in both arms): `lower` when
 * the difference's interval lies below 0, `higher` when above, otherwise `no detectable
 * change`.
 */
export interface PairedDifference {
  /** `"<observer>@<vantage>"`, or `"strongest:<task>"`. */
  observer: string;
  task: TaskName;
  metric: string;
  defended: number | null;
  undefended: number | null;
  difference: Interval;
  verdict: PairedVerdict;
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
  /** Per task scored in this arm, its strongest observer. */
  strongest: Strongest[];
  /**
   * Each figure against the undefended arm (the arm with no shaper on either side),
   * paired; null for the undefended arm itself or when the experiment has none.
   */
  versusUndefended: PairedDifference[] | null;
  /**
   * The long-term observers (those that can score after a shorter observation: the
   * disclosure and intersection attacks) against observation time; absent when the
   * experiment has none, and in files written before it existed.
   */
  overTime?: OverTime;
}

/**
 * One point of a curve against observation time: the attack having watched the run's
 * first `seconds`, scored on the pairs that had talked by then (the truth cut at that
 * time: sim/experiment/truth-until.ts), every interval from the run's shared
 * user-bootstrap replicates.
 */
export interface HorizonPoint {
  seconds: number;
  /** Observation rounds the attack had seen by then; null for the strongest of observers with different round widths. */
  rounds: number | null;
  /** Link-task cases by then (contacts, strangers) and partner-identification targets (users with a contact by then). */
  positives: number;
  negatives: number;
  targets: number;
  /** Partner-identification rate: the share of targets whose top-scored candidate is a contact. */
  identification: Figure;
  auc: Figure;
  /** Keyed by the FPR in exponent form, as `ObserverSummary.tprAt`. */
  tprAt: Record<string, Figure>;
  /** Why a figure is not resolvable at this horizon, one line each. */
  notResolvable: string[];
}

/** One observer's (or the strongest's) figures at every observation horizon, in horizon order. */
export interface HorizonCurve {
  /** `"<observer>@<vantage>"`, or `"strongest:long-term"` (per horizon and replicate, the maximum over the long-term observers). */
  observer: string;
  /** The observer's round width, seconds; null for the strongest when the observers' widths differ. */
  roundSeconds: number | null;
  points: HorizonPoint[];
}

/** A figure of the strongest long-term observer at one horizon, defended minus undefended, paired replicate by replicate. */
export interface HorizonDifference {
  seconds: number;
  /** `identification`, `auc` or `tpr@<fpr>`. */
  metric: string;
  defended: number | null;
  undefended: number | null;
  difference: Interval;
  verdict: PairedVerdict;
}

/**
 * How long the strongest long-term observer needs to reach a stated level, and how much
 * longer than undefended ("the days a defense buys"): the first horizon from which its
 * estimate is at or above `level` at every later horizon too (an estimate that touches
 * the level and falls back does not count). Horizons are a grid, so a time is "by
 * then", and a difference is between grid points.
 */
export interface ReachLine {
  /** `identification` or `tpr@<fpr>`. */
  metric: string;
  level: number;
  /** First horizon reaching the level in this arm, seconds; null when not within the run. */
  seconds: number | null;
  /** Rounds seen by then (null when not reached, or the observers' round widths differ). */
  rounds: number | null;
  /** The same for the undefended arm (equal to `seconds` in the undefended arm itself). */
  undefendedSeconds: number | null;
  undefendedRounds: number | null;
  /** seconds − undefendedSeconds, and in rounds; null when either arm does not reach the level within the run. */
  addedSeconds: number | null;
  addedRounds: number | null;
  /** The line the report prints. */
  statement: string;
}

/** The long-term observers against observation time (`ArmResult.overTime`). */
export interface OverTime {
  /** The observation horizons, seconds (derived from the run's duration: truth-until.ts). */
  horizonsSeconds: number[];
  observers: HorizonCurve[];
  strongest: HorizonCurve;
  /** Per horizon and metric, the strongest's figure against the undefended arm's; null in the undefended arm or without one. */
  versusUndefended: HorizonDifference[] | null;
  reach: ReachLine[];
}



/** An estimate with its confidence interval; null where the data cannot give one (never NaN in a results file). */
export interface Interval {
  estimate: number | null;
  lo: number | null;
  hi: number | null;
}

/**
 * The name an observer's figures go by in rows, tables and comparisons:
 * `"<observer>@<vantage>"`, with `:<scope>` when it watches one instance of the vantage
 * (`volume-correlation@local:cafe-hotspot`) and `#<task>` when it was asked a task other
 * than linking 1:1 contacts (e.g. `volume-correlation@isp#group-link`), so one observer
 * asked two questions, or placed in two scopes, gives two names.
 */
export function observerKey(o: { observer: string; vantage: string; task: string; scope?: string }): string {
  return `${o.observer}@${o.vantage}${o.scope !== undefined ? `:${o.scope}` : ""}${o.task === "group-link" ? "#group-link" : ""}`;
}
