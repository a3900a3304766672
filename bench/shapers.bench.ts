/**
 * Shaper benchmark (issue 3): every registered shaper over one fixed 1,000,000-packet
 * trace (25 h of messaging-like traffic, 60% uplink), through the engine harness
 * (`sim/engine/shape-trace.ts`).
 *
 * Figures per shaper:
 * - ns per input packet, and its ratio to the pass-through (`none` through the same
 *   harness, timed in the same process). Record padders (Padmé, powers of two, fixed
 *   buckets, Signal) act in `padRecord`, which the transport calls and the harness does
 *   not: their run adds one `padRecord` call per uplink packet;
 * - ns per packet out: per packet of the shaped trace (uplink wire packets, padding and
 *   cells included, plus the downlink packets passed through). Timer-driven shapers add
 *   packets, so this is the cost per packet the shaper handles, and the 100 ns target
 *   is judged on it;
 * - own heap bytes per packet out: the heap growth of one run minus that of `none`'s
 *   run, so the harness's own allocation is taken away and what is left is the
 *   shaper's (with the engine work it asks for, such as its timers and padding).
 * - "(timer floor)": a minimal timer-driven shaper defined here (one padding packet per
 *   timer, every 20 ms while real packets came within 10 s). It does nothing but ask
 *   the engine for timers and padding, so its ns per packet out is what the engine and
 *   harness alone cost per injected packet: the floor under every timer-driven shaper.
 *
 * Heap probe (in a child process, all entries in the timing order, `none` first):
 * warm up twice, `gc()`, read `heapUsed`, run once, read it again. The child runs with
 * `--min-semi-space-size=1024 --max-semi-space-size=1024`, so no scavenge runs during
 * a run and the growth is every byte the run allocated (a GC observer checks this; a
 * probe a GC interrupted prints "gc!"), and with `--no-concurrent-recompilation
 * --no-concurrent-osr`, so the JIT optimizes at the same points on every run: with
 * background compilation how long a run stays in unoptimized code (which boxes every
 * double) varies with machine load, and `none` alone then varies by ±8 B/packet.
 * With these flags the size shapers, which do nothing at run time here, measure within
 * ±0.2 B/packet of `none`. Timing runs in the parent with default JIT flags.
 *
 * Targets: size shapers within 3× of pass-through (per input packet); timer-driven
 * shapers at most 100 ns per packet out; no allocation per packet in steady state
 * (own heap growth below 1 byte per packet out).
 *
 *   node --expose-gc --import tsx bench/shapers.bench.ts   (or `npm run bench shapers`)
 *
 * Timing by mitata (`measure`: median of 5 to 15 samples, each one whole run).
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

/**
 * The heap probe runs in a child process with these flags: a young generation large
 * enough that no scavenge runs during one run, and synchronous JIT compilation so that
 * when code is optimized (and so how many doubles get boxed) is the same on every run.
 */
const PROBE_FLAGS = ["--expose-gc", "--min-semi-space-size=1024", "--max-semi-space-size=1024", "--no-concurrent-recompilation", "--no-concurrent-osr"];
const PROBE = process.argv.includes("--heap-probe");
if (!process.execArgv.includes("--expose-gc")) {
  const r = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: "inherit" });
  process.exit(r.status ?? 1);
}

const PACKETS = 1_000_000;

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

function gc(): void {
  (globalThis as unknown as { gc: () => void }).gc();
}

/** Start times of the GCs seen so far (performance.now() clock). */
const gcTimes: number[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcTimes.push(e.startTime);
}).observe({ entryTypes: ["gc"] });
/** Lets pending GC observer entries arrive. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 20));

interface Entry {
  name: string;
  kind: "pass-through" | "size" | "timer-driven" | "reference";
  make: () => Shaper;
}

const trace = benchTrace();
const until = trace.time[trace.length - 1];
let downlink = 0;
for (let i = 0; i < trace.length; i++) if (trace.dir[i] === DOWN) downlink++;
// shapers with no usable defaults (Maybenot needs a machine) are benchmarked on their own (bench/maybenot.bench.ts)
const defs = [...(await loadShapers()).values()].filter((d) => d.schema.safeParse({}).success);
const kindOf = (def: ShaperDefinition): Entry["kind"] => {
  const d = def.declaration;
  return d.injects || d.delays ? "timer-driven" : d.pads ? "size" : "pass-through";
};
const entry = (def: ShaperDefinition): Entry => ({
  name: def.name,
  kind: kindOf(def),
  make: () => def.create(def.schema.parse({}) as never, { rng: stream(1, `bench/${def.name}`), side: "device", mtu: 1500 }),
});
const none = entry(defs.find((d) => d.name === "none")!);
const entries: Entry[] = [
  none,
  ...defs.filter((d) => d.name !== "none").map(entry),
  { name: "(timer floor)", kind: "reference", make: () => new TimerFloor() },
];
/**
 * One run of an entry over the trace. The harness never calls `padRecord` (the
 * transport does, once per application record, before segmentation), so for record
 * padders the run also pads one record per uplink packet, of the packet's size: the
 * work a size shaper adds per packet.
 */
const runOnce = (e: Entry) => {
  const shaper = e.make();
  const r = shapeTrace(shaper, trace, { until, countOnly: true, name: e.name });
  if (shaper.padRecord !== undefined) {
    let padded = 0;
    for (let i = 0; i < trace.length; i++) if (trace.dir[i] === UP) padded += shaper.padRecord(trace.size[i]);
    if (!(padded > 0)) throw new Error(`${e.name}: padRecord returned nothing`);
  }
  return r;
};

/** Heap growth of one run after warm-up, bytes; NaN if a GC ran during it. */
async function heapGrowth(e: Entry): Promise<number> {
  runOnce(e);
  runOnce(e);
  gc();
  await settle();
  const t0 = performance.now();
  const before = process.memoryUsage().heapUsed;
  runOnce(e);
  const after = process.memoryUsage().heapUsed;
  const t1 = performance.now();
  await settle();
  return gcTimes.some((t) => t >= t0 && t <= t1) ? Number.NaN : after - before;
}

if (PROBE) {
  // child: heap growth of one run of each entry, in the order of the timing loop; `none` three times (median)
  const growth: Record<string, number> = {};
  for (const e of entries) {
    if (e === none) {
      const probes = [await heapGrowth(e), await heapGrowth(e), await heapGrowth(e)].sort((a, b) => a - b);
      growth[e.name] = probes[1];
    } else {
      growth[e.name] = await heapGrowth(e);
    }
  }
  console.log(JSON.stringify(growth));
  process.exit(0);
}

// raw loop: read every packet's columns once (the floor any engine sits on)
const raw = await measure(
  () => {
    let s = 0;
    for (let i = 0; i < trace.length; i++) s += trace.size[i] + trace.dir[i] + trace.time[i];
    return s;
  },
  { min_samples: 5, max_samples: 20 },
);

const timing = new Map<string, { p50: number; wirePackets: number }>();
for (const e of entries) {
  const stats = await measure(() => runOnce(e), { min_samples: 5, max_samples: 15 });
  timing.set(e.name, { p50: stats.p50, wirePackets: runOnce(e).egress.stats.wirePackets });
}

const probe = spawnSync(process.execPath, [...PROBE_FLAGS, "--import", "tsx", fileURLToPath(import.meta.url), "--heap-probe"], {
  encoding: "utf8",
  maxBuffer: 16 * 1024 * 1024,
});
if (probe.status !== 0) throw new Error(`heap probe failed (exit ${probe.status}):\n${probe.stderr}`);
const growth = JSON.parse(probe.stdout.trim().split("\n").pop() as string) as Record<string, number>;

interface Row {
  name: string;
  kind: Entry["kind"];
  nsPerInputPacket: number;
  ratio: number;
  nsPerPacketOut: number;
  wirePackets: number;
  packetsOut: number;
  heapBytesPerPacketOut: number;
  ownHeapBytesPerPacketOut: number;
}
const passNs = (timing.get(none.name) as { p50: number }).p50 / PACKETS;
const noneHeap = growth[none.name];
const rows: Row[] = entries.map((e) => {
  const { p50, wirePackets } = timing.get(e.name) as { p50: number; wirePackets: number };
  const packetsOut = wirePackets + downlink;
  const ns = p50 / PACKETS;
  return {
    name: e.name,
    kind: e.kind,
    nsPerInputPacket: ns,
    ratio: ns / passNs,
    nsPerPacketOut: p50 / packetsOut,
    wirePackets,
    packetsOut,
    heapBytesPerPacketOut: growth[e.name] / packetsOut,
    ownHeapBytesPerPacketOut: (growth[e.name] - noneHeap) / packetsOut,
  };
});

const f = (x: number, d = 1) => (Number.isNaN(x) ? "gc!" : x.toFixed(d));
console.log(
  `trace: ${PACKETS} packets (${downlink} downlink) over ${(until / 3.6e9).toFixed(2)} h; raw column loop ${(raw.p50 / PACKETS).toFixed(2)} ns/packet; ` +
    `pass-through (none via the engine) ${passNs.toFixed(1)} ns/packet; the harness's own heap growth ${f(noneHeap / PACKETS, 2)} B/packet`,
);
console.log("shaper               kind           ns/in-pkt  ×pass-through  ns/pkt-out  packets out  own heap B/pkt-out  target");
let missed = 0;
for (const r of rows) {
  const speed = r.kind === "size" ? r.ratio <= 3 : r.kind === "timer-driven" ? r.nsPerPacketOut <= 100 : true;
  const alloc = r.kind === "reference" || r.name === none.name || r.ownHeapBytesPerPacketOut < 1;
  const verdict = r.kind === "reference" ? "(engine floor)" : speed && alloc ? "met" : `MISSED${speed ? "" : " speed"}${alloc ? "" : " alloc"}`;
  if (r.kind !== "reference" && !(speed && alloc)) missed++;
  console.log(
    `${r.name.padEnd(20)} ${r.kind.padEnd(14)} ${f(r.nsPerInputPacket).padStart(9)}  ${f(r.ratio, 2).padStart(13)}  ${f(r.nsPerPacketOut).padStart(10)}  ${String(r.packetsOut).padStart(11)}  ${f(r.ownHeapBytesPerPacketOut, 2).padStart(18)}  ${verdict}`,
  );
}
console.log(JSON.stringify({ bench: "shapers", rawNsPerPacket: raw.p50 / PACKETS, passThroughNsPerPacket: passNs, harnessHeapBytesPerPacket: noneHeap / PACKETS, rows }));
const floor = rows.find((r) => r.kind === "reference") as Row;
console.log(
  `the timer floor (a shaper that only sets timers and sends padding) costs ${f(floor.nsPerPacketOut)} ns and allocates ${f(floor.ownHeapBytesPerPacketOut, 2)} B per packet out: ` +
    "that much of a timer-driven shaper's figures is the engine's and the harness's",
);
if (missed > 0) console.log(`${missed} shaper(s) missed a target`);
