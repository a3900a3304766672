/**
 * A simulated hour of a city: 100,000 users with the default conversation mix, run as a
 * sweep sharded over the machine's two cores (`chaff sweep --shard i/2`, one process per
 * shard, one worker each), issue 18 item 3. The sweep has two points, one defense arm
 * each (undefended and constant rate on both sides), so each core runs one 100k-user
 * hour; the volume observer at the ISP scores the link task (negatives capped as its
 * parameters say). Prints one JSON line: wall seconds of the whole, and per shard its
 * CPU seconds and peak RSS (from GNU time), then `chaff collect` merges the shards.
 *
 *   npx tsx bench/city-hour.ts [--users 100000] [--minutes 60] [--dry-run] [--out DIR]
 *
 * `--dry-run` only writes the experiment and checks it (schema and feasibility estimate)
 * and prints the commands; nothing is simulated. This is a long job (tens of minutes on
 * two cores): run it on a quiet machine, never beside other work.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseExperiment } from "../sim/experiment/parse.ts";
import { estimateRun } from "../sim/experiment/feasibility.ts";
import { BENCH_DIR } from "./child.ts";

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const users = Number(opt("--users", "100000"));
const minutes = Number(opt("--minutes", "60"));
const dry = args.includes("--dry-run");
const out = opt("--out", mkdtempSync(join(tmpdir(), "chaff-city-")));
const ROOT = join(BENCH_DIR, "..");
const CHAFF = join(ROOT, "bin", "chaff.js");

const rate = { shaper: "constant-rate", params: { intervalSeconds: 0.05, minDurationSeconds: 5 } };
const doc = {
  name: "city-hour",
  purpose: `benchmark: ${users} users for ${minutes} simulated minutes, one defense arm per sweep point, sharded over two cores`,
  seed: 1,
  durationSeconds: minutes * 60,
  population: { users },
  conversations: [{ model: "messaging" }, { model: "group" }, { model: "voice-call" }, { model: "background" }],
  defenses: [{ name: "arm", device: { shaper: "none" }, server: { shaper: "none" } }],
  observers: [{ observer: "volume-correlation", vantage: "isp" }],
  traceUsers: [],
  limits: { maxUsers: users },
  sweep: { grid: [{ path: "defenses[0].device", values: [{ shaper: "none" }, rate] }], seeds: [1] },
};
mkdirSync(out, { recursive: true });
const file = join(out, "city-hour.json");
writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
const exp = await parseExperiment(doc);
const est = estimateRun(exp);
process.stderr.write(
  `experiment ${file}: ${users} users, ${minutes} min; estimate per point: ${(est.maxEvents / 1e6).toFixed(0)} M events, ${(est.memoryBytes / 2 ** 30).toFixed(1)} GiB, ${est.cpuSeconds.toFixed(0)} s CPU\n`,
);
const sweepDir = join(out, "sweep");
const shardArgs = (i: number) => [CHAFF, "sweep", file, "--shard", `${i}/2`, "--workers", "1", "--quiet", "--out", sweepDir];
if (dry) {
  for (const i of [0, 1]) process.stderr.write(`node ${shardArgs(i).join(" ")}\n`);
  process.stderr.write(`node ${CHAFF} collect ${sweepDir}\n`);
  process.stdout.write(`${JSON.stringify({ bench: "city-hour", users, minutes, dryRun: true, estimate: est })}\n`);
  process.exit(0);
}

const GNU_TIME = "/usr/bin/time";
if (!existsSync(GNU_TIME)) throw new Error("bench/city-hour.ts needs GNU time at /usr/bin/time for each shard's CPU and peak RSS");
const t0 = performance.now();
const shards = await Promise.all(
  [0, 1].map(
    (i) =>
      new Promise<{ shard: number; status: number | null; cpuSeconds: number; peakRssMiB: number; wallSeconds: number }>((resolve) => {
        const stats = join(out, `shard-${i}.time`);
        const s0 = performance.now();
        const child = spawn(GNU_TIME, ["-f", "%U %S %M", "-o", stats, process.execPath, ...shardArgs(i)], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
        child.on("exit", (status) => {
          const [u, sys, rssKiB] = readFileSync(stats, "utf8").trim().split("\n").pop()!.split(" ").map(Number);
          resolve({ shard: i, status, cpuSeconds: u + sys, peakRssMiB: rssKiB / 1024, wallSeconds: (performance.now() - s0) / 1e3 });
        });
      }),
  ),
);
const wallSeconds = (performance.now() - t0) / 1e3;
const collect = spawnSync(process.execPath, [CHAFF, "collect", sweepDir], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
process.stdout.write(
  `${JSON.stringify({ bench: "city-hour", users, minutes, wallSeconds, shards, collected: collect.status === 0, ok: shards.every((s) => s.status === 0) && collect.status === 0, out })}\n`,
);
