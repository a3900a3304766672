/**
 * Per-packet random delay (jitter) — the continuous-time mix of Danezis, "The Traffic
 * Analysis of Continuous-Time Mixes", PET 2004 (stop-and-go delays, Kesdogan et al. 1998),
 * applied to one link (defenses.md §4.1).
 *
 * Rule: each real packet draws an i.i.d. delay d — uniform on [0, J] or exponential with
 * mean 1/μ — and leaves at max(its arrival + d, the previous packet's release), so order
 * is kept (FIFO: delays accumulate behind a long draw) and nothing is reordered. For
 * Poisson arrivals at rate λ and exponential delays, Danezis gives the sender anonymity
 * of an output as log(e·λ/μ) (for μ < e·λ); the mean added latency is 1/μ.
 *
 * Defaults (ours): exponential with mean 100 ms (μ = 10/s, the worked example of
 * defenses.md §4.1: λ = 100/s gives 4.76 bits); uniform J = 200 ms (same mean) when
 * `distribution` is "uniform". Release times live in a typed-array ring, one per queued
 * packet; one timer tracks the head.
 *
 * @example
 * // uniform, J = 0 (no delay): "0 s100, 1ms s200" → "0 s100, 1ms s200"
 */
import { z } from "zod";
import type { RandomSource } from "./random.ts";
import { seconds, type Micros } from "../sim/core/time.ts";
import { REAL, type Kind } from "../sim/core/kinds.ts";
import { choice, duration } from "./params.ts";
import { BaseShaper, type ShaperActions, type ShaperContext, type ShaperDeclaration, type ShaperDefinition, declare } from "./shaper.ts";
import { TimeRing } from "./time-ring.ts";

const NAME = "jitter";
const TIMER = 0;

const schema = z
  .object({
    distribution: choice(["exponential", "uniform"] as const).default("exponential").describe('delay law: "exponential" (mean meanDelaySeconds) or "uniform" (on [0, maxDelaySeconds])'),
    meanDelaySeconds: duration({ max: 3600 }).default(0.1).describe("1/μ: mean delay of the exponential law, seconds"),
    maxDelaySeconds: duration({ zero: true, max: 3600 }).default(0.2).describe("J: upper end of the uniform law, seconds (0 = no delay)"),
  })
  .strict();

export type JitterParams = z.infer<typeof schema>;

const declaration: ShaperDeclaration = declare({ delays: true });

class Jitter extends BaseShaper {
  readonly declaration = declaration;
  private readonly rng: RandomSource;
  private readonly exponential: boolean;
  private readonly mean: number;
  private readonly max: number;
  private readonly releases = new TimeRing(64);
  private lastRelease: Micros = -Infinity;

  constructor(p: JitterParams, ctx: ShaperContext) {
    super();
    this.rng = ctx.rng;
    this.exponential = p.distribution === "exponential";
    this.mean = seconds(p.meanDelaySeconds);
    this.max = seconds(p.maxDelaySeconds);
  }

  override start(_now: Micros, out: ShaperActions): void {
    out.hold();
  }

  override onQueued(now: Micros, _size: number, out: ShaperActions): void {
    const d = this.exponential ? this.rng.exponential(this.mean) : this.rng.uniform(0, this.max);
    let at = now + Math.round(d);
    if (at < this.lastRelease) at = this.lastRelease;
    this.lastRelease = at;
    this.releases.push(at);
    if (this.releases.length === 1) {
      if (at <= now) out.releaseOne(); // a zero draw with nothing ahead: leave at once
      else out.setTimer(TIMER, at);
    }
  }

  override onSent(_now: Micros, _size: number, kind: Kind): void {
    // one entry per real packet, popped however it left (our release or a forced one)
    if (kind === REAL) this.releases.shift();
  }

  override onTimer(now: Micros, _id: number, out: ShaperActions): void {
    const r = this.releases;
    while (r.length > 0 && r.head() <= now) if (!out.releaseOne()) r.clear();
    if (r.length > 0) out.setTimer(TIMER, r.head());
  }
}

export const definition: ShaperDefinition<JitterParams> = {
  name: NAME,
  summary: "per-packet random delay, uniform U[0, J] or exponential (mean 1/μ), order kept",
  citation: "Danezis, The Traffic Analysis of Continuous-Time Mixes, PET 2004",
  schema,
  declaration,
  create: (p, ctx) => new Jitter(p, ctx),
};
