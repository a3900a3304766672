/**
 * One all-pairs scoring run for the observer benchmark, in its own process so its peak
 * memory is its own. Prints one JSON line.
 *
 *   node --import tsx bench/observers-run.ts compare <users> [inner repeats] [workers] [naive repeats]
 *   node --import tsx bench/observers-run.ts link <users> [workers]
 *
 * `compare`: random rows (360 bins, seeded), standardized, scored as the link task
 * scores them (pair {i, j} = mean of X_i·Y_j and X_j·Y_i) three ways over the same data
 * in this process: (a) the plain scalar loop (`naiveDot` per direction), (b) the blocked
 * kernel in this thread (`scorePairsParallel` with K = 1), (c) the pool with K workers.
 * Each way folds every pair score into a checksum, so all three do the same work per
 * pair; (b) and (c) must agree bit for bit. Median of the inner repeats, with the cores
 * each way kept busy (process CPU time over wall time: below K means other jobs held cores).
 *
 * `link`: the whole link task (`linkTaskParallel`: positives, ranks, a 2,000,000-pair
 * seeded negative sample) on K workers, with one positive pair per two users.
 */
import { loadavg } from "node:os";
import { median } from "simple-statistics";
import { naiveDot } from "../observers/pair-kernels.ts";
import { labelsFromPairs } from "../observers/pair-labels.ts";
import type { PairPool } from "../observers/pair-pool.ts";
import { standardizeRows } from "../observers/pair-rows.ts";
import { linkTaskParallel, scorePairsParallel, type PairBlock, type PairRows } from "../observers/parallel-pairs.ts";
import { createPairPool } from "../sim/parallel/pair-pool.ts";
import { stream } from "../sim/core/rng.ts";

const BINS = 360;
const mode = process.argv[2] ?? "compare";
const users = Number(process.argv[3] ?? 1000);

function randomRows(n: number, d: number, seed: number): PairRows {
  const r = stream(seed, `bench/observers/rows/${n}`);
  // on shared memory from the start, so the pool reads these very arrays (no copy)
  const X = new Float32Array(new SharedArrayBuffer(n * d * 4));
  const Y = new Float32Array(new SharedArrayBuffer(n * d * 4));
  for (let i = 0; i < X.length; i++) {
    X[i] = r.exponential(1);
    Y[i] = r.exponential(1);
  }
  return { X: standardizeRows(X, n, d), Y: standardizeRows(Y, n, d), n, d };
}

function naiveChecksum(rows: PairRows): number {
  const { X, Y, n, d } = rows;
  let acc = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) acc += 0.5 * (naiveDot(X, Y, d, i, j) + naiveDot(X, Y, d, j, i));
  }
  return acc;
}

async function blockedChecksum(rows: PairRows, pool: PairPool): Promise<number> {
  let acc = 0;
  const fold = (b: PairBlock) => {
    const w = b.j1 - b.j0;
    const diagonal = b.j0 === b.i0;
    for (let i = b.i0; i < b.i1; i++) {
      const r = (i - b.i0) * w - b.j0;
      for (let j = diagonal ? i + 1 : b.j0; j < b.j1; j++) acc += b.scores[r + j];
    }
  };
  await scorePairsParallel(rows, { pool }, fold);
  return acc;
}

function seconds(t0: number): number {
  return (performance.now() - t0) / 1000;
}

function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** Samples the resident set every 20 ms while `f` runs: RSS before, and the most seen during, in MiB. */
async function rssDuring<T>(f: () => Promise<T>): Promise<{ value: T; beforeMiB: number; peakMiB: number }> {
  const beforeMiB = process.memoryUsage.rss() / 2 ** 20;
  let peakMiB = beforeMiB;
  const timer = setInterval(() => {
    peakMiB = Math.max(peakMiB, process.memoryUsage.rss() / 2 ** 20);
  }, 20);
  try {
    const value = await f();
    return { value, beforeMiB, peakMiB: Math.max(peakMiB, process.memoryUsage.rss() / 2 ** 20) };
  } finally {
    clearInterval(timer);
  }
}

/** Runs `f`, returning pairs per wall second and the cores it kept busy (process CPU time / wall time, all threads). */
async function timed<T>(pairs: number, f: () => T | Promise<T>): Promise<{ value: T; rate: number; cores: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await f();
  const wall = seconds(t0);
  const c = process.cpuUsage(c0);
  return { value, rate: pairs / wall, cores: (c.user + c.system) / 1e6 / wall };
}

if (mode === "compare") {
  const inner = Number(process.argv[4] ?? 1);
  const workers = Number(process.argv[5] ?? 2);
  const naiveInner = Number(process.argv[6] ?? inner);
  const rows = randomRows(users, BINS, 1);
  const pairs = (users * (users - 1)) / 2;
  const single = createPairPool(1);
  const t0 = performance.now();
  const pool = createPairPool(workers);
  // warm-up on a slice: JIT for all three paths, and the workers' start-up (tsx registration)
  const warm = randomRows(Math.min(users, 256), BINS, 2);
  naiveChecksum(warm);
  await blockedChecksum(warm, single);
  await blockedChecksum(warm, pool);
  const warmSeconds = seconds(t0);
  const naive: number[] = [];
  const blocked: number[] = [];
  const pooled: number[] = [];
  const blockedCores: number[] = [];
  const poolCores: number[] = [];
  const sums = { naive: 0, blocked: 0, pool: 0 };
  let poolGrowth = 0;
  for (let k = 0; k < naiveInner; k++) {
    const a = await timed(pairs, () => naiveChecksum(rows));
    sums.naive = a.value;
    naive.push(a.rate);
  }
  // (b) and (c) back to back, so a burst of load elsewhere hits both alike
  for (let k = 0; k < inner; k++) {
    const b = await timed(pairs, () => blockedChecksum(rows, single));
    sums.blocked = b.value;
    blocked.push(b.rate);
    blockedCores.push(b.cores);
    const c = await timed(pairs, () => rssDuring(() => blockedChecksum(rows, pool)));
    sums.pool = c.value.value;
    pooled.push(c.rate);
    poolCores.push(c.cores);
    poolGrowth = Math.max(poolGrowth, c.value.peakMiB - c.value.beforeMiB);
  }
  await pool.close();
  process.stdout.write(
    `${JSON.stringify({
      mode,
      users,
      bins: BINS,
      pairs,
      workers,
      naivePairsPerSecond: median(naive),
      blockedPairsPerSecond: median(blocked),
      poolPairsPerSecond: median(pooled),
      blockedCores: median(blockedCores),
      poolCores: median(poolCores),
      poolIdentical: sums.pool === sums.blocked,
      naiveMinusBlocked: sums.naive - sums.blocked,
      warmupSeconds: warmSeconds,
      peakRssMiB: peakRssMiB(),
      rssGrowthPoolMiB: poolGrowth,
      loadAverage: loadavg()[0],
    })}\n`,
  );
} else if (mode === "link") {
  const workers = Number(process.argv[4] ?? 2);
  const rows = randomRows(users, BINS, 3);
  const r = stream(3, "bench/observers/labels");
  const positives: [number, number][] = [];
  for (let k = 0; k < users / 2; k++) positives.push([r.int(0, users), r.int(0, users)]);
  const labels = labelsFromPairs(users, positives);
  const t0 = performance.now();
  const pool = createPairPool(workers);
  await linkTaskParallel(labelsFromPairs(256, [[0, 1]]), randomRows(256, BINS, 4), { pool, rng: stream(3, "bench/warm") });
  const startSeconds = seconds(t0);
  const pairs = (users * (users - 1)) / 2;
  const run = await timed(pairs, () => rssDuring(() => linkTaskParallel(labels, rows, { pool, maxNegatives: 2_000_000, rng: stream(3, "bench/observers/negatives") })));
  const wall = pairs / run.rate;
  const rss = run.value;
  const scores = rss.value;
  await pool.close();
  process.stdout.write(
    `${JSON.stringify({
      mode,
      users,
      bins: BINS,
      pairs,
      workers,
      seconds: wall,
      pairsPerSecond: run.rate,
      cores: run.cores,
      startupSeconds: startSeconds,
      positives: scores.positives.length,
      negatives: scores.negatives.length,
      peakRssMiB: peakRssMiB(),
      rssBeforeScoringMiB: rss.beforeMiB,
      rssGrowthScoringMiB: rss.peakMiB - rss.beforeMiB,
      allPairsFloat64MiB: (pairs * 8) / 2 ** 20,
      loadAverage: loadavg()[0],
    })}\n`,
  );
} else {
  throw new Error(`observers-run: unknown mode ${mode} (expected compare or link)`);
}
