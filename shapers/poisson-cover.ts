/**
 * Loopix-style Poisson cover — Piotrowska, Hayes, Elahi, Meiser, Danezis, "The Loopix
 * Anonymity System", USENIX Security 2017 (defenses.md §4.2).
 *
 * Rule: a client emits independent Poisson streams. Cover (Loopix's loop and drop
 * messages, λ_L + λ_D, indistinguishable on the client's link and merged here into one
 * stream of rate `coverRate`) leaves at exponentially distributed gaps, whatever the
 * real traffic does. Optionally (`payloadRate` λ_P > 0) real traffic is also bound to a
 * Poisson stream: the gate stays closed and at each λ_P tick the shaper sends one packet
 * of the fixed size, carrying the head of the real queue if any, else a drop cover
 * message. All packets share one size (Loopix uses fixed-size Sphinx packets), so real
 * packets larger than a cell are split across ticks.
 *
 * Defaults: Loopix's evaluation rates λ_P = λ_L = λ_D = 10 per minute [P], so cover
 * 20/min; the payload stream is off by default (`payloadRate` 0) because it adds an
 * Exp(λ_P) wait per packet — set it to 10/60 for Loopix's own setting. Packet size
 * defaults to the link MTU (our choice; Loopix fixes a Sphinx size).
 *
 * @example
 * // coverRate 1/s, payloadRate 0: real packets pass untouched; cover packets ("…c") of
 * // the MTU size leave at Exp(1 s) gaps from the egress start.
 */
import { z } from "zod";
import type { RandomSource } from "./random.ts";
import type { Micros } from "../sim/core/time.ts";
import { COVER } from "../sim/core/kinds.ts";
import { bytes, number, sizeWithin } from "./params.ts";
import { BaseShaper, type ShaperActions, type ShaperContext, type ShaperDeclaration, type ShaperDefinition, declare } from "./shaper.ts";

const NAME = "poisson-cover";
const COVER_TIMER = 0;
const PAYLOAD_TIMER = 1;

const schema = z
  .object({
    coverRate: number({ min: 0, max: 1e5 }, "packets per second").default(20 / 60).describe("λ_L + λ_D: loop and drop cover, packets per second (0 = none)"),
    payloadRate: number({ min: 0, max: 1e5 }, "packets per second").default(0).describe("λ_P: payload-stream ticks, packets per second; 0 = real packets are not bound to ticks"),
    packetBytes: bytes().optional().describe("size of every cover packet and payload cell, bytes (default: the link MTU)"),
  })
  .strict();

export type PoissonCoverParams = z.infer<typeof schema>;

const declaration: ShaperDeclaration = declare({ delays: true, pads: true, injects: true, splits: true });

const COVER_ONLY: ShaperDeclaration = { ...declaration, delays: false, pads: false, splits: false };

class PoissonCover extends BaseShaper {
  readonly declaration: ShaperDeclaration;
  private readonly rng: RandomSource;
  private readonly size: number;
  private readonly coverMean: Micros;
  private readonly payloadMean: Micros;

  constructor(p: PoissonCoverParams, ctx: ShaperContext) {
    super();
    this.rng = ctx.rng;
    this.size = sizeWithin(NAME, "packetBytes", p.packetBytes, ctx.mtu);
    this.coverMean = p.coverRate > 0 ? 1e6 / p.coverRate : Infinity;
    this.payloadMean = p.payloadRate > 0 ? 1e6 / p.payloadRate : Infinity;
    this.declaration = p.payloadRate > 0 ? declaration : COVER_ONLY;
  }

  override start(now: Micros, out: ShaperActions): void {
    if (this.coverMean !== Infinity) out.setTimer(COVER_TIMER, now + this.gap(this.coverMean));
    if (this.payloadMean !== Infinity) {
      out.hold();
      out.setTimer(PAYLOAD_TIMER, now + this.gap(this.payloadMean));
    }
  }

  override onTimer(now: Micros, id: number, out: ShaperActions): void {
    if (id === COVER_TIMER) {
      out.sendPadding(this.size, COVER);
      out.setTimer(COVER_TIMER, now + this.gap(this.coverMean));
    } else {
      if (out.queuedPackets > 0) out.sendCell(this.size);
      else out.sendPadding(this.size, COVER);
      out.setTimer(PAYLOAD_TIMER, now + this.gap(this.payloadMean));
    }
  }

  private gap(mean: number): Micros {
    return Math.round(this.rng.exponential(mean));
  }
}

export const definition: ShaperDefinition<PoissonCoverParams> = {
  name: NAME,
  summary: "Loopix: Poisson cover at rate λ; optionally real packets leave only at Poisson(λ_P) ticks",
  citation: "Piotrowska, Hayes, Elahi, Meiser, Danezis, The Loopix Anonymity System, USENIX Security 2017",
  schema,
  declaration,
  create: (p, ctx) => new PoissonCover(p, ctx),
};
