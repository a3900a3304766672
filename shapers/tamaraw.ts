/**
 * Tamaraw — Cai, Nithyanand, Wang, Johnson, Goldberg, "A Systematic Approach to
 * Developing and Evaluating Website Fingerprinting Defenses", ACM CCS 2014
 * (defenses.md §3.3).
 *
 * Rule: fixed-size cells at a constant interval per direction, faster for incoming
 * (server → device) than outgoing. At each tick send one cell of queued real bytes or,
 * if none, a padding cell. Once the real data of a trace is exhausted, keep sending
 * padding cells at the same rate until the trace's cell count is a multiple of L.
 * Traces with the same padded count and duration are then identical on the wire.
 *
 * Defaults: Tao Wang's reference `tamaraw.py` (as ported with defaults 750 / 0.006 /
 * 0.02 / 100 [R]): 750-byte cells, ρ_out = 0.020 s on the device (outgoing), ρ_in =
 * 0.006 s on the server side (incoming to the device), L = 100; padding to the next
 * multiple of L is the deterministic variant.
 *
 * Messaging adaptation: a page load has an end; a conversation does not. A trace starts
 * when a real packet is queued while idle (first cell at once). Real data counts as
 * exhausted once the queue is empty and no real packet has been queued for
 * `idleGapSeconds` (cells keep flowing meanwhile); then padding continues until the count
 * is a multiple of L, and the trace ends. The default gap, 1 s, follows WFDefProxy's
 * soft-stop window (stop when ≤ 1 packet in 1 s, defenses.md §6) — an assumption.
 * With `idleGapSeconds` 0, a backlog of k cells becomes ⌈k/L⌉·L cells.
 *
 * @example
 * // L = 4, ρ = 10 ms, 750 B, gap 0: "0 s700" → "0 s750/700, 10ms s750p, 20ms s750p, 30ms s750p"
 */
import { z } from "zod";
import { seconds, type Micros } from "../sim/core/time.ts";
import { bytes, duration, integer, sizeWithin } from "./params.ts";
import { BaseShaper, type ShaperActions, type ShaperContext, type ShaperDeclaration, type ShaperDefinition, declare } from "./shaper.ts";

const NAME = "tamaraw";
const TIMER = 0;

const schema = z
  .object({
    cellBytes: bytes().default(750).describe("size of every cell, bytes (≤ the link MTU)"),
    intervalOutSeconds: duration().default(0.02).describe("ρ_out: interval between cells leaving the device, seconds"),
    intervalInSeconds: duration().default(0.006).describe("ρ_in: interval between cells leaving the server towards the device, seconds"),
    padMultiple: integer({ min: 1, max: 1_000_000 }, "cells").default(100).describe("L: each trace's cell count is padded to a multiple of L cells"),
    idleGapSeconds: duration({ zero: true }).default(1).describe("quiet time after which a trace's real data counts as exhausted, seconds"),
  })
  .strict();

export type TamarawParams = z.infer<typeof schema>;

const declaration: ShaperDeclaration = declare({ delays: true, pads: true, injects: true, splits: true });

/** The padded cell count of a trace of `cells` cells: the next multiple of L. */
export function tamarawPaddedCount(cells: number, multiple: number): number {
  return Math.ceil(cells / multiple) * multiple;
}

class Tamaraw extends BaseShaper {
  readonly declaration = declaration;
  private readonly cell: number;
  private readonly interval: Micros;
  private readonly multiple: number;
  private readonly idleGap: Micros;
  private active = false;
  private lastReal: Micros = 0;
  /** Cells sent in the current trace. */
  cells = 0;

  constructor(p: TamarawParams, ctx: ShaperContext) {
    super();
    this.cell = sizeWithin(NAME, "cellBytes", p.cellBytes, ctx.mtu);
    this.interval = seconds(ctx.side === "device" ? p.intervalOutSeconds : p.intervalInSeconds);
    this.multiple = p.padMultiple;
    this.idleGap = seconds(p.idleGapSeconds);
  }

  override start(_now: Micros, out: ShaperActions): void {
    out.hold();
  }

  override onQueued(now: Micros, _size: number, out: ShaperActions): void {
    this.lastReal = now;
    if (!this.active) {
      this.active = true;
      this.cells = 0;
      out.setTimer(TIMER, now);
    }
  }

  override onSent(): void {
    if (this.active) this.cells++;
  }

  override onTimer(now: Micros, _id: number, out: ShaperActions): void {
    if (out.queuedBytes === 0 && now - this.lastReal >= this.idleGap && this.cells % this.multiple === 0) {
      this.active = false;
      return;
    }
    const before = this.cells;
    out.sendCell(this.cell);
    if (this.cells === before && out.queuedBytes === 0) {
      // The engine's padding budget refused the cell: end the trace rather than spin.
      this.active = false;
      return;
    }
    out.setTimer(TIMER, now + this.interval);
  }
}

export const definition: ShaperDefinition<TamarawParams> = {
  name: NAME,
  summary: "Tamaraw: fixed cells at constant rates (ρ_out device, ρ_in server); pad each trace's count to a multiple of L",
  citation: "Cai, Nithyanand, Wang, Johnson, Goldberg, A Systematic Approach to Developing and Evaluating WF Defenses, ACM CCS 2014",
  schema,
  declaration,
  create: (p, ctx) => new Tamaraw(p, ctx),
};
