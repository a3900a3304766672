/**
 * The case table the user-weighted metrics share (internal, not re-exported): a task's
 * scores, oriented, sorted once into runs of equal score, with the users of each case,
 * so that every bootstrap replicate is a single O(n + m) pass over fixed arrays.
 *
 * Cases carry their users (`TaskScores.positiveUsers`/`negativeUsers`, `usersPerCase`
 * per case): a case's weight in a replicate is the product of its users' weights (one
 * user for a per-user case, both ends for a pair). Scores without users are treated as
 * independent cases: case i is its own user (positives 0..n−1, negatives n..n+m−1).
 *
 * Cases may also carry their times (`positiveTimes`/`negativeTimes`: a window's start, a
 * burst's first packet): with a time partition (`TimeBlocks`) each case also falls in a
 * block of time, a second, crossed factor whose weights multiply the users' (Owen's
 * pigeonhole bootstrap: rows users, columns time blocks).
 *
 * Orientation −1 negates every score (and swaps ranks above and below the true answer):
 * the metric of an observer read the other way round.
 *
 * @example
 * const cases = scoredCases({ positives: [3, 1], negatives: [1, 0], usersPerCase: 1,
 *   positiveUsers: [0, 1], negativeUsers: [1, 2] }, 1, "replicateScoreMetrics");
 * cases.groups; // => 3 runs of equal score: 3 | 1 (one positive, one negative) | 0
 */
import { topKCredit } from "./top-k-accuracy.ts";
import { falsePositiveBudget } from "./tpr-at-fpr.ts";

/** +1: higher scores mean "more likely positive"; −1: lower scores do. */
export type Orientation = 1 | -1;

/** The parts of `TaskScores` the user-weighted metrics read. */
export interface CaseScores {
  readonly positives: ArrayLike<number>;
  readonly negatives: ArrayLike<number>;
  /** Users per case: 2 for pairs, 1 for per-user cases. Default 1. */
  readonly usersPerCase?: 1 | 2;
  /** `usersPerCase` user ids per positive case, case after case. */
  readonly positiveUsers?: ArrayLike<number>;
  readonly negativeUsers?: ArrayLike<number>;
  /** Per positive: wrong candidates above, tied with and below the true answer. */
  readonly ranks?: ArrayLike<number>;
  readonly rankTies?: ArrayLike<number>;
  readonly rankBelow?: ArrayLike<number>;
  /** When each case happened, µs (optional: per-user cases over time). */
  readonly positiveTimes?: ArrayLike<number>;
  readonly negativeTimes?: ArrayLike<number>;
}

/** A partition of time into `blocks` blocks of `block` µs from `start` (times outside fall in the first or last). */
export interface TimeBlocks {
  readonly start: number;
  readonly block: number;
  readonly blocks: number;
}

export interface ScoredCases {
  readonly n: number;
  readonly m: number;
  /** Users per case. */
  readonly k: 1 | 2;
  /** Users ids lie in [0, users). */
  readonly users: number;
  /** True when the scores came with users; false when each case is its own user. */
  readonly clustered: boolean;
  /** Runs of equal oriented score, highest first: run g holds sorted positives [posStart[g], posStart[g+1]) and negatives likewise. */
  readonly groups: number;
  readonly posStart: Int32Array;
  readonly negStart: Int32Array;
  /** The run of each sorted positive and negative (the inverse of `posStart`/`negStart`). */
  readonly posGroup: Int32Array;
  readonly negGroup: Int32Array;
  /** Users of the sorted positives and negatives, k per case. */
  readonly posUsers: Int32Array;
  readonly negUsers: Int32Array;
  /** Users of the positives in their original order (for top-k), k per case. */
  readonly rankUsers: Int32Array;
  /** Time block of each sorted positive and negative, and of each positive in original order; null without times. */
  readonly posBlocks: Int32Array | null;
  readonly negBlocks: Int32Array | null;
  readonly rankBlocks: Int32Array | null;
  /** Per k asked for, the expected top-k hit of each positive in original order (null without ranks). */
  readonly credit: readonly Float64Array[] | null;
  /** Distinct users among the positives' and the negatives' cases. */
  readonly positiveUsers: number;
  readonly negativeUsers: number;
}

function checkUsers(ids: ArrayLike<number> | undefined, cases: number, k: number, name: string, fn: string): void {
  if (ids === undefined) throw new RangeError(`${fn}: ${name} is missing; expected ${k} user id(s) per case`);
  if (ids.length !== cases * k) {
    throw new RangeError(`${fn}: ${name} has ${ids.length} entries for ${cases} cases; expected ${k} user id(s) per case`);
  }
  for (let i = 0; i < ids.length; i++) {
    const u = ids[i];
    if (!Number.isInteger(u) || u < 0) throw new RangeError(`${fn}: ${name}[${i}] = ${u}; expected a user id (an integer >= 0)`);
  }
}

function distinct(ids: Int32Array, users: number): number {
  const seen = new Uint8Array(users);
  let c = 0;
  for (let i = 0; i < ids.length; i++) {
    if (seen[ids[i]] === 0) {
      seen[ids[i]] = 1;
      c++;
    }
  }
  return c;
}

/**
 * Builds the case table. `ks` are the top-k cut-offs to precompute credit for; `users`
 * (optional) is the population size, at least 1 + the largest user id.
 */
export function scoredCases(scores: CaseScores, orientation: Orientation, fn: string, ks: readonly number[] = [], users?: number, time?: TimeBlocks): ScoredCases {
  if (orientation !== 1 && orientation !== -1) throw new RangeError(`${fn}: orientation = ${orientation}; expected 1 or -1`);
  const n = scores.positives.length;
  const m = scores.negatives.length;
  for (const [name, v] of [
    ["positives", scores.positives],
    ["negatives", scores.negatives],
  ] as const) {
    for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) throw new RangeError(`${fn}: ${name}[${i}] = ${v[i]}; scores must be finite numbers`);
  }
  const clustered = scores.positiveUsers !== undefined || scores.negativeUsers !== undefined;
  const k = clustered ? (scores.usersPerCase ?? 1) : 1;
  if (k !== 1 && k !== 2) throw new RangeError(`${fn}: usersPerCase = ${k}; expected 1 or 2`);
  let pu: Int32Array;
  let nu: Int32Array;
  if (clustered) {
    checkUsers(scores.positiveUsers, n, k, "positiveUsers", fn);
    checkUsers(scores.negativeUsers, m, k, "negativeUsers", fn);
    pu = Int32Array.from(scores.positiveUsers as ArrayLike<number>);
    nu = Int32Array.from(scores.negativeUsers as ArrayLike<number>);
  } else {
    pu = new Int32Array(n);
    nu = new Int32Array(m);
    for (let i = 0; i < n; i++) pu[i] = i;
    for (let j = 0; j < m; j++) nu[j] = n + j;
  }
  let maxId = -1;
  for (let i = 0; i < pu.length; i++) if (pu[i] > maxId) maxId = pu[i];
  for (let i = 0; i < nu.length; i++) if (nu[i] > maxId) maxId = nu[i];
  const N = users ?? maxId + 1;
  if (!Number.isInteger(N) || N < maxId + 1) throw new RangeError(`${fn}: users = ${users}; expected an integer above every user id (largest ${maxId})`);

  // Sort each class by oriented score, highest first (stable in case order).
  const order = (v: ArrayLike<number>, len: number) => {
    const idx = new Int32Array(len);
    for (let i = 0; i < len; i++) idx[i] = i;
    return idx.sort((a, b) => orientation * (v[b] - v[a]) || a - b);
  };
  const po = order(scores.positives, n);
  const no = order(scores.negatives, m);
  const pv = (i: number) => orientation * scores.positives[po[i]];
  const nv = (j: number) => orientation * scores.negatives[no[j]];
  const posUsers = new Int32Array(n * k);
  const negUsers = new Int32Array(m * k);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) posUsers[i * k + c] = pu[po[i] * k + c];
  for (let j = 0; j < m; j++) for (let c = 0; c < k; c++) negUsers[j * k + c] = nu[no[j] * k + c];

  // Runs of equal score, merged across the classes.
  const posStart: number[] = [0];
  const negStart: number[] = [0];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    const v = j >= m || (i < n && pv(i) > nv(j)) ? pv(i) : nv(j);
    while (i < n && pv(i) === v) i++;
    while (j < m && nv(j) === v) j++;
    posStart.push(i);
    negStart.push(j);
  }

  let posBlocks: Int32Array | null = null;
  let negBlocks: Int32Array | null = null;
  let rankBlocks: Int32Array | null = null;
  if (time !== undefined) {
    const { positiveTimes: pt, negativeTimes: nt } = scores;
    if (pt === undefined || nt === undefined || pt.length !== n || nt.length !== m) {
      throw new RangeError(`${fn}: resampling time blocks needs positiveTimes and negativeTimes, one per case`);
    }
    if (!(time.block > 0) || !Number.isInteger(time.blocks) || time.blocks < 1) throw new RangeError(`${fn}: time blocks of ${time.block} µs × ${time.blocks}; expected a positive length and count`);
    const blockOf = (t: number, name: string, i: number) => {
      if (!Number.isFinite(t)) throw new RangeError(`${fn}: ${name}[${i}] = ${t}; expected a finite time`);
      const b = Math.floor((t - time.start) / time.block);
      return b < 0 ? 0 : b >= time.blocks ? time.blocks - 1 : b;
    };
    posBlocks = Int32Array.from(po, (i) => blockOf(pt[i], "positiveTimes", i));
    negBlocks = Int32Array.from(no, (j) => blockOf(nt[j], "negativeTimes", j));
    rankBlocks = Int32Array.from({ length: n }, (_, i) => blockOf(pt[i], "positiveTimes", i));
  }

  let credit: Float64Array[] | null = null;
  const { ranks, rankTies, rankBelow } = scores;
  if (ranks !== undefined) {
    if (ranks.length !== n) throw new RangeError(`${fn}: ranks has ${ranks.length} entries for ${n} positives; expected one per positive`);
    if (orientation === -1 && rankBelow === undefined) throw new RangeError(`${fn}: orientation -1 needs rankBelow (wrong candidates below the true answer)`);
    const above = orientation === 1 ? ranks : (rankBelow as ArrayLike<number>);
    for (const [name, a] of [
      ["ranks", ranks],
      ["rankTies", rankTies],
      ["rankBelow", rankBelow],
    ] as const) {
      if (a === undefined) continue;
      if (a.length !== n) throw new RangeError(`${fn}: ${name} has ${a.length} entries for ${n} positives; expected one per positive`);
      for (let q = 0; q < n; q++) {
        if (!Number.isInteger(a[q]) || a[q] < 0) throw new RangeError(`${fn}: ${name}[${q}] = ${a[q]}; expected an integer count >= 0`);
      }
    }
    credit = ks.map((kk) => {
      const c = new Float64Array(n);
      for (let q = 0; q < n; q++) c[q] = topKCredit(above[q], rankTies === undefined ? 0 : rankTies[q], kk);
      return c;
    });
  }
  const groups = posStart.length - 1;
  const posGroup = new Int32Array(n);
  const negGroup = new Int32Array(m);
  for (let g = 0; g < groups; g++) {
    posGroup.fill(g, posStart[g], posStart[g + 1]);
    negGroup.fill(g, negStart[g], negStart[g + 1]);
  }
  return {
    n,
    m,
    k,
    users: N,
    clustered,
    groups,
    posStart: Int32Array.from(posStart),
    negStart: Int32Array.from(negStart),
    posGroup,
    negGroup,
    posUsers,
    negUsers,
    rankUsers: pu,
    posBlocks,
    negBlocks,
    rankBlocks,
    credit,
    positiveUsers: distinct(pu, N),
    negativeUsers: distinct(nu, N),
  };
}

/** One replicate's metrics: AUC, TPR at each FPR, top-k at each k (NaN where undefined). */
export interface MetricValues {
  auc: number;
  readonly tprAt: Float64Array;
  readonly topK: Float64Array;
}

/**
 * The metrics of the cases weighted by their users' weights `w` (null: every weight 1)
 * times their time blocks' weights `v` (null: 1). `pw`, `qw` are scratch of
 * `cases.groups` cells. With every weight 1 the arithmetic is that of `rocAucSorted`,
 * `tprAtFprSorted` and `topKAccuracy` on integers, so the results are the same doubles.
 */
export function metricsOnWeights(
  cases: ScoredCases,
  w: ArrayLike<number> | null,
  fprs: readonly number[],
  out: MetricValues,
  pw: Float64Array,
  qw: Float64Array,
  v: ArrayLike<number> | null = null,
): void {
  const { groups: G, posStart, negStart, posUsers, negUsers, k, posBlocks, negBlocks } = cases;
  if (w === null) {
    // every user weight 1: a run's weight is its count of cases (times their blocks' weights)
    for (let g = 0; g < G; g++) {
      pw[g] = 0;
      qw[g] = 0;
    }
    addCaseWeights(pw, cases.posGroup, cases.n, null, posUsers, k, v === null ? null : posBlocks, v);
    addCaseWeights(qw, cases.negGroup, cases.m, null, negUsers, k, v === null ? null : negBlocks, v);
  } else {
    pw.fill(0, 0, G);
    qw.fill(0, 0, G);
    addCaseWeights(pw, cases.posGroup, cases.n, w, posUsers, k, v === null ? null : posBlocks, v);
    addCaseWeights(qw, cases.negGroup, cases.m, w, negUsers, k, v === null ? null : negBlocks, v);
  }
  // The totals and the AUC, ties ½ (Mann–Whitney): ascending runs, negatives below each
  // run accumulated. With integer weights (bootstrap counts: w and v Int32Arrays, or
  // null for 1) every sum is an integer, exact in any order while below 2^53, so one
  // reverse pass gives the same doubles as a forward pass for the totals; other weights,
  // or sums that large, take the totals' forward pass.
  let P = 0;
  let below = 0;
  let twiceU = 0;
  const integral = (w === null || w instanceof Int32Array) && (v === null || v instanceof Int32Array);
  if (integral) {
    for (let g = G - 1; g >= 0; g--) {
      const p = pw[g];
      const q = qw[g];
      P += p;
      twiceU += p * (2 * below + q);
      below += q;
    }
  }
  if (!integral || 2 * P * below >= 2 ** 53) {
    P = 0;
    below = 0;
    twiceU = 0;
    let Qf = 0;
    for (let g = 0; g < G; g++) {
      P += pw[g];
      Qf += qw[g];
    }
    for (let g = G - 1; g >= 0; g--) {
      twiceU += pw[g] * (2 * below + qw[g]);
      below += qw[g];
    }
    below = Qf;
  }
  const Q = below;
  const defined = P > 0 && Q > 0;
  out.auc = defined ? twiceU / (2 * P * Q) : Number.NaN;
  // TPR at each FPR: the weighted ROC read at the budget, linear inside a tied run.
  for (let f = 0; f < fprs.length; f++) {
    if (!defined) {
      out.tprAt[f] = Number.NaN;
      continue;
    }
    const budget = falsePositiveBudget(fprs[f], Q);
    if (budget >= Q) {
      out.tprAt[f] = 1;
      continue;
    }
    let tp = 0;
    let fp = 0;
    let tpr = 1;
    for (let g = 0; g < G; g++) {
      if (fp + qw[g] > budget) {
        tpr = (tp + pw[g] * ((budget - fp) / qw[g])) / P;
        break;
      }
      tp += pw[g];
      fp += qw[g];
    }
    out.tprAt[f] = tpr;
  }
  // Top-k: the positives' expected hits, weighted, in their original order.
  const credit = cases.credit;
  for (let c = 0; c < out.topK.length; c++) {
    if (credit === null || !(P > 0)) {
      out.topK[c] = Number.NaN;
      continue;
    }
    const cr = credit[c];
    const ru = cases.rankUsers;
    const rb = v === null ? null : cases.rankBlocks;
    let hits = 0;
    for (let i = 0; i < cr.length; i++) {
      let cw = w === null ? 1 : k === 1 ? w[ru[i]] : w[ru[2 * i]] * w[ru[2 * i + 1]];
      if (rb !== null) cw *= (v as ArrayLike<number>)[rb[i]];
      hits += w === null && rb === null ? cr[i] : cw * cr[i];
    }
    out.topK[c] = hits / P;
  }
}

/** Each case's (user, block) cell u·V + b, computed once per case table and block count. */
const cellIndex = new WeakMap<Int32Array, { users: Int32Array; V: number; cell: Int32Array }>();
function userBlockCells(users: Int32Array, blocks: Int32Array, cases: number, V: number): Int32Array {
  const hit = cellIndex.get(blocks);
  if (hit !== undefined && hit.users === users && hit.V === V && hit.cell.length === cases) return hit.cell;
  const cell = new Int32Array(cases);
  for (let i = 0; i < cases; i++) cell[i] = users[i] * V + blocks[i];
  cellIndex.set(blocks, { users, V, cell });
  return cell;
}

/** A scratch table of (user, block) weights, reused across calls on this thread. */
let cells = new Float64Array(0);
function cellScratch(size: number): Float64Array {
  if (cells.length < size) cells = new Float64Array(size);
  return cells;
}

/**
 * Adds each sorted case's weight to its run's cell of `sums` (cleared by the caller):
 * the product of its users' weights `w` (null: 1), times its time block's weight `v`
 * when `blocks` is given. Cases are visited in sorted order, so each run's sum is formed
 * in the order the per-run loop formed it (the same doubles, bit for bit). One tight
 * loop per case shape, with no test inside it: this pass is the bootstrap's inner loop
 * (every replicate of every observer of every arm).
 */
function addCaseWeights(
  sums: Float64Array,
  group: Int32Array,
  cases: number,
  w: ArrayLike<number> | null,
  users: Int32Array,
  k: 1 | 2,
  blocks: Int32Array | null,
  v: ArrayLike<number> | null,
): void {
  if (blocks === null || v === null) {
    if (w === null) {
      for (let i = 0; i < cases; i++) sums[group[i]] += 1;
    } else if (k === 2) {
      for (let i = 0; i < cases; i++) sums[group[i]] += w[users[2 * i]] * w[users[2 * i + 1]];
    } else {
      for (let i = 0; i < cases; i++) sums[group[i]] += w[users[i]];
    }
  } else if (w === null) {
    for (let i = 0; i < cases; i++) sums[group[i]] += 1 * v[blocks[i]];
  } else if (k === 1 && cases > 2 * w.length * v.length) {
    // Many more cases than (user, block) cells (bursts): each cell's weight w_u·v_b once,
    // then one look-up per case (the same products, so the same sums).
    const V = v.length;
    const cell = userBlockCells(users, blocks, cases, V);
    const wv = cellScratch(w.length * V);
    for (let u = 0; u < w.length; u++) {
      const wu = w[u];
      for (let b = 0; b < V; b++) wv[u * V + b] = wu * v[b];
    }
    for (let i = 0; i < cases; i++) sums[group[i]] += wv[cell[i]];
  } else if (k === 2) {
    for (let i = 0; i < cases; i++) sums[group[i]] += w[users[2 * i]] * w[users[2 * i + 1]] * v[blocks[i]];
  } else {
    for (let i = 0; i < cases; i++) sums[group[i]] += w[users[i]] * v[blocks[i]];
  }
}
