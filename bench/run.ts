/**
 * `npm run bench`: runs every `bench/*.bench.ts` in turn, each in its own process, and
 * prints their reports. Benchmarks are never part of `npm test`: the machines are shared
 * and noisy, so figures are medians and ratios measured within one run.
 *
 *   npm run bench [-- name ...]             the benches whose file names start with a name
 *   npm run bench -- --json [name ...]      one JSON object on stdout (reports go to stderr)
 *   npm run bench -- --markdown FILE.json   the README's performance section, from a saved --json object
 *
 * With `--json` the object's keys name each figure (packets per CPU-second at each user
 * count, cost ratio, ns and bytes per packet per shaper, raw-loop and engine-floor ns,
 * pairs per second, default-run seconds, week-run seconds), and each target has a
 * boolean named after it with the suffix `Met` (`costFlatMet`, `engineFloorMet`, ...);
 * `null` where a figure was not measured in this invocation. The default experiment is
 * timed too (`chaff run`, two workers), unless only some benches were asked for.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { BENCH_DIR } from "./child.ts";

const args = process.argv.slice(2);
const JSON_OUT = args.includes("--json");
const markdownArg = args.indexOf("--markdown");
const only = args.filter((a, i) => !a.startsWith("--") && !(markdownArg >= 0 && i === markdownArg + 1));

type Figures = Record<string, unknown>;

/** The README's performance section from a `--json` object. */
export function markdown(f: Figures): string {
  const n = (x: unknown, d = 1) => (typeof x === "number" && Number.isFinite(x) ? x.toFixed(d) : "–");
  const M = (x: unknown) => (typeof x === "number" ? `${(x / 1e6).toFixed(2)} M` : "–");
  const met = (x: unknown) => (x === true ? "met" : x === false ? "**missed**" : "not measured");
  const lines = [
    `Measured with \`npm run bench -- --json\` on ${String(f.date ?? "?").slice(0, 10)} (${String(f.machine ?? "")}; load average ${n(f.loadAverageStart)}–${n(f.loadAverageEnd)}). ` +
      "Rates are per second of the simulating thread's CPU; figures are medians within one invocation.",
    "",
    "| figure | value | target |",
    "|---|---:|---|",
    `| packets per CPU-second, 1,000 users | ${M(f.packetsPerCpuSecond1k)} | ≥ 4 M: ${met(f.packetsPerSecond1kMet)} |`,
    `| packets per CPU-second, 10,000 users | ${M(f.packetsPerCpuSecond10k)} | ≥ 3 M: ${met(f.packetsPerSecond10kMet)} |`,
    `| CPU per user-hour, 10k / 1k | ${n(f.costRatio10kTo1k, 2)} | within ±20%: ${met(f.costFlatMet)} |`,
    `| peak RSS at 1k / 10k users | ${n(f.peakRssMiB1k, 0)} / ${n(f.peakRssMiB10k, 0)} MiB | |`,
    `| a week of 1,000 users | ${n(f.weekRunSeconds, 0)} s CPU | < 600 s: ${met(f.weekRunMet)} |`,
    `| raw typed-array pass-through | ${n(f.rawNsPerPacket, 2)} ns/packet | |`,
    `| engine floor (\`none\` through the engine) | ${n(f.engineFloorNsPerPacket)} ns/packet = ${n(f.engineFloorRatio, 2)}× raw | ≤ 5×: ${met(f.engineFloorMet)} |`,
    `| size shapers, worst | ${n(f.sizeShapersMaxRatio, 2)}× the floor | ≤ 1.5×: ${met(f.sizeShapersMet)} |`,
    `| timer-driven shapers, worst | ${n(f.timerShapersMaxNsPerWirePacket)} ns per wire packet | ≤ 50 ns: ${met(f.timerShapersMet)} |`,
    `| shaper allocation, worst | ${n(f.shaperAllocationMaxBytesPerPacket, 2)} B per packet out | 0: ${met(f.shaperAllocationMet)} |`,
    `| pair scoring, 1,000 users, one core | ${M(f.pairsPerSecond1k)} pairs/s | |`,
    `| link task, 10,000 users, 2 workers | ${n(f.link10kSeconds)} s | < 30 s: ${met(f.link10kMet)} |`,
    `| default experiment (\`chaff run\`, 2 workers) | ${n(f.defaultRunSeconds)} s wall | < 20 s: ${met(f.defaultRunMet)} |`,
  ];
  const shapers = f.shapers as Record<string, { kind: string; nsPerInputPacket: number; xFloor: number; nsPerWirePacket: number; ownHeapBytesPerPacketOut: number }> | undefined;
  if (shapers) {
    lines.push("", "| shaper | kind | ns per input packet | × floor | ns per wire packet | own B per packet out |", "|---|---|---:|---:|---:|---:|");
    for (const [name, s] of Object.entries(shapers)) {
      lines.push(`| ${name} | ${s.kind} | ${n(s.nsPerInputPacket)} | ${n(s.xFloor, 2)} | ${n(s.nsPerWirePacket)} | ${n(s.ownHeapBytesPerPacketOut, 2)} |`);
    }
  }
  return lines.join("\n");
}

if (markdownArg >= 0) {
  console.log(markdown(JSON.parse(readFileSync(args[markdownArg + 1], "utf8")) as Figures));
  process.exit(0);
}

const files = readdirSync(BENCH_DIR)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();
const say = (line: string) => (JSON_OUT ? process.stderr : process.stdout).write(`${line}\n`);
const figures: Figures = { date: new Date().toISOString(), machine: `${process.platform} ${process.arch}, Node ${process.version}`, loadAverageStart: loadavg()[0] };
const results: Record<string, Figures> = {};
let failed = 0;
for (const f of files) {
  say(`\n== ${f}`);
  if (!JSON_OUT) {
    const r = spawnSync(process.execPath, ["--import", "tsx", join(BENCH_DIR, f)], { stdio: "inherit", cwd: join(BENCH_DIR, "..") });
    if (r.status !== 0) failed++;
    continue;
  }
  const r = spawnSync(process.execPath, ["--import", "tsx", join(BENCH_DIR, f), "--json"], {
    stdio: ["ignore", "pipe", "inherit"],
    cwd: join(BENCH_DIR, ".."),
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const lines = r.stdout.trim().split("\n");
  const last = lines.pop() ?? "";
  for (const line of lines) process.stderr.write(`${line}\n`);
  if (r.status !== 0) failed++;
  try {
    const parsed = JSON.parse(last) as Figures;
    results[String(parsed.bench ?? f.replace(/\.bench\.ts$/, ""))] = parsed;
  } catch {
    process.stderr.write(`${last}\n(${f} printed no JSON)\n`);
  }
}

if (JSON_OUT) {
  const sim = results.sim;
  if (sim) for (const [k, v] of Object.entries(sim)) if (k !== "bench") figures[k] = v;
  const shapers = results.shapers as (Figures & { rows: { name: string; kind: string; nsPerInputPacket: number; xFloor: number; nsPerWirePacket: number; ownHeapBytesPerPacketOut: number }[] }) | undefined;
  if (shapers) {
    for (const k of ["rawNsPerPacket", "engineFloorNsPerPacket", "engineFloorRatio", "engineFloorMet", "sizeShapersMaxRatio", "sizeShapersMet", "timerShapersMaxNsPerWirePacket", "timerShapersMet", "shaperAllocationMaxBytesPerPacket", "shaperAllocationMet", "timerFloorNsPerWirePacket"]) {
      figures[k] = shapers[k];
    }
    figures.shapers = Object.fromEntries(
      shapers.rows.map((r) => [r.name, { kind: r.kind, nsPerInputPacket: r.nsPerInputPacket, xFloor: r.xFloor, nsPerWirePacket: r.nsPerWirePacket, ownHeapBytesPerPacketOut: r.ownHeapBytesPerPacketOut }]),
    );
  }
  const obs = results.observers as { results?: Record<string, { blocked: number; pool: number; poolOverBlocked: number }>; link?: { seconds: number; pairsPerSecond: number } } | undefined;
  if (obs?.results) {
    figures.pairsPerSecond1k = obs.results["1000"]?.blocked ?? null;
    figures.pairsPerSecond5k = obs.results["5000"]?.blocked ?? null;
    figures.poolPairsPerSecond5k = obs.results["5000"]?.pool ?? null;
    figures.poolSpeedup5k = obs.results["5000"]?.poolOverBlocked ?? null;
  }
  if (obs?.link) {
    figures.link10kSeconds = obs.link.seconds;
    figures.link10kMet = obs.link.seconds < 30;
  }
  for (const [name, r] of Object.entries(results)) if (!["sim", "shapers", "observers"].includes(name)) figures[name] = r;
  if (only.length === 0 || only.includes("default")) {
    // the default experiment as a user runs it, on two workers
    const out = mkdtempSync(join(tmpdir(), "chaff-bench-"));
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [join(BENCH_DIR, "..", "bin", "chaff.js"), "run", "--quiet", "--out", out, "--workers", "2"], { stdio: ["ignore", "ignore", "inherit"] });
    const seconds = (performance.now() - t0) / 1000;
    rmSync(out, { recursive: true, force: true });
    figures.defaultRunSeconds = r.status === 0 ? seconds : null;
    figures.defaultRunMet = r.status === 0 ? seconds < 20 : null;
    say(`default experiment: ${seconds.toFixed(1)} s wall on 2 workers${r.status === 0 ? "" : " (FAILED)"} (target < 20 s)`);
  }
  for (const k of ["packetsPerSecond1kMet", "packetsPerSecond10kMet", "costFlatMet", "weekRunMet", "engineFloorMet", "sizeShapersMet", "timerShapersMet", "shaperAllocationMet", "link10kMet", "defaultRunMet"]) {
    if (!(k in figures)) figures[k] = null;
  }
  figures.loadAverageEnd = loadavg()[0];
  console.log(JSON.stringify(figures));
}
process.exit(failed > 0 ? 1 : 0);
