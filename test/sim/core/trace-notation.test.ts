import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Trace } from "../../../sim/core/trace.ts";
import { INT32_MAX, INT32_MIN, parseTrace, printTrace } from "../../../sim/core/trace-notation.ts";
import { InputError } from "../../../sim/core/validation.ts";

describe("trace notation", () => {
  it("parses and prints back in canonical form", () => {
    const text = "0 s1200, 20ms r80, 25ms s1500/1200#3, 1s s1500p, 1500250us r90c#-7";
    expect(printTrace(parseTrace(text))).toBe(text);
  });

  it("round-trips any trace", () => {
    const packet = fc.record({
      dt: fc.integer({ min: 0, max: 5_000_000 }),
      size: fc.integer({ min: 1, max: 65_535 }),
      frac: fc.double({ min: 0, max: 1, noNaN: true }),
      dir: fc.constantFrom(0, 1),
      kind: fc.constantFrom(0, 1, 2),
      flow: fc.integer({ min: -1, max: 1000 }),
    });
    fc.assert(
      fc.property(fc.array(packet, { maxLength: 40 }), (rows) => {
        const t = new Trace(4);
        let time = 0;
        for (const r of rows) {
          time += r.dt;
          const payload = r.kind === 0 ? Math.floor(r.size * r.frac) : 0;
          t.push(time, r.size, payload, r.dir as 0 | 1, r.kind as 0 | 1 | 2, r.flow);
        }
        const back = parseTrace(printTrace(t));
        expect(back.length).toBe(t.length);
        for (let i = 0; i < t.length; i++) {
          expect([back.time[i], back.size[i], back.payload[i], back.dir[i], back.kind[i], back.flow[i]]).toEqual([
            t.time[i], t.size[i], t.payload[i], t.dir[i], t.kind[i], t.flow[i],
          ]);
        }
        expect(printTrace(back)).toBe(printTrace(t));
      }),
    );
  });

  it("names the packet and the expected form on bad input", () => {
    expect(() => parseTrace("0 s100, 2ms x5")).toThrow(/packet 2 "2ms x5": expected/);
    expect(() => parseTrace("5ms s100, 2ms s5")).toThrow(/time goes backwards/);
    expect(() => parseTrace("0 s100/200")).toThrow(/payload 200 exceeds wire size 100/);
  });

  it("views share memory and do not copy", () => {
    const t = parseTrace("0 s1, 1ms s2, 2ms s3");
    const v = t.view(1, 3);
    expect(v.length).toBe(2);
    v.size[0] = 99;
    expect(t.size[1]).toBe(99);
  });

  it("rejects negative times and values outside their Int32 columns, naming the packet (issue 16, case 8)", () => {
    const bad: [string, RegExp][] = [
      ["-5ms s100", /packet 1 "-5ms s100": time "-5ms" is negative/],
      ["0 s1, -1us r1", /packet 2 "-1us r1": time "-1us" is negative/],
      ["-0.4us s1", /is negative/],
      [`0 s${2 ** 31}`, /size 2147483648 is out of range \(expected 0 to 2147483647 bytes\)/],
      [`0 s10/${2 ** 31}`, /payload 2147483648 is out of range/],
      [`0 s10#${2 ** 31}`, /flow 2147483648 is out of range/],
      [`0 s10#${-(2 ** 31) - 1}`, /flow -2147483649 is out of range/],
      ["99999999999999999999s s1", /time "99999999999999999999s": expected/],
      [`0 s${"9".repeat(400)}`, /size 99999999999999999\.\.\. is out of range/],
    ];
    for (const [text, message] of bad) {
      expect(() => parseTrace(text), text).toThrow(InputError);
      expect(() => parseTrace(text), text).toThrow(message);
    }
    // The edges themselves are accepted and kept exactly.
    const edge = parseTrace(`0 s${INT32_MAX}/${INT32_MAX}#${INT32_MIN}, ${Number.MAX_SAFE_INTEGER}us r0p#${INT32_MAX}`);
    expect([edge.size[0], edge.payload[0], edge.flow[0], edge.time[1], edge.flow[1]]).toEqual([INT32_MAX, INT32_MAX, INT32_MIN, Number.MAX_SAFE_INTEGER, INT32_MAX]);
    expect(parseTrace(printTrace(edge)).flow[0]).toBe(INT32_MIN);
  });

  it("print → parse round-trips for every trace it accepts, over the columns' whole ranges", () => {
    const digits = fc.oneof(fc.integer({ min: 0, max: 2 ** 33 }).map(String), fc.constantFrom("0", "2147483647", "2147483648", "007"));
    const time = fc.tuple(fc.constantFrom("", "-"), fc.oneof(digits, fc.nat().map(String)), fc.constantFrom("", ".5", ".25"), fc.constantFrom("", "us", "ms", "s", "min", "h"));
    const packet = fc
      .tuple(time, fc.constantFrom("s", "r"), digits, fc.option(digits, { nil: undefined }), fc.constantFrom("", "p", "c"), fc.option(fc.tuple(fc.constantFrom("", "-"), digits), { nil: undefined }))
      .map(([[sign, n, frac, unit], dir, size, payload, mark, flow]) => `${sign}${n}${frac}${unit} ${dir}${size}${payload !== undefined ? `/${payload}` : ""}${mark}${flow ? `#${flow[0]}${flow[1]}` : ""}`);
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(packet, { maxLength: 6 }), (packets) => {
        let t;
        try {
          t = parseTrace(packets.join(", "));
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
          return;
        }
        accepted++;
        const back = parseTrace(printTrace(t));
        expect(back.length).toBe(t.length);
        for (let i = 0; i < t.length; i++) {
          expect(t.time[i]).toBeGreaterThanOrEqual(0);
          expect([back.time[i], back.size[i], back.payload[i], back.dir[i], back.kind[i], back.flow[i]]).toEqual([t.time[i], t.size[i], t.payload[i], t.dir[i], t.kind[i], t.flow[i]]);
        }
      }),
      { numRuns: 2000 },
    );
    expect(accepted).toBeGreaterThan(100);
  });

  it("refuses to print a row the notation cannot hold", () => {
    const t = new Trace(2);
    t.push(-5, 10, 10, 0, 0);
    expect(() => printTrace(t)).toThrow(RangeError);
    const u = new Trace(2);
    u.push(1.5, 10, 10, 0, 0);
    expect(() => printTrace(u)).toThrow(/whole microseconds/);
  });
});
