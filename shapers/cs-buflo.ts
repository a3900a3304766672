/**
 * CS-BuFLO, Congestion-Sensitive BuFLO — Cai, Nithyanand, Johnson, "CS-BuFLO: A
 * Congestion Sensitive Website Fingerprinting Defense", WPES 2014 (arXiv 1401.6022);
 * re-implementation by G. Cherubin, gchers/wfes `code/defenses/CS-BuFLO/cs_buflo.py`
 * (defenses.md §3.2).
 *
 * Rule: fixed-size cells. The next send is the last send plus a timeout drawn uniformly
 * from [0, 2ρ]; at each send the head of the queue goes out as a cell, or a padding
 * cell when nothing is queued. ρ adapts: whenever the running total of cells (real +
 * padding) reaches a power of two, ρ becomes the largest power of two not above the
 * median inter-arrival time of the application's packets since the last estimate,
 * clamped to [2⁻⁴ s, 2³ s] (initially 0.2 s). Transmission stops once (a) the queue is
 * empty, (b) the application has been quiet for the quiet time (2 s), and (c) the
 * padding target is met: the total is a multiple of 2^⌈log₂ real⌉ ("payload padding"),
 * or the total has just reached a power of two (the re-implementation accepts both).
 * Counts are in cells, as in the re-implementation (unit-size cells).
 *
 * Messaging adaptation: a trace starts when a real packet is queued while idle (first
 * cell at once); ρ and the counters restart with each trace. TCP congestion sensitivity
 * is the transport's business here; the shaper follows the rule above.
 * Inter-arrival samples are kept in a fixed ring of the last 64 (bounded memory); the
 * median is taken only at power-of-two crossings, O(log n) times per trace.
 *
 * Defaults: ρ₀ = 0.2 s, quiet time 2 s, ρ ∈ [1/16, 8] s [R]; cell size 1500 B (ours: an
 * MTU-size cell, as BuFLO's largest d).
 *
 * @example
 * // A single 100-byte packet at 0: one real cell at 0; with one real cell any total
 * // meets the payload target, so padding cells follow at U[0, 2ρ] gaps until the first
 * // tick at least 2 s after the packet, whose cell is the last.
 */
import { z } from "zod";
import type { RandomSource } from "./random.ts";
import { seconds, type Micros } from "../sim/core/time.ts";
import { bytes, duration, sizeWithin } from "./params.ts";
import { BaseShaper, type ShaperActions, type ShaperContext, type ShaperDeclaration, type ShaperDefinition, declare } from "./shaper.ts";

const NAME = "cs-buflo";
const TIMER = 0;
const SAMPLES = 64;

const schema = z
  .object({
    cellBytes: bytes().default(1500).describe("size of every cell, bytes (≤ the link MTU)"),
    initialRhoSeconds: duration({ max: 60 }).default(0.2).describe("ρ₀: initial mean half-interval between cells, seconds"),
    minRhoSeconds: duration({ max: 60 }).default(2 ** -4).describe("lower bound of the adapted ρ, seconds"),
    maxRhoSeconds: duration({ max: 60 }).default(2 ** 3).describe("upper bound of the adapted ρ, seconds"),
    quietSeconds: duration({ zero: true }).default(2).describe("the application counts as idle after this long without a real packet, seconds"),
  })
  .strict()
  .refine((p) => p.minRhoSeconds <= p.maxRhoSeconds, {
    path: ["maxRhoSeconds"],
    error: (issue) => {
      const p = issue.input as { minRhoSeconds: number; maxRhoSeconds: number };
      return `expected a number >= minRhoSeconds (${p.minRhoSeconds}), got ${p.maxRhoSeconds}`;
    },
  });

export type CsBufloParams = z.infer<typeof schema>;

const declaration: ShaperDeclaration = declare({ delays: true, pads: true, injects: true, splits: true });

const isPowerOfTwo = (x: number): boolean => x >= 2 && (x & (x - 1)) === 0;

/**
 * 2^⌈log₂ x⌉ for x ≥ 1 (x < 2^31). An integer shift up to 2^30, so that the test
 * `total % ceilPow2(real)` below stays integer arithmetic (a float `**` result makes
 * V8 compute `%` with a call to fmod, the hottest line of this shaper).
 */
const ceilPow2 = (x: number): number => (x <= 1 ? 1 : x <= 0x4000_0000 ? 1 << (32 - Math.clz32(x - 1)) : 2 ** (32 - Math.clz32(x - 1)));

/** CS-BuFLO's stop test on cell counts: payload padding done, or the total just reached a power of two. */
export function csBufloPaddingDone(realCells: number, totalCells: number): boolean {
  if (realCells === 0) return false;
  return totalCells % ceilPow2(realCells) === 0 || isPowerOfTwo(totalCells);
}

/** ρ from a median inter-arrival time (µs): the largest power of two (in seconds) not above it, clamped. */
export function csBufloRho(medianGap: Micros, min: Micros, max: Micros): Micros {
  const s = medianGap / 1e6;
  const rho = s > 0 ? 2 ** Math.floor(Math.log2(s)) * 1e6 : 0;
  return rho < min ? min : rho > max ? max : Math.round(rho);
}

class CsBuflo extends BaseShaper {
  readonly declaration = declaration;
  private readonly rng: RandomSource;
  private readonly cell: number;
  private readonly rho0: Micros;
  private readonly minRho: Micros;
  private readonly maxRho: Micros;
  private readonly quiet: Micros;
  private readonly gaps = new Float64Array(SAMPLES);
  private readonly scratch = new Float64Array(SAMPLES);
  private gapCount = 0;
  private gapNext = 0;
  private active = false;
  private lastArrival: Micros = Number.NaN;
  private realCells = 0;
  private sent = false;
  private junkCells = 0;
  /** Current ρ, µs (exposed for tests). */
  rho: Micros;

  constructor(p: CsBufloParams, ctx: ShaperContext) {
    super();
    this.rng = ctx.rng;
    this.cell = sizeWithin(NAME, "cellBytes", p.cellBytes, ctx.mtu);
    this.rho0 = seconds(p.initialRhoSeconds);
    this.minRho = seconds(p.minRhoSeconds);
    this.maxRho = seconds(p.maxRhoSeconds);
    this.quiet = seconds(p.quietSeconds);
    this.rho = this.rho0;
  }

  override start(_now: Micros, out: ShaperActions): void {
    out.hold();
  }

  override onQueued(now: Micros, _size: number, out: ShaperActions): void {
    if (!this.active) {
      this.active = true;
      this.realCells = 0;
      this.junkCells = 0;
      this.rho = this.rho0;
      this.gapCount = 0;
      this.gapNext = 0;
      out.setTimer(TIMER, now);
    } else {
      this.gaps[this.gapNext] = now - this.lastArrival;
      this.gapNext = (this.gapNext + 1) % SAMPLES;
      if (this.gapCount < SAMPLES) this.gapCount++;
    }
    this.lastArrival = now;
  }

  override onSent(): void {
    this.sent = true;
  }

  override onTimer(now: Micros, _id: number, out: ShaperActions): void {
    if (out.queuedPackets > 0) {
      out.sendCell(this.cell);
      this.realCells++;
    } else {
      this.sent = false;
      out.sendCell(this.cell);
      if (!this.sent) {
        // The engine's padding budget refused the cell: end the trace rather than spin.
        this.active = false;
        return;
      }
      this.junkCells++;
    }
    const total = this.realCells + this.junkCells;
    if (out.queuedPackets === 0 && now - this.lastArrival >= this.quiet && csBufloPaddingDone(this.realCells, total)) {
      this.active = false;
      return;
    }
    if (isPowerOfTwo(total)) this.estimateRho();
    out.setTimer(TIMER, now + Math.round(this.rng.uniform(0, 2 * this.rho)));
  }

  private estimateRho(): void {
    const n = this.gapCount;
    if (n === 0) return;
    // insertion sort of at most 64 samples into the scratch array: no views, no allocation
    const s = this.scratch;
    const g = this.gaps;
    for (let i = 0; i < n; i++) {
      const x = g[i];
      let j = i - 1;
      while (j >= 0 && s[j] > x) {
        s[j + 1] = s[j];
        j--;
      }
      s[j + 1] = x;
    }
    const median = n % 2 === 1 ? s[(n - 1) >> 1] : (s[n / 2 - 1] + s[n / 2]) / 2;
    this.rho = csBufloRho(median, this.minRho, this.maxRho);
    this.gapCount = 0;
    this.gapNext = 0;
  }
}

export const definition: ShaperDefinition<CsBufloParams> = {
  name: NAME,
  summary: "CS-BuFLO: cells at U[0, 2ρ] gaps with ρ adapted to the app's rate; stop after quiet time once the padding target is met",
  citation: "Cai, Nithyanand, Johnson, CS-BuFLO: A Congestion Sensitive Website Fingerprinting Defense, WPES 2014",
  schema,
  declaration,
  create: (p, ctx) => new CsBuflo(p, ctx),
};
