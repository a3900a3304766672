/**
 * One end-to-end simulation run for the benchmark, in its own process so its peak
 * memory is its own: N users for `hours` simulated hours with the default conversation
 * mix and always-on cover traffic at 1 packet/s each way (background-cover on both
 * sides), and the volume observer's streaming extractor at the ISP (scoring excluded).
 * Prints one JSON line.
 *
 * CPU time is the main thread's (`sim/core/phase-timer.ts`), so "per core" means per
 * core of simulation, not counting the collector's and compiler's helper threads; the
 * process's is reported beside it.
 *
 *   node --import tsx bench/sim-run.ts <users> [hours]
 */
import { parseExperiment } from "../sim/experiment/parse.ts";
import { buildArm } from "../sim/experiment/build-arm.ts";
import { threadCpuSeconds } from "../sim/core/phase-timer.ts";
import { HOUR } from "../sim/core/time.ts";

const users = Number(process.argv[2] ?? 1000);
const hours = Number(process.argv[3] ?? 1);
const cover = { shaper: "background-cover", params: { ratePerSecond: 1, gaps: "exponential" } };
const exp = await parseExperiment({
  name: "bench-sim",
  purpose: "benchmark: end-to-end packets per second",
  seed: 1,
  durationSeconds: hours * 3600,
  population: { users },
  conversations: [{ model: "messaging" }, { model: "group" }, { model: "voice-call" }, { model: "background" }],
  defenses: [{ name: "cover", device: cover, server: cover }],
  observers: [{ observer: "volume-correlation", vantage: "isp" }],
  traceUsers: [],
});
const b0 = performance.now();
const { world } = await buildArm(exp, exp.defenses[0], hours * HOUR, { radio: false });
const buildSeconds = (performance.now() - b0) / 1000;
const cpu0 = process.cpuUsage();
const thread0 = threadCpuSeconds();
const t0 = performance.now();
const result = world.run();
const wall = (performance.now() - t0) / 1000;
const threadSeconds = threadCpuSeconds() - thread0;
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
process.stdout.write(
  `${JSON.stringify({
    users,
    hours,
    packets: result.packets,
    events: result.events,
    messages: result.truth.messages.length,
    buildSeconds,
    wallSeconds: wall,
    cpuSeconds: threadSeconds,
    processCpuSeconds: cpuSeconds,
    packetsPerSecond: result.packets / wall,
    packetsPerCpuSecond: result.packets / threadSeconds,
    cpuMicrosPerUserHour: (threadSeconds * 1e6) / (users * hours),
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  })}\n`,
);
