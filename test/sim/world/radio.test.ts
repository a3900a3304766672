import fc from "fast-check";
import { InputError } from "../../../sim/core/validation.ts";
import { describe, expect, it } from "vitest";
import {
  LTE,
  NR5G,
  Radio,
  RADIO_PRESETS,
  RadioFleet,
  averagePowerMw,
  joulesPerHour,
  parseRadioParams,
  radioModel,
  radioPreset,
  radioReportOfTrace,
  wakeupsPerHour,
  type RadioParams,
  type RadioReport,
} from "../../../sim/world/radio.ts";
import { HOUR, MILLISECOND, SECOND } from "../../../sim/core/time.ts";
import { DOWN, UP, type Direction } from "../../../sim/core/kinds.ts";
import { parseTrace } from "../../../sim/core/trace-notation.ts";

/**
 * Round numbers so that hand computation is easy:
 * promotion 200 ms at 1000 mW; active 100 ms at β = 2000 mW; tail 1 s from the last
 * packet at 500 mW; idle 10 mW; α_u = 100, α_d = 10 mW per Mbit/s.
 * One 1000-byte uplink packet: 8000 bits × 100 = 800,000 nJ = 0.0008 J.
 */
const ROUND: RadioParams = {
  name: "round",
  promotionMs: 200,
  promotionPowerMw: 1000,
  alphaUpMwPerMbps: 100,
  alphaDownMwPerMbps: 10,
  betaMw: 2000,
  drxInactivityMs: 100,
  tailMs: 1000,
  tailPowerMw: 500,
  tailDrx: null,
  idlePowerMw: 10,
  idlePaging: null,
};

function run(params: RadioParams, packets: [number, number, Direction][], end: number): RadioReport {
  const r = new Radio(params);
  for (const [t, size, dir] of packets) r.packet(t, size, dir);
  r.finish(end);
  return r.report();
}

function timeSum(r: RadioReport): number {
  return r.time.idle + r.time.promotion + r.time.active + r.time.tail;
}

describe("radio parameters", () => {
  it("parses the LTE and 5G presets unchanged", () => {
    expect(parseRadioParams(LTE)).toEqual(LTE);
    expect(parseRadioParams(NR5G)).toEqual(NR5G);
    expect(radioPreset("lte")).toBe(RADIO_PRESETS.lte);
    expect(radioPreset("nr5g")).toBe(RADIO_PRESETS.nr5g);
    expect(() => radioPreset("wifi" as never)).toThrow(/expected one of lte, nr5g/);
  });

  it("resolves the LTE preset to integer µs and averaged duty cycles", () => {
    const m = radioModel(LTE);
    expect(m.promotion).toBe(260_100);
    expect(m.tail).toBe(11_576_000);
    expect(m.drxInactivity).toBe(100_000);
    // tail: 1060 mW, plus 1 ms in every 40 ms at 1680.2 mW
    expect(m.tailPower).toBeCloseTo(1060 + (620.2 * 1) / 40, 10);
    // idle: 0 mW, plus 43.2 ms in every 1280.2 ms at 594.3 mW
    expect(m.idlePower).toBeCloseTo((594.3 * 43.2) / 1280.2, 10);
  });

  it("rejects negative, NaN, infinite and out-of-range values, naming parameter, value and range", () => {
    const cases: [Record<string, unknown>, RegExp[]][] = [
      [{ promotionMs: -5 }, [/radio parameter promotionMs = -5/, /\[0, 3600000\] ms/]],
      [{ betaMw: Number.NaN }, [/radio parameter betaMw = NaN/, /\[0, 20000\] mW/]],
      [{ tailPowerMw: Number.POSITIVE_INFINITY }, [/radio parameter tailPowerMw = Infinity/, /\[0, 20000\] mW/]],
      [{ alphaUpMwPerMbps: -0.1 }, [/radio parameter alphaUpMwPerMbps = -0.1/, /\[0, 10000\] mW\/\(Mbit\/s\)/]],
      [{ promotionPowerMw: 1_210_700 }, [/promotionPowerMw = 1210700/, /\[0, 20000\] mW/]],
      [{ tailDrx: { onPowerMw: 1680, onMs: 1, cycleMs: 0 } }, [/radio parameter tailDrx\.cycleMs = 0/, /\(0, 3600000\] ms/]],
      [{ tailDrx: { onPowerMw: 1680, onMs: 50, cycleMs: 40 } }, [/radio parameter tailDrx\.onMs = 50/, /at most cycleMs \(40\)/]],
      [{ drxInactivityMs: 20_000 }, [/radio parameter drxInactivityMs = 20000/, /at most tailMs \(11576\)/]],
      [{ idleMw: 3 }, [/unknown key/, /idleMw/]],
      [{ tailMs: "11s" }, [/radio parameter tailMs = "11s"/, /finite number/]],
    ];
    for (const [patch, patterns] of cases) {
      const raw = { ...LTE, ...patch };
      let message = "";
      try {
        parseRadioParams(raw);
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        message = (e as Error).message;
      }
      for (const p of patterns) expect(message).toMatch(p);
    }
    expect(() => new RadioFleet(3, { ...NR5G, idlePowerMw: -1 })).toThrow(/radio parameter idlePowerMw = -1/);
  });
});

describe("radio energy, hand-computed", () => {
  it("one packet from idle costs promotion + active + tail (+ idle and data)", () => {
    const r = run(ROUND, [[0, 1000, UP]], 2 * SECOND);
    expect(r.wakeups).toBe(1);
    expect(r.time).toEqual({ promotion: 200_000, active: 100_000, tail: 900_000, idle: 800_000 });
    // 1000 mW·0.2 s + 2000·0.1 + 500·0.9 + 10·0.8 + 0.0008 J
    expect(r.energyJ).toBeCloseTo(0.2 + 0.2 + 0.45 + 0.008 + 0.0008, 12);
    expect(r.energyByStateJ.promotion).toBeCloseTo(0.2, 12);
    expect(r.energyByStateJ.data).toBeCloseTo(0.0008, 12);
  });

  it("one LTE packet from idle, observed until the radio is idle again", () => {
    const end = 260_100 + 11_576_000;
    const r = run(LTE, [[0, 1200, UP]], end);
    const tailAvg = 1060 + (1680.2 - 1060) / 40; // mW
    const expected = 1210.7e-3 * 0.2601 + 1288.04e-3 * 0.1 + tailAvg * 1e-3 * 11.476 + (438.39 * 9600) * 1e-9;
    expect(r.wakeups).toBe(1);
    expect(r.time.idle).toBe(0);
    expect(r.energyJ).toBeCloseTo(expected, 9);
  });

  it("two packets closer than the tail share one wake-up", () => {
    // second packet 0.9 s after the promotion ends: inside the 1 s tail
    const r = run(ROUND, [[0, 1000, UP], [1_100_000, 1000, DOWN]], 3 * SECOND);
    expect(r.wakeups).toBe(1);
    expect(r.time).toEqual({ promotion: 200_000, active: 200_000, tail: 1_700_000, idle: 900_000 });
    // J: promotion 1000 mW·0.2 s + active 2000·0.2 + tail 500·1.7 + idle 10·0.9, data 0.0008 + 0.00008
    expect(r.energyJ).toBeCloseTo(0.2 + 0.4 + 0.85 + 0.009 + 0.0008 + 0.00008, 12);
    // the tail counts from the end of the promotion: a gap of tail + promotion − 1 µs is still one wake-up
    expect(run(ROUND, [[0, 1, UP], [1_199_999, 1, UP]], 3 * SECOND).wakeups).toBe(1);
  });

  it("two packets farther apart than tail + promotion wake the radio twice", () => {
    const gap = 1_200_000; // promotion 0.2 s + tail 1 s: the radio is idle again exactly here
    const r = run(ROUND, [[0, 1000, UP], [gap, 1000, UP]], 4 * SECOND);
    expect(r.wakeups).toBe(2);
    expect(r.time).toEqual({ promotion: 400_000, active: 200_000, tail: 1_800_000, idle: 1_600_000 });
    expect(r.energyJ).toBeCloseTo(2 * (0.2 + 0.2 + 0.45) + 0.016 + 0.0016, 12);
    const later = run(ROUND, [[0, 1000, UP], [3 * SECOND, 1000, UP]], 5 * SECOND);
    expect(later.wakeups).toBe(2);
  });

  it("packets during the promotion are charged but do not extend the connection", () => {
    const r = run(ROUND, [[0, 1000, UP], [50_000, 1000, DOWN], [199_999, 1000, UP]], 2 * SECOND);
    expect(r.wakeups).toBe(1);
    expect(r.time).toEqual({ promotion: 200_000, active: 100_000, tail: 900_000, idle: 800_000 });
    expect(r.energyByStateJ.data).toBeCloseTo(0.0008 * 2 + 0.00008, 12);
  });

  it("constant 1 packet/s keeps the radio connected the whole hour with exactly one wake-up", () => {
    for (const params of [LTE, NR5G]) {
      const radio = new Radio(params);
      for (let t = 0; t < HOUR; t += SECOND) radio.packet(t, 200, t % (2 * SECOND) === 0 ? UP : DOWN);
      radio.finish(HOUR);
      const r = radio.report();
      const m = radio.model;
      expect(r.wakeups).toBe(1);
      expect(wakeupsPerHour(r)).toBe(1);
      expect(r.time.idle).toBe(0);
      expect(r.time.promotion).toBe(m.promotion);
      expect(r.time.active).toBe(3600 * m.drxInactivity);
      expect(timeSum(r)).toBe(HOUR);
      expect(joulesPerHour(r)).toBeCloseTo(r.energyJ, 9);
      expect(averagePowerMw(r)).toBeCloseTo(r.energyJ / 3.6, 9);
    }
  });

  it("is not monotone in general: a packet that keeps the radio up can save a later promotion", () => {
    // A at 0; B 10 ms after the radio would have gone idle. Adding C just before that
    // keeps the radio connected: B needs no promotion (0.2 J) and the extra tail costs less.
    const without = run(ROUND, [[0, 0, UP], [1_210_000, 0, UP]], 4 * SECOND);
    const withC = run(ROUND, [[0, 0, UP], [1_190_000, 0, UP], [1_210_000, 0, UP]], 4 * SECOND);
    expect(without.wakeups).toBe(2);
    expect(withC.wakeups).toBe(1);
    // without: promo 0.4 s, active 0.2 s, tail 1.8 s, idle 4 − 2.4 = 1.6 s
    expect(without.energyJ).toBeCloseTo(0.4 + 0.4 + 0.9 + 0.016, 12);
    // with C: promo 0.2, active 0.1 + 0.02 + 0.1, tail 0.89 + 0 + 0.9, idle 4 − 2.21 = 1.79
    expect(withC.energyJ).toBeCloseTo(0.2 + 0.44 + 0.895 + 0.0179, 12);
    expect(withC.energyJ).toBeLessThan(without.energyJ);
  });
});

describe("radio energy, properties", () => {
  const sessionTrace = (tail: number) =>
    fc.record({
      first: fc.integer({ min: 0, max: 10 * SECOND }),
      gaps: fc.array(fc.integer({ min: 0, max: tail - 1 }), { maxLength: 30 }),
      sizes: fc.array(fc.integer({ min: 0, max: 1500 }), { minLength: 31, maxLength: 31 }),
      dirs: fc.array(fc.constantFrom<Direction>(UP, DOWN), { minLength: 31, maxLength: 31 }),
      insertAt: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
      extra: fc.integer({ min: 0, max: 1500 }),
      extraDir: fc.constantFrom<Direction>(UP, DOWN),
    });

  for (const params of [LTE, NR5G]) {
    const m = radioModel(params);
    it(`${params.name}: adding a packet within a connected session never lowers energy`, () => {
      // Holds because β ≥ tail power ≥ idle power in both presets (checked here).
      expect(m.beta).toBeGreaterThanOrEqual(m.tailPower);
      expect(m.tailPower).toBeGreaterThanOrEqual(m.idlePower);
      fc.assert(
        fc.property(sessionTrace(m.tail), (s) => {
          const packets: [number, number, Direction][] = [];
          let t = s.first;
          packets.push([t, s.sizes[0], s.dirs[0]]);
          s.gaps.forEach((g, i) => {
            t += g;
            packets.push([t, s.sizes[i + 1], s.dirs[i + 1]]);
          });
          const last = t;
          const end = last + m.tail + m.promotion + 5 * SECOND;
          const at = s.first + 1 + Math.floor(s.insertAt * (last + m.tail - s.first - 1));
          const more = [...packets, [at, s.extra, s.extraDir] as [number, number, Direction]].sort((a, b) => a[0] - b[0]);
          const before = run(params, packets, end);
          const after = run(params, more, end);
          expect(before.wakeups).toBe(1);
          expect(after.wakeups).toBe(1);
          expect(after.energyJ).toBeGreaterThanOrEqual(before.energyJ - 1e-9);
        }),
        { numRuns: 200 },
      );
    });

    it(`${params.name}: more bytes never cost less energy`, () => {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.integer({ min: 0, max: 30 * SECOND }), fc.integer({ min: 0, max: 1500 }), fc.constantFrom<Direction>(UP, DOWN)), {
            minLength: 1,
            maxLength: 25,
          }),
          fc.nat({ max: 24 }),
          fc.integer({ min: 1, max: 100_000 }),
          (raw, which, grow) => {
            const packets = [...raw].sort((a, b) => a[0] - b[0]);
            const bigger = packets.map((p, i) => (i === which % packets.length ? ([p[0], p[1] + grow, p[2]] as typeof p) : p));
            const end = 60 * SECOND;
            const a = run(params, packets, end);
            const b = run(params, bigger, end);
            expect(b.energyJ).toBeGreaterThan(a.energyJ);
            expect(b.time).toEqual(a.time);
          },
        ),
        { numRuns: 100 },
      );
    });
  }

  it("time in states sums to the duration, and a fleet equals one radio per device", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.nat({ max: 4 }), fc.integer({ min: 0, max: 40 * SECOND }), fc.integer({ min: 0, max: 1500 }), fc.constantFrom<Direction>(UP, DOWN)),
          { maxLength: 60 },
        ),
        fc.integer({ min: 0, max: 5 * SECOND }),
        fc.integer({ min: 0, max: 60 * SECOND }),
        fc.constantFrom(LTE, NR5G, ROUND),
        (raw, start, tailAfter, params) => {
          const packets = raw.map(([d, t, size, dir]) => [d, start + t, size, dir] as const).sort((a, b) => a[1] - b[1]);
          const end = start + 40 * SECOND + tailAfter;
          const fleet = new RadioFleet(5, params, start);
          for (const [d, t, size, dir] of packets) fleet.packet(d, t, size, dir);
          fleet.finish(end);
          for (let d = 0; d < 5; d++) {
            const r = fleet.report(d);
            expect(r.duration).toBe(end - start);
            expect(timeSum(r)).toBe(end - start);
            const single = new Radio(params, start);
            for (const [dd, t, size, dir] of packets) if (dd === d) single.packet(t, size, dir);
            single.finish(end);
            expect(single.report()).toEqual(r);
            expect(fleet.energyJoules(d)).toBeCloseTo(r.energyJ, 12);
            expect(fleet.wakeups(d)).toBe(r.wakeups);
            const b = r.energyByStateJ;
            expect(b.idle + b.promotion + b.active + b.tail + b.data).toBeCloseTo(r.energyJ, 12);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("radio bookkeeping", () => {
  it("reads a trace in the notation", () => {
    const r = radioReportOfTrace(parseTrace("0 s1000, 1100ms r1000"), ROUND, 3 * SECOND);
    expect(r.wakeups).toBe(1);
    expect(r.bytesUp).toBe(1000);
    expect(r.bytesDown).toBe(1000);
    expect(r.energyJ).toBeCloseTo(0.2 + 0.4 + 0.85 + 0.009 + 0.00088, 12);
  });

  it("reports per hour", () => {
    const r = run(ROUND, [[0, 0, UP], [HOUR, 0, UP]], 2 * HOUR);
    expect(r.wakeups).toBe(2);
    expect(wakeupsPerHour(r)).toBe(1);
    expect(joulesPerHour(r)).toBeCloseTo(r.energyJ / 2, 12);
  });

  it("refuses packets out of time order, unknown devices, and reports before finish", () => {
    const fleet = new RadioFleet(2, LTE);
    fleet.packet(0, 5 * SECOND, 100, UP);
    fleet.packet(1, 1 * SECOND, 100, UP); // another device may be behind
    expect(() => fleet.packet(0, 4 * SECOND, 100, UP)).toThrow(/time order/);
    expect(() => fleet.packet(2, 6 * SECOND, 100, UP)).toThrow(/device 2 out of range \[0, 2\)/);
    expect(() => fleet.packet(0, 6 * SECOND, 100, 7 as Direction)).toThrow(/direction 7/);
    expect(() => fleet.report(0)).toThrow(/finish/);
    expect(() => fleet.finish(4 * SECOND)).toThrow(/before device 0's last packet/);
    fleet.finish(10 * SECOND);
    expect(() => fleet.packet(0, 11 * SECOND, 100, UP)).toThrow(/books closed/);
    expect(() => fleet.finish(12 * SECOND)).toThrow(/already finished/);
  });

  it("a fleet handles 10,000 devices with a million packets", () => {
    const devices = 10_000;
    const fleet = new RadioFleet(devices, NR5G);
    let t = 0;
    for (let i = 0; i < 1_000_000; i++) {
      t += 37 * MILLISECOND;
      fleet.packet((i * 7919) % devices, t, 100 + (i % 1400), (i & 1) as Direction);
    }
    fleet.finish(t + HOUR);
    let wake = 0;
    for (let d = 0; d < devices; d++) wake += fleet.wakeups(d);
    // every device sees a packet every 370 s: far beyond the 10 s tail, so each packet wakes the radio
    expect(wake).toBe(1_000_000);
  });
});
