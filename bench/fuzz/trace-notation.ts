/**
 * Fuzzes the trace notation (`sim/core/trace-notation.ts`): text from the notation's own
 * grammar with values at and beyond the columns' ranges (negative and fractional times,
 * sizes and flows around ±2³¹, units, marks), junk between packets, and arbitrary
 * strings. Every accepted text must round-trip: `parseTrace(printTrace(parseTrace(s)))`
 * equals `parseTrace(s)` row for row.
 *
 *   npx tsx bench/fuzz/trace-notation.ts [--cases N] [--seed S]     (default 100000)
 */
import fc from "fast-check";
import { parseTrace, printTrace } from "../../sim/core/trace-notation.ts";
import type { Trace } from "../../sim/core/trace.ts";
import { runIfMain, type FuzzTarget } from "./_harness.ts";

const digits = fc.oneof(
  fc.constantFrom("0", "1", "2147483647", "2147483648", "4294967296", "9007199254740991", "9007199254740993", "99999999999999999999", "00012"),
  fc.nat().map(String),
  fc.integer({ min: 0, max: 2 ** 33 }).map(String),
);
const time = fc.oneof(
  fc.tuple(fc.constantFrom("", "-"), digits, fc.constantFrom("", ".5", ".0001", ".999999"), fc.constantFrom("", "us", "µs", "ms", "s", "min", "h", "x")).map((p) => p.join("")),
  fc.constantFrom("-0", "1e3", "NaN", "Infinity", "0x10", ""),
);
const packet = fc
  .tuple(time, fc.constantFrom(" ", "  ", "\t", ""), fc.constantFrom("s", "r", "x", ""), digits, fc.option(digits, { nil: undefined }), fc.constantFrom("", "p", "c", "pc"), fc.option(fc.tuple(fc.constantFrom("", "-"), digits), { nil: undefined }))
  .map(([t, sp, dir, size, payload, mark, flow]) => `${t}${sp}${dir}${size}${payload !== undefined ? `/${payload}` : ""}${mark}${flow ? `#${flow[0]}${flow[1]}` : ""}`);
const text = fc.oneof(
  { weight: 5, arbitrary: fc.array(packet, { maxLength: 8 }).map((ps) => ps.join(", ")) },
  { weight: 1, arbitrary: fc.array(fc.oneof(packet, fc.string({ maxLength: 12 })), { maxLength: 6 }).map((ps) => ps.join(",")) },
  { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
);

function rows(t: Trace): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < t.length; i++) out.push([t.time[i], t.size[i], t.payload[i], t.dir[i], t.kind[i], t.flow[i]]);
  return out;
}

export const target: FuzzTarget<string> = {
  name: "trace notation",
  arbitrary: text,
  run(s) {
    const t = parseTrace(s);
    for (let i = 0; i < t.length; i++) {
      if (!(t.time[i] >= 0 && Number.isSafeInteger(t.time[i]))) throw new Error(`accepted a time it cannot hold: ${t.time[i]}`);
    }
    const printed = printTrace(t);
    const back = parseTrace(printed);
    const a = JSON.stringify(rows(t));
    const b = JSON.stringify(rows(back));
    if (a !== b) throw new Error(`print → parse does not round-trip: ${JSON.stringify(s)} → ${JSON.stringify(printed)}: ${a} vs ${b}`);
    if (printTrace(back) !== printed) throw new Error(`printing is not canonical for ${JSON.stringify(printed)}`);
  },
};

await runIfMain(import.meta.url, target);
