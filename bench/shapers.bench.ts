/**
 * Shaper benchmark (issue 3): ns per input packet for every registered shaper over one
 * fixed 1,000,000-packet trace, the ratio to the pass-through (the `none` shaper through
 * the same engine harness, measured in the same process), and heap growth per packet.
 *
 * Targets: size shapers within 3× of pass-through; timer-driven shapers at most
 * 100 ns/packet; no allocation per packet in steady state (heap growth ≈ 0 B/packet).
 *
 *   node --expose-gc --import tsx bench/shapers.bench.ts
 *
 * Timing by mitata (`measure`, median of at least 5 samples of the whole trace).
 */
import { measure } from "mitata";
import { loadShapers } from "../shapers/registry.ts";
import type { ShaperDefinition } from "../shapers/shaper.ts";
import { stream } from "../sim/rng.ts";
import { shapeTrace } from "../sim/shape-trace.ts";
import { DOWN, REAL, Trace, UP } from "../sim/trace.ts";

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

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

const trace = benchTrace();
const until = trace.time[trace.length - 1];
const defs = [...(await loadShapers()).values()];
const create = (def: ShaperDefinition) => def.create(def.schema.parse({}) as never, { rng: stream(1, `bench/${def.name}`), side: "device", mtu: 1500 });
const runOnce = (def: ShaperDefinition) => shapeTrace(create(def), trace, { until, countOnly: true, name: def.name });

// raw loop: read every packet's columns once (the floor any engine sits on)
const raw = await measure(() => {
  let s = 0;
  for (let i = 0; i < trace.length; i++) s += trace.size[i] + trace.dir[i] + trace.time[i];
  return s;
}, { min_samples: 5, max_samples: 20 });

const rows: { name: string; kind: string; nsPerPacket: number; ratio: number; heapBytesPerPacket: number; outPackets: number }[] = [];
let passNs = 0;
for (const def of [defs.find((d) => d.name === "none")!, ...defs.filter((d) => d.name !== "none")]) {
  const stats = await measure(() => runOnce(def), { min_samples: 5, max_samples: 15 });
  gc();
  const before = process.memoryUsage().heapUsed;
  const r = runOnce(def);
  const after = process.memoryUsage().heapUsed;
  const ns = stats.p50 / PACKETS;
  if (def.name === "none") passNs = ns;
  const d = def.declaration;
  const kind = d.injects || d.delays ? "timer-driven" : d.pads ? "size" : "pass-through";
  rows.push({ name: def.name, kind, nsPerPacket: ns, ratio: ns / passNs, heapBytesPerPacket: (after - before) / PACKETS, outPackets: r.egress.stats.wirePackets });
}

console.log(`trace: ${PACKETS} packets over ${(until / 3.6e9).toFixed(2)} h; raw column loop ${(raw.p50 / PACKETS).toFixed(2)} ns/packet; pass-through (none via the engine) ${passNs.toFixed(1)} ns/packet`);
console.log("shaper               kind           ns/packet  ×pass-through  heap B/packet  wire packets  target");
let missed = 0;
for (const r of rows) {
  const ok = r.kind === "size" ? r.ratio <= 3 : r.kind === "timer-driven" ? r.nsPerPacket <= 100 : true;
  const alloc = r.heapBytesPerPacket <= 1;
  if (!ok || !alloc) missed++;
  console.log(
    `${r.name.padEnd(20)} ${r.kind.padEnd(14)} ${r.nsPerPacket.toFixed(1).padStart(9)}  ${r.ratio.toFixed(2).padStart(13)}  ${r.heapBytesPerPacket.toFixed(2).padStart(13)}  ${String(r.outPackets).padStart(12)}  ${ok && alloc ? "met" : "MISSED"}`,
  );
}
console.log(JSON.stringify({ bench: "shapers", rawNsPerPacket: raw.p50 / PACKETS, passThroughNsPerPacket: passNs, rows }));
if (missed > 0) console.log(`${missed} shaper(s) missed a target`);
