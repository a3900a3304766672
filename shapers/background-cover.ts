/**
 * Background cover — always-on cover traffic at a target rate, the simplest form of the
 * constant cover streams in Loopix (loop/drop cover, Piotrowska et al., USENIX Security
 * 2017) and of link padding in Tor (connection-level padding, padding-spec): the cover
 * exists whether or not the user is active, so the link is never silent.
 *
 * Rule: from the egress start, send one cover packet of a fixed size every 1/rate
 * ("constant" gaps) or at exponential gaps with mean 1/rate ("exponential", a Poisson
 * stream). Real packets are neither delayed nor padded. Unlike `poisson-cover`, real
 * traffic is never bound to the cover schedule; unlike `constant-rate`, cover does not
 * replace real packets.
 *
 * Defaults are ours, not published: 1 packet/s at the link MTU, constant gaps.
 *
 * @example
 * // rate 10/s, constant, 100 B, run 0.35 s with no real traffic:
 * // → "100ms s100c, 200ms s100c, 300ms s100c"
 */
import { z } from "zod";
import type { RandomSource } from "./random.ts";
import type { Micros } from "../sim/core/time.ts";
import { COVER } from "../sim/core/kinds.ts";
import { bytes, choice, rate, sizeWithin } from "./params.ts";
import { BaseShaper, type ShaperActions, type ShaperContext, type ShaperDeclaration, type ShaperDefinition, declare } from "./shaper.ts";

const NAME = "background-cover";
const TIMER = 0;

const schema = z
  .object({
    ratePerSecond: rate("packets per second").default(1).describe("cover packets sent, packets per second"),
    gaps: choice(["constant", "exponential"] as const).default("constant").describe('gap law: "constant" (every 1/rate) or "exponential" (Poisson, mean 1/rate)'),
    packetBytes: bytes().optional().describe("size of cover packets, bytes (default: the link MTU)"),
  })
  .strict();

export type BackgroundCoverParams = z.infer<typeof schema>;

const declaration: ShaperDeclaration = declare({ injects: true });

class BackgroundCover extends BaseShaper {
  readonly declaration = declaration;
  private readonly rng: RandomSource;
  private readonly mean: number;
  private readonly exponential: boolean;
  private readonly size: number;
  /** Exact schedule for constant gaps: start + k/rate, rounded per packet (no drift). */
  private origin: Micros = 0;
  private k = 0;

  constructor(p: BackgroundCoverParams, ctx: ShaperContext) {
    super();
    this.rng = ctx.rng;
    this.mean = 1e6 / p.ratePerSecond;
    this.exponential = p.gaps === "exponential";
    this.size = sizeWithin(NAME, "packetBytes", p.packetBytes, ctx.mtu);
  }

  override start(now: Micros, out: ShaperActions): void {
    this.origin = now;
    this.k = 0;
    out.setTimer(TIMER, this.nextTime(now));
  }

  override onTimer(now: Micros, _id: number, out: ShaperActions): void {
    out.sendPadding(this.size, COVER);
    out.setTimer(TIMER, this.nextTime(now));
  }

  private nextTime(now: Micros): Micros {
    if (this.exponential) return now + Math.round(this.rng.exponential(this.mean));
    const t = this.origin + Math.round(++this.k * this.mean);
    return t > now ? t : now;
  }
}

export const definition: ShaperDefinition<BackgroundCoverParams> = {
  name: NAME,
  summary: "always-on cover packets at a target rate, constant or exponential gaps",
  citation: "Piotrowska et al., The Loopix Anonymity System, USENIX Security 2017 (cover streams); Tor padding-spec (link padding)",
  schema,
  declaration,
  create: (p, ctx) => new BackgroundCover(p, ctx),
};
