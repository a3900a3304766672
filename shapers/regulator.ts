/**
 * RegulaTor — Holland & Hopper, "RegulaTor: A Straightforward Website Fingerprinting
 * Defense", PoPETs 2022(2) (defenses.md §3.6; reference jkhollandjr/RegulaTor
 * `regulator_sim.py`, whose argument defaults are the "Heavy" setting).
 *
 * Rule, server (download) side: packets leave at a target rate that surges and decays,
 * r(t) = max(1, R·D^t) packets/s, t seconds since the surge began. At each tick (1/r
 * apart) send the head real packet; if none waits and the trace's padding budget (drawn
 * uniformly from the integers [0, N)) is not spent, send a padding packet; otherwise stay
 * silent. If more than T·r(t) real packets wait at a tick, restart the surge (t := 0).
 * Device (upload) side: uploads follow downloads at ratio U — each packet received from
 * the server opens an upload slot with probability 1/U (online thinning; the simulator
 * samples ⌊#downloads/U⌋ of the download times); a slot carries the head real packet, or
 * padding when none waits; a real packet that finds no slot within C seconds leaves at
 * its arrival + C. The device side therefore listens to received packets.
 *
 * Messaging adaptation: a trace starts when a real packet is queued while idle, and ends
 * at a tick where nothing waits and no real packet has been queued for `idleGapSeconds`
 * (the simulator ends with the page's last packet; the default 1 s follows WFDefProxy's
 * soft-stop window, defenses.md §6, an assumption). The simulator's warm-up phases
 * (10 download packets at 10/s, uploads at 5/s, to cover Tor circuit set-up) are left
 * out: a messaging session has no circuit to build.
 *
 * Defaults, RegulaTor-Heavy [Dg][R]: R = 277, D = 0.94, T = 3.55, N = 3550, U = 3.95,
 * C = 1.77 s. Derived: r(10 s) = 149.2 pkt/s; the 1 pkt/s floor is reached at
 * ln(1/277)/ln 0.94 ≈ 90.9 s. Padding packets default to the link MTU.
 *
 * @example
 * regulatorRate(277, 0.94, 10) // => 149.2…
 * regulatorRate(277, 0.94, 95) // => 1
 */
import { z } from "zod";
import type { RandomSource } from "./random.ts";
import { seconds, type Micros } from "../sim/core/time.ts";
import { PADDING, REAL, type Kind } from "../sim/core/kinds.ts";
import { bytes, duration, integer, number, rate, sizeWithin } from "./params.ts";
import { BaseShaper, type ShaperActions, type ShaperContext, type ShaperDeclaration, type ShaperDefinition, declare } from "./shaper.ts";
import { TimeRing } from "./time-ring.ts";

const NAME = "regulator";
const TICK = 0;
const DEADLINE = 1;

const schema = z
  .object({
    surgeRate: rate("packets per second").default(277).describe("R: initial surge rate, packets per second"),
    decay: number({ gt: 0, max: 1 }, "factor per second").default(0.94).describe("D: the rate is r(t) = R·D^t, so it shrinks by this factor per second"),
    threshold: number({ gt: 0, max: 1e6 }, "seconds").default(3.55).describe("T: restart the surge when more than T·r(t) real packets wait (r in packets per second, so T is in seconds)"),
    maxPadding: integer({ min: 1, max: 1e9 }, "packets").default(3550).describe("N: the padding budget per trace is uniform on the integers [0, N), packets"),
    uploadRatio: number({ min: 1, max: 1e6 }, "download packets per upload packet").default(3.95).describe("U: device side sends one upload packet per U received, download packets per upload packet"),
    delayCapSeconds: duration({ max: 3600 }).default(1.77).describe("C: longest an upload packet waits for a slot, seconds (device side)"),
    idleGapSeconds: duration({ zero: true }).default(1).describe("end a download trace after this long without a real packet, seconds (server side)"),
    paddingBytes: bytes().optional().describe("size of padding packets, bytes (default: the link MTU)"),
  })
  .strict();

export type RegulatorParams = z.infer<typeof schema>;

/** The surge's target rate t seconds after it began: max(1, R·D^t) packets per second. */
export function regulatorRate(surgeRate: number, decay: number, t: number): number {
  const r = surgeRate * Math.pow(decay, t);
  return r < 1 ? 1 : r;
}

const declaration: ShaperDeclaration = declare({ delays: true, injects: true, listensToReceive: true });

const SERVER_DECLARATION: ShaperDeclaration = { ...declaration, listensToReceive: false };

/** Download side: the decaying surge. */
class RegulatorServer extends BaseShaper {
  readonly declaration = SERVER_DECLARATION;
  private readonly rng: RandomSource;
  private readonly R: number;
  private readonly D: number;
  private readonly T: number;
  private readonly N: number;
  private readonly idleGap: Micros;
  private readonly size: number;
  private active = false;
  private surgeStart: Micros = 0;
  private lastReal: Micros = 0;
  private budget = 0;
  /** Padding packets sent in the current trace (exposed for tests). */
  padded = 0;

  constructor(p: RegulatorParams, ctx: ShaperContext) {
    super();
    this.rng = ctx.rng;
    this.R = p.surgeRate;
    this.D = p.decay;
    this.T = p.threshold;
    this.N = p.maxPadding;
    this.idleGap = seconds(p.idleGapSeconds);
    this.size = sizeWithin(NAME, "paddingBytes", p.paddingBytes, ctx.mtu);
  }

  override start(_now: Micros, out: ShaperActions): void {
    out.hold();
  }

  override onQueued(now: Micros, _size: number, out: ShaperActions): void {
    this.lastReal = now;
    if (this.active) return;
    this.active = true;
    this.surgeStart = now;
    this.budget = this.rng.int(0, this.N);
    this.padded = 0;
    out.setTimer(TICK, now);
  }

  override onTimer(now: Micros, _id: number, out: ShaperActions): void {
    let r = regulatorRate(this.R, this.D, (now - this.surgeStart) / 1e6);
    if (out.queuedPackets > this.T * r) {
      this.surgeStart = now;
      r = this.R;
    }
    if (out.queuedPackets > 0) {
      out.releaseOne();
    } else if (now - this.lastReal >= this.idleGap) {
      this.active = false;
      return;
    } else if (this.padded < this.budget) {
      this.padded++;
      out.sendPadding(this.size, PADDING);
    }
    out.setTimer(TICK, now + Math.max(1, Math.round(1e6 / r)));
  }
}

/** Upload side: slots follow received packets at ratio 1/U; real packets wait at most C. */
class RegulatorDevice extends BaseShaper {
  readonly declaration = declaration;
  private readonly rng: RandomSource;
  private readonly slotProbability: number;
  private readonly cap: Micros;
  private readonly size: number;
  private readonly deadlines = new TimeRing(64);

  constructor(p: RegulatorParams, ctx: ShaperContext) {
    super();
    this.rng = ctx.rng;
    this.slotProbability = 1 / p.uploadRatio;
    this.cap = seconds(p.delayCapSeconds);
    this.size = sizeWithin(NAME, "paddingBytes", p.paddingBytes, ctx.mtu);
  }

  override start(_now: Micros, out: ShaperActions): void {
    out.hold();
  }

  override onQueued(now: Micros, _size: number, out: ShaperActions): void {
    this.deadlines.push(now + this.cap);
    if (this.deadlines.length === 1) out.setTimer(DEADLINE, now + this.cap);
  }

  override onSent(_now: Micros, _size: number, kind: Kind): void {
    if (kind === REAL) this.deadlines.shift();
  }

  override onReceived(_now: Micros, _size: number, _kind: Kind, out: ShaperActions): void {
    if (!(this.rng.next() < this.slotProbability)) return;
    if (out.queuedPackets > 0) out.releaseOne();
    else out.sendPadding(this.size, PADDING);
  }

  override onTimer(now: Micros, _id: number, out: ShaperActions): void {
    const d = this.deadlines;
    while (d.length > 0 && d.head() <= now) if (!out.releaseOne()) d.clear();
    if (d.length > 0) out.setTimer(DEADLINE, d.head());
  }
}

export const definition: ShaperDefinition<RegulatorParams> = {
  name: NAME,
  summary: "RegulaTor: downloads at a decaying surge rate R·D^t with padding budget; uploads follow at ratio U, delay ≤ C",
  citation: "Holland & Hopper, RegulaTor: A Straightforward Website Fingerprinting Defense, PoPETs 2022(2)",
  schema,
  declaration,
  create: (p, ctx) => (ctx.side === "server" ? new RegulatorServer(p, ctx) : new RegulatorDevice(p, ctx)),
};
