/**
 * Shaper benchmark (issues 3 and 18): every shaper of the library over one fixed
 * 1,000,000-packet trace (25 h of messaging-like traffic, 60% uplink), through the
 * engine harness (`sim/engine/shape-trace.ts`), against a raw typed-array pass-through
 * of the same trace measured in the same process.
 *
 * Each shaper runs in a process of its own, as it does in a world: the engine's call
 * sites then see one shaper class, as they do in a run, and V8 inlines its callbacks. In
 * each process:
 * - the raw loop: copy every uplink packet's columns (time, size, payload, flow) into
 *   output columns — what a pass-through does at the machine's floor;
 * - the shaper through the harness, after three warm-up runs, timed by mitata (5 to 15
 *   samples, each one whole run) with no forced collection anywhere, on the process's
 *   CPU clock (the machines are shared: CPU time is what load inflates least);
 * - then `none` through the harness, the same way, as the reference the shaper's ratio
 *   is taken against (after the shaper, so the shaper ran with the engine to itself);
 * - its heap growth over one more run (the process runs with a 1 GiB young generation,
 *   so no collection runs during it; a GC observer checks), net of `none`'s: the bytes
 *   the shaper and the engine work it asks for allocate per packet out.
 * Record padders (Padmé, powers of two, fixed buckets, Signal) act in `padRecord`, which
 * the transport calls and the harness does not: their run adds one `padRecord` call per
 * uplink packet. The "(timer floor)" entry is a shaper that only sets a timer every 20 ms
 * and sends padding: what the engine and harness alone cost per injected packet.
 *
 * Figures: ns per input packet; ×floor, the ratio to `none` measured in the same
 * process (load that differs between processes cancels); ns per wire packet (uplink
 * packets the egress sent, padding and cells included); own heap bytes per packet out.
 * The engine floor is `none`'s own process's time over its raw loop.
 *
 * Targets (issue 18): the engine floor (`none`) at most 5× the raw loop; size shapers at
 * most 1.5× the floor; timer-driven shapers at most 50 ns per wire packet; no shaper
 * allocating in steady state (own heap growth below 0.5 byte per packet out).
 *
 *   npx tsx bench/shapers.bench.ts [--json] [--only name,name]   (or `npm run bench shapers`)
 */
import { spawnSync } from "node:child_process";
import { PerformanceObserver, performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { measure } from "mitata";
import { loadShapers } from "../sim/experiment/registries.ts";
import { BaseShaper, declare, type ShaperActions, type ShaperDefinition, type Shaper } from "../shapers/shaper.ts";
import { stream } from "../sim/core/rng.ts";
import { shapeTrace } from "../sim/engine/shape-trace.ts";
import type { Micros } from "../sim/core/time.ts";
import { Trace } from "../sim/core/trace.ts";
import { DOWN, PADDING, REAL, UP } from "../sim/core/kinds.ts";

const PACKETS = 1_000_000;
/** Child processes: a young generation no run fills, so heap growth over a run is what it allocated. */
const CHILD_FLAGS = ["--min-semi-space-size=1024", "--max-semi-space-size=1024"];
const FLOOR_TARGET = 5;
const SIZE_TARGET = 1.5;
const TIMER_TARGET_NS = 50;
const ALLOC_TARGET = 0.5;

export interface ShaperFigures {
  name: string;
  kind: "pass-through" | "size" | "timer-driven" | "reference";
  /** Raw loop in the same process, ns per packet of the trace. */
  rawNsPerPacket: number;
  /** `none` through the harness in the same process, after this shaper, ns per input packet. */
  noneNsPerPacket: number;
  nsPerInputPacket: number;
  wirePackets: number;
  packetsOut: number;
  nsPerWirePacket: number;
  heapBytesPerPacketOut: number;
}

/** A fixed messaging-like trace: bursts of MTU packets and small packets both ways, ~30 packets/s. */
function benchTrace(): Trace {
  const rng = stream(42, "bench/shapers/trace");
  const t = new Trace(PACKETS);
  let time = 0;
  while (t.length < PACKETS) {
    time += Math.round(rng.exponential(2_000_000));
    const burst = rng.bernoulli(0.2) ? rng.int(10, 200) : rng.int(1, 4);
    const dir = rng.bernoulli(0.6) ? UP : DOWN;
    for (let k = 0; k < burst && t.length < PACKETS; k++) {
      time += rng.int(50, 2000);
      const size = burst > 4 ? 1500 : rng.int(80, 600);
      t.push(time, size, size, dir, REAL, t.length);
    }
  }
  return t;
}

/** The timer floor: one padding packet per timer, every 20 ms while a real packet came within 10 s. */
class TimerFloor extends BaseShaper {
  readonly declaration = declare({ injects: true });
  private lastReal: Micros = -Infinity;
  private ticking = false;
  override onQueued(now: Micros, _size: number, out: ShaperActions): void {
    this.lastReal = now;
    if (!this.ticking) {
      this.ticking = true;
      out.setTimer(0, now + 20_000);
    }
  }
  override onTimer(now: Micros, _id: number, out: ShaperActions): void {
    out.sendPadding(out.mtu, PADDING);
    if (now - this.lastReal < 10_000_000) out.setTimer(0, now + 20_000);
    else this.ticking = false;
  }
}

const FLOOR_NAME = "(timer floor)";

function kindOf(def: ShaperDefinition): ShaperFigures["kind"] {
  const d = def.declaration;
  return d.injects || d.delays ? "timer-driven" : d.pads ? "size" : "pass-through";
}

/** Process CPU time in ns (mitata's clock here: what load on a shared machine inflates least). */
function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1e3;
}

async function child(name: string): Promise<ShaperFigures> {
  const trace = benchTrace();
  const until = trace.time[trace.length - 1];
  let downlink = 0;
  for (let i = 0; i < trace.length; i++) if (trace.dir[i] === DOWN) downlink++;
  let make: () => Shaper;
  let kind: ShaperFigures["kind"];
  if (name === FLOOR_NAME) {
    make = () => new TimerFloor();
    kind = "reference";
  } else {
    const def = (await loadShapers()).get(name);
    if (!def) throw new Error(`no shaper "${name}"`);
    make = () => def.create(def.schema.parse({}) as never, { rng: stream(1, `bench/${def.name}`), side: "device", mtu: 1500 });
    kind = kindOf(def);
  }
  // the harness never calls `padRecord` (the transport does, per record): record padders pad one record per uplink packet
  const runOnce = () => {
    const shaper = make();
    const r = shapeTrace(shaper, trace, { until, countOnly: true, name });
    if (shaper.padRecord !== undefined) {
      let padded = 0;
      for (let i = 0; i < trace.length; i++) if (trace.dir[i] === UP) padded += shaper.padRecord(trace.size[i]);
      if (!(padded > 0)) throw new Error(`${name}: padRecord returned nothing`);
    }
    return r;
  };

  // the raw pass-through: every uplink packet's columns copied, as a shaper that does nothing would emit them
  const outTime = new Float64Array(trace.length);
  const outSize = new Int32Array(trace.length);
  const outPay = new Int32Array(trace.length);
  const outFlow = new Int32Array(trace.length);
  const rawLoop = () => {
    let n = 0;
    for (let i = 0; i < trace.length; i++) {
      if (trace.dir[i] !== UP) continue;
      outTime[n] = trace.time[i];
      outSize[n] = trace.size[i];
      outPay[n] = trace.payload[i];
      outFlow[n] = trace.flow[i];
      n++;
    }
    return n;
  };
  for (let k = 0; k < 3; k++) rawLoop();
  const raw = await measure(rawLoop, { gc: false, now: cpuNow, min_samples: 10, max_samples: 30, min_cpu_time: 0 });

  let wirePackets = 0;
  for (let k = 0; k < 3; k++) wirePackets = runOnce().egress.stats.wirePackets;
  const timed = await measure(runOnce, { gc: false, now: cpuNow, min_samples: 5, max_samples: 15, min_cpu_time: 0 });
  // `none` in the same process (after the shaper, so the shaper ran as it runs in a world):
  // the ratio of the two is what load shared by the machine cancels out of
  let noneNs = timed.p50 / PACKETS;
  if (name !== "none") {
    const def = (await loadShapers()).get("none") as ShaperDefinition;
    const runNone = () => shapeTrace(def.create({}, { rng: stream(1, "bench/none"), side: "device", mtu: 1500 }), trace, { until, countOnly: true, name: "none" });
    for (let k = 0; k < 3; k++) runNone();
    noneNs = (await measure(runNone, { gc: false, now: cpuNow, min_samples: 5, max_samples: 15, min_cpu_time: 0 })).p50 / PACKETS;
  }

  // heap growth of single runs, no collection forced or allowed (median of three)
  const gcs: number[] = [];
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push(e.startTime);
  });
  obs.observe({ entryTypes: ["gc"] });
  const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 20));
  const growth: number[] = [];
  for (let k = 0; k < 3; k++) {
    await settle();
    const t0 = performance.now();
    const before = process.memoryUsage().heapUsed;
    runOnce();
    const after = process.memoryUsage().heapUsed;
    const t1 = performance.now();
    await settle();
    growth.push(gcs.some((t) => t >= t0 && t <= t1) ? Number.NaN : after - before);
  }
  obs.disconnect();
  growth.sort((a, b) => a - b);
  const packetsOut = wirePackets + downlink;
  return {
    name,
    kind,
    rawNsPerPacket: raw.p50 / PACKETS,
    noneNsPerPacket: noneNs,
    nsPerInputPacket: timed.p50 / PACKETS,
    wirePackets,
    packetsOut,
    nsPerWirePacket: timed.p50 / wirePackets,
    heapBytesPerPacketOut: growth[1] / packetsOut,
  };
}

const childArg = process.argv.indexOf("--child");
if (childArg > 0) {
  console.log(JSON.stringify(await child(process.argv[childArg + 1])));
  process.exit(0);
}

const JSON_OUT = process.argv.includes("--json");
const onlyArg = process.argv.indexOf("--only");
const only = onlyArg > 0 ? new Set(process.argv[onlyArg + 1].split(",")) : null;
const names = [...(await loadShapers()).values()]
  // shapers with no usable defaults (Maybenot needs a machine) are benchmarked on their own (bench/maybenot.bench.ts)
  .filter((d) => d.schema.safeParse({}).success)
  .map((d) => d.name)
  .filter((n) => n !== "none");
const entries = ["none", ...names, FLOOR_NAME].filter((n) => only === null || n === "none" || only.has(n));
const log = (line: string) => (JSON_OUT ? process.stderr : process.stdout).write(`${line}\n`);

const figures = new Map<string, ShaperFigures>();
for (const name of entries) {
  const r = spawnSync(process.execPath, [...CHILD_FLAGS, "--import", "tsx", fileURLToPath(import.meta.url), "--child", name], { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`shaper bench child "${name}" failed (exit ${r.status}):\n${r.stderr}`);
  figures.set(name, JSON.parse(r.stdout.trim().split("\n").pop() as string) as ShaperFigures);
}

const none = figures.get("none") as ShaperFigures;
const floorRatio = none.nsPerInputPacket / none.rawNsPerPacket;
const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : "gc!");
interface Row extends ShaperFigures {
  /** Time per input packet relative to `none`'s in the same process. */
  xFloor: number;
  ownHeapBytesPerPacketOut: number;
  speedMet: boolean;
  allocationMet: boolean;
}
const rows: Row[] = [...figures.values()].map((x) => {
  const xFloor = x.nsPerInputPacket / x.noneNsPerPacket;
  const own = x.heapBytesPerPacketOut - none.heapBytesPerPacketOut * (none.packetsOut / x.packetsOut);
  const speedMet = x.kind === "size" ? xFloor <= SIZE_TARGET : x.kind === "timer-driven" ? x.nsPerWirePacket <= TIMER_TARGET_NS : true;
  return { ...x, xFloor, ownHeapBytesPerPacketOut: own, speedMet, allocationMet: x.kind === "reference" || own < ALLOC_TARGET };
});

log(
  `trace: ${PACKETS} packets; raw pass-through (typed-array copy) ${f(none.rawNsPerPacket, 2)} ns/packet; engine floor (none via the harness) ${f(none.nsPerInputPacket)} ns/packet = ${f(floorRatio, 2)}× raw ` +
    `(target <= ${FLOOR_TARGET}: ${floorRatio <= FLOOR_TARGET ? "met" : "MISSED"}); the harness's own heap growth ${f(none.heapBytesPerPacketOut, 2)} B/packet out`,
);
log("shaper               kind           ns/in-pkt  ×floor  ns/wire-pkt  wire pkts  own heap B/pkt-out  target");
for (const r of rows) {
  const verdict = r.kind === "reference" ? "(engine floor)" : r.speedMet && r.allocationMet ? "met" : `MISSED${r.speedMet ? "" : " speed"}${r.allocationMet ? "" : " alloc"}`;
  log(
    `${r.name.padEnd(20)} ${r.kind.padEnd(14)} ${f(r.nsPerInputPacket).padStart(9)}  ${f(r.xFloor, 2).padStart(6)}  ${f(r.nsPerWirePacket).padStart(11)}  ${String(r.wirePackets).padStart(9)}  ${f(r.ownHeapBytesPerPacketOut, 2).padStart(18)}  ${verdict}`,
  );
}
const real = rows.filter((r) => r.kind !== "reference");
const size = real.filter((r) => r.kind === "size");
const timer = real.filter((r) => r.kind === "timer-driven");
const summary = {
  bench: "shapers",
  packets: PACKETS,
  rawNsPerPacket: none.rawNsPerPacket,
  engineFloorNsPerPacket: none.nsPerInputPacket,
  engineFloorRatio: floorRatio,
  engineFloorMet: floorRatio <= FLOOR_TARGET,
  sizeShapersMaxRatio: Math.max(...size.map((r) => r.xFloor)),
  sizeShapersMet: size.every((r) => r.speedMet),
  timerShapersMaxNsPerWirePacket: Math.max(...timer.map((r) => r.nsPerWirePacket)),
  timerShapersMet: timer.every((r) => r.speedMet),
  shaperAllocationMaxBytesPerPacket: Math.max(...real.map((r) => r.ownHeapBytesPerPacketOut)),
  shaperAllocationMet: real.every((r) => r.allocationMet),
  timerFloorNsPerWirePacket: (figures.get(FLOOR_NAME) as ShaperFigures | undefined)?.nsPerWirePacket ?? null,
  rows,
};
const missed = real.filter((r) => !(r.speedMet && r.allocationMet));
if (missed.length > 0) log(`${missed.length} shaper(s) missed a target: ${missed.map((r) => r.name).join(", ")}`);
console.log(JSON.stringify(summary));
