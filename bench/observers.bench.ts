/**
 * All-pairs link scoring benchmark (issue 4, item 5): pairs scored per second at
 * N = 1,000 and N = 5,000 users with 360 bins, three ways over the same data in the same
 * process (bench/observers-run.ts): (a) the plain scalar loop, one `naiveDot` per
 * direction; (b) the blocked kernel in one thread; (c) the worker pool with 2 workers
 * (observers/pairwise-pool.ts). A pair is scored as the link task scores it: both
 * directions, X_i·Y_j and X_j·Y_i, combined.
 *
 * Targets: (b)/(a) >= 1.0 (blocking must beat the naive loop on one core); (c)/(b) >= 1.8
 * with 2 workers; one 10,000-user link task (5·10^7 pairs, positives, ranks and a
 * 2,000,000-pair negative sample) on 2 workers well under 30 s; and peak memory far
 * below what N² scores would take.
 *
 *   npx tsx bench/observers.bench.ts [--repeat 3]
 *
 * Each size runs `repeat` times in fresh processes, and within each (b) and (c) run back
 * to back 5 times at N = 1,000 and 3 times at N = 5,000, (a) 3 times and once; medians
 * are reported. The machines are shared: beside each figure are the cores the process
 * kept busy (CPU time over wall time, all threads) and the 1-minute load average, since
 * a speed-up measured while other jobs hold the cores understates the pool.
 */
import { availableParallelism } from "node:os";
import { median } from "simple-statistics";
import { runChild } from "./child.ts";

interface CompareRun {
  users: number;
  pairs: number;
  workers: number;
  naivePairsPerSecond: number;
  blockedPairsPerSecond: number;
  poolPairsPerSecond: number;
  blockedCores: number;
  poolCores: number;
  poolIdentical: boolean;
  naiveMinusBlocked: number;
  peakRssMiB: number;
  rssGrowthPoolMiB: number;
  loadAverage: number;
}

interface LinkRun {
  users: number;
  pairs: number;
  workers: number;
  seconds: number;
  pairsPerSecond: number;
  cores: number;
  startupSeconds: number;
  peakRssMiB: number;
  rssBeforeScoringMiB: number;
  rssGrowthScoringMiB: number;
  allPairsFloat64MiB: number;
  loadAverage: number;
}

const repeatArg = process.argv.indexOf("--repeat");
const repeat = repeatArg > 0 ? Number(process.argv[repeatArg + 1]) : 3;
const WORKERS = 2;
const cores = availableParallelism();
const verdict = (ok: boolean) => (ok ? "met" : "MISSED");
const M = (x: number) => `${(x / 1e6).toFixed(2)} M`;

const sizes = [1000, 5000];
const results: Record<number, { naive: number; blocked: number; pool: number; blockedOverNaive: number; poolOverBlocked: number; peakRssMiB: number; poolGrowthMiB: number; blockedCores: number; poolCores: number; identical: boolean; load: number }> = {};
for (const users of sizes) {
  const runs: CompareRun[] = [];
  for (let k = 0; k < repeat; k++) runs.push(runChild<CompareRun>("observers-run.ts", ["compare", String(users), users <= 1000 ? "5" : "3", String(WORKERS), users <= 1000 ? "3" : "1"]));
  const r = {
    naive: median(runs.map((x) => x.naivePairsPerSecond)),
    blocked: median(runs.map((x) => x.blockedPairsPerSecond)),
    pool: median(runs.map((x) => x.poolPairsPerSecond)),
    blockedOverNaive: median(runs.map((x) => x.blockedPairsPerSecond / x.naivePairsPerSecond)),
    poolOverBlocked: median(runs.map((x) => x.poolPairsPerSecond / x.blockedPairsPerSecond)),
    peakRssMiB: median(runs.map((x) => x.peakRssMiB)),
    poolGrowthMiB: median(runs.map((x) => x.rssGrowthPoolMiB)),
    blockedCores: median(runs.map((x) => x.blockedCores)),
    poolCores: median(runs.map((x) => x.poolCores)),
    identical: runs.every((x) => x.poolIdentical),
    load: median(runs.map((x) => x.loadAverage)),
  };
  results[users] = r;
  console.log(
    `link scoring ${String(users).padStart(5)} users × 360 bins (${(runs[0].pairs / 1e6).toFixed(2)} M pairs, median of ${repeat}, load ${r.load.toFixed(1)} on ${cores} cores):\n` +
      `  (a) scalar loop  ${M(r.naive)} pairs/s\n` +
      `  (b) blocked      ${M(r.blocked)} pairs/s = ${r.blockedOverNaive.toFixed(2)}× (a), ${r.blockedCores.toFixed(2)} cores busy\n` +
      `  (c) pool of ${WORKERS}    ${M(r.pool)} pairs/s = ${r.poolOverBlocked.toFixed(2)}× (b), ${r.poolCores.toFixed(2)} cores busy, scores ${r.identical ? "identical to (b)" : "DIFFERENT from (b)"}\n` +
      `  peak RSS ${r.peakRssMiB.toFixed(0)} MiB (process, all three ways), RSS growth while the pool scores ${r.poolGrowthMiB.toFixed(1)} MiB`,
  );
}

const link = runChild<LinkRun>("observers-run.ts", ["link", "10000", String(WORKERS)]);
console.log(
  `link task 10,000 users × 360 bins on ${WORKERS} workers: ${link.seconds.toFixed(1)} s (${M(link.pairsPerSecond)} pairs/s, ${link.cores.toFixed(2)} cores busy, worker start-up ${link.startupSeconds.toFixed(1)} s more), ` +
    `peak RSS ${link.peakRssMiB.toFixed(0)} MiB, of which ${link.rssGrowthScoringMiB.toFixed(0)} MiB grown while scoring (all pair scores as Float64 would be ${link.allPairsFloat64MiB.toFixed(0)} MiB), load ${link.loadAverage.toFixed(1)}`,
);

const minBlocked = Math.min(...sizes.map((u) => results[u].blockedOverNaive));
const minPool = Math.min(...sizes.map((u) => results[u].poolOverBlocked));
console.log(`blocked / scalar loop, per core: ${minBlocked.toFixed(2)} (target >= 1.0): ${verdict(minBlocked >= 1)}`);
const poolCores = Math.min(...sizes.map((u) => results[u].poolCores));
console.log(
  `pool of ${WORKERS} / blocked: ${minPool.toFixed(2)} (target >= 1.8): ${cores < WORKERS ? `not measurable on ${cores} core(s)` : verdict(minPool >= 1.8)}` +
    (poolCores < 0.9 * WORKERS ? ` (the pool got only ${poolCores.toFixed(2)} of ${WORKERS} cores: other jobs held the rest)` : ""),
);
console.log(`pool scores identical to the single-threaded kernel: ${verdict(sizes.every((u) => results[u].identical))}`);
console.log(`10,000 users on ${WORKERS} workers: ${link.seconds.toFixed(1)} s (target < 30 s): ${verdict(link.seconds < 30)}`);
// growth while scoring: the 2,000,000 kept negatives (24 MB) plus blocks in flight; N² scores would be 381 MiB
const bounded = link.rssGrowthScoringMiB < link.allPairsFloat64MiB / 4;
console.log(`memory growth while scoring 10,000 users: ${link.rssGrowthScoringMiB.toFixed(0)} MiB (target < 1/4 of all-pairs Float64, ${(link.allPairsFloat64MiB / 4).toFixed(0)} MiB): ${verdict(bounded)}`);
console.log(JSON.stringify({ bench: "observers", workers: WORKERS, cores, results, link }));
