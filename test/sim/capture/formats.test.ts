import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Trace } from "../../../sim/core/trace.ts";
import { parseTrace, printTrace } from "../../../sim/core/trace-notation.ts";
import { CaptureError } from "../../../sim/capture/capture-error.ts";
import { printChaffTrace, readChaffTrace } from "../../../sim/capture/formats/chaff-jsonl.ts";
import { csv } from "../../../sim/capture/formats/csv.ts";
import { guessTraceFormat, TRACE_FORMATS } from "../../../sim/capture/formats/index.ts";
import { maybenot } from "../../../sim/capture/formats/maybenot.ts";
import { wf, wfCell } from "../../../sim/capture/formats/wf.ts";
import { shapedLoopback } from "./shaped.ts";

function errorOf(f: () => unknown): CaptureError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CaptureError);
    return e as CaptureError;
  }
  throw new Error("expected a CaptureError");
}

const randomTrace = fc
  .array(
    fc.record({
      dt: fc.integer({ min: 0, max: 3_000_000 }),
      size: fc.integer({ min: 1, max: 65_535 }),
      frac: fc.double({ min: 0, max: 1, noNaN: true }),
      dir: fc.constantFrom(0, 1),
      kind: fc.constantFrom(0, 1, 2),
      flow: fc.integer({ min: -1, max: 50 }),
    }),
    { maxLength: 60 },
  )
  .map((rows) => {
    const t = new Trace(4);
    let time = 0;
    for (const r of rows) {
      time += r.dt;
      t.push(time, r.size, r.kind === 0 ? Math.floor(r.size * r.frac) : 0, r.dir as 0 | 1, r.kind as 0 | 1 | 2, r.flow);
    }
    return t;
  });

describe("trace formats round trip", () => {
  const shaped = shapedLoopback();

  it("the shaped loopback trace has every kind, padded real packets and flow ids (so the losses below are real)", () => {
    const kinds = new Set(Array.from(shaped.kind));
    expect(kinds).toEqual(new Set([0, 1, 2]));
    expect(Array.from({ length: shaped.length }, (_, i) => shaped.kind[i] === 0 && shaped.payload[i] < shaped.size[i]).some(Boolean)).toBe(true);
    expect(new Set(Array.from(shaped.flow)).size).toBeGreaterThan(2);
  });

  for (const format of TRACE_FORMATS) {
    it(`${format.name}: export then import gives the trace minus exactly what the format cannot carry (${format.cannotCarry.join("; ") || "nothing"})`, () => {
      const text = format.print(shaped);
      const back = format.parse(text, { source: format.name });
      expect(printTrace(back)).toBe(printTrace(format.project(shaped)));
      // a trace already within the format's reach comes back unchanged, and the text is a fixed point
      const reach = format.project(shaped);
      expect(printTrace(format.parse(format.print(reach)))).toBe(printTrace(reach));
      expect(format.print(back)).toBe(text);
      // any trace
      fc.assert(
        fc.property(randomTrace, (t) => {
          expect(printTrace(format.parse(format.print(t)))).toBe(printTrace(format.project(t)));
        }),
        { numRuns: 200 },
      );
    });
  }

  it("WF in nanoseconds round-trips too, and auto-detects the unit", () => {
    for (const f of [wf, wfCell]) {
      const text = f.print(shaped, { timeUnit: "ns" });
      expect(text.split("\n")[1]).toMatch(/^\d+\t-?\d+$/);
      expect(printTrace(f.parse(text, { timeUnit: "ns" }))).toBe(printTrace(f.project(shaped)));
      expect(printTrace(f.parse(text))).toBe(printTrace(f.project(shaped)));
    }
  });

  it("chaff JSONL keeps the header's flows and origin", () => {
    const meta = { source: "x.pcapng", originMicros: 1_700_000_000_000_000, flows: [] };
    const f = readChaffTrace(printChaffTrace(shaped, meta));
    expect(f.meta).toEqual(meta);
    expect(printTrace(f.trace)).toBe(printTrace(shaped));
  });

  it("states what each lossy format drops", () => {
    expect(maybenot.cannotCarry.join(" ")).toMatch(/payload.*cover.*flow/);
    expect(wf.cannotCarry.join(" ")).toMatch(/payload.*kind.*flow/);
    expect(wfCell.cannotCarry.join(" ")).toMatch(/sizes.*payload.*cover.*flow/);
    expect(csv.cannotCarry).toEqual([]);
  });
});

describe("reading the field's files", () => {
  it("reads Maybenot traces as published (s/r with sizes, nanoseconds) and as chaff writes them", () => {
    expect(printTrace(maybenot.parse("0,s,514\n19714282,r,514\n183976147,s,514\n"))).toBe("0 s514, 19714us r514, 183976us s514");
    expect(printTrace(maybenot.parse("0,sn,1200\n20000000,rp,80\n"))).toBe("0 s1200, 20ms r80p");
    expect(printTrace(maybenot.parse("0,s\n19714282,r\n", { cellSize: 514 }))).toBe("0 s514, 19714us r514");
    expect(maybenot.print(parseTrace("0 s1200/1000#3, 20ms r80c"))).toBe("0,sn,1200\n20000000,rp,80\n");
  });

  it("reads FRONT's output (4 decimals, ±1 cells, ±888 dummy cells) and WTF-PAD's ±size", () => {
    expect(printTrace(wfCell.parse("0.0000\t1\n0.0215\t-1\n0.0300\t888\n0.0301\t-888\n"))).toBe("0 s512, 21500us r512, 30ms s512p, 30100us r512p");
    expect(printTrace(wf.parse("0.0\t512\n0.01\t-1500\n1.5e-2\t+100\n"))).toBe("0 s512, 10ms r1500, 15ms s100");
    expect(printTrace(wf.parse("0 600\n1 -600\n"))).toBe("0 s600, 1s r600");
  });

  it("reads CSV with other column orders and spellings", () => {
    expect(printTrace(csv.parse("dir,time_s,size\ns,0.5,100\n1,1.25,80\n"))).toBe("500ms s100, 1250ms r80");
    expect(printTrace(csv.parse("time_ns,dir,size,kind,payload\n1000,s,100,padding,0\n"))).toBe("1us s100p");
  });

  it("rejects bad lines naming the line and what was expected", () => {
    expect(errorOf(() => maybenot.parse("0,s,514\n10,x,514\n", { source: "t.log" })).message).toBe('t.log: at line 2: expected a direction s, r, sn, rn, sp or rp, found "x"');
    expect(errorOf(() => maybenot.parse("0,s\n")).message).toMatch(/at line 1: expected a size \(third field\), or a --cell-size/);
    expect(errorOf(() => maybenot.parse("5000,s,1\n1000,s,1\n")).message).toMatch(/at line 2: expected a time no earlier than the line before \(5 µs\), found 1 µs/);
    expect(errorOf(() => wf.parse("0.1\t100\n0.2\t0\n")).message).toMatch(/at line 2: expected a non-zero signed size/);
    expect(errorOf(() => wf.parse("0.1\t100\t3\n")).message).toMatch(/at line 1: expected a line "time<TAB>±value"/);
    expect(errorOf(() => wfCell.parse("0.1\t5\n")).message).toMatch(/expected a cell direction ±1 \(or ±888 for a dummy cell\), found 5/);
    expect(errorOf(() => wf.parse("-1\t100\n")).message).toMatch(/expected a time in seconds as a non-negative decimal number/);
    expect(errorOf(() => csv.parse("time_us,dir,sise\n")).message).toMatch(/at line 1: expected a header of known columns/);
    expect(errorOf(() => csv.parse("time_us,dir,size,payload\n0,s,10,20\n")).message).toMatch(/at line 2: expected a payload no larger than the size 10, found 20/);
    expect(errorOf(() => readChaffTrace('{"format":"chaff-trace","version":1,"columns":["time_us","dir","size","payload","kind","flow"]}\n[0,0,10]\n')).message).toMatch(
      /at line 2: expected \[time_us, dir, size, payload, kind, flow\] as six integers/,
    );
    expect(errorOf(() => readChaffTrace("hello\n")).message).toMatch(/at line 1: expected a JSON header line/);
  });

  it("guesses formats from content, then from the name", () => {
    expect(guessTraceFormat("x", "0,s,514\n5,r,514\n")?.name).toBe("maybenot");
    expect(guessTraceFormat("x", "0.0000\t1\n0.0215\t-1\n")?.name).toBe("wf-cell");
    expect(guessTraceFormat("x", "0.0000\t1500\n0.0215\t-52\n")?.name).toBe("wf");
    expect(guessTraceFormat("x", "time_us,dir,size\n0,s,1\n")?.name).toBe("csv");
    expect(guessTraceFormat("x", '{"format":"chaff-trace"}\n')?.name).toBe("chaff");
    expect(guessTraceFormat("trace.log", "")?.name).toBe("maybenot");
    expect(guessTraceFormat("trace.bin", "garbage here")).toBeNull();
  });
});
