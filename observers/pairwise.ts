/**
 * Blocked all-pairs scoring for the `link` task.
 *
 * A link observer gives every unordered pair of users {A, B} a score. For the
 * correlation family the score is a dot product of standardized feature rows: after
 * each row is centred and scaled to unit norm, Pearson's r between rows x and y is
 * Σ x_t·y_t, and the cross-correlation at lag ℓ is Σ x_t·y_{t+ℓ} (the Box–Jenkins
 * estimator, normalized by the full-row moments). Scoring all N(N−1)/2 pairs is then a
 * matrix product, done here in square blocks of rows (cache tiling) with a 4 × 4
 * register tile inside, so each loaded value feeds four multiply-adds instead of one.
 *
 * Memory stays O(block²) however many users there are: a block's scores are streamed
 * into the positives, into a negatives array (all of them, or a seeded reservoir sample
 * of `maxNegatives`, Vitter's Algorithm L), and into per-positive rank counters (the
 * rank of the true partner among the initiator's N − 1 candidates, ties split evenly),
 * and the block buffer is reused.
 *
 * A `BlockKernel` is a pure function of its inputs: it fills directed scores s(i → j)
 * for rows [i0, i1) × [j0, j1) from shared read-only arrays, so blocks can be spread
 * over a worker pool (pairwise-pool.ts) and merged in the canonical block order used
 * here: `pairScoreBlock` makes one block's pair scores, `LinkAccumulator` consumes them.
 *
 * Ground truth is read only by `linkLabels`, to label pairs; never to compute a score.
 *
 * @example
 * const X = new Float32Array([1, 2, 3, 3, 2, 1]); // 2 users × 3 bins
 * standardizeRows(X, 2, 3);
 * const out = new Float64Array(4);
 * dotBlock(X, X, 3, 0, 2, 0, 2, out); // out ≈ [1, -1, -1, 1]: Pearson's r of every pair
 */
import type { TaskScores } from "./observer.ts";
import type { Rng } from "../sim/core/rng.ts";
import type { Truth } from "../sim/world/truth.ts";
import { CONVERSATION_KINDS } from "../sim/world/truth.ts";

/** Fills out[(i − i0)·(j1 − j0) + (j − j0)] with the directed score s(i → j). */
export type BlockKernel = (i0: number, i1: number, j0: number, j1: number, out: Float64Array) => void;

export type Combine = "mean" | "max";

// ---------------------------------------------------------------------------------------
// Row preparation
// ---------------------------------------------------------------------------------------

/**
 * Standardizes each of the n rows of length d in place: mean 0 and Euclidean norm 1, so
 * the dot product of two rows is their Pearson correlation. A constant row (no variance)
 * becomes all zeros, correlating 0 with everything.
 */
export function standardizeRows(M: Float32Array, n: number, d: number): Float32Array {
  for (let r = 0; r < n; r++) {
    const o = r * d;
    let s = 0;
    for (let t = 0; t < d; t++) s += M[o + t];
    const mean = s / d;
    let ss = 0;
    for (let t = 0; t < d; t++) {
      const v = M[o + t] - mean;
      ss += v * v;
    }
    // A relative floor: float32 rounding of a constant row must not pass for variance.
    const scale = ss > 1e-12 * (mean * mean * d + 1e-30) ? 1 / Math.sqrt(ss) : 0;
    for (let t = 0; t < d; t++) M[o + t] = scale === 0 ? 0 : (M[o + t] - mean) * scale;
  }
  return M;
}

/**
 * Replaces each row by its midranks (tied values share the mean of the ranks they span),
 * in place. Followed by `standardizeRows`, dot products become Spearman's ρ (RAPTOR,
 * Sun et al., USENIX Security 2015, correlates ranks rather than raw volumes).
 */
export function rankRows(M: Float32Array, n: number, d: number): Float32Array {
  const idx = new Uint32Array(d);
  const vals = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    const o = r * d;
    for (let t = 0; t < d; t++) {
      idx[t] = t;
      vals[t] = M[o + t];
    }
    idx.sort((a, b) => vals[a] - vals[b] || a - b);
    let i = 0;
    while (i < d) {
      let j = i;
      while (j + 1 < d && vals[idx[j + 1]] === vals[idx[i]]) j++;
      const rank = (i + j) / 2;
      for (let k = i; k <= j; k++) M[o + idx[k]] = rank;
      i = j + 1;
    }
  }
  return M;
}

/** A standardized copy of an n × d matrix (midranks first when `rank`), leaving the input untouched. */
export function standardizedCopy(M: Float32Array, n: number, d: number, rank = false): Float32Array {
  const C = new Float32Array(M.subarray(0, n * d));
  if (rank) rankRows(C, n, d);
  return standardizeRows(C, n, d);
}

// ---------------------------------------------------------------------------------------
// Kernels
// ---------------------------------------------------------------------------------------

/**
 * out[(i − i0)·(j1 − j0) + (j − j0)] = Σ_{t < len} X[i·d + xOff + t] · Y[j·d + yOff + t]
 * for i in [i0, i1), j in [j0, j1). A 4 × 4 register tile: 8 loads feed 16 products.
 * Every cell is summed over t in the same order on every path, so the result of a
 * pair does not depend on the block it falls in.
 */
export function dotTile(
  X: Float32Array,
  Y: Float32Array,
  d: number,
  xOff: number,
  yOff: number,
  len: number,
  i0: number,
  i1: number,
  j0: number,
  j1: number,
  out: Float64Array,
): void {
  const w = j1 - j0;
  let i = i0;
  for (; i + 3 < i1; i += 4) {
    const a0 = i * d + xOff;
    const a1 = a0 + d;
    const a2 = a1 + d;
    const a3 = a2 + d;
    const r0 = (i - i0) * w - j0;
    const r1 = r0 + w;
    const r2 = r1 + w;
    const r3 = r2 + w;
    let j = j0;
    for (; j + 3 < j1; j += 4) {
      const b0 = j * d + yOff;
      const b1 = b0 + d;
      const b2 = b1 + d;
      const b3 = b2 + d;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0;
      let s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0;
      let s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let t = 0; t < len; t++) {
        const x0 = X[a0 + t], x1 = X[a1 + t], x2 = X[a2 + t], x3 = X[a3 + t];
        const y0 = Y[b0 + t], y1 = Y[b1 + t], y2 = Y[b2 + t], y3 = Y[b3 + t];
        s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
        s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
        s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3;
        s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2; s33 += x3 * y3;
      }
      out[r0 + j] = s00; out[r0 + j + 1] = s01; out[r0 + j + 2] = s02; out[r0 + j + 3] = s03;
      out[r1 + j] = s10; out[r1 + j + 1] = s11; out[r1 + j + 2] = s12; out[r1 + j + 3] = s13;
      out[r2 + j] = s20; out[r2 + j + 1] = s21; out[r2 + j + 2] = s22; out[r2 + j + 3] = s23;
      out[r3 + j] = s30; out[r3 + j + 1] = s31; out[r3 + j + 2] = s32; out[r3 + j + 3] = s33;
    }
    for (; j < j1; j++) {
      const b = j * d + yOff;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let t = 0; t < len; t++) {
        const y = Y[b + t];
        s0 += X[a0 + t] * y;
        s1 += X[a1 + t] * y;
        s2 += X[a2 + t] * y;
        s3 += X[a3 + t] * y;
      }
      out[r0 + j] = s0;
      out[r1 + j] = s1;
      out[r2 + j] = s2;
      out[r3 + j] = s3;
    }
  }
  for (; i < i1; i++) {
    const a = i * d + xOff;
    const r = (i - i0) * w - j0;
    for (let j = j0; j < j1; j++) {
      const b = j * d + yOff;
      let s = 0;
      for (let t = 0; t < len; t++) s += X[a + t] * Y[b + t];
      out[r + j] = s;
    }
  }
}

/** Blocked dot products of rows [i0, i1) of X with rows [j0, j1) of Y (lag 0). */
export function dotBlock(X: Float32Array, Y: Float32Array, d: number, i0: number, i1: number, j0: number, j1: number, out: Float64Array): void {
  dotTile(X, Y, d, 0, 0, d, i0, i1, j0, j1, out);
}

/** The plain scalar loop: Σ_t X[i·d + t]·Y[j·d + t]. The reference the blocked kernel is checked and benchmarked against. */
export function naiveDot(X: Float32Array, Y: Float32Array, d: number, i: number, j: number): number {
  const a = i * d;
  const b = j * d;
  let s = 0;
  for (let t = 0; t < d; t++) s += X[a + t] * Y[b + t];
  return s;
}

/** The same block as `dotBlock`, one pair at a time with `naiveDot` (benchmark baseline). */
export function naiveBlock(X: Float32Array, Y: Float32Array, d: number, i0: number, i1: number, j0: number, j1: number, out: Float64Array): void {
  const w = j1 - j0;
  for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) out[(i - i0) * w + (j - j0)] = naiveDot(X, Y, d, i, j);
}

/**
 * The plain scalar all-pairs loop over standardized rows: for every unordered pair
 * i < j (in row-major order), combine(x_i·y_j, x_j·y_i). Returns N(N−1)/2 scores. For
 * benchmarks and tests only: it holds every pair at once.
 */
export function naiveAllPairs(X: Float32Array, Y: Float32Array, n: number, d: number, combine: Combine = "mean"): Float64Array {
  const out = new Float64Array((n * (n - 1)) / 2);
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = naiveDot(X, Y, d, i, j);
      const b = naiveDot(X, Y, d, j, i);
      out[k++] = combine === "max" ? Math.max(a, b) : 0.5 * (a + b);
    }
  }
  return out;
}

export type LagPeak = "max" | "zscore";

/** Scratch buffers for `laggedBlock`, sized for blocks of up to `cells` pairs. */
export interface LagScratch {
  tmp: Float64Array;
  sum: Float64Array;
  sumsq: Float64Array;
}

export function lagScratch(cells: number): LagScratch {
  return { tmp: new Float64Array(cells), sum: new Float64Array(cells), sumsq: new Float64Array(cells) };
}

/**
 * Cross-correlation over lags ℓ ∈ [−maxLag, maxLag] (in bins): c_ℓ(i, j) = Σ_t
 * X[i, t]·Y[j, t + ℓ] over the overlap. With `peak = "max"` the score is max_ℓ c_ℓ;
 * with `"zscore"` it is how far the peak stands out of the cross-correlation function,
 * (max_ℓ c_ℓ − mean_ℓ c_ℓ) / sd_ℓ c_ℓ (0 when the function is flat), the outlier
 * statistic of CCOD (Saleh et al., CISS 2015).
 */
export function laggedBlock(
  X: Float32Array,
  Y: Float32Array,
  d: number,
  maxLag: number,
  peak: LagPeak,
  i0: number,
  i1: number,
  j0: number,
  j1: number,
  out: Float64Array,
  scratch?: LagScratch,
): void {
  const cells = (i1 - i0) * (j1 - j0);
  const s = scratch && scratch.tmp.length >= cells ? scratch : lagScratch(cells);
  const { tmp, sum, sumsq } = s;
  const L = Math.min(maxLag, d - 1);
  for (let c = 0; c < cells; c++) {
    out[c] = -Infinity;
    sum[c] = 0;
    sumsq[c] = 0;
  }
  for (let lag = -L; lag <= L; lag++) {
    const xOff = lag < 0 ? -lag : 0;
    const yOff = lag > 0 ? lag : 0;
    dotTile(X, Y, d, xOff, yOff, d - Math.abs(lag), i0, i1, j0, j1, tmp);
    for (let c = 0; c < cells; c++) {
      const v = tmp[c];
      if (v > out[c]) out[c] = v;
      sum[c] += v;
      sumsq[c] += v * v;
    }
  }
  if (peak === "zscore") {
    const m = 2 * L + 1;
    for (let c = 0; c < cells; c++) {
      const mean = sum[c] / m;
      const variance = sumsq[c] / m - mean * mean;
      out[c] = variance > 1e-18 ? (out[c] - mean) / Math.sqrt(variance) : 0;
    }
  }
}

export interface CorrelationKernelOptions {
  /** Largest lag, in bins, on either side (0 = plain Pearson). */
  readonly maxLag?: number;
  readonly peak?: LagPeak;
  /** Largest block the kernel will be asked for (sizes its scratch). */
  readonly block?: number;
}

/** The directed kernel s(i → j) = corr(X_i, Y_j) (at the best lag) over standardized rows. */
export function correlationKernel(X: Float32Array, Y: Float32Array, d: number, opts: CorrelationKernelOptions = {}): BlockKernel {
  const maxLag = opts.maxLag ?? 0;
  if (maxLag === 0) return (i0, i1, j0, j1, out) => dotTile(X, Y, d, 0, 0, d, i0, i1, j0, j1, out);
  const peak = opts.peak ?? "max";
  const b = opts.block ?? DEFAULT_BLOCK;
  const scratch = lagScratch(b * b);
  return (i0, i1, j0, j1, out) => laggedBlock(X, Y, d, maxLag, peak, i0, i1, j0, j1, out, scratch);
}

/** A kernel from a per-pair function (for scores that are not dot products). */
export function pairKernel(score: (i: number, j: number) => number): BlockKernel {
  return (i0, i1, j0, j1, out) => {
    const w = j1 - j0;
    for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) out[(i - i0) * w + (j - j0)] = score(i, j);
  };
}

// ---------------------------------------------------------------------------------------
// Labels (the scorer's only use of ground truth)
// ---------------------------------------------------------------------------------------

/**
 * Which pairs are positive, which are left out, for N users.
 * Positive k is the pair {initiator[k], partner[k]}; ranks are taken from the
 * initiator's side ("given A, which of the N − 1 others does A talk to?").
 */
export interface LinkLabels {
  readonly users: number;
  readonly initiator: Int32Array;
  readonly partner: Int32Array;
  /** CSR by the lower endpoint: higher endpoints in ascending order, with code k ≥ 0 (positive k) or −1 (excluded). */
  readonly lowStart: Int32Array;
  readonly lowOther: Int32Array;
  readonly lowCode: Int32Array;
  /** CSR of positive indices by initiator. */
  readonly initStart: Int32Array;
  readonly initPos: Int32Array;
  /** Unordered pairs that are neither positive nor excluded. */
  readonly negativeCount: number;
}

/**
 * Builds labels from explicit pairs: `positives` as [initiator, partner] (the first
 * occurrence of a pair fixes its initiator; repeats are ignored), `excluded` as pairs
 * scored neither as positive nor as negative.
 */
export function labelsFromPairs(users: number, positives: Iterable<readonly [number, number]>, excluded: Iterable<readonly [number, number]> = []): LinkLabels {
  const codes = new Map<number, number>();
  const init: number[] = [];
  const part: number[] = [];
  for (const [a, b] of positives) {
    if (a === b || a < 0 || b < 0 || a >= users || b >= users) continue;
    const key = Math.min(a, b) * users + Math.max(a, b);
    if (codes.has(key)) continue;
    codes.set(key, init.length);
    init.push(a);
    part.push(b);
  }
  for (const [a, b] of excluded) {
    if (a === b || a < 0 || b < 0 || a >= users || b >= users) continue;
    const key = Math.min(a, b) * users + Math.max(a, b);
    if (!codes.has(key)) codes.set(key, -1);
  }
  const keys = [...codes.keys()].sort((x, y) => x - y);
  const lowStart = new Int32Array(users + 1);
  const lowOther = new Int32Array(keys.length);
  const lowCode = new Int32Array(keys.length);
  for (const key of keys) lowStart[Math.floor(key / users) + 1]++;
  for (let u = 0; u < users; u++) lowStart[u + 1] += lowStart[u];
  keys.forEach((key, i) => {
    lowOther[i] = key % users;
    lowCode[i] = codes.get(key)!;
  });
  const initStart = new Int32Array(users + 1);
  for (const a of init) initStart[a + 1]++;
  for (let u = 0; u < users; u++) initStart[u + 1] += initStart[u];
  const fill = initStart.slice(0, users);
  const initPos = new Int32Array(init.length);
  init.forEach((a, k) => {
    initPos[fill[a]++] = k;
  });
  return {
    users,
    initiator: Int32Array.from(init),
    partner: Int32Array.from(part),
    lowStart,
    lowOther,
    lowCode,
    initStart,
    initPos,
    negativeCount: (users * (users - 1)) / 2 - keys.length,
  };
}

/** What to do with pairs that only share a group thread. */
export type GroupPairs = "negative" | "exclude";

const LINK_KINDS = new Set(["direct", "voice-call", "video-call"].map((k) => CONVERSATION_KINDS.indexOf(k as (typeof CONVERSATION_KINDS)[number])));

/**
 * Link labels from ground truth: a pair is positive when it had a direct conversation or
 * a call (conversation kinds "direct", "voice-call", "video-call"); the initiator is the
 * first such conversation's `a`. Pairs that only share a group are negatives
 * (`groupPairs: "negative"`, the default) or left out (`"exclude"`).
 */
export function linkLabels(truth: Truth, users: number, groupPairs: GroupPairs = "negative"): LinkLabels {
  const c = truth.conversations;
  const pos: [number, number][] = [];
  for (let i = 0; i < c.length; i++) if (LINK_KINDS.has(c.kind[i])) pos.push([c.a[i], c.b[i]]);
  const excl: [number, number][] = [];
  if (groupPairs === "exclude") {
    for (const g of truth.groups) for (let x = 0; x < g.length; x++) for (let y = x + 1; y < g.length; y++) excl.push([g[x], g[y]]);
  }
  return labelsFromPairs(users, pos, excl);
}

/** The label code of unordered pair {i, j}: k ≥ 0 positive k, −1 excluded, −2 negative. */
export function pairCode(labels: LinkLabels, i: number, j: number): number {
  const lo = Math.min(i, j);
  const hi = Math.max(i, j);
  let a = labels.lowStart[lo];
  let b = labels.lowStart[lo + 1];
  while (a < b) {
    const m = (a + b) >>> 1;
    if (labels.lowOther[m] < hi) a = m + 1;
    else b = m;
  }
  return a < labels.lowStart[lo + 1] && labels.lowOther[a] === hi ? labels.lowCode[a] : -2;
}

// ---------------------------------------------------------------------------------------
// The link task
// ---------------------------------------------------------------------------------------

export const DEFAULT_BLOCK = 64;

export interface LinkTaskOptions {
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

function combineScores(a: number, b: number, how: Combine): number {
  return how === "max" ? (a > b ? a : b) : 0.5 * (a + b);
}

/** Rows per block that `linkTask` uses for n users: `block` (default 64), at least 4 and at most n. */
export function linkBlockSize(n: number, block: number = DEFAULT_BLOCK): number {
  return Math.max(4, Math.min(block, n));
}

/**
 * The pair scores of one block, the unit `linkTask` consumes and a worker pool can
 * compute anywhere: for the unordered pairs {i, j} with i in [i0, i1), j in [j0, j1),
 * j0 ≥ i0 and i < j, s[(i − i0)·(j1 − j0) + (j − j0)] = combine(s(i → j), s(j → i))
 * (or s(i → j) alone when `symmetric`). Other cells of `s` (the lower half of a diagonal
 * block) are left unspecified. `out1` and `out2` are scratch of (i1 − i0)·(j1 − j0)
 * cells; `s` may be `out1`. The same block gives the same doubles on any thread.
 */
export function pairScoreBlock(
  kernel: BlockKernel,
  i0: number,
  i1: number,
  j0: number,
  j1: number,
  how: Combine,
  symmetric: boolean,
  out1: Float64Array,
  out2: Float64Array,
  s: Float64Array,
): void {
  const wi = i1 - i0;
  const wj = j1 - j0;
  const diagonal = j0 === i0;
  kernel(i0, i1, j0, j1, out1);
  if (!symmetric && !diagonal) kernel(j0, j1, i0, i1, out2);
  for (let i = i0; i < i1; i++) {
    const ri = (i - i0) * wj - j0;
    for (let j = diagonal ? i + 1 : j0; j < j1; j++) {
      const sij = out1[ri + j];
      if (symmetric) s[ri + j] = sij;
      else if (diagonal) s[ri + j] = combineScores(sij, out1[(j - i0) * wj + (i - j0)], how);
      else s[ri + j] = combineScores(sij, out2[(j - j0) * wi + (i - i0)], how);
    }
  }
}

/** The score of each positive pair, combined from both directions as the blocks are. */
export function linkPositives(labels: LinkLabels, kernel: BlockKernel, how: Combine = "mean", symmetric = false): Float64Array {
  const P = labels.initiator.length;
  const positives = new Float64Array(P);
  const one = new Float64Array(1);
  const two = new Float64Array(1);
  for (let k = 0; k < P; k++) {
    const a = labels.initiator[k];
    const b = labels.partner[k];
    kernel(a, a + 1, b, b + 1, one);
    if (symmetric) positives[k] = one[0];
    else {
      kernel(b, b + 1, a, a + 1, two);
      positives[k] = combineScores(one[0], two[0], how);
    }
  }
  return positives;
}

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
  private readonly negClusters: Int32Array;
  private readonly rng: Rng;
  private readonly cap: number;
  private seen = 0;
  private W: number;
  private next: number;

  constructor(labels: LinkLabels, positives: Float64Array, opts: { readonly maxNegatives?: number; readonly rng: Rng }) {
    const P = labels.initiator.length;
    if (positives.length !== P) throw new RangeError(`link accumulator: ${positives.length} positive scores for ${P} positive pairs`);
    this.labels = labels;
    this.positives = positives;
    this.greater = new Int32Array(P);
    this.equal = new Int32Array(P);
    const total = labels.negativeCount;
    const cap = Math.min(total, opts.maxNegatives ?? Infinity);
    this.cap = cap;
    this.negatives = new Float64Array(cap);
    this.negClusters = new Int32Array(cap);
    const rng = opts.rng;
    this.rng = rng;
    // Algorithm L state (Li 1994): used only when sampling.
    this.W = cap > 0 && cap < total ? Math.exp(Math.log(1 - rng.next()) / cap) : 0;
    this.next = cap > 0 && cap < total ? cap + Math.floor(Math.log(1 - rng.next()) / Math.log(1 - this.W)) : Infinity;
  }

  /** Consumes block [i0, i1) × [j0, j1) of pair scores laid out as `pairScoreBlock` fills them. */
  add(i0: number, i1: number, j0: number, j1: number, s: Float64Array): void {
    const { lowStart, lowOther, initStart, initPos } = this.labels;
    const { positives, greater, equal, negatives, negClusters, rng, cap } = this;
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
          negClusters[seen] = i;
        } else if (seen === next) {
          const slot = rng.int(0, cap);
          negatives[slot] = sc;
          negClusters[slot] = i;
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
    const ranks = new Int32Array(P);
    for (let k = 0; k < P; k++) ranks[k] = this.greater[k] + Math.floor(this.equal[k] / 2);
    return {
      task: "link",
      positives: this.positives,
      negatives: this.negatives,
      ranks,
      candidates: this.labels.users - 1,
      positiveClusters: Int32Array.from(this.labels.initiator),
      negativeClusters: this.negClusters,
    };
  }
}

/**
 * Scores every unordered pair of users with `kernel`, block by block, and returns the
 * link task's scores: all positives (with the rank of the true partner among the
 * initiator's N − 1 candidates, ignoring its other true partners and excluded pairs),
 * and all negatives or a seeded sample of `maxNegatives` of them.
 */
export function linkTask(labels: LinkLabels, kernel: BlockKernel, opts: LinkTaskOptions): TaskScores {
  const n = labels.users;
  const B = linkBlockSize(n, opts.block);
  const how = opts.combine ?? "mean";
  const symmetric = opts.symmetric ?? false;
  const acc = new LinkAccumulator(labels, linkPositives(labels, kernel, how, symmetric), opts);
  const out1 = new Float64Array(B * B);
  const out2 = new Float64Array(B * B);
  for (let i0 = 0; i0 < n; i0 += B) {
    const i1 = Math.min(n, i0 + B);
    for (let j0 = i0; j0 < n; j0 += B) {
      const j1 = Math.min(n, j0 + B);
      pairScoreBlock(kernel, i0, i1, j0, j1, how, symmetric, out1, out2, out1);
      acc.add(i0, i1, j0, j1, out1);
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
export function linkTaskSampled(labels: LinkLabels, scorer: PairBatchScorer, negatives: number, rng: Rng): TaskScores {
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
    task: "link",
    positives,
    negatives: neg,
    positiveClusters: Int32Array.from(labels.initiator),
    negativeClusters: na,
  };
}
