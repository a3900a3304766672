/**
 * The link accumulator: folds blocks of pair scores (pair-block.ts) into the link
 * task's figures with O(N + positives + maxNegatives) memory, whatever the number of
 * pairs.
 *
 * Every pair the labels neither mark positive nor exclude is
 * - a wrong candidate for the positives of both its users: per positive, counters of
 *   the candidates scoring above it, equal to it and below it place the true partner
 *   among the initiator's N − 1 candidates (`TaskScores.ranks`, `rankTies`, `rankBelow`);
 * - a negative: all of them, or a uniform sample of `maxNegatives` drawn with
 *   Algorithm L's reservoir (Li, "Reservoir-sampling algorithms of time complexity
 *   O(n(1 + log(N/n)))", ACM TOMS 20(4), 1994) from a seeded stream.
 *
 * Fed the blocks in canonical order (i0 ascending, then j0 ascending from i0), the
 * result is the same whichever thread computed each block, sample included.
 *
 * @example
 * const acc = new LinkAccumulator(labels, linkPositives(labels, kernel), { rng });
 * for (const b of blocksInCanonicalOrder) acc.add(b.i0, b.i1, b.j0, b.j1, b.scores);
 * const scores = acc.result(); // positives, negatives, ranks, the users of each case
 */
import type { PairTask } from "./labels.ts";
import type { TaskScores } from "./observer.ts";
import { pairUsers, type LinkLabels } from "./pair-labels.ts";
import type { Rng } from "../sim/core/rng.ts";

/**
 * Streams blocks of pair scores (`pairScoreBlock`) into the link task's figures with
 * O(N + positives + maxNegatives) memory: every unlabelled pair is a wrong candidate
 * for the positives of both its users (rank counters, ties split evenly) and a
 * negative (all of them, or Algorithm L's reservoir, Li 1994, drawn from `rng`). Feed
 * it the blocks in `linkTask`'s order (i0 ascending, then j0 ascending from i0) and the
 * result equals `linkTask`'s, sample included.
 */
export class LinkAccumulator {
  private readonly labels: LinkLabels;
  private readonly positives: Float64Array;
  private readonly greater: Int32Array;
  private readonly equal: Int32Array;
  private readonly negatives: Float64Array;
  /** Both users of each kept negative, lower one first. */
  private readonly negUsers: Int32Array;
  private readonly rng: Rng;
  private readonly cap: number;
  private seen = 0;
  private W: number;
  private next: number;

  private readonly task: PairTask;

  constructor(labels: LinkLabels, positives: Float64Array, opts: { readonly maxNegatives?: number; readonly rng: Rng; readonly task?: PairTask }) {
    const P = labels.initiator.length;
    if (positives.length !== P) throw new RangeError(`link accumulator: ${positives.length} positive scores for ${P} positive pairs`);
    this.labels = labels;
    this.task = opts.task ?? "link";
    this.positives = positives;
    this.greater = new Int32Array(P);
    this.equal = new Int32Array(P);
    const total = labels.negativeCount;
    const cap = Math.min(total, opts.maxNegatives ?? Infinity);
    this.cap = cap;
    this.negatives = new Float64Array(cap);
    this.negUsers = new Int32Array(2 * cap);
    const rng = opts.rng;
    this.rng = rng;
    // Algorithm L state (Li 1994): used only when sampling.
    this.W = cap > 0 && cap < total ? Math.exp(Math.log(1 - rng.next()) / cap) : 0;
    this.next = cap > 0 && cap < total ? cap + Math.floor(Math.log(1 - rng.next()) / Math.log(1 - this.W)) : Infinity;
  }

  /** Consumes block [i0, i1) × [j0, j1) of pair scores laid out as `pairScoreBlock` fills them. */
  add(i0: number, i1: number, j0: number, j1: number, s: Float64Array): void {
    const { lowStart, lowOther, initStart, initPos } = this.labels;
    const { positives, greater, equal, negatives, negUsers, rng, cap } = this;
    let { seen, W, next } = this;
    const wj = j1 - j0;
    const diagonal = j0 === i0;
    for (let i = i0; i < i1; i++) {
      const jStart = diagonal ? i + 1 : j0;
      // Pointer into i's sorted list of labelled (positive or excluded) higher partners.
      let p = lowStart[i];
      const pEnd = lowStart[i + 1];
      while (p < pEnd && lowOther[p] < jStart) p++;
      const ri = (i - i0) * wj - j0;
      for (let j = jStart; j < j1; j++) {
        if (p < pEnd && lowOther[p] === j) {
          p++;
          continue;
        }
        const sc = s[ri + j];
        // Ranks: j is a wrong candidate for i's positives, and i for j's.
        for (let q = initStart[i]; q < initStart[i + 1]; q++) {
          const k = initPos[q];
          if (sc > positives[k]) greater[k]++;
          else if (sc === positives[k]) equal[k]++;
        }
        for (let q = initStart[j]; q < initStart[j + 1]; q++) {
          const k = initPos[q];
          if (sc > positives[k]) greater[k]++;
          else if (sc === positives[k]) equal[k]++;
        }
        // Negatives: all of them, or Algorithm L's reservoir.
        if (seen < cap) {
          negatives[seen] = sc;
          negUsers[2 * seen] = i;
          negUsers[2 * seen + 1] = j;
        } else if (seen === next) {
          const slot = rng.int(0, cap);
          negatives[slot] = sc;
          negUsers[2 * slot] = i;
          negUsers[2 * slot + 1] = j;
          W *= Math.exp(Math.log(1 - rng.next()) / cap);
          next += 1 + Math.floor(Math.log(1 - rng.next()) / Math.log(1 - W));
        }
        seen++;
      }
    }
    this.seen = seen;
    this.W = W;
    this.next = next;
  }

  /** The link task's scores once every block has been added. */
  result(): TaskScores {
    const P = this.positives.length;
    const { users, lowStart, lowOther, initiator } = this.labels;
    // Wrong candidates of each user: the N − 1 others less its labelled (positive or excluded) pairs.
    const labelled = new Int32Array(users);
    for (let u = 0; u < users; u++) {
      labelled[u] += lowStart[u + 1] - lowStart[u];
      for (let p = lowStart[u]; p < lowStart[u + 1]; p++) labelled[lowOther[p]]++;
    }
    const rankBelow = new Int32Array(P);
    for (let k = 0; k < P; k++) rankBelow[k] = users - 1 - labelled[initiator[k]] - this.greater[k] - this.equal[k];
    return {
      task: this.task,
      positives: this.positives,
      negatives: this.negatives,
      ranks: this.greater,
      rankTies: this.equal,
      rankBelow,
      candidates: this.labels.users - 1,
      usersPerCase: 2,
      positiveUsers: pairUsers(this.labels.initiator, this.labels.partner),
      negativeUsers: this.negUsers,
    };
  }
}
