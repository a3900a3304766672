/**
 * Direction pairings — which side of A's traffic a link observer compares with which
 * side of B's. The flow-correlation literature pairs what A sends with what B receives
 * (Levine et al. FC 2004; Shmatikov & Wang ESORICS 2006; Bahramali et al. NDSS 2020),
 * because that is where A's message travels. A defense on one side only breaks exactly
 * that pairing and leaves the others: two conversing users both *receive* in the same
 * minutes (each gets the other's messages), a device-side constant rate leaves the
 * server's downlink bare, and the ACKs a receiver sends back ride its uplink. The
 * long-term observers (rounds.ts, after Danezis 2003 / Mathewson & Dingledine 2004)
 * already look at every pairing; this module gives the traffic link observers the same.
 *
 * Pairings of the unordered pair {A, B}, each a pair score from directed scores s(A → B):
 * - `up-down`: combine(s(up_A, down_B), s(up_B, down_A)) — today's rule. It holds both
 *   "up→down" (A's uplink against B's downlink) and "down→up" (A's downlink against B's
 *   uplink, which is s(up_B, down_A)); with lags, both signs of the lag, so a reply
 *   (B sends after A received) is in it too. On unordered pairs the two are one pairing.
 * - `up-up`: s(up_A, up_B) — both ends sending together (what is left when a defense
 *   shapes the downlink only);
 * - `down-down`: s(down_A, down_B) — both ends receiving together (what is left when a
 *   defense shapes the uplink only: each receives the other's messages);
 * - `total-total`: s(both directions of A, both directions of B).
 * The same-direction pairings take lags both ways where the observer uses lags, and are
 * symmetric in A and B wherever the observer's directed score is (a correlation, a
 * histogram distance); where it is not (event matching), both directions are combined.
 *
 * `strongest` (the default): per pair, the largest of the pairings' scores after each
 * pairing is standardized over all pairs — minus its mean, over its standard deviation,
 * as rounds.ts does before its maximum — so pairings are on one scale and none drowns the
 * others by its units; a pairing whose scores do not vary (a constant-rate side
 * correlates 0 with everything) tells no pair from another and is left out. The mean and
 * spread are estimated on the pairs among a seeded subset of `scaleUsers` users (all
 * users when fewer; their rows gathered and scored in blocks where the kernel is a
 * correlation of rows): exact enough to put pairings on one scale, at a fixed cost
 * whatever the population (on the default experiment's constant-rate arm, 48, 200 and
 * all users give AUCs within 0.002 of each other). The labels are never read: the scale is a property of the traffic.
 *
 * Why `strongest` rather than learning the pairing: it needs no training run (it runs on
 * recorded captures too), the runner already reads every observer's direction off a
 * training run of the same defense, and the learned classifier (learned-classifier.ts)
 * gets every pairing's features and learns how to weigh them. Learning which pairing to
 * use would pay only if the maximum cost the attacker where one pairing is best, and it
 * does not: on the default experiment (200 users, 1 h, seed 1; AUC, user-bootstrap 95%
 * intervals), undefended, volume correlation scores 0.850 [0.753, 0.931] with
 * `strongest` against 0.859 [0.765, 0.937] for its best single pairing (up-down; up-up
 * 0.724, down-down 0.715, total-total 0.827), lagged correlation 0.790 against 0.788 (its
 * best); under the device-only constant rate, where up-down is at 0.500 exactly, both
 * read 0.702 [0.579, 0.813] and 0.737 [0.620, 0.834] (the down-down and total-total
 * pairings). Each single pairing stays selectable (`pairing: "up-down"` is the behaviour
 * before this module).
 *
 * @example
 * const plan = pairingPlan("strongest", (p) => ({ kernel: kernels[p], symmetric: p !== "up-down" }), { users: 100, combine: "mean", rng, scaleUsers: 64 });
 * linkTaskTerms(labels, plan.kernels, plan.terms, { rng });
 */
import { z } from "zod";
import { pairScoreBlock, type Combine, type PairingTerm } from "./pair-block.ts";
import type { BlockKernel } from "./pair-kernels.ts";
import type { RowTerm } from "./pair-block-task.ts";
import type { Rng } from "../sim/core/rng.ts";

export const DIRECTION_PAIRINGS = ["up-down", "up-up", "down-down", "total-total"] as const;
export type DirectionPairing = (typeof DIRECTION_PAIRINGS)[number];
export const PAIRING_CHOICES = ["strongest", ...DIRECTION_PAIRINGS] as const;
export type PairingChoice = (typeof PAIRING_CHOICES)[number];

/** The `pairing` parameter of every traffic link observer. */
export const pairingParam = z
  .enum(PAIRING_CHOICES)
  .default("strongest")
  .describe(
    "which direction of A is compared with which of B: up-down (A's uplink with B's downlink and back: the classic rule), up-up, down-down, total-total, or strongest (per pair the largest of the four, each standardized over all pairs; the attacker's choice)",
  );

/** The `scaleUsers` parameter: how many users' pairs set each pairing's scale under `strongest`. */
export const scaleUsersParam = z
  .number()
  .int()
  .min(4)
  .max(100_000)
  .meta({ unit: "users" })
  .default(64)
  .describe("under pairing strongest: each pairing's mean and spread are taken over the pairs among this many users (a seeded subset; all users when fewer)");

/** The three per-user series an observer may compare: index 0 uplink, 1 downlink, 2 both directions together. */
export const STREAM_UP = 0;
export const STREAM_DOWN = 1;
export const STREAM_TOTAL = 2;
export type StreamIndex = typeof STREAM_UP | typeof STREAM_DOWN | typeof STREAM_TOTAL;

/** Which series of A (x) meets which of B (y) in a pairing. */
export function pairingStreams(p: DirectionPairing): { readonly x: StreamIndex; readonly y: StreamIndex } {
  switch (p) {
    case "up-down":
      return { x: STREAM_UP, y: STREAM_DOWN };
    case "up-up":
      return { x: STREAM_UP, y: STREAM_UP };
    case "down-down":
      return { x: STREAM_DOWN, y: STREAM_DOWN };
    case "total-total":
      return { x: STREAM_TOTAL, y: STREAM_TOTAL };
  }
}

/** The pairings a choice scores. */
export function pairingsOf(choice: PairingChoice): readonly DirectionPairing[] {
  return choice === "strongest" ? DIRECTION_PAIRINGS : [choice];
}

/** One pairing's directed kernel, and whether s(i → j) = s(j → i) (then one direction is computed). */
export interface PairingKernel {
  readonly kernel: BlockKernel;
  readonly symmetric: boolean;
}

export interface PairingPlanOptions {
  readonly users: number;
  readonly combine: Combine;
  /** The stream the scale subset is drawn from (only under `strongest`). */
  readonly rng: Rng;
  readonly scaleUsers: number;
}

/** The kernels and terms a link task folds (pair-block.ts `pairingScoreBlock`), and the pairings they stand for. */
export interface PairingPlan {
  readonly pairings: readonly DirectionPairing[];
  readonly kernels: readonly BlockKernel[];
  readonly terms: readonly PairingTerm[];
}

/**
 * The users whose pairs set the scale: all of them when there are at most `m`, else `m`
 * drawn without replacement from `rng` (partial Fisher–Yates), ascending.
 */
export function scaleSubset(users: number, m: number, rng: Rng): Int32Array {
  const all = new Int32Array(users);
  for (let u = 0; u < users; u++) all[u] = u;
  if (users <= m) return all;
  for (let k = 0; k < m; k++) {
    const r = rng.int(k, users);
    const t = all[k];
    all[k] = all[r];
    all[r] = t;
  }
  return all.subarray(0, m).sort();
}

/**
 * The mean and standard deviation of a pairing's pair scores over every pair i < j of
 * rows [0, m) of its kernel (the scale subset's own index space: its rows gathered, or
 * `subsetKernel` mapping them), non-finite scores counting as 0. Scored in blocks, the
 * same arithmetic as the link task's.
 */
export function pairingScale(k: PairingKernel, combine: Combine, m: number, block = 64): { mean: number; sd: number } {
  const B = Math.max(1, Math.min(block, m));
  const out1 = new Float64Array(B * B);
  const out2 = new Float64Array(B * B);
  let n = 0;
  let sum = 0;
  let sq = 0;
  for (let i0 = 0; i0 < m; i0 += B) {
    const i1 = Math.min(m, i0 + B);
    for (let j0 = i0; j0 < m; j0 += B) {
      const j1 = Math.min(m, j0 + B);
      const wj = j1 - j0;
      pairScoreBlock(k.kernel, i0, i1, j0, j1, combine, k.symmetric, out1, out2, out1);
      for (let i = i0; i < i1; i++) {
        for (let j = j0 === i0 ? i + 1 : j0; j < j1; j++) {
          const v = out1[(i - i0) * wj + (j - j0)];
          const x = Number.isFinite(v) ? v : 0;
          n++;
          sum += x;
          sq += x * x;
        }
      }
    }
  }
  const mean = n > 0 ? sum / n : 0;
  const sd = n > 1 ? Math.sqrt(Math.max(0, sq / n - mean * mean)) : 0;
  return { mean, sd };
}

/** A kernel over the subset's index space [0, m) from a kernel over all users (one pair at a time). */
export function subsetKernel(k: BlockKernel, subset: Int32Array): BlockKernel {
  const one = new Float64Array(1);
  return (i0, i1, j0, j1, out) => {
    const w = j1 - j0;
    for (let i = i0; i < i1; i++) {
      for (let j = j0; j < j1; j++) {
        k(subset[i], subset[i] + 1, subset[j], subset[j] + 1, one);
        out[(i - i0) * w + (j - j0)] = one[0];
      }
    }
  };
}

/** Spread below which a pairing tells no pair from another (scores on the scale of a correlation or a share). */
const FLAT = 1e-9;

/**
 * The plan of a pairing choice: one raw term for a single pairing (scores exactly as the
 * kernel gives them), or under `strongest` one standardized term per pairing whose
 * scores vary over the scale subset (a flat pairing is left out; none left: every pair
 * scores 0).
 */
export function pairingPlan(
  choice: PairingChoice,
  build: (p: DirectionPairing) => PairingKernel,
  o: PairingPlanOptions,
  onSubset?: (p: DirectionPairing, subset: Int32Array) => BlockKernel,
): PairingPlan {
  if (choice !== "strongest") {
    const k = build(choice);
    return { pairings: [choice], kernels: [k.kernel], terms: [{ symmetric: k.symmetric, mean: 0, sd: 1 }] };
  }
  const subset = scaleSubset(o.users, o.scaleUsers, o.rng);
  const pairings: DirectionPairing[] = [];
  const kernels: BlockKernel[] = [];
  const terms: PairingTerm[] = [];
  for (const p of DIRECTION_PAIRINGS) {
    const k = build(p);
    const onIt = onSubset ? onSubset(p, subset) : subsetKernel(k.kernel, subset);
    const { mean, sd } = pairingScale({ kernel: onIt, symmetric: k.symmetric }, o.combine, subset.length);
    if (!(sd > FLAT * Math.max(1, Math.abs(mean)))) continue;
    pairings.push(p);
    kernels.push(k.kernel);
    terms.push({ symmetric: k.symmetric, mean, sd });
  }
  return { pairings, kernels, terms };
}

/** A plan over rows of series (for kernels that are correlations of rows, which a worker pool can compute). */
export interface RowPairingPlan extends PairingPlan {
  /** The series the terms read (only those the choice needs), n × d each. */
  readonly streams: readonly Float32Array[];
  readonly rowTerms: readonly RowTerm[];
}

/**
 * `pairingPlan` for row kernels: `series(s)` makes the rows of series s (called once per
 * series the choice needs), `kernelOf(X, Y, symmetric)` the directed kernel of rows X
 * against rows Y. Same-series pairings are symmetric (X_i·X_j at lags both ways).
 */
export function rowPairingPlan(
  choice: PairingChoice,
  series: (s: StreamIndex) => Float32Array,
  kernelOf: (X: Float32Array, Y: Float32Array) => BlockKernel,
  o: PairingPlanOptions,
): RowPairingPlan {
  const streams: Float32Array[] = [];
  const slot = new Map<StreamIndex, number>();
  const at = (s: StreamIndex): number => {
    let k = slot.get(s);
    if (k === undefined) {
      k = streams.length;
      streams.push(series(s));
      slot.set(s, k);
    }
    return k;
  };
  const where = new Map<BlockKernel, { x: number; y: number }>();
  const gathered = new Map<number, Float32Array>();
  const gather = (k: number, subset: Int32Array): Float32Array => {
    let G = gathered.get(k);
    if (!G) {
      const S = streams[k];
      const d = S.length / o.users;
      G = new Float32Array(subset.length * d);
      for (let r = 0; r < subset.length; r++) G.set(S.subarray(subset[r] * d, (subset[r] + 1) * d), r * d);
      gathered.set(k, G);
    }
    return G;
  };
  const plan = pairingPlan(
    choice,
    (p) => {
      const { x, y } = pairingStreams(p);
      const xi = at(x);
      const yi = at(y);
      const kernel = kernelOf(streams[xi], streams[yi]);
      where.set(kernel, { x: xi, y: yi });
      return { kernel, symmetric: x === y };
    },
    o,
    // The subset's rows gathered, so its scale is scored in blocks like the link task.
    (p, subset) => {
      const { x, y } = pairingStreams(p);
      return kernelOf(gather(at(x), subset), gather(at(y), subset));
    },
  );
  const rowTerms = plan.terms.map((t, k) => ({ ...where.get(plan.kernels[k])!, symmetric: t.symmetric, mean: t.mean, sd: t.sd }));
  return { ...plan, streams, rowTerms };
}
