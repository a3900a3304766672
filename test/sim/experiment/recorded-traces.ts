/**
 * A small recorded population for the `recorded` experiment path, made rather than
 * captured: `pairs` pairs of users who message each other (what one sends up arrives on
 * the other's downlink 40–120 ms later) and `idle` users who only keep a connection
 * alive, each user a chaff trace file as `chaff import` writes it (with a capture origin:
 * every user started "capturing" up to 5 s apart, so the origins matter). Two flows per
 * user: 0 the messages, 1 the keepalives.
 *
 * Run as a script, it writes the builtin example's folder:
 *   npx tsx test/sim/experiment/recorded-traces.ts sim/experiment/builtin/recorded-example
 *
 * @example
 * const pop = recordedTraces({ pairs: 10, idle: 4, seconds: 600 }); // pop.traces[u], pop.pairs, pop.origins[u]
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { DOWN, REAL, UP, type Direction } from "../../../sim/core/kinds.ts";
import { stream } from "../../../sim/core/rng.ts";
import { SECOND } from "../../../sim/core/time.ts";
import { Trace } from "../../../sim/core/trace.ts";
import { printChaffTrace } from "../../../sim/capture/formats/chaff-jsonl.ts";

export interface RecordedTraces {
  traces: Trace[];
  pairs: [number, number][];
  /** µs since the epoch that each trace's time 0 stands for. */
  origins: number[];
}

const ORIGIN = 1_765_000_000_000_000; // an arbitrary wall clock, µs

export function recordedTraces(opts: { pairs: number; idle: number; seconds: number; messagesPerPair?: number; seed?: number }): RecordedTraces {
  const rng = stream(opts.seed ?? 1, "recorded-traces");
  const users = 2 * opts.pairs + opts.idle;
  const end = opts.seconds * SECOND;
  const rows: { t: number; dir: Direction; size: number; flow: number }[][] = Array.from({ length: users }, () => []);
  const origins = Array.from({ length: users }, () => ORIGIN + rng.int(0, 5 * SECOND));
  const pairs: [number, number][] = [];
  for (let p = 0; p < opts.pairs; p++) {
    const a = 2 * p;
    const b = 2 * p + 1;
    pairs.push([a, b]);
    for (let m = 0; m < (opts.messagesPerPair ?? 20); m++) {
      const t = rng.uniform(0, end - 2 * SECOND); // shared clock
      const [from, to] = rng.next() < 0.5 ? [a, b] : [b, a];
      const size = rng.int(200, 1400);
      const lat = rng.uniform(40_000, 120_000);
      rows[from].push({ t, dir: UP, size, flow: 0 });
      rows[to].push({ t: t + lat, dir: DOWN, size, flow: 0 });
    }
  }
  for (let u = 0; u < users; u++) {
    for (let t = rng.uniform(0, 60 * SECOND); t < end - SECOND; t += 60 * SECOND) {
      rows[u].push({ t, dir: UP, size: 80, flow: 1 });
      rows[u].push({ t: t + 30_000, dir: DOWN, size: 80, flow: 1 });
    }
  }
  const traces = rows.map((r, u) => {
    const local = r.map((x) => ({ ...x, t: Math.round(x.t - (origins[u] - ORIGIN)) })).filter((x) => x.t >= 0);
    local.sort((x, y) => x.t - y.t);
    const tr = new Trace(Math.max(1, local.length));
    for (const x of local) tr.push(x.t, x.size, x.size, x.dir, REAL, x.flow);
    return tr;
  });
  return { traces, pairs, origins };
}

/** Writes one chaff trace file per user (user-00.jsonl, …) and pairs.json into `dir`. */
export function writeRecordedTraces(dir: string, pop: RecordedTraces): void {
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(dir)) if (/^user-\d+\.jsonl$/.test(f)) rmSync(join(dir, f));
  pop.traces.forEach((t, u) => writeFileSync(join(dir, `user-${String(u).padStart(2, "0")}.jsonl`), printChaffTrace(t, { source: `recorded-traces user ${u}`, originMicros: pop.origins[u] })));
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const dir = process.argv[2];
  if (!dir) throw new Error("usage: npx tsx test/sim/experiment/recorded-traces.ts <folder>");
  const pop = recordedTraces({ pairs: 10, idle: 4, seconds: 600 });
  writeRecordedTraces(dir, pop);
  process.stdout.write(`${dir}: ${pop.traces.length} traces, pairs ${JSON.stringify(pop.pairs)}\n`);
}
