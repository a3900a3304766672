/**
 * The shape of an exposure summary (`exposure.json`): what summary.ts computes from a
 * run's metrics and verdicts.ts, table.ts, posture.ts and the heat map read. Types only,
 * apart from the computation, so the readers need not import it.
 */
import type { Figure, Interval, PairedDifference, PairedVerdict } from "../runs/metrics.ts";
import type { AnonymitySet } from "./anonymity-set.ts";

/**
 * A paired verdict against the unshaped arm as every exposure output reads it: the
 * runner's (`lower`, `higher`, `no detectable change`, `not resolvable`), or `reversed`
 * for a runner's `lower` that is a fall through chance: read flipped, as the attacker
 * reads an observer below 0.5, it is no fall (sim/runs/flipped-difference.ts). Decided
 * once, in summary.ts (`exposureVerdict`); only `lower` is credit.
 */
export type ExposureVerdict = PairedVerdict | "reversed";

/** A paired difference against the unshaped arm, with its exposure verdict. */
export interface VersusUnshaped {
  difference: Interval;
  verdict: ExposureVerdict;
}

/** The strongest observer of a task against the unshaped arm (the runner's paired difference), with its exposure verdict. */
export type StrongestVersusUnshaped = Omit<PairedDifference, "verdict"> & { verdict: ExposureVerdict };

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
  /** Shaped arms only: this figure minus the unshaped arm's, paired, by metric (`auc`, `tpr@1e-3`); `reversed` where this observer's fall, read flipped, is no fall. */
  versusUnshaped: Record<string, VersusUnshaped> | null;
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
  /** Shaped arms: the strongest observer per task against the unshaped arm, paired (`auc`, `tpr@1e-3`); `reversed` where, in either arm, some observer of the task read flipped beats the strongest. */
  strongestVersusUnshaped: StrongestVersusUnshaped[] | null;
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
