import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { linkTask } from "../../observers/link-task.ts";
import { naiveAllPairs, pairScoreBlock, type Combine } from "../../observers/pair-block.ts";
import { correlationKernel } from "../../observers/pair-kernels.ts";
import { labelsFromPairs } from "../../observers/pair-labels.ts";
import { inlinePairPool, type PairPool } from "../../observers/pair-pool.ts";
import { standardizeRows } from "../../observers/pair-rows.ts";
import { linkTaskParallel, scorePairsParallel, type PairRows } from "../../observers/parallel-pairs.ts";
import { createPairPool } from "../../sim/parallel/pair-pool.ts";
import { stream } from "../../sim/core/rng.ts";

function randomRows(seed: number, n: number, d: number): PairRows {
  const r = stream(seed, "pairwise-pool-test");
  const X = new Float32Array(n * d);
  const Y = new Float32Array(n * d);
  for (let i = 0; i < X.length; i++) {
    X[i] = r.normal(0, 1) + (i % 5 === 0 ? r.exponential(2) : 0);
    Y[i] = r.normal(0, 1);
  }
  return { X: standardizeRows(X, n, d), Y: standardizeRows(Y, n, d), n, d };
}

/** Every pair's score from the pool, in delivery order, with the order checked. */
async function collect(rows: PairRows, opts: Parameters<typeof scorePairsParallel>[1]): Promise<{ pairs: Float64Array; order: number[] }> {
  const n = rows.n;
  const pairs = new Float64Array((n * (n - 1)) / 2).fill(Number.NaN);
  const order: number[] = [];
  const at = (i: number, j: number) => i * n - (i * (i + 1)) / 2 + (j - i - 1); // row-major index of i < j
  await scorePairsParallel(rows, opts, (b) => {
    order.push(b.i0 * n + b.j0);
    const w = b.j1 - b.j0;
    for (let i = b.i0; i < b.i1; i++) {
      for (let j = b.j0 === b.i0 ? i + 1 : b.j0; j < b.j1; j++) {
        expect(Number.isNaN(pairs[at(i, j)])).toBe(true); // each pair once
        pairs[at(i, j)] = b.scores[(i - b.i0) * w + (j - b.j0)];
      }
    }
  });
  return { pairs, order };
}

/** The single-threaded blocked kernel over every block: the reference. */
function kernelPairs(rows: PairRows, block: number, combine: Combine, maxLag: number): Float64Array {
  const { X, Y, n, d } = rows;
  const kernel = correlationKernel(X, Y, d, { maxLag, block });
  const out = new Float64Array((n * (n - 1)) / 2);
  const s = new Float64Array(block * block);
  const tmp = new Float64Array(block * block);
  for (let i0 = 0; i0 < n; i0 += block) {
    for (let j0 = i0; j0 < n; j0 += block) {
      const i1 = Math.min(n, i0 + block);
      const j1 = Math.min(n, j0 + block);
      pairScoreBlock(kernel, i0, i1, j0, j1, combine, false, s, tmp, s);
      for (let i = i0; i < i1; i++) {
        for (let j = j0 === i0 ? i + 1 : j0; j < j1; j++) out[i * n - (i * (i + 1)) / 2 + (j - i - 1)] = s[(i - i0) * (j1 - j0) + (j - j0)];
      }
    }
  }
  return out;
}

const bits = (a: Float64Array | Int32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe("pair scoring on a pool", () => {
  let two: PairPool;
  let oneThread: PairPool;
  const inThread = createPairPool(1);
  beforeAll(() => {
    two = createPairPool(2);
    oneThread = createPairPool(1, { threads: true });
  });
  afterAll(async () => {
    await two.close();
    await oneThread.close();
  });

  it("scores every pair once, in canonical block order, exactly as the single-threaded kernel (K = 1 and K = 2)", async () => {
    const rows = randomRows(1, 150, 48);
    const ref = kernelPairs(rows, 16, "mean", 0);
    // the kernel itself is the plain loop's arithmetic (same products, same order)
    const naive = naiveAllPairs(rows.X, rows.Y, rows.n, rows.d, "mean");
    for (let k = 0; k < ref.length; k++) expect(Math.abs(ref[k] - naive[k])).toBeLessThan(1e-12);
    let order: number[] | undefined;
    for (const pool of [inThread, oneThread, two]) {
      for (const blocksPerTask of [1, 3, undefined]) {
        const got = await collect(rows, { pool, block: 16, blocksPerTask, inflight: 2 });
        expect(pool.threads).toBe(pool !== inThread);
        expect(bits(got.pairs).equals(bits(ref))).toBe(true);
        expect([...got.order].sort((a, b) => a - b)).toEqual(got.order);
        order ??= got.order;
        expect(got.order).toEqual(order);
      }
    }
  });

  it("lagged scores and the max combination are identical for K = 1 and K = 2", async () => {
    const rows = randomRows(2, 90, 40);
    const ref = kernelPairs(rows, 8, "max", 3);
    for (const pool of [inThread, two]) {
      const got = await collect(rows, { pool, block: 8, combine: "max", maxLag: 3, peak: "max" });
      expect(bits(got.pairs).equals(bits(ref))).toBe(true);
    }
  });

  it("linkTaskParallel returns linkTask's positives, ranks and seeded negative sample bit for bit", async () => {
    const rows = randomRows(3, 130, 36);
    const r = stream(3, "pairwise-pool-test/labels");
    const pos: [number, number][] = [];
    for (let k = 0; k < 60; k++) pos.push([r.int(0, 130), r.int(0, 130)]);
    const excl: [number, number][] = [];
    for (let k = 0; k < 40; k++) excl.push([r.int(0, 130), r.int(0, 130)]);
    const labels = labelsFromPairs(130, pos, excl);
    for (const [combine, maxLag, maxNegatives] of [
      ["mean", 0, undefined],
      ["max", 2, 700],
    ] as const) {
      const ref = linkTask(labels, correlationKernel(rows.X, rows.Y, rows.d, { maxLag, block: 16 }), { block: 16, combine, maxNegatives, rng: stream(5, "neg") });
      for (const pool of [inThread, two]) {
        const got = await linkTaskParallel(labels, rows, { pool, block: 16, combine, maxLag, maxNegatives, rng: stream(5, "neg"), blocksPerTask: 2 });
        expect(got.negatives.length).toBe(maxNegatives ?? labels.negativeCount);
        expect(bits(got.positives).equals(bits(ref.positives))).toBe(true);
        expect(bits(got.negatives).equals(bits(ref.negatives))).toBe(true);
        expect(bits(got.ranks!).equals(bits(ref.ranks!))).toBe(true);
        expect(bits(got.negativeUsers).equals(bits(ref.negativeUsers))).toBe(true);
        expect(got.candidates).toBe(129);
      }
    }
  });

  it("leaves the caller's rows untouched and rejects bad options with the value and range", async () => {
    const rows = randomRows(4, 40, 20);
    const before = Float32Array.from(rows.X);
    // worker threads fed plain (not shared) arrays
    const got = await collect(rows, { pool: two, block: 8 });
    expect(bits(got.pairs).equals(bits(kernelPairs(rows, 8, "mean", 0)))).toBe(true);
    expect(bits(new Float64Array(rows.X)).equals(bits(new Float64Array(before)))).toBe(true);
    // no pool: the calling thread
    expect(bits((await collect(rows, { block: 8 })).pairs).equals(bits(got.pairs))).toBe(true);
    expect(() => createPairPool(0)).toThrow(/workers = 0.*integer >= 1/);
    expect(() => createPairPool(1.5)).toThrow(/workers = 1.5/);
    expect(inlinePairPool().threads).toBe(false);
    await expect(scorePairsParallel(rows, { pool: inThread, maxLag: -1 }, () => undefined)).rejects.toThrow(/maxLag = -1/);
    await expect(scorePairsParallel({ ...rows, n: 41 }, { pool: inThread }, () => undefined)).rejects.toThrow(/n·d = 820/);
    const labels = labelsFromPairs(39, [[0, 1]]);
    await expect(linkTaskParallel(labels, rows, { pool: inThread, rng: stream(1, "x") })).rejects.toThrow(/39 users, rows 40/);
  });
});
