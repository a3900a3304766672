/**
 * All-pairs scoring spread over a pool, for the `link` tasks at scale.
 *
 * The rule is the blocked kernel's, unchanged: pair {i, j} of standardized rows scores
 * combine(X_i·Y_j, X_j·Y_i) (Pearson's r of A's uplink with B's downlink and back, at the
 * best lag when `maxLag` > 0), or, given several series and pairing terms
 * (`PairingRows`, direction-pairing.ts), the largest standardized score over the terms
 * (`pairingScoreBlock`), computed in square blocks of the upper triangle (pair-block.ts). Here the blocks go to a `PairPool` (pair-pool.ts; the lab injects
 * worker-thread pools): on threads the rows sit once in a SharedArrayBuffer that every
 * worker reads, a task is a run of consecutive blocks of one block row
 * (pair-block-task.ts), and each task writes that run's pair scores into one of a fixed
 * ring of shared output slots. The caller receives the blocks one at a time in the
 * canonical order (i0 ascending, then j0 ascending from i0) whatever order they finish
 * in, with at most `inflight` tasks per worker outstanding; a slot is reused once its
 * blocks have been handed over. Memory stays O(N·d + K·inflight·blocksPerTask·block²),
 * nothing is allocated per task, and nothing of size N² is ever held.
 *
 * Every block is a pure function of the shared rows, so the scores, and anything folded
 * from them in canonical order, are the same doubles for the inline pool and any K:
 * `linkTaskParallel` returns exactly what `linkTask` returns with the same correlation
 * kernel, sample of negatives included.
 *
 * @example
 * const X = standardizedCopy(up, users, bins);
 * const Y = standardizedCopy(down, users, bins);
 * const pool = ctx.pairPools?.(2) ?? inlinePairPool();
 * const scores = await linkTaskParallel(labels, { X, Y, n: users, d: bins }, { pool, rng, maxNegatives: 2_000_000 });
 * await pool.close();
 */
import type { TaskScores } from "./observer.ts";
import { LinkAccumulator } from "./link-accumulator.ts";
import { linkPositivesTerms, type LinkTaskOptions } from "./link-task.ts";
import { linkBlockSize, type Combine } from "./pair-block.ts";
import { blockCells, scoreBlockRun, type PairTaskInput, type RowTerm } from "./pair-block-task.ts";
import { correlationKernel, DEFAULT_BLOCK, type LagPeak } from "./pair-kernels.ts";
import type { LinkLabels } from "./pair-labels.ts";
import { inlinePairPool, type PairPool } from "./pair-pool.ts";

type TaskSpan = Pick<PairTaskInput, "bi" | "bjFrom" | "bjTo">;

/** Standardized rows (see `standardizedCopy`): n rows of d values each. Y may be X. One pairing: X against Y. */
export interface PairRows {
  readonly X: Float32Array;
  readonly Y: Float32Array;
  readonly n: number;
  readonly d: number;
}

/**
 * Standardized rows of several series (direction-pairing.ts: uplink, downlink, both), n
 * rows of d values each, and the pairing terms that compare them: pair {i, j} scores the
 * largest (c_t − mean_t) / sd_t over terms (pair-block.ts `pairingScoreBlock`).
 */
export interface PairingRows {
  readonly streams: readonly Float32Array[];
  readonly terms: readonly RowTerm[];
  readonly n: number;
  readonly d: number;
}

/** A single X-against-Y pairing as streams and one raw term. */
function asPairing(rows: PairRows | PairingRows, symmetric: boolean): PairingRows {
  if ("streams" in rows) return rows;
  const same = rows.Y === rows.X;
  return { streams: same ? [rows.X] : [rows.X, rows.Y], terms: [{ x: 0, y: same ? 0 : 1, symmetric, mean: 0, sd: 1 }], n: rows.n, d: rows.d };
}

export interface ScorePairsOptions {
  /** The pool to use (the caller closes it). Without one, the calling thread scores every block. */
  readonly pool?: PairPool;
  /** Rows per block (default 64, clamped to [4, n] as `linkTask` does). */
  readonly block?: number;
  /** How s(i → j) and s(j → i) make the pair's score (default "mean"). */
  readonly combine?: Combine;
  /** s(i → j) = s(j → i): compute one direction only (`PairRows` only; each term of `PairingRows` says its own). */
  readonly symmetric?: boolean;
  /** Largest lag, in bins, on either side (default 0: Pearson at lag 0). */
  readonly maxLag?: number;
  readonly peak?: LagPeak;
  /** Blocks per task (default: about 32 tasks per worker, at most 8 blocks each): fewer messages against finer load balance. */
  readonly blocksPerTask?: number;
  /** Tasks outstanding per worker (default 4): bounds memory while keeping workers busy. */
  readonly inflight?: number;
}

/** One block of pair scores: scores[(i − i0)·(j1 − j0) + (j − j0)] for i < j (lower half of a diagonal block unspecified). */
export interface PairBlock {
  readonly i0: number;
  readonly i1: number;
  readonly j0: number;
  readonly j1: number;
  readonly scores: Float64Array;
}

export interface ScorePairsStats {
  readonly pairs: number;
  readonly blocks: number;
  readonly tasks: number;
  readonly workers: number;
}

function checkInt(name: string, v: number, lo: number, hi: number): void {
  if (!Number.isInteger(v) || v < lo || v > hi) throw new RangeError(`pair scoring: ${name} = ${v}, expected an integer in [${lo}, ${hi}]`);
}

/** A view of `a` over a SharedArrayBuffer: `a` itself when it already is one, else a copy. */
function shared(a: Float32Array, len: number): Float32Array {
  if (a.buffer instanceof SharedArrayBuffer) return a.subarray(0, len);
  const s = new Float32Array(new SharedArrayBuffer(len * Float32Array.BYTES_PER_ELEMENT));
  s.set(a.subarray(0, len));
  return s;
}

/**
 * Scores every unordered pair {i, j}, i < j, of the n rows, and hands the blocks to
 * `onBlock` one at a time in canonical order (i0 ascending, then j0 ascending from i0).
 * `block.scores` belongs to the callback only for the duration of the call.
 */
export async function scorePairsParallel(input: PairRows | PairingRows, opts: ScorePairsOptions, onBlock: (block: PairBlock) => void): Promise<ScorePairsStats> {
  const rows = asPairing(input, opts.symmetric ?? false);
  const { n, d } = rows;
  checkInt("n", n, 0, 2 ** 26);
  checkInt("d", d, 1, 2 ** 26);
  for (const S of rows.streams) if (S.length < n * d) throw new RangeError(`pair scoring: rows hold ${S.length} values, expected n·d = ${n * d}`);
  for (const t of rows.terms) {
    if (!rows.streams[t.x] || !rows.streams[t.y]) throw new RangeError(`pair scoring: a term reads streams ${t.x} and ${t.y} of ${rows.streams.length}`);
  }
  const B = linkBlockSize(n, opts.block ?? DEFAULT_BLOCK);
  checkInt("block", B, 4, 4096);
  const maxLag = opts.maxLag ?? 0;
  checkInt("maxLag", maxLag, 0, 1_000_000);
  const inflightPer = opts.inflight ?? 4;
  checkInt("inflight", inflightPer, 1, 1024);
  const pool = opts.pool ?? inlinePairPool();
  const workers = pool.workers;
  checkInt("workers", workers, 1, 1024);
  const nb = Math.ceil(n / B);
  // Default: about 32 tasks per worker for balance at the tail, at most 8 blocks each.
  const per = opts.blocksPerTask ?? Math.max(1, Math.min(8, Math.floor((nb * (nb + 1)) / 2 / (32 * workers))));
  checkInt("blocksPerTask", per, 1, 1_000_000);
  const streams = pool.threads ? rows.streams.map((S) => shared(S, n * d)) : rows.streams;
  const base = { streams, terms: rows.terms.map((t) => ({ x: t.x, y: t.y, symmetric: t.symmetric, mean: t.mean, sd: t.sd })), n, d, block: B, combine: opts.combine ?? "mean", maxLag, peak: opts.peak ?? "max" } as const;
  const tasks: TaskSpan[] = [];
  for (let bi = 0; bi < nb; bi++) for (let f = bi; f < nb; f += per) tasks.push({ bi, bjFrom: f, bjTo: Math.min(nb, f + per) });
  // Output slots: task k writes slot k mod slots. Up to `window` tasks run while one more is
  // being handed over, so window + 1 slots are never reused too early.
  const window = pool.threads ? inflightPer * pool.workers : 0;
  const slots = window + 1;
  const slotCells = per * B * B;
  const ring = new Float64Array(pool.threads ? new SharedArrayBuffer(slots * slotCells * 8) : new ArrayBuffer(slotCells * 8));
  const taskAt = (k: number): PairTaskInput => {
    const slot = k % slots;
    return { ...base, ...tasks[k], out: ring.subarray(slot * slotCells, (slot + 1) * slotCells) };
  };

  const deliver = (t: PairTaskInput): number => {
    const scores = t.out;
    const i0 = t.bi * B;
    const i1 = Math.min(n, i0 + B);
    let off = 0;
    for (let bj = t.bjFrom; bj < t.bjTo; bj++) {
      const cells = blockCells(n, B, t.bi, bj);
      const j0 = bj * B;
      onBlock({ i0, i1, j0, j1: Math.min(n, j0 + B), scores: scores.subarray(off, off + cells) });
      off += cells;
    }
    return t.bjTo - t.bjFrom;
  };

  let blocks = 0;
  if (!pool.threads) {
    for (let k = 0; k < tasks.length; k++) {
      const t = taskAt(k);
      scoreBlockRun(t);
      blocks += deliver(t);
    }
  } else {
    const pending: { task: PairTaskInput; done: Promise<number> }[] = [];
    let next = 0;
    const submit = () => {
      const task = taskAt(next++);
      const done = pool.run(task);
      done.catch(() => undefined); // a failure surfaces when its turn comes; no unhandled rejection meanwhile
      pending.push({ task, done });
    };
    while (next < tasks.length && pending.length < window) submit();
    while (pending.length > 0) {
      const head = pending.shift()!;
      await head.done;
      if (next < tasks.length) submit();
      blocks += deliver(head.task);
    }
  }
  return { pairs: (n * (n - 1)) / 2, blocks, tasks: tasks.length, workers: pool.workers };
}

export interface LinkTaskParallelOptions extends LinkTaskOptions, Omit<ScorePairsOptions, "combine" | "symmetric" | "block"> {}

/**
 * `linkTask` with the correlation kernel (`correlationKernel(X, Y, d, { maxLag, peak })`),
 * or `linkTaskTerms` with the correlation kernel of each pairing term of `PairingRows`,
 * its blocks scored on the pool: the same positives, ranks and negatives (the same
 * seeded sample), bit for bit, for any number of workers.
 */
export async function linkTaskParallel(labels: LinkLabels, input: PairRows | PairingRows, opts: LinkTaskParallelOptions): Promise<TaskScores> {
  const rows = asPairing(input, opts.symmetric ?? false);
  if (labels.users !== rows.n) throw new RangeError(`link task: labels cover ${labels.users} users, rows ${rows.n}`);
  const B = linkBlockSize(rows.n, opts.block ?? DEFAULT_BLOCK);
  const how = opts.combine ?? "mean";
  const kernels = rows.terms.map((t) => correlationKernel(rows.streams[t.x], rows.streams[t.y], rows.d, { maxLag: opts.maxLag ?? 0, peak: opts.peak ?? "max", block: B }));
  const acc = new LinkAccumulator(labels, linkPositivesTerms(labels, kernels, rows.terms, how), opts);
  await scorePairsParallel(rows, { ...opts, block: B, combine: how }, (b) => acc.add(b.i0, b.i1, b.j0, b.j1, b.scores));
  return acc.result();
}
