/**
 * End-to-end simulation benchmark (issues 2 and 18): packets simulated per second of
 * one core and peak memory for 1,000 and 10,000 users over one simulated hour with
 * always-on cover at 1 packet/s each way, and the cost per user-hour from 1k to 10k
 * users; with `--week`, a simulated week of 1,000 users as well.
 *
 * Targets (issue 18): at least 4 M packets per second of one core at 1,000 users and
 * 3 M at 10,000; CPU per user-hour flat within ±20% from 1k to 10k users; a week of
 * 1,000 users in under 10 minutes on one core. Rates are per second of the simulating
 * thread's CPU (the machines are shared: wall time under load measures the load), wall
 * rates beside them.
 *
 *   npx tsx bench/sim.bench.ts [--repeat 3] [--week] [--json]
 *
 * Each size runs `repeat` times in fresh processes, alternating sizes so drifting load
 * touches both alike; medians are reported.
 */
import { median } from "simple-statistics";
import { runChild } from "./child.ts";

interface SimRun {
  users: number;
  hours: number;
  packets: number;
  events: number;
  wallSeconds: number;
  cpuSeconds: number;
  packetsPerSecond: number;
  packetsPerCpuSecond: number;
  cpuMicrosPerUserHour: number;
  peakRssMiB: number;
}

const JSON_OUT = process.argv.includes("--json");
const log = (line: string) => (JSON_OUT ? process.stderr : process.stdout).write(`${line}\n`);
const repeatArg = process.argv.indexOf("--repeat");
const repeat = repeatArg > 0 ? Number(process.argv[repeatArg + 1]) : 3;
const sizes = [1000, 10_000];
const runs: Record<number, SimRun[]> = { 1000: [], 10_000: [] };
for (let k = 0; k < repeat; k++) for (const users of sizes) runs[users].push(runChild<SimRun>("sim-run.ts", [String(users)]));
const summary = (rs: SimRun[]) => ({
  packets: rs[0].packets,
  packetsPerCpuSecond: median(rs.map((r) => r.packetsPerCpuSecond)),
  packetsPerSecond: median(rs.map((r) => r.packetsPerSecond)),
  cpuMsPerUserHour: median(rs.map((r) => r.cpuMicrosPerUserHour)) / 1000,
  peakRssMiB: median(rs.map((r) => r.peakRssMiB)),
});
const s1k = summary(runs[1000]);
const s10k = summary(runs[10_000]);
for (const [users, s] of [[1000, s1k], [10_000, s10k]] as const) {
  log(
    `sim ${String(users).padStart(6)} users × 1 h: ${(s.packets / 1e6).toFixed(1)} M packets, ${(s.packetsPerCpuSecond / 1e6).toFixed(2)} M packets per CPU-second ` +
      `(${(s.packetsPerSecond / 1e6).toFixed(2)} M per wall second; median of ${repeat}), ${s.cpuMsPerUserHour.toFixed(2)} ms CPU per user-hour, peak RSS ${s.peakRssMiB.toFixed(0)} MiB`,
  );
}
const costRatio = s10k.cpuMsPerUserHour / s1k.cpuMsPerUserHour;
const verdict = (ok: boolean) => (ok ? "met" : "MISSED");
const costFlatMet = Math.abs(costRatio - 1) <= 0.2;
const pps1kMet = s1k.packetsPerCpuSecond >= 4e6;
const pps10kMet = s10k.packetsPerCpuSecond >= 3e6;
log(`cost per user-hour 10k/1k: ${costRatio.toFixed(2)} (target within 0.8–1.2): ${verdict(costFlatMet)}`);
log(`packets per CPU-second at 1k users: ${(s1k.packetsPerCpuSecond / 1e6).toFixed(2)} M (target >= 4 M): ${verdict(pps1kMet)}`);
log(`packets per CPU-second at 10k users: ${(s10k.packetsPerCpuSecond / 1e6).toFixed(2)} M (target >= 3 M): ${verdict(pps10kMet)}`);

let week: { seconds: number; cpuSeconds: number; packets: number; peakRssMiB: number } | null = null;
if (process.argv.includes("--week")) {
  const w = runChild<SimRun>("sim-run.ts", ["1000", "168"]);
  week = { seconds: w.wallSeconds, cpuSeconds: w.cpuSeconds, packets: w.packets, peakRssMiB: w.peakRssMiB };
  log(`a week of 1,000 users: ${(w.packets / 1e6).toFixed(0)} M packets in ${w.wallSeconds.toFixed(0)} s wall, ${w.cpuSeconds.toFixed(0)} s CPU (target < 600 s): ${verdict(w.cpuSeconds < 600)}; peak RSS ${w.peakRssMiB.toFixed(0)} MiB`);
}

console.log(
  JSON.stringify({
    bench: "sim",
    repeat,
    packets1k: s1k.packets,
    packets10k: s10k.packets,
    packetsPerCpuSecond1k: s1k.packetsPerCpuSecond,
    packetsPerCpuSecond10k: s10k.packetsPerCpuSecond,
    packetsPerSecond1k: s1k.packetsPerSecond,
    packetsPerSecond10k: s10k.packetsPerSecond,
    cpuMsPerUserHour1k: s1k.cpuMsPerUserHour,
    cpuMsPerUserHour10k: s10k.cpuMsPerUserHour,
    peakRssMiB1k: s1k.peakRssMiB,
    peakRssMiB10k: s10k.peakRssMiB,
    costRatio10kTo1k: costRatio,
    costFlatMet,
    packetsPerSecond1kMet: pps1kMet,
    packetsPerSecond10kMet: pps10kMet,
    weekRunSeconds: week?.cpuSeconds ?? null,
    weekRunPeakRssMiB: week?.peakRssMiB ?? null,
    weekRunMet: week === null ? null : week.cpuSeconds < 600,
  }),
);
