/**
 * Observation rounds — what the long-term (disclosure) attacks see: time cut into
 * rounds, and in each round, per user, how many messages it sent and how many it
 * received. This is the batch view of a mix (Kesdogan, Agrawal & Penz, "Limits of
 * Anonymity in Open Environments", IH 2002; Danezis, "Statistical Disclosure Attacks",
 * SEC 2003; Mathewson & Dingledine, "Practical Traffic Analysis: Extending and Resisting
 * Statistical Disclosure", PET 2004) applied to messaging: for a store-and-forward
 * server the "batch" is a time window, its inputs are the users who uploaded in it and
 * its outputs the users who downloaded in it.
 *
 * Rule (`RoundTap`): on each endpoint and direction, packets closer than `burstGap`
 * form one event (a message upload or download, a receipt, a keepalive: the tap cannot
 * tell which); an event whose bytes reach `minEventBytes` counts once in the round its
 * first packet falls in, as a send (uplink) or a receive (downlink). Memory is two
 * users × rounds Float32 matrices plus O(users) state, fixed when the tap is built
 * (per-window aggregates, not traces); the tap is O(1) and allocation-free.
 *
 * Shared by observers/statistical-disclosure.ts and observers/intersection.ts, which
 * turn a matrix of directed scores s(a → b) ("how much does a send to b") into the lab's
 * link-task scores (`matrixLinkScores`) and the partner-identification rate
 * (`partnerIdentification`).
 *
 * @example
 * const rounds = new RoundTap({ users: 3, start: 0, end: seconds(600), roundWidth: seconds(60), burstGap: seconds(1), minEventBytes: 0 });
 * rounds.packet(0, seconds(61), 900, UP);   // user 0 sends in round 1
 * rounds.packet(2, seconds(61.4), 900, DOWN); // user 2 receives in round 1
 * rounds.flush();
 * rounds.sent[0 * rounds.rounds + 1]; // => 1
 */
import type { IdentificationScores, Observer, ObserverContext, Tap, TaskScores } from "./observer.ts";
import type { LinkLabels } from "./pair-labels.ts";
import { linkTask } from "./link-task.ts";
import { combineScores, type Combine } from "./pair-block.ts";
import { pairCode } from "./pair-labels.ts";
import { checkCells } from "./binned-volume.ts";
import type { Labels, PairTask } from "./labels.ts";
import type { Rng } from "../sim/core/rng.ts";
import type { Micros } from "../sim/core/time.ts";
import { UP, type Direction } from "../sim/core/kinds.ts";

export interface RoundOptions {
  readonly users: number;
  readonly start: Micros;
  readonly end: Micros;
  /** Round width, µs (a positive integer). */
  readonly roundWidth: Micros;
  /** Packets of one endpoint and direction closer than this (µs) are one event. */
  readonly burstGap: Micros;
  /** Events smaller than this many bytes are not counted (0: all). */
  readonly minEventBytes: number;
  /** Refuse more than this many cells per matrix (default 2^26). */
  readonly maxCells?: number;
}

export class RoundTap implements Tap {
  readonly users: number;
  readonly rounds: number;
  readonly start: Micros;
  readonly end: Micros;
  readonly width: Micros;
  /** Events sent, users × rounds, row-major. */
  readonly sent: Float32Array;
  /** Events received, users × rounds, row-major. */
  readonly received: Float32Array;
  private readonly gap: Micros;
  private readonly minBytes: number;
  /** Per endpoint·2 + direction: time of the last packet, first packet of the open event, its bytes. */
  private readonly last: Float64Array;
  private readonly first: Float64Array;
  private readonly bytes: Float64Array;

  constructor(o: RoundOptions) {
    if (!Number.isSafeInteger(o.roundWidth) || o.roundWidth <= 0) throw new RangeError(`rounds: roundWidth = ${o.roundWidth} µs, expected a positive integer`);
    if (!(o.end > o.start)) throw new RangeError(`rounds: end ${o.end} must be after start ${o.start}`);
    this.users = o.users;
    this.start = o.start;
    this.end = o.end;
    this.width = o.roundWidth;
    this.rounds = Math.max(1, Math.ceil((o.end - o.start) / o.roundWidth));
    checkCells("rounds", o.users, this.rounds, o.maxCells);
    this.sent = new Float32Array(o.users * this.rounds);
    this.received = new Float32Array(o.users * this.rounds);
    this.gap = o.burstGap;
    this.minBytes = o.minEventBytes;
    this.last = new Float64Array(2 * o.users).fill(-Infinity);
    this.first = new Float64Array(2 * o.users);
    this.bytes = new Float64Array(2 * o.users);
  }

  packet(u: number, t: Micros, size: number, dir: Direction): void {
    if (t < this.start || t >= this.end) return;
    const k = 2 * u + dir;
    if (t - this.last[k] > this.gap) {
      this.close(k);
      this.first[k] = t;
    }
    this.last[k] = t;
    this.bytes[k] += size;
  }

  /** Counts the open event of endpoint·direction k, if any. */
  private close(k: number): void {
    if (this.bytes[k] <= 0) return;
    if (this.bytes[k] >= this.minBytes) {
      const r = Math.floor((this.first[k] - this.start) / this.width);
      const cell = (k >> 1) * this.rounds + r;
      if ((k & 1) === UP) this.sent[cell]++;
      else this.received[cell]++;
    }
    this.bytes[k] = 0;
  }

  /** Counts every open event (call once the run is over, before reading the matrices; idempotent). */
  flush(): void {
    for (let k = 0; k < this.last.length; k++) this.close(k);
  }
}

/**
 * The rounds [0, count) of a users × rounds matrix as a rounds × users matrix (so one
 * round's users are contiguous), with each cell the sum of rounds r … r + lag (the
 * receives a send in round r may cause: store-and-forward delays, a pool mix's delay),
 * never past round count − 1: an attacker who has watched `count` rounds has not seen
 * the next ones.
 */
export function laggedTranspose(m: Float32Array, users: number, rounds: number, count: number, lag: number): Float64Array {
  const out = new Float64Array(count * users);
  for (let u = 0; u < users; u++) {
    const row = u * rounds;
    for (let r = 0; r < count; r++) {
      let s = 0;
      const hi = Math.min(count, r + lag + 1);
      for (let q = r; q < hi; q++) s += m[row + q];
      out[r * users + u] = s;
    }
  }
  return out;
}

/**
 * S[a·N + b] = Σ_r A[a, r]·BT[r, b] over rounds [0, count): A is users × rounds
 * (row-major, `rounds` per row; its zero cells cost nothing), BT rounds × users.
 */
export function crossRounds(A: ArrayLike<number>, rounds: number, BT: Float64Array, users: number, count: number): Float64Array {
  const S = new Float64Array(users * users);
  for (let a = 0; a < users; a++) {
    const row = a * rounds;
    const out = a * users;
    for (let r = 0; r < count; r++) {
      const w = A[row + r];
      if (w === 0) continue;
      const col = r * users;
      for (let b = 0; b < users; b++) S[out + b] += w * BT[col + b];
    }
  }
  return S;
}

/** Options for turning a directed score matrix into link-task scores. */
export interface MatrixScoreOptions {
  readonly task: PairTask;
  readonly combine: Combine;
  readonly maxNegatives: number;
  readonly rng: Rng;
}

/**
 * The link task on a directed score matrix V (V[a·N + b] = s(a → b)): pair {a, b} scores
 * combine(s(a → b), s(b → a)); every positive, all or a seeded sample of the negatives,
 * the true partner's rank among its initiator's candidates, and both users of each case
 * (link-task.ts does the bookkeeping). A non-finite score counts as 0 (no evidence).
 */
export function matrixLinkScores(labels: LinkLabels, V: Float64Array, opts: MatrixScoreOptions): TaskScores {
  const n = labels.users;
  const kernel = (i0: number, i1: number, j0: number, j1: number, out: Float64Array): void => {
    const w = j1 - j0;
    for (let i = i0; i < i1; i++) {
      for (let j = j0; j < j1; j++) {
        const x = V[i * n + j];
        out[(i - i0) * w + (j - j0)] = Number.isFinite(x) ? x : 0;
      }
    }
  };
  return linkTask(labels, kernel, { task: opts.task, combine: opts.combine, maxNegatives: opts.maxNegatives, rng: opts.rng });
}

/** How often the attack names a true partner first. */
export interface Identification extends IdentificationScores {
  /** Users with at least one labelled partner (the targets). */
  readonly targetCount: number;
  /** Targets whose best-scored candidate is one of their labelled partners (ties: shared credit). */
  readonly identified: number;
  /** identified / targets (NaN without targets). */
  readonly rate: number;
  /** Per user: the best-scored candidate (−1 for users who are not targets). */
  readonly best: Int32Array;
}

/**
 * The partner-identification rate (the disclosure attacks' own figure: Danezis 2003,
 * Mathewson & Dingledine 2004 count the rounds until the attacker names Alice's partners):
 * for each target a, its candidates are the users the labels do not leave out of a's
 * pairs; the best-scored one under combine(s(a → c), s(c → a)) is a hit when it is a
 * labelled partner. A tie for first among k candidates of which h are partners counts
 * h/k. With `sign` −1 the best-scored is the lowest (a flipped reading). Labels are read
 * only to say which candidates are partners. Per target, its id and credit
 * (`targets`, `hits`) are what the lab's bootstrap resamples.
 */
export function partnerIdentification(labels: LinkLabels, V: Float64Array, combine: Combine, sign: 1 | -1 = 1): Identification {
  const n = labels.users;
  const isTarget = new Uint8Array(n);
  for (let k = 0; k < labels.initiator.length; k++) {
    isTarget[labels.initiator[k]] = 1;
    isTarget[labels.partner[k]] = 1;
  }
  const best = new Int32Array(n).fill(-1);
  const ids: number[] = [];
  const credit: number[] = [];
  let identified = 0;
  for (let a = 0; a < n; a++) {
    if (!isTarget[a]) continue;
    let top = -Infinity;
    let tied = 0;
    let hits = 0;
    for (let c = 0; c < n; c++) {
      if (c === a) continue;
      const code = pairCode(labels, a, c);
      if (code === -1) continue;
      const x = V[a * n + c];
      const y = V[c * n + a];
      const s = sign * combineScores(Number.isFinite(x) ? x : 0, Number.isFinite(y) ? y : 0, combine);
      if (s > top) {
        top = s;
        tied = 1;
        hits = code >= 0 ? 1 : 0;
        best[a] = c;
      } else if (s === top) {
        tied++;
        if (code >= 0) hits++;
      }
    }
    const h = tied > 0 ? hits / tied : 0;
    identified += h;
    ids.push(a);
    credit.push(h);
  }
  const targetCount = ids.length;
  return {
    targets: Int32Array.from(ids),
    hits: Float64Array.from(credit),
    candidates: n - 1,
    targetCount,
    identified,
    rate: targetCount > 0 ? identified / targetCount : Number.NaN,
    best,
  };
}

/**
 * Which activity of the target a is matched with which activity of a candidate b, in
 * rounds t and t … t + lag: `send-receive` is the disclosure attacks' own (a sends, b
 * receives: a's message reaching b); `receive-send` (a receives, b sends soon after: b
 * answering); `send-send` and `receive-receive` (both ends active together: what is left
 * when a one-sided defense hides one direction). `all` takes, per directed pair, the
 * strongest of the four.
 */
export const PAIRINGS = ["send-receive", "receive-send", "send-send", "receive-receive"] as const;
export type Pairing = (typeof PAIRINGS)[number];

/** The target-side and candidate-side matrices (users × rounds) of a pairing. */
export function pairingSides(tap: RoundTap, pairing: Pairing): [Float32Array, Float32Array] {
  switch (pairing) {
    case "send-receive":
      return [tap.sent, tap.received];
    case "receive-send":
      return [tap.received, tap.sent];
    case "send-send":
      return [tap.sent, tap.sent];
    case "receive-receive":
      return [tap.received, tap.received];
  }
}

/**
 * The directed score matrix under `pairing`, from `matrix(X, Y)` of the target-side and
 * candidate-side counts. With "all", each pairing's matrix is first standardized over
 * its off-diagonal cells (minus their mean, over their standard deviation; a constant
 * matrix, which tells no pair from another, becomes 0), then the element-wise maximum is
 * taken: scores on one scale, and a degenerate pairing cannot drown the others (under a
 * constant-rate uplink every user "sends" once, at the start, so every pair coincides
 * there).
 */
export function pairedMatrix(tap: RoundTap, pairing: Pairing | "all", matrix: (X: Float32Array, Y: Float32Array) => Float64Array): Float64Array {
  if (pairing !== "all") return matrix(...pairingSides(tap, pairing));
  const n = tap.users;
  let best: Float64Array | null = null;
  for (const p of PAIRINGS) {
    const V = standardizeOffDiagonal(matrix(...pairingSides(tap, p)), n);
    if (best === null) best = V;
    else for (let i = 0; i < V.length; i++) if (V[i] > best[i]) best[i] = V[i];
  }
  return best!;
}

/** V standardized in place over its off-diagonal cells (non-finite cells count as 0); the diagonal set to 0. */
export function standardizeOffDiagonal(V: Float64Array, n: number): Float64Array {
  let sum = 0;
  let sq = 0;
  const cells = n * (n - 1);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      if (a === b) continue;
      const x = Number.isFinite(V[a * n + b]) ? V[a * n + b] : 0;
      sum += x;
      sq += x * x;
    }
  }
  const mean = cells > 0 ? sum / cells : 0;
  const sd = cells > 0 ? Math.sqrt(Math.max(0, sq / cells - mean * mean)) : 0;
  const tiny = 1e-12 * Math.max(1, Math.abs(mean));
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      const i = a * n + b;
      const x = Number.isFinite(V[i]) ? V[i] : 0;
      V[i] = a === b || !(sd > tiny) ? 0 : (x - mean) / sd;
    }
  }
  return V;
}

/** The number of whole rounds of `width` µs from `start` that end by `until` (at least 1, at most `rounds`). */
export function roundsUntil(start: Micros, width: Micros, rounds: number, until: Micros): number {
  return Math.max(1, Math.min(rounds, Math.floor((until - start) / width)));
}

/** The parameters every rounds observer shares (the rest are its own). */
export interface RoundsObserverParams {
  readonly task: PairTask;
  readonly combine: Combine;
  readonly maxNegatives: number;
}

/**
 * What the long-term observers share: a round tap, the directed score matrix from the
 * rounds seen by a time, and the link task and partner identification read off it. A
 * subclass supplies only its matrix (`matrixOf`).
 */
export abstract class RoundsObserver implements Observer {
  private flushed = false;
  /** The last matrix computed and the rounds it covers (the runner asks for the link task and the identification at one horizon in turn). */
  private cached: { rounds: number; V: Float64Array } | null = null;

  constructor(
    readonly tap: RoundTap,
    private readonly shared: RoundsObserverParams,
    protected readonly ctx: ObserverContext,
  ) {}

  /** The directed scores s(a → b) from the first `rounds` rounds. */
  protected abstract matrixOf(rounds: number): Float64Array;

  private rounds(until: Micros): number {
    if (!this.flushed) {
      this.tap.flush();
      this.flushed = true;
    }
    return until >= this.ctx.end ? this.tap.rounds : roundsUntil(this.ctx.start, this.tap.width, this.tap.rounds, until);
  }

  /** The directed scores s(a → b) from the rounds that end by `until` (default: the whole run). The array is shared with later calls for the same rounds: do not write to it. */
  matrix(until: Micros = this.ctx.end): Float64Array {
    const r = this.rounds(until);
    if (this.cached?.rounds !== r) this.cached = { rounds: r, V: this.matrixOf(r) };
    return this.cached.V;
  }

  /** The rounds seen by `until` (at least one; the whole run from its end on) and their width, µs. */
  roundsUntil(until: Micros): { rounds: number; width: Micros } {
    return { rounds: this.rounds(until), width: this.tap.width };
  }

  score(labels: Labels): TaskScores {
    return this.scoreUntil(labels, this.ctx.end);
  }

  /** The link task as the attacker would score it having watched only until `until` (the labels are the caller's). */
  scoreUntil(labels: Labels, until: Micros): TaskScores {
    const p = this.shared;
    return matrixLinkScores(labels.pairs(p.task), this.matrix(until), { task: p.task, combine: p.combine, maxNegatives: p.maxNegatives, rng: this.ctx.rng.child("negatives") });
  }

  /** The partner-identification rate after watching until `until`. */
  identification(labels: Labels, until: Micros = this.ctx.end, orientation: 1 | -1 = 1): Identification {
    return partnerIdentification(labels.pairs(this.shared.task), this.matrix(until), this.shared.combine, orientation);
  }

  identificationUntil(labels: Labels, until: Micros, orientation: 1 | -1 = 1): IdentificationScores {
    return this.identification(labels, until, orientation);
  }
}
