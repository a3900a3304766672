/**
 * Pad-to-MTU — Dyer, Coull, Ristenpart, Shrimpton, "Peek-a-Boo, I Still See You: Why
 * Efficient Traffic Analysis Countermeasures Fail", IEEE S&P 2012 (`PadToMTU` in
 * kpdyer/website-fingerprinting); also what WireGuard-style VPNs can do per packet.
 *
 * Rule: every real packet leaving this egress is grown to the link MTU. This is packet-
 * level padding (`padPacket` in `onQueued`), after the transport has segmented records,
 * so every packet has the same size and only counts and timing remain. Dyer et al. show
 * that this alone does not stop coarse attacks (total volume, time).
 *
 * @example
 * // MTU 1500: "0 s100, 1ms s1500" → "0 s1500/100, 1ms s1500"
 */
import { z } from "zod";
import type { Micros } from "../sim/core/time.ts";
import { BaseShaper, type ShaperActions, type ShaperDeclaration, type ShaperDefinition, declare } from "./shaper.ts";

const declaration: ShaperDeclaration = declare({ pads: true });

class PadToMtu extends BaseShaper {
  readonly declaration = declaration;
  override onQueued(_now: Micros, size: number, out: ShaperActions): void {
    if (size < out.mtu) out.padPacket(out.mtu);
  }
}

export const definition: ShaperDefinition<Record<string, never>> = {
  name: "pad-to-mtu",
  summary: "pads every packet to the link MTU",
  citation: "Dyer et al., Peek-a-Boo, I Still See You, IEEE S&P 2012 (Pad-to-MTU)",
  schema: z.object({}).strict(),
  declaration,
  create: () => new PadToMtu(),
};
