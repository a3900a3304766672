/**
 * Phone radio energy: an RRC-style state machine per device, fed with that device's
 * packets in time order.
 *
 * Sources. LTE: Huang, Qian, Gerber, Mao, Sen, Spatscheck, "A Close Examination of
 * Performance and Power Characteristics of 4G LTE Networks", MobiSys 2012 (RRC/DRX
 * state machine, promotion, tail, and the data power model P = α_u·t_u + α_d·t_d + β,
 * t in Mbit/s). 5G: Narayanan et al., "A Variegated Look at 5G in the Wild:
 * Performance, Power, and QoE Implications", SIGCOMM 2021 (NSA mmWave RRC timers,
 * RRC power, power vs throughput). Every preset value below carries its provenance:
 * [P] read in the paper's text, [S] secondary (a named tool, data set or note, or
 * derived by us from the authors' released data, as stated), [M] from memory,
 * unverified.
 *
 * Rule. Each device runs IDLE → PROMOTION → CONNECTED → IDLE:
 * - IDLE: average idle power (paging wake-ups folded in as a duty cycle).
 * - A packet seen in IDLE is a radio wake-up: PROMOTION lasts `promotionMs` at
 *   `promotionPowerMw`; packets seen during it wait for it (they are charged, but the
 *   radio's inactivity clock starts at the end of the promotion).
 * - CONNECTED, after each packet (or the end of the promotion): continuous reception
 *   ("active") for `drxInactivityMs` at β, then the DRX tail at the tail power (DRX
 *   on-durations folded in as a duty cycle) until the next packet; if no packet comes
 *   within `tailMs` of the last one, the radio falls back to IDLE. So the tail timer
 *   counts from the last packet and includes the active period.
 * - Data: because P is affine in throughput, integrating P over any period over which
 *   throughput is averaged gives β·T + α_u·(Mbit up) + α_d·(Mbit down). We therefore
 *   charge β for the active time and α per bit when the packet is seen. This equals
 *   computing throughput from the bytes accumulated in the current active period (or
 *   in any fixed window that lies inside it); it needs no window state, is exact for
 *   the linear model, and never loses bytes at window edges. The model has no link
 *   capacity: bytes never stretch the active period.
 *
 * Energies are radio energy above the phone's non-radio baseline (Huang's P_idle = 0
 * is measured that way). Time is integer µs; energy is accumulated as mW·µs = nJ and
 * reported in joules. Per packet the work is O(1) with no allocation: state lives in
 * typed arrays, one slot per device (`RadioFleet`); `Radio` is a one-device view.
 *
 * Not monotone in traffic in general: a packet that keeps the radio connected can spare
 * a later packet its promotion (real radios do this too). Within one connected session,
 * adding packets or bytes never lowers energy as long as β ≥ tail power ≥ idle power,
 * which holds for both presets.
 *
 * Approximations: LTE's short-DRX phase (20 ms cycles right after the inactivity
 * timer) is folded into the long-DRX cycle; duty cycles are averaged (exact over whole
 * cycles); a packet is an instant (no transmission time).
 *
 * @example
 * const radio = new Radio(RADIO_PRESETS.lte);
 * radio.packet(0, 1200, UP);
 * radio.finish(60 * SECOND);
 * radio.report().wakeups;  // => 1
 * radio.report().energyJ;  // => ≈ 13.76 (promotion 0.31, active 0.13, tail 12.34, idle 0.97, data 0.004 J)
 */
import { z } from "zod";
import { parseWith, showValue } from "../core/validation.ts";
import { HOUR, ms, type Micros } from "../core/time.ts";
import { type Trace } from "../core/trace.ts";
import { DOWN, UP, type Direction } from "../core/kinds.ts";

// ---------------------------------------------------------------------------------
// Parameters

const MAX_POWER_MW = 20_000; // 20 W: far above any phone radio; catches W-for-mW slips
const MAX_ALPHA = 10_000; // mW per Mbit/s; Huang's 3G uplink α_u ≈ 869 [M] is the largest we know
const MAX_MS = 3_600_000; // one hour

/** A finite number in [min, max], with a message naming the unit and the range. */
function bounded(min: number, max: number, unit: string, minExclusive = false) {
  const range = `${minExclusive ? "(" : "["}${min}, ${max}] ${unit}`;
  const error = (iss: { input?: unknown }) => `got ${showValue(iss.input)}; expected a finite number in ${range}`;
  const base = z.number({ error });
  return (minExclusive ? base.gt(min, { error }) : base.min(min, { error })).max(max, { error });
}

const powerMw = () => bounded(0, MAX_POWER_MW, "mW");
const durationMs = () => bounded(0, MAX_MS, "ms");

/** A periodic wake-up inside a state: `onMs` at `onPowerMw` every `cycleMs`. */
const dutyCycleSchema = z
  .object({
    onPowerMw: powerMw().describe("power while awake, mW"),
    onMs: durationMs().describe("awake time per cycle, ms"),
    cycleMs: bounded(0, MAX_MS, "ms", true).describe("cycle length, ms"),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.onMs > d.cycleMs) {
      ctx.addIssue({
        code: "custom",
        path: ["onMs"],
        input: d.onMs,
        message: `got ${d.onMs}; expected at most cycleMs (${d.cycleMs}) ms`,
      });
    }
  });

export type DutyCycle = z.infer<typeof dutyCycleSchema>;

/** Radio parameters as written in an experiment file (ms, mW, mW per Mbit/s). */
export const radioParamsSchema = z
  .object({
    name: z.string().min(1).describe("preset or device name, for reports"),
    promotionMs: durationMs().describe("IDLE → CONNECTED promotion delay, ms"),
    promotionPowerMw: powerMw().describe("power during promotion, mW"),
    alphaUpMwPerMbps: bounded(0, MAX_ALPHA, "mW/(Mbit/s)").describe("α_u: uplink power per Mbit/s"),
    alphaDownMwPerMbps: bounded(0, MAX_ALPHA, "mW/(Mbit/s)").describe("α_d: downlink power per Mbit/s"),
    betaMw: powerMw().describe("β: connected power at zero throughput, mW"),
    drxInactivityMs: durationMs().describe("continuous reception after each packet before DRX, ms"),
    tailMs: durationMs().describe("RRC inactivity timer: last packet → IDLE, ms"),
    tailPowerMw: powerMw().describe("DRX tail power between on-durations, mW"),
    tailDrx: dutyCycleSchema.nullable().describe("DRX on-durations in the tail, or null if tailPowerMw is already an average"),
    idlePowerMw: powerMw().describe("IDLE power between paging occasions, mW"),
    idlePaging: dutyCycleSchema.nullable().describe("paging wake-ups in IDLE, or null if idlePowerMw is already an average"),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.drxInactivityMs > p.tailMs) {
      ctx.addIssue({
        code: "custom",
        path: ["drxInactivityMs"],
        input: p.drxInactivityMs,
        message: `got ${p.drxInactivityMs}; expected at most tailMs (${p.tailMs}) ms`,
      });
    }
  });

export type RadioParams = z.infer<typeof radioParamsSchema>;

/**
 * Validates radio parameters. Errors name the component, the parameter, the value and
 * the allowed range, one line per problem.
 */
export function parseRadioParams(raw: unknown): RadioParams {
  return parseWith(radioParamsSchema, raw, "radio parameter ");
}

// ---------------------------------------------------------------------------------
// Presets

/**
 * LTE (AT&T LTE, HTC ThunderBolt, 2011–12): Huang et al., MobiSys 2012, Tables 3 and 4.
 * The paper's text was not reachable here; values are from memory [M] and each is
 * checked against AT&T's ARO analyzer, whose LTE profile was built from that study
 * (github.com/attdevsupport/ARO, ARODataAnalyzer/src/lte.conf and
 * com/att/aro/model/ProfileLTE.java) [S]. Where ARO differs, both are given.
 */
export const LTE: RadioParams = {
  name: "lte",
  promotionMs: 260.1, // [M] T_pro 260.1 ms; ARO T_PROMOTION 0.26 s [S]
  promotionPowerMw: 1210.7, // [M] P_pro 1210.7 mW; ARO P_PROMOTION 1.21 W [S]
  alphaUpMwPerMbps: 438.39, // [S] ARO LTE_ALPHA_UP 438.39 mW/Mbps; = Table 4 α_u [M]
  alphaDownMwPerMbps: 51.97, // [S] ARO LTE_ALPHA_DOWN 51.97 mW/Mbps; = Table 4 α_d [M]
  betaMw: 1288.04, // [M] Table 4 β 1288.04 mW; ARO LTE_BETA uses 1.2 W [S]
  drxInactivityMs: 100, // [M] DRX inactivity timer T_i 100 ms; ARO INACTIVITY_TIMER 0.1 s [S]
  tailMs: 11_576, // [M] T_tail 11576 ms (≈ 11.6 s); ARO splits its tail as 0.1 + 0.02 + 10 s = 10.12 s [S]
  tailPowerMw: 1060.0, // [M] tail base power 1060.0 mW; ARO P_TAIL 1.06 W [S]
  tailDrx: {
    onPowerMw: 1680.2, // [M] DRX on power 1680.2 mW; ARO P_LONG_DRX_PING 1.68 W [S]
    onMs: 1.0, // [M] T_on 1.0 ms; ARO T_DRX_PING uses 2 ms [S]
    cycleMs: 40, // [S] ARO T_LONG_DRX_PING_PERIOD 0.04 s; paper long DRX cycle ≈ 40 ms [M]
  },
  idlePowerMw: 0, // [S] ARO P_IDLE 0 W (baseline-subtracted, as in the paper)
  idlePaging: {
    onPowerMw: 594.3, // [M] 594.3 mW; ARO P_IDLE_PING 0.594 W [S]
    onMs: 43.2, // [M] 43.2 ms; ARO T_IDLE_PING 0.043 s [S]
    cycleMs: 1280.2, // [M] idle DRX cycle 1280.2 ms; ARO T_IDLE_PING_PERIOD 1.28 s [S]
  },
};

/**
 * 5G NSA mmWave (Verizon, Samsung Galaxy S20 Ultra 5G, Minneapolis, 2020–21):
 * Narayanan et al., SIGCOMM 2021. Non-standalone: the LTE anchor carries RRC, so IDLE
 * and promotion run on LTE and the NR leg is added after it. The paper's text was not
 * reachable here. [S] values come from (a) secondary notes quoting the paper's Table 2
 * and Fig. 11, or (b) our own fits to the authors' released artifact
 * (github.com/SIGCOMM21-5G/artifact, commit 35aaf28); fits are rough and say so.
 */
export const NR5G: RadioParams = {
  name: "nr5g-nsa-mmwave",
  // [S] derived by us from the artifact's RRC-Probe data
  // (RRC-Probe/data/SALMONBERRY_299_Verizon_NSAmmwave.csv): minimum RTT after ≥ 12 s
  // idle 296 ms − 10th-percentile RTT while connected 68 ms ≈ 230 ms.
  promotionMs: 230,
  // [S] secondary note: Table 2 "4G→5G switch power" 1494 mW for NSA mmWave; used here
  // as the promotion power (assumption).
  promotionPowerMw: 1494,
  // [S] secondary note quoting the paper: 9.42 mW/Mbps uplink on mmWave (S20U); our
  // least-squares refit of the Fig. 11 data (Data-Transfer-Power/MN-Transfer) gives 9.15.
  alphaUpMwPerMbps: 9.42,
  // [S] our least-squares fit of the Fig. 11 downlink data (Verizon mmWave, per-target
  // means, 1–2400 Mbit/s): slope 1.76 mW/Mbps.
  alphaDownMwPerMbps: 1.76,
  // [S] rough, derived by us: Fig. 11 downlink intercept 5221 mW (whole phone, screen
  // at maximum) − median idle baseline of the same phone model 2350 mW
  // (Power-Model/MN-Wild/data-processed/baseline_power.csv, other sessions) ≈ 2870 mW.
  betaMw: 2870,
  drxInactivityMs: 100, // [M] assumption: same as LTE (3GPP-typical value), not measured
  // [S] secondary note: RRC inactivity timer 10 s (§4.2); the artifact's RRC-Probe data
  // agree (replies after ≥ 10.2 s idle come back over LTE after a promotion).
  tailMs: 10_000,
  // [S] secondary note: Table 2 tail power 1092 mW for NSA mmWave, an average over the
  // DRX tail (so no separate DRX duty cycle here).
  tailPowerMw: 1092,
  tailDrx: null,
  // [M] assumption: NSA idles on the LTE anchor, so LTE's idle and paging apply.
  idlePowerMw: 0,
  idlePaging: { onPowerMw: 594.3, onMs: 43.2, cycleMs: 1280.2 },
};

export const RADIO_PRESETS = { lte: LTE, nr5g: NR5G } as const;
export type RadioPresetName = keyof typeof RADIO_PRESETS;

/** The parameters of a named preset (`"lte"` or `"nr5g"`). */
export function radioPreset(name: RadioPresetName): RadioParams {
  const p = RADIO_PRESETS[name];
  if (p === undefined) throw new RangeError(`radio preset "${name}": expected one of ${Object.keys(RADIO_PRESETS).join(", ")}`);
  return p;
}

// ---------------------------------------------------------------------------------
// Resolved model: integer µs and average powers

/** Parameters resolved for the hot path: times in µs, duty cycles averaged (mW). */
export interface RadioModel {
  readonly name: string;
  readonly promotion: Micros;
  readonly promotionPower: number;
  readonly alphaUp: number;
  readonly alphaDown: number;
  readonly beta: number;
  readonly drxInactivity: Micros;
  readonly tail: Micros;
  /** Average tail power including DRX on-durations, mW. */
  readonly tailPower: number;
  /** Average idle power including paging, mW. */
  readonly idlePower: number;
}

function averagePower(base: number, duty: DutyCycle | null): number {
  return duty === null ? base : base + ((duty.onPowerMw - base) * duty.onMs) / duty.cycleMs;
}

/** Validates `raw` and resolves it to the hot-path model. */
export function radioModel(raw: unknown): RadioModel {
  const p = parseRadioParams(raw);
  return {
    name: p.name,
    promotion: ms(p.promotionMs),
    promotionPower: p.promotionPowerMw,
    alphaUp: p.alphaUpMwPerMbps,
    alphaDown: p.alphaDownMwPerMbps,
    beta: p.betaMw,
    drxInactivity: ms(p.drxInactivityMs),
    tail: ms(p.tailMs),
    tailPower: averagePower(p.tailPowerMw, p.tailDrx),
    idlePower: averagePower(p.idlePowerMw, p.idlePaging),
  };
}

// ---------------------------------------------------------------------------------
// Reports

export interface RadioStateTimes {
  readonly idle: Micros;
  readonly promotion: Micros;
  /** Continuous reception after packets (charged at β). */
  readonly active: Micros;
  /** DRX tail (charged at the tail power). */
  readonly tail: Micros;
}

export interface RadioReport {
  /** Total radio energy, joules. */
  readonly energyJ: number;
  /** Energy by state, joules; `data` is the α·bits term. They sum to `energyJ`. */
  readonly energyByStateJ: { readonly idle: number; readonly promotion: number; readonly active: number; readonly tail: number; readonly data: number };
  /** Time in each state, µs. They sum to `duration`. */
  readonly time: RadioStateTimes;
  /** IDLE → PROMOTION transitions. */
  readonly wakeups: number;
  readonly bytesUp: number;
  readonly bytesDown: number;
  /** finish − start, µs. */
  readonly duration: Micros;
}

/** Energy per hour of observed time, J/h. */
export function joulesPerHour(r: RadioReport): number {
  return r.duration > 0 ? (r.energyJ * HOUR) / r.duration : 0;
}

/** Radio wake-ups per hour of observed time. */
export function wakeupsPerHour(r: RadioReport): number {
  return r.duration > 0 ? (r.wakeups * HOUR) / r.duration : 0;
}

/** Average radio power over the observed time, mW. */
export function averagePowerMw(r: RadioReport): number {
  return r.duration > 0 ? (r.energyJ * 1e9) / r.duration : 0;
}

// ---------------------------------------------------------------------------------
// The state machine, struct-of-arrays

const NJ_TO_J = 1e-9;

/**
 * Radio state for many devices, one typed-array slot each. Feed each device's packets
 * in time order (devices may interleave freely), then `finish(end)` once.
 */
export class RadioFleet {
  readonly size: number;
  readonly model: RadioModel;
  readonly start: Micros;
  private end = Number.NaN;

  /** Time up to which each device's states are booked. */
  private readonly booked: Float64Array;
  /** 1 while the device is promoting or connected. */
  private readonly connected: Uint8Array;
  private readonly promoEnd: Float64Array;
  /** Last activity: the last packet, or the end of the promotion if later. */
  private readonly lastActive: Float64Array;

  /** IDLE → PROMOTION transitions per device. */
  readonly wakeupCount: Float64Array;
  readonly idleTime: Float64Array;
  readonly promotionTime: Float64Array;
  readonly activeTime: Float64Array;
  readonly tailTime: Float64Array;
  /** α·bits, nJ. */
  readonly dataEnergy: Float64Array;
  readonly bytesUp: Float64Array;
  readonly bytesDown: Float64Array;

  private readonly nJPerByte = new Float64Array(2);

  constructor(devices: number, params: RadioParams, start: Micros = 0) {
    if (!Number.isSafeInteger(devices) || devices < 1) {
      throw new RangeError(`RadioFleet: devices = ${devices}; expected an integer ≥ 1`);
    }
    if (!Number.isSafeInteger(start)) throw new RangeError(`RadioFleet: start = ${start}; expected integer µs`);
    this.size = devices;
    this.model = radioModel(params);
    this.start = start;
    this.booked = new Float64Array(devices).fill(start);
    this.connected = new Uint8Array(devices);
    this.promoEnd = new Float64Array(devices);
    this.lastActive = new Float64Array(devices);
    this.wakeupCount = new Float64Array(devices);
    this.idleTime = new Float64Array(devices);
    this.promotionTime = new Float64Array(devices);
    this.activeTime = new Float64Array(devices);
    this.tailTime = new Float64Array(devices);
    this.dataEnergy = new Float64Array(devices);
    this.bytesUp = new Float64Array(devices);
    this.bytesDown = new Float64Array(devices);
    // α mW/(Mbit/s) × bits = α·bits·1e-6 mJ = α·bits nJ
    this.nJPerByte[UP] = this.model.alphaUp * 8;
    this.nJPerByte[DOWN] = this.model.alphaDown * 8;
  }

  /** A packet of `size` wire bytes seen by `device`'s radio at `time` (µs). */
  packet(device: number, time: Micros, size: number, dir: Direction): void {
    if (!(device >= 0 && device < this.size && (device | 0) === device)) {
      throw new RangeError(`RadioFleet.packet: device ${device} out of range [0, ${this.size})`);
    }
    if (this.finished) throw new Error(`RadioFleet.packet: the books closed at ${this.end} µs (finish was called)`);
    if (!(time >= this.booked[device])) {
      throw new RangeError(
        `RadioFleet.packet: time ${time} µs for device ${device} is before ${this.booked[device]} µs; packets must come in time order, before finish()`,
      );
    }
    if (dir !== UP && dir !== DOWN) throw new RangeError(`RadioFleet.packet: direction ${dir}; expected 0 (up) or 1 (down)`);
    if (!(size >= 0)) throw new RangeError(`RadioFleet.packet: size ${size}; expected ≥ 0 bytes`);

    this.book(device, time);
    if (this.connected[device] === 0) {
      this.connected[device] = 1;
      this.wakeupCount[device]++;
      const end = time + this.model.promotion;
      this.promoEnd[device] = end;
      this.lastActive[device] = end;
    } else if (time > this.lastActive[device]) {
      this.lastActive[device] = time;
    }
    this.dataEnergy[device] += this.nJPerByte[dir] * size;
    if (dir === UP) this.bytesUp[device] += size;
    else this.bytesDown[device] += size;
  }

  /** Closes the books of every device at `end` (µs). Call once, after the last packet. */
  finish(end: Micros): void {
    if (!Number.isNaN(this.end)) throw new Error(`RadioFleet.finish: already finished at ${this.end} µs`);
    if (!Number.isSafeInteger(end)) throw new RangeError(`RadioFleet.finish: end = ${end}; expected integer µs`);
    for (let d = 0; d < this.size; d++) {
      if (end < this.booked[d]) {
        throw new RangeError(`RadioFleet.finish: end ${end} µs is before device ${d}'s last packet at ${this.booked[d]} µs`);
      }
    }
    for (let d = 0; d < this.size; d++) this.book(d, end);
    this.end = end;
  }

  get finished(): boolean {
    return !Number.isNaN(this.end);
  }

  /** Total radio energy of one device, joules (no allocation). Only after `finish`. */
  energyJoules(device: number): number {
    this.checkReport(device, "energyJoules");
    const m = this.model;
    return (
      (m.idlePower * this.idleTime[device] +
        m.promotionPower * this.promotionTime[device] +
        m.beta * this.activeTime[device] +
        m.tailPower * this.tailTime[device] +
        this.dataEnergy[device]) *
      NJ_TO_J
    );
  }

  /** Radio wake-ups (IDLE → PROMOTION) of one device. Only after `finish`. */
  wakeups(device: number): number {
    this.checkReport(device, "wakeups");
    return this.wakeupCount[device];
  }

  /** The books of one device. Only after `finish`. */
  report(device: number): RadioReport {
    this.checkReport(device, "report");
    const m = this.model;
    const time: RadioStateTimes = {
      idle: this.idleTime[device],
      promotion: this.promotionTime[device],
      active: this.activeTime[device],
      tail: this.tailTime[device],
    };
    const e = {
      idle: m.idlePower * time.idle * NJ_TO_J,
      promotion: m.promotionPower * time.promotion * NJ_TO_J,
      active: m.beta * time.active * NJ_TO_J,
      tail: m.tailPower * time.tail * NJ_TO_J,
      data: this.dataEnergy[device] * NJ_TO_J,
    };
    return {
      energyJ: e.idle + e.promotion + e.active + e.tail + e.data,
      energyByStateJ: e,
      time,
      wakeups: this.wakeupCount[device],
      bytesUp: this.bytesUp[device],
      bytesDown: this.bytesDown[device],
      duration: this.end - this.start,
    };
  }

  private checkReport(device: number, what: string): void {
    if (!this.finished) throw new Error(`RadioFleet.${what}: call finish(end) first`);
    if (!(device >= 0 && device < this.size && (device | 0) === device)) {
      throw new RangeError(`RadioFleet.${what}: device ${device} out of range [0, ${this.size})`);
    }
  }

  /**
   * Books `device`'s state times from its booked time up to `to`, following the
   * schedule implied by the last wake-up and the last activity.
   */
  private book(d: number, to: Micros): void {
    let b = this.booked[d];
    if (to <= b) return;
    if (this.connected[d] === 1) {
      const pe = this.promoEnd[d];
      if (b < pe) {
        const s = to < pe ? to : pe;
        this.promotionTime[d] += s - b;
        b = s;
      }
      const la = this.lastActive[d];
      const activeEnd = la + this.model.drxInactivity;
      if (b < activeEnd && b < to) {
        const s = to < activeEnd ? to : activeEnd;
        this.activeTime[d] += s - b;
        b = s;
      }
      const tailEnd = la + this.model.tail;
      if (b < tailEnd && b < to) {
        const s = to < tailEnd ? to : tailEnd;
        this.tailTime[d] += s - b;
        b = s;
      }
      if (b >= tailEnd) this.connected[d] = 0;
    }
    if (b < to) this.idleTime[d] += to - b;
    this.booked[d] = to;
  }
}

/** One device's radio: a `RadioFleet` of one. */
export class Radio {
  private readonly fleet: RadioFleet;

  constructor(params: RadioParams, start: Micros = 0) {
    this.fleet = new RadioFleet(1, params, start);
  }

  get model(): RadioModel {
    return this.fleet.model;
  }

  packet(time: Micros, size: number, dir: Direction): void {
    this.fleet.packet(0, time, size, dir);
  }

  finish(end: Micros): void {
    this.fleet.finish(end);
  }

  report(): RadioReport {
    return this.fleet.report(0);
  }
}

/**
 * The radio report of one device's trace (every row is a packet its radio sees),
 * observed from `start` to `end` (default: the last packet's time).
 */
export function radioReportOfTrace(trace: Trace, params: RadioParams, end?: Micros, start: Micros = 0): RadioReport {
  const radio = new Radio(params, start);
  for (let i = 0; i < trace.length; i++) radio.packet(trace.time[i], trace.size[i], trace.dir[i] as Direction);
  radio.finish(end ?? (trace.length > 0 ? Math.max(start, trace.time[trace.length - 1]) : start));
  return radio.report();
}
