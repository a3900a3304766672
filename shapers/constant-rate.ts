/**
 * BuFLO, the Buffered Fixed-Length Obfuscator — Dyer, Coull, Ristenpart, Shrimpton,
 * "Peek-a-Boo, I Still See You: Why Efficient Traffic Analysis Countermeasures Fail",
 * IEEE S&P 2012 (`countermeasures/Folklore.py` in kpdyer/website-fingerprinting).
 *
 * Rule: every ρ send exactly one packet of d bytes, filled with queued real bytes (a
 * packet may be split across cells) or, when nothing is queued, all padding. Keep going
 * until at least τ has elapsed since the start *and* no real data remains queued.
 * Real packets never leave on their own: the gate is closed from the start.
 *
 * Messaging adaptation: BuFLO was defined for one page load starting at time 0. Here a
 * session starts when a real packet is queued while the shaper is idle (first cell at
 * that instant, then every ρ), and ends at the first tick at which τ has elapsed since
 * the session start and the queue is empty; the next real packet starts a new session.
 * With `alwaysOn` the cells never stop, from the egress start onward.
 *
 * Defaults (defenses.md §3.1 [R], Dyer's grid d ∈ {1000, 1250, 1500} B, ρ ∈ {20, 40} ms,
 * τ ∈ {0, 5, 10} s): d = 1500 B, ρ = 20 ms, τ = 10 s (the largest, most protective
 * point of the grid for d and τ; the choice within the grid is ours).
 *
 * @example
 * // d = 1000, ρ = 20 ms, τ = 0:
 * // "0 s1200, 5ms s300" → "0 s1000, 20ms s1000/500"
 */
import { z } from "zod";
import { seconds, type Micros } from "../sim/core/time.ts";
import type { Kind } from "../sim/core/kinds.ts";
import { bytes, duration, flag, sizeWithin } from "./params.ts";
import { BaseShaper, type ShaperActions, type ShaperContext, type ShaperDeclaration, type ShaperDefinition, declare } from "./shaper.ts";

const NAME = "constant-rate";
const TICK = 0;

const schema = z
  .object({
    cellBytes: bytes().default(1500).describe("d: the size of every packet on the wire, bytes (≤ the link MTU)"),
    intervalSeconds: duration().default(0.02).describe("ρ: the interval between packets, seconds"),
    minDurationSeconds: duration({ zero: true }).default(10).describe("τ: the minimum session length, seconds"),
    alwaysOn: flag().default(false).describe("send cells forever from the egress start, instead of per session"),
  })
  .strict();

export type ConstantRateParams = z.infer<typeof schema>;

const declaration: ShaperDeclaration = declare({ delays: true, pads: true, injects: true, splits: true });

class ConstantRate extends BaseShaper {
  readonly declaration = declaration;
  private readonly cell: number;
  private readonly interval: Micros;
  private readonly minDuration: Micros;
  private readonly alwaysOn: boolean;
  private active = false;
  private sessionStart: Micros = 0;
  private sentInTick = false;

  constructor(p: ConstantRateParams, ctx: ShaperContext) {
    super();
    this.cell = sizeWithin(NAME, "cellBytes", p.cellBytes, ctx.mtu);
    this.interval = seconds(p.intervalSeconds);
    this.minDuration = seconds(p.minDurationSeconds);
    this.alwaysOn = p.alwaysOn;
  }

  override start(now: Micros, out: ShaperActions): void {
    out.hold();
    if (this.alwaysOn) this.begin(now, out);
  }

  override onQueued(now: Micros, _size: number, out: ShaperActions): void {
    if (!this.active) this.begin(now, out);
  }

  override onSent(_now: Micros, _size: number, _kind: Kind): void {
    this.sentInTick = true;
  }

  override onTimer(now: Micros, _id: number, out: ShaperActions): void {
    if (!this.alwaysOn && out.queuedBytes === 0 && now - this.sessionStart >= this.minDuration) {
      this.active = false;
      return;
    }
    this.sentInTick = false;
    out.sendCell(this.cell);
    if (!this.sentInTick && out.queuedBytes === 0 && !this.alwaysOn) {
      // The engine's padding budget refused the cell: end the session rather than spin.
      this.active = false;
      return;
    }
    out.setTimer(TICK, now + this.interval);
  }

  private begin(now: Micros, out: ShaperActions): void {
    this.active = true;
    this.sessionStart = now;
    out.setTimer(TICK, now);
  }
}

export const definition: ShaperDefinition<ConstantRateParams> = {
  name: NAME,
  summary: "BuFLO: one d-byte cell every ρ (real bytes or padding) until τ has passed and the queue is empty",
  citation: "Dyer, Coull, Ristenpart, Shrimpton, Peek-a-Boo, I Still See You, IEEE S&P 2012 (BuFLO)",
  schema,
  declaration,
  create: (p, ctx) => new ConstantRate(p, ctx),
};
