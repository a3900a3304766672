/**
 * A shaped trace from real traffic, for the format round trips and the replay tests:
 * the committed loopback capture replayed with Poisson cover and a payload stream on the
 * device (real packets cut into fixed cells, so payload < size, plus cover) and FRONT
 * padding on the server side — every kind, padded real packets, and four flows' ids.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Shaper, ShaperDefinition, ShaperSide } from "../../../shapers/shaper.ts";
import { definition as front } from "../../../shapers/front.ts";
import { definition as poissonCover } from "../../../shapers/poisson-cover.ts";
import { stream } from "../../../sim/core/rng.ts";
import type { Trace } from "../../../sim/core/trace.ts";
import { replayTrace } from "../../../sim/capture/replay.ts";
import { importCapture } from "../../../sim/capture/to-trace.ts";

export const LOOPBACK = join(import.meta.dirname, "fixtures", "lo.dumpcap.pcapng");

export function loopbackTrace(): Trace {
  return importCapture(readFileSync(LOOPBACK), { source: "lo.dumpcap.pcapng" }).trace;
}

export function makeShaper<P extends Record<string, unknown>>(def: ShaperDefinition<P>, params: unknown, side: ShaperSide, seed = 7): () => Shaper {
  return () => def.create(def.schema.parse(params), { rng: stream(seed, `capture-test/${def.name}/${side}`), side, mtu: 1500 });
}

export function shapedLoopback(): Trace {
  return replayTrace(loopbackTrace(), {
    device: makeShaper(poissonCover, { coverRate: 20, payloadRate: 200, packetBytes: 600 }, "device"),
    server: makeShaper(front, { maxPadding: 40, windowMinSeconds: 0.05, windowMaxSeconds: 0.2, paddingBytes: 700 }, "server"),
    until: 400_000,
  }).trace;
}
