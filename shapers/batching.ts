/**
 * Batching mixes — the timed mix and the threshold mix (textbook definitions; Serjantov
 * & Danezis, "Towards an Information Theoretic Metric for Anonymity", PET 2002; Díaz &
 * Preneel's mix taxonomy; defenses.md §4.3), applied to one link.
 *
 * Rule: real packets wait behind a closed gate and leave together, as one batch:
 * - timed mix (`intervalSeconds` t): flush every t, on the grid start + k·t;
 * - threshold mix (`threshold` n): flush as soon as n packets are waiting;
 * - both set: flush at whichever comes first (the grid keeps its phase).
 * A flush sends everything queued, in queue order. A mix would also shuffle the batch;
 * here the order within a flow must be kept, and a single egress queue has no other
 * order to give, so batches leave FIFO (the declaration says: no reordering). With
 * Poisson arrivals at rate λ a timed batch holds Poisson(λt) packets; a threshold batch
 * gives each output log₂ n bits of sender entropy. A threshold-only mix holds the last
 * packets until enough others arrive — that is its rule, not a loss.
 *
 * Defaults (ours): timed, t = 1 s, no threshold.
 *
 * @example
 * // t = 100 ms: "10ms s100, 50ms s200, 120ms s300" → "100ms s100, 100ms s200, 200ms s300"
 */
import { z } from "zod";
import { seconds, type Micros } from "../sim/core/time.ts";
import { duration, integer } from "./params.ts";
import { BaseShaper, type ShaperActions, type ShaperDeclaration, type ShaperDefinition, declare } from "./shaper.ts";

const NAME = "batching";
const TIMER = 0;

const schema = z
  .object({
    intervalSeconds: duration().nullable().default(1).describe("t: flush period, seconds; null for a threshold-only mix"),
    threshold: integer({ min: 1, max: 1_000_000 }, "packets").nullable().default(null).describe("n: flush when this many packets wait, packets; null for a timed-only mix"),
  })
  .strict()
  .refine((p) => p.intervalSeconds !== null || p.threshold !== null, {
    path: ["intervalSeconds"],
    error: "expected intervalSeconds or threshold (or both) to be set, got both null",
  });

export type BatchingParams = z.infer<typeof schema>;

const declaration: ShaperDeclaration = declare({ delays: true });

class Batching extends BaseShaper {
  readonly declaration = declaration;
  private readonly interval: Micros;
  private readonly threshold: number;
  private origin: Micros = 0;
  private armed = false;

  constructor(p: BatchingParams) {
    super();
    this.interval = p.intervalSeconds === null ? Infinity : seconds(p.intervalSeconds);
    this.threshold = p.threshold ?? Infinity;
  }

  override start(now: Micros, out: ShaperActions): void {
    this.origin = now;
    out.hold();
  }

  override onQueued(now: Micros, _size: number, out: ShaperActions): void {
    if (out.queuedPackets >= this.threshold) {
      flush(out);
      return;
    }
    // The grid ticks only matter while something waits: arm the next one lazily.
    if (!this.armed && this.interval !== Infinity) {
      const k = Math.ceil((now - this.origin) / this.interval);
      out.setTimer(TIMER, this.origin + k * this.interval);
      this.armed = true;
    }
  }

  override onTimer(_now: Micros, _id: number, out: ShaperActions): void {
    this.armed = false;
    flush(out);
  }
}

function flush(out: ShaperActions): void {
  while (out.releaseOne()) {
    /* every queued packet, in order */
  }
}

export const definition: ShaperDefinition<BatchingParams> = {
  name: NAME,
  summary: "timed mix (flush every t) and/or threshold mix (flush at n packets), FIFO within the batch",
  citation: "Serjantov & Danezis, Towards an Information Theoretic Metric for Anonymity, PET 2002 (timed and threshold mixes)",
  schema,
  declaration,
  create: (p) => new Batching(p),
};
