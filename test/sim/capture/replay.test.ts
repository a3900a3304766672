import { describe, expect, it } from "vitest";
import { definition as constantRate } from "../../../shapers/constant-rate.ts";
import { definition as none } from "../../../shapers/none.ts";
import { definition as padToMtu } from "../../../shapers/pad-to-mtu.ts";
import { DOWN, PADDING, REAL, UP } from "../../../sim/core/kinds.ts";
import type { Trace } from "../../../sim/core/trace.ts";
import { parseTrace, printTrace } from "../../../sim/core/trace-notation.ts";
import { InputError } from "../../../sim/core/validation.ts";
import { replayTrace } from "../../../sim/capture/replay.ts";
import { loopbackTrace, makeShaper } from "./shaped.ts";

function rows(t: Trace, pick: (i: number) => boolean) {
  const out: { time: number; size: number; payload: number; flow: number }[] = [];
  for (let i = 0; i < t.length; i++) if (pick(i)) out.push({ time: t.time[i], size: t.size[i], payload: t.payload[i], flow: t.flow[i] });
  return out;
}

/** Real payload bytes per flow, in the order they left. */
function payloadOrder(t: Trace, dir: number): Map<number, number[]> {
  const m = new Map<number, number[]>();
  for (let i = 0; i < t.length; i++) {
    if (t.dir[i] !== dir || t.kind[i] !== REAL) continue;
    const list = m.get(t.flow[i]) ?? [];
    list.push(t.payload[i]);
    m.set(t.flow[i], list);
  }
  return m;
}

describe("replaying a recorded trace through shapers", () => {
  const recorded = loopbackTrace();

  it("with no shaper (or the none shaper) gives back the recorded trace", () => {
    expect(printTrace(replayTrace(recorded).trace)).toBe(printTrace(recorded));
    const r = replayTrace(recorded, { device: makeShaper(none, {}, "device"), server: makeShaper(none, {}, "server") });
    expect(printTrace(r.trace)).toBe(printTrace(recorded));
    expect(r.upDelays.every((d) => d === 0)).toBe(true);
  });

  it("pads the uplink on the device side, leaving times, payloads, flows and the downlink as recorded", () => {
    const r = replayTrace(recorded, { device: makeShaper(padToMtu, {}, "device") });
    const up = rows(r.trace, (i) => r.trace.dir[i] === UP);
    expect(up.every((x) => x.size === 1500)).toBe(true);
    expect(up.map((x) => [x.time, x.payload, x.flow])).toEqual(rows(recorded, (i) => recorded.dir[i] === UP).map((x) => [x.time, x.payload, x.flow]));
    expect(rows(r.trace, (i) => r.trace.dir[i] === DOWN)).toEqual(rows(recorded, (i) => recorded.dir[i] === DOWN));
  });

  it("shapes the downlink with a server-side shaper (directions mirrored on the server's egress)", () => {
    const r = replayTrace(recorded, { server: makeShaper(padToMtu, {}, "server") });
    expect(rows(r.trace, (i) => r.trace.dir[i] === DOWN).every((x) => x.size === 1500)).toBe(true);
    expect(rows(r.trace, (i) => r.trace.dir[i] === UP)).toEqual(rows(recorded, (i) => recorded.dir[i] === UP));
  });

  it("a delaying shaper keeps each flow's order and its bytes; the server's responses stay at their recorded times", () => {
    const r = replayTrace(recorded, { device: makeShaper(constantRate, { intervalSeconds: 0.01, minDurationSeconds: 0.5 }, "device"), until: 1_000_000 });
    const before = payloadOrder(recorded, UP);
    const after = payloadOrder(r.trace, UP);
    for (const [flow, sizes] of before) {
      // constant rate sends real bytes in MTU cells: the same bytes, in the same order
      expect(after.get(flow)!.reduce((a, b) => a + b, 0)).toBe(sizes.reduce((a, b) => a + b, 0));
    }
    expect(r.upDelays.length).toBeGreaterThan(0);
    expect(Math.max(...r.upDelays)).toBeGreaterThan(0);
    expect(Array.from(r.trace.kind).includes(PADDING) || Array.from(r.trace.kind).includes(2)).toBe(true);
    // the documented limit: downlink rows are not pushed back by the uplink delay
    expect(rows(r.trace, (i) => r.trace.dir[i] === DOWN)).toEqual(rows(recorded, (i) => recorded.dir[i] === DOWN));
  });

  it("per flow, each flow gets its own shaper instance", () => {
    let made = 0;
    const factory = makeShaper(none, {}, "device");
    const r = replayTrace(recorded, {
      perFlow: true,
      device: () => {
        made++;
        return factory();
      },
    });
    expect(made).toBe(3);
    expect(printTrace(r.trace)).toBe(printTrace(recorded));
  });

  it("refuses shaped or unsorted input", () => {
    expect(() => replayTrace(parseTrace("0 s100, 1ms s100p"))).toThrow(InputError);
    expect(() => replayTrace(parseTrace("0 s100, 1ms s100p"))).toThrow(/row 2 is padding: expected an unshaped trace/);
  });
});
