/**
 * Bootstrap confidence interval of a score metric (AUC, TPR at FPR, ...).
 *
 * Rule: the percentile bootstrap of `bootstrapCi` (Efron & Tibshirani 1993, ch. 13),
 * stratified by label: positives and negatives are resampled separately, each keeping
 * its size, so every resample has both classes. When cluster ids are given (one id per
 * case), clusters are resampled instead of cases (Davison & Hinkley 1997, §3.8;
 * reference/traffic-and-adversaries.md §2.4 item 6: intervals over flows, not over
 * correlated windows of one flow). The two sides' ids share one id space: a drawn
 * cluster brings both its positive and its negative cases, keeping their correlation.
 * A cluster resample that leaves a non-empty class empty is drawn again (rare unless
 * there are very few clusters; after 1000 tries it throws).
 *
 * One id per case cannot describe a pair of users: for pair and per-user task scores the
 * lab resamples users instead (`drawUserWeights`, `replicateScoreMetrics`), so that a
 * pair moves with both its ends. This function remains for one-level clustered data.
 *
 * The metric receives the resampled positives and negatives as Float64Arrays sorted
 * ascending (a resample is materialised from per-case draw counts over the pre-sorted
 * scores, O(n+m), with no sort), so `rocAucSorted` and `tprAtFprSorted` apply directly.
 * The metric must depend only on the two multisets and must not keep the arrays, which
 * are reused. `bootstrapScoresAll` scores several metrics on the same resamples.
 *
 * @example
 * const scores = { positives: [0.9, 0.8, 0.7, 0.4], negatives: [0.5, 0.3, 0.2, 0.1] };
 * bootstrapScores(scores, rocAucSorted, stream(1, "auc")) // => { estimate: 0.9375, lo: 0.75, hi: 1 }
 */
import type { Rng } from "../../sim/core/rng.ts";
import { bootstrapSettings, checkStatistic, type BootstrapOptions, type Interval, percentileInterval } from "./bootstrap-ci.ts";

/** The parts of `TaskScores` the bootstrap reads. */
export interface ScoresLike {
  readonly positives: ArrayLike<number>;
  readonly negatives: ArrayLike<number>;
  readonly positiveClusters?: ArrayLike<number>;
  readonly negativeClusters?: ArrayLike<number>;
}

export type ScoreMetric = (pos: Float64Array, neg: Float64Array) => number;

const FN = "bootstrapScores";
const MAX_REDRAWS = 1000;

/** One class: its scores sorted ascending, the dense cluster of each (or null), and its resample buffer. */
interface Side {
  readonly sorted: Float64Array;
  readonly cluster: Int32Array | null;
  readonly counts: Int32Array;
  out: Float64Array;
}

function prepareSide(
  values: ArrayLike<number>,
  clusters: ArrayLike<number> | undefined,
  name: string,
  dense: Map<number, number>,
): Side {
  const n = values.length;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(values[i])) {
      throw new RangeError(`${FN}: ${name}[${i}] = ${values[i]}; scores must be finite numbers`);
    }
  }
  if (clusters === undefined) {
    const sorted = Float64Array.from(values).sort();
    return { sorted, cluster: null, counts: new Int32Array(n), out: new Float64Array(n) };
  }
  const clusterName = name === "positives" ? "positiveClusters" : "negativeClusters";
  if (clusters.length !== n) {
    throw new RangeError(`${FN}: ${clusterName} has ${clusters.length} entries for ${n} ${name}; expected one cluster id per case`);
  }
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => values[a] - values[b]);
  const sorted = new Float64Array(n);
  const cluster = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const id = clusters[order[i]];
    if (!Number.isSafeInteger(id)) throw new RangeError(`${FN}: ${clusterName}[${order[i]}] = ${id}; expected an integer id`);
    let c = dense.get(id);
    if (c === undefined) {
      c = dense.size;
      dense.set(id, c);
    }
    sorted[i] = values[order[i]];
    cluster[i] = c;
  }
  return { sorted, cluster, counts: new Int32Array(0), out: new Float64Array(n) };
}

/** Draws a stratified resample of a side without clusters into side.out. */
function resampleCases(side: Side, rng: Rng): Float64Array {
  const n = side.sorted.length;
  const counts = side.counts;
  counts.fill(0);
  for (let i = 0; i < n; i++) counts[rng.int(0, n)]++;
  let w = 0;
  for (let i = 0; i < n; i++) {
    const v = side.sorted[i];
    for (let c = counts[i]; c > 0; c--) side.out[w++] = v;
  }
  return side.out;
}

/** Writes a clustered side's resample given per-cluster draw counts; returns its length. */
function resampleClusters(side: Side, clusterCounts: Int32Array): number {
  const cluster = side.cluster as Int32Array;
  const n = side.sorted.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += clusterCounts[cluster[i]];
  if (total > side.out.length) side.out = new Float64Array(Math.max(total, 2 * side.out.length));
  let w = 0;
  for (let i = 0; i < n; i++) {
    const v = side.sorted[i];
    for (let c = clusterCounts[cluster[i]]; c > 0; c--) side.out[w++] = v;
  }
  return total;
}

export function bootstrapScoresAll(
  scores: ScoresLike,
  metrics: readonly ScoreMetric[],
  rng: Rng,
  opts: BootstrapOptions = {},
): Interval[] {
  const { resamples, level } = bootstrapSettings(opts, FN);
  const dense = new Map<number, number>();
  const pos = prepareSide(scores.positives, scores.positiveClusters, "positives", dense);
  const neg = prepareSide(scores.negatives, scores.negativeClusters, "negatives", dense);
  const clusterCounts = new Int32Array(dense.size);

  const estimates = metrics.map((metric) =>
    checkStatistic(metric(pos.sorted.slice(), neg.sorted.slice()), FN, "the full sample"),
  );
  const stats = metrics.map(() => new Float64Array(resamples));

  for (let b = 0; b < resamples; b++) {
    let p = pos.cluster === null ? resampleCases(pos, rng) : pos.out;
    let q = neg.cluster === null ? resampleCases(neg, rng) : neg.out;
    if (dense.size > 0) {
      for (let attempt = 0; ; attempt++) {
        if (attempt === MAX_REDRAWS) {
          throw new RangeError(
            `${FN}: ${MAX_REDRAWS} cluster resamples in a row left a class empty; ` +
              `${dense.size} clusters are too few for a cluster bootstrap`,
          );
        }
        clusterCounts.fill(0);
        for (let d = 0; d < dense.size; d++) clusterCounts[rng.int(0, dense.size)]++;
        const np = pos.cluster === null ? pos.sorted.length : resampleClusters(pos, clusterCounts);
        const nq = neg.cluster === null ? neg.sorted.length : resampleClusters(neg, clusterCounts);
        if ((np > 0 || pos.sorted.length === 0) && (nq > 0 || neg.sorted.length === 0)) {
          if (pos.cluster !== null) p = np === pos.out.length ? pos.out : pos.out.subarray(0, np);
          if (neg.cluster !== null) q = nq === neg.out.length ? neg.out : neg.out.subarray(0, nq);
          break;
        }
      }
    }
    for (let k = 0; k < metrics.length; k++) {
      stats[k][b] = checkStatistic(metrics[k](p, q), FN, `resample ${b}`);
    }
  }
  return estimates.map((estimate, k) => percentileInterval(stats[k], estimate, level));
}

export function bootstrapScores(
  scores: ScoresLike,
  metric: ScoreMetric,
  rng: Rng,
  opts: BootstrapOptions = {},
): Interval {
  return bootstrapScoresAll(scores, [metric], rng, opts)[0];
}
