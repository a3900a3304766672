/**
 * The link task: given pair labels and a way to score pairs, the scores of every
 * positive pair and of the negatives, with the rank of each true partner among its
 * initiator's N − 1 candidates.
 *
 * `linkTask` scores every unordered pair, block by block (pair-block.ts), into a
 * `LinkAccumulator`; `linkTaskTerms` does the same over several direction pairings
 * (direction-pairing.ts), each pair scoring its largest standardized pairing score; `linkTaskSampled` scores the positives and a seeded sample of
 * negative pairs, for observers whose per-pair cost forbids all N(N−1)/2 pairs;
 * `linkTaskParallel` (parallel-pairs.ts) spreads the blocks of the correlation kernel
 * over a worker pool and returns exactly what `linkTask` returns.
 *
 * Labels come from the lab (`Labels.pairs`); nothing here reads ground truth.
 *
 * @example
 * const labels = labelsFromPairs(4, [[0, 1], [2, 3]]);
 * const scores = linkTask(labels, correlationKernel(X, Y, d), { rng: stream(1, "negatives") });
 * scores.positives.length; // => 2; scores.negatives.length => 4; scores.ranks: 0 = true partner first
 */
import type { PairTask } from "./labels.ts";
import type { TaskScores } from "./observer.ts";
import { LinkAccumulator } from "./link-accumulator.ts";
import { linkBlockSize, pairingPairScore, pairingScoreBlock, pairingScratch, type Combine, type PairingTerm } from "./pair-block.ts";
import type { BlockKernel } from "./pair-kernels.ts";
import { pairCode, pairUsers, type LinkLabels } from "./pair-labels.ts";
import type { Rng } from "../sim/core/rng.ts";

export interface LinkTaskOptions {
  /** The pair task the labels answer (default "link"): the scores' `task`. */
  readonly task?: PairTask;
  /** How the two directed scores s(A → B), s(B → A) make the pair's score. Default "mean". */
  readonly combine?: Combine;
  /** Rows per block (cache tile). Default 64. */
  readonly block?: number;
  /** Keep at most this many negatives, a seeded uniform sample (default: all). */
  readonly maxNegatives?: number;
  /** Stream for the negative sample. */
  readonly rng: Rng;
  /** The kernel is symmetric (s(i → j) = s(j → i)): compute each block once. */
  readonly symmetric?: boolean;
}

/** The score of each positive pair, combined from both directions as the blocks are. */
export function linkPositives(labels: LinkLabels, kernel: BlockKernel, how: Combine = "mean", symmetric = false): Float64Array {
  return linkPositivesTerms(labels, [kernel], [{ symmetric, mean: 0, sd: 1 }], how);
}

/** The score of each positive pair under several pairing terms (pair-block.ts `pairingScoreBlock`), as the blocks score it. */
export function linkPositivesTerms(labels: LinkLabels, kernels: readonly BlockKernel[], terms: readonly PairingTerm[], how: Combine = "mean"): Float64Array {
  const P = labels.initiator.length;
  const positives = new Float64Array(P);
  const scratch = pairingScratch(1);
  const one = new Float64Array(1);
  for (let k = 0; k < P; k++) positives[k] = pairingPairScore(kernels, terms, labels.initiator[k], labels.partner[k], how, scratch, one);
  return positives;
}

/**
 * Scores every unordered pair of users with `kernel`, block by block, and returns the
 * link task's scores: all positives (with the rank of the true partner among the
 * initiator's N − 1 candidates, ignoring its other true partners and excluded pairs),
 * and all negatives or a seeded sample of `maxNegatives` of them.
 */
export function linkTask(labels: LinkLabels, kernel: BlockKernel, opts: LinkTaskOptions): TaskScores {
  return linkTaskTerms(labels, [kernel], [{ symmetric: opts.symmetric ?? false, mean: 0, sd: 1 }], opts);
}

/**
 * `linkTask` over several direction pairings (direction-pairing.ts): pair {i, j} scores
 * the largest of its standardized pairing scores (`pairingScoreBlock`); one raw term is
 * `linkTask` itself. `opts.symmetric` is ignored: each term says whether it is.
 */
export function linkTaskTerms(labels: LinkLabels, kernels: readonly BlockKernel[], terms: readonly PairingTerm[], opts: LinkTaskOptions): TaskScores {
  if (kernels.length !== terms.length) throw new RangeError(`link task: ${kernels.length} kernels for ${terms.length} terms`);
  const n = labels.users;
  const B = linkBlockSize(n, opts.block);
  const how = opts.combine ?? "mean";
  const acc = new LinkAccumulator(labels, linkPositivesTerms(labels, kernels, terms, how), opts);
  const scratch = pairingScratch(B * B);
  const s = new Float64Array(B * B);
  for (let i0 = 0; i0 < n; i0 += B) {
    const i1 = Math.min(n, i0 + B);
    for (let j0 = i0; j0 < n; j0 += B) {
      const j1 = Math.min(n, j0 + B);
      pairingScoreBlock(kernels, terms, i0, i1, j0, j1, how, scratch, s);
      acc.add(i0, i1, j0, j1, s);
    }
  }
  return acc.result();
}

/**
 * Scores the given pairs in one batch: out[k] = score of {a[k], b[k]}. Used by
 * `linkTaskSampled` for observers too costly to run on every pair.
 */
export type PairBatchScorer = (a: Int32Array, b: Int32Array, out: Float64Array) => void;

/**
 * The link task on all positives and `negatives` negative pairs drawn uniformly (with
 * replacement) from the seeded stream: for observers whose per-pair cost forbids all
 * N(N−1)/2 pairs. Gives no ranks (a rank needs every candidate).
 */
export function linkTaskSampled(labels: LinkLabels, scorer: PairBatchScorer, negatives: number, rng: Rng, task: PairTask = "link"): TaskScores {
  const n = labels.users;
  const m = Math.min(negatives, labels.negativeCount);
  const na = new Int32Array(m);
  const nb = new Int32Array(m);
  for (let k = 0; k < m; k++) {
    for (;;) {
      const i = rng.int(0, n);
      const j = rng.int(0, n);
      if (i === j || pairCode(labels, i, j) !== -2) continue;
      na[k] = Math.min(i, j);
      nb[k] = Math.max(i, j);
      break;
    }
  }
  const positives = new Float64Array(labels.initiator.length);
  scorer(labels.initiator, labels.partner, positives);
  const neg = new Float64Array(m);
  scorer(na, nb, neg);
  return {
    task,
    positives,
    negatives: neg,
    usersPerCase: 2,
    positiveUsers: pairUsers(labels.initiator, labels.partner),
    negativeUsers: pairUsers(na, nb),
  };
}
