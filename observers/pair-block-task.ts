/**
 * One unit of all-pairs scoring for a pool (pair-pool.ts): a run of consecutive blocks
 * of one block row, scored with the correlation kernel of each direction pairing's rows
 * (direction-pairing.ts; the kernel of `correlationKernel`), both directions combined and
 * the pairings folded by `pairingScoreBlock`. This module is what a pool's workers
 * run: its default export is the task, and `PAIR_BLOCK_TASK` is its address, which the
 * lab hands to its worker pool (sim/parallel/pair-pool.ts).
 *
 * The rows arrive as Float32Arrays over a SharedArrayBuffer, so a task message carries
 * only their handles, and so does its output: a slot of a shared Float64Array that the
 * caller recycles, into which the blocks' pair scores are written end to end. Nothing
 * is allocated or copied per task. The function is pure: the calling thread and every
 * worker compute the same doubles for the same block, which is what makes the pool's
 * results identical whatever the number of workers.
 *
 * @example
 * const X = standardizedCopy(up, n, d); // 200 users × 360 bins
 * const out = new Float64Array(4 * 64 * 64);
 * scoreBlockRun({ streams: [X], terms: [{ x: 0, y: 0, symmetric: true, mean: 0, sd: 1 }], n: 200, d: 360,
 *   block: 64, combine: "mean", maxLag: 0, peak: "max", bi: 0, bjFrom: 0, bjTo: 4, out });
 * // out[0 · 64 + 1] = r(row 0, row 1): the first block is [0, 64) × [0, 64)
 */
import { pairingScoreBlock, pairingScratch, type Combine, type PairingScratch, type PairingTerm } from "./pair-block.ts";
import { dotTile, dotUpper, lagScratch, laggedBlock, type BlockKernel, type LagOptions, type LagPeak, type LagScratch } from "./pair-kernels.ts";

const UPPER: LagOptions = { upper: true };

/** The address of this module, for a pool whose workers import it and run its default export. */
export const PAIR_BLOCK_TASK: URL = new URL(import.meta.url);

/** A pairing term over rows: kernel corr(streams[x]_i, streams[y]_j) (at the best lag), read as (c − mean) / sd. */
export interface RowTerm extends PairingTerm {
  readonly x: number;
  readonly y: number;
}

export interface PairTaskInput {
  /** Standardized rows, n × d each (direction-pairing.ts: uplink, downlink, both). */
  readonly streams: readonly Float32Array[];
  /** Pair {i, j} scores the largest (c_t − mean_t) / sd_t over terms t, c_t = combine(X_i·Y_j, X_j·Y_i) of its streams (pair-block.ts). */
  readonly terms: readonly RowTerm[];
  readonly n: number;
  readonly d: number;
  /** Rows per block. */
  readonly block: number;
  readonly combine: Combine;
  readonly maxLag: number;
  readonly peak: LagPeak;
  /** The block row, and the block columns [bjFrom, bjTo) with bjFrom ≥ bi. */
  readonly bi: number;
  readonly bjFrom: number;
  readonly bjTo: number;
  /** Where the scores go (shared memory when a worker writes them): at least `runCells` cells. */
  readonly out: Float64Array;
}

/** Cells of block (bi, bj): (i1 − i0)·(j1 − j0). */
export function blockCells(n: number, B: number, bi: number, bj: number): number {
  return (Math.min(n, (bi + 1) * B) - bi * B) * (Math.min(n, (bj + 1) * B) - bj * B);
}

let scratch: PairingScratch = pairingScratch(0);
let lag: LagScratch = lagScratch(0);

/** Cells of blocks (bi, bjFrom) … (bi, bjTo − 1) together. */
export function runCells(n: number, B: number, bi: number, bjFrom: number, bjTo: number): number {
  let total = 0;
  for (let bj = bjFrom; bj < bjTo; bj++) total += blockCells(n, B, bi, bj);
  return total;
}

/** The correlation kernel of one term over the task's rows (correlationKernel's, with `upper`, sharing this thread's lag scratch). */
function rowKernel(t: PairTaskInput, term: RowTerm): BlockKernel {
  const X = t.streams[term.x];
  const Y = t.streams[term.y];
  const { d, maxLag, peak } = t;
  if (maxLag === 0) {
    return Object.assign((i0: number, i1: number, j0: number, j1: number, out: Float64Array) => dotTile(X, Y, d, 0, 0, d, i0, i1, j0, j1, out), {
      upper: (i0: number, i1: number, out: Float64Array) => dotUpper(X, Y, d, 0, 0, d, i0, i1, out),
    });
  }
  return Object.assign((i0: number, i1: number, j0: number, j1: number, out: Float64Array) => laggedBlock(X, Y, d, maxLag, peak, i0, i1, j0, j1, out, lag), {
    upper: (i0: number, i1: number, out: Float64Array) => laggedBlock(X, Y, d, maxLag, peak, i0, i1, i0, i1, out, lag, UPPER),
  });
}

/**
 * Writes the pair scores of blocks (bi, bjFrom) … (bi, bjTo − 1) into `t.out`, each laid
 * out as `pairingScoreBlock` fills it, one after the other. Returns the cells written.
 */
export function scoreBlockRun(t: PairTaskInput): number {
  const { n, block: B, bi, bjFrom, bjTo, out } = t;
  const total = runCells(n, B, bi, bjFrom, bjTo);
  if (out.length < total) throw new RangeError(`pair task: output slot of ${out.length} cells, blocks need ${total}`);
  if (scratch.tmp.length < B * B) scratch = pairingScratch(B * B);
  if (t.maxLag > 0 && lag.tmp.length < B * B) lag = lagScratch(B * B);
  const kernels = t.terms.map((term) => rowKernel(t, term));
  const i0 = bi * B;
  const i1 = Math.min(n, i0 + B);
  let off = 0;
  for (let bj = bjFrom; bj < bjTo; bj++) {
    const j0 = bj * B;
    const j1 = Math.min(n, j0 + B);
    const cells = (i1 - i0) * (j1 - j0);
    pairingScoreBlock(kernels, t.terms, i0, i1, j0, j1, t.combine, scratch, out.subarray(off, off + cells));
    off += cells;
  }
  return total;
}

/** The piscina task: `scoreBlockRun` (the scores travel through the shared output slot). */
export default function pairTask(t: PairTaskInput): number {
  return scoreBlockRun(t);
}
