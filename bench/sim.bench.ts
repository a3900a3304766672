/**
 * End-to-end simulation benchmark (issue 2): packets simulated per second and peak
 * memory for 1,000 and 10,000 users over one simulated hour with always-on cover at
 * 1 packet/s each way, and the cost per user-hour from 1k to 10k users.
 *
 * Targets: >= 2,000,000 packets/s per core end to end (generation, shaping, network,
 * vantage extraction); CPU per user-hour flat within 20% from 1k to 10k users.
 *
 *   npx tsx bench/sim.bench.ts [--repeat 3]
 *
 * Each size runs `repeat` times in fresh processes; the median is reported.
 */
import { median } from "simple-statistics";
import { runChild } from "./child.ts";

interface SimRun {
  users: number;
  packets: number;
  events: number;
  wallSeconds: number;
  cpuSeconds: number;
  packetsPerSecond: number;
  cpuMicrosPerUserHour: number;
  peakRssMiB: number;
}

const repeatArg = process.argv.indexOf("--repeat");
const repeat = repeatArg > 0 ? Number(process.argv[repeatArg + 1]) : 3;
const sizes = [1000, 10_000];
const results: Record<number, { pps: number; cpuPerUserHour: number; rss: number; packets: number }> = {};
for (const users of sizes) {
  const runs: SimRun[] = [];
  for (let k = 0; k < repeat; k++) runs.push(runChild<SimRun>("sim-run.ts", [String(users)]));
  results[users] = {
    pps: median(runs.map((r) => r.packetsPerSecond)),
    cpuPerUserHour: median(runs.map((r) => r.cpuMicrosPerUserHour)),
    rss: median(runs.map((r) => r.peakRssMiB)),
    packets: runs[0].packets,
  };
  const r = results[users];
  console.log(
    `sim ${String(users).padStart(6)} users × 1 h: ${(r.packets / 1e6).toFixed(1)} M packets, ` +
      `${(r.pps / 1e6).toFixed(2)} M packets/s (median of ${repeat}), ${(r.cpuPerUserHour / 1000).toFixed(2)} ms CPU per user-hour, peak RSS ${r.rss.toFixed(0)} MiB`,
  );
}
const flat = results[10_000].cpuPerUserHour / results[1000].cpuPerUserHour;
const minPps = Math.min(...sizes.map((u) => results[u].pps));
console.log(`cost per user-hour 10k/1k: ${flat.toFixed(2)} (target within 0.8–1.2): ${Math.abs(flat - 1) <= 0.2 ? "met" : "MISSED"}`);
console.log(`packets/s per core: ${(minPps / 1e6).toFixed(2)} M (target >= 2.00 M): ${minPps >= 2e6 ? "met" : "MISSED"}`);
console.log(JSON.stringify({ bench: "sim", results, costRatio10kTo1k: flat }));
