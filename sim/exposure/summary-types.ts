/**
 * The shape of an exposure summary (`exposure.json`): what summary.ts computes from a
 * run's metrics and verdicts.ts, table.ts, posture.ts and the heat map read. Types only,
 * apart from the computation, so the readers need not import it.
 */
import type { Figure, Interval, PairedDifference } from "../runs/metrics.ts";
import type { AnonymitySet } from "./anonymity-set.ts";

export interface ExposureCell {
  /** `vantage` or `vantage[scope]`: the vantage instance. */
  where: string;
  vantage: string;
  scope: string | null;
  observer: string;
  task: string;
  positives: number;
  negatives: number;
  auc: Figure;
  tprAt: Record<string, Figure>;
  anonymitySet: AnonymitySet | null;
  /** Shaped arms only: this figure minus the unshaped arm's, paired, by metric (`auc`, `tpr@1e-3`). */
  versusUnshaped: Record<string, { difference: Interval; verdict: string }> | null;
}

export interface ExposureCost {
  bandwidthOverhead: Interval;
  latencyP50Ms: Interval;
  latencyP99Ms: Interval;
  joulesPerHour: Interval;
}

export interface ExposureArm {
  defense: string;
  device: string;
  server: string;
  cost: ExposureCost;
  cells: ExposureCell[];
  /** Per task, the strongest observer over every vantage (the run's `strongest`), with its replicates for paired baselines. */
  strongest: { task: string; observer: string; auc: Figure; tprAt: Record<string, Figure>; replicates: Record<string, string> }[];
  /** Shaped arms: the strongest observer per task against the unshaped arm, paired (`auc`, `tpr@1e-3`). */
  strongestVersusUnshaped: PairedDifference[] | null;
}

export interface ExposureSummary {
  kind: "chaff-exposure";
  version: 1;
  policy: string;
  purpose: string;
  experiment: string;
  seed: number;
  users: number;
  durationSeconds: number;
  /** How the anonymity set is computed (anonymity-set.ts), for whoever reads the file alone. */
  anonymitySetDefinition: string;
  arms: ExposureArm[];
  verdicts: string[];
}
