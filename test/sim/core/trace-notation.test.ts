import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Trace } from "../../../sim/core/trace.ts";
import { parseTrace, printTrace } from "../../../sim/core/trace-notation.ts";

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
});
