import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DAITA_V2_MACHINES, definition } from "../../shapers/maybenot.ts";
import { serializeMachine } from "../../shapers/maybenot/codec.ts";
import type { MaybenotIntegrator } from "../../shapers/maybenot/integrator.ts";
import { validateShaperParams } from "../../sim/experiment/registries.ts";
import { PADDING, REAL, UP } from "../../sim/core/kinds.ts";
import { rows, run } from "./run.ts";
import { DATA, block, machine, machineLines, pad, state } from "./maybenot/helpers.ts";

const DAITA = machineLines(readFileSync(join(DATA, "daita-v2-machines.txt"), "utf8"));
const NOOP = "02eNpjYEAHjOgCAAA0AAI=";

/** Pads every `gap` µs after the first real packet is queued, `limit` times. */
function padder(gap: number, o: { bypass?: boolean; replace?: boolean } = {}): string {
  return serializeMachine(machine([state({ NormalSent: [1] }), state({ PaddingSent: [1] }, pad(gap, o))], { allowedPadding: 1_000_000n }));
}

describe("maybenot shaper", () => {
  it("is found with its parameters; bad machine strings are refused naming machine and problem", () => {
    expect(validateShaperParams(definition, { machines: [NOOP] })).toEqual({ machines: [NOOP], maxPaddingFrac: 0, maxBlockingFrac: 0, padRealPackets: false });
    // the default is what a real client ships: DAITA's four v2 machines
    expect(DAITA_V2_MACHINES).toEqual(DAITA);
    expect(validateShaperParams(definition, {}).machines).toEqual(DAITA);
    expect(() => validateShaperParams(definition, { machines: [] })).toThrow(/machines.*at least one machine/);
    expect(() => validateShaperParams(definition, { machines: [NOOP, "03abcd"] })).toThrow(/machine 1: version "03": expected "02"/);
    expect(() => validateShaperParams(definition, { machines: [NOOP], maxPaddingFrac: 2 })).toThrow(/maxPaddingFrac = 2/);
  });

  it("the no-op machine leaves traffic alone", () => {
    const out = run(definition, { machines: [NOOP] }, "0 s100, 5ms r200, 7ms s300");
    expect(out.text).toBe("0 s100, 5ms r200, 7ms s300");
  });

  it("padRealPackets pads real packets to the padding size, as DAITA does", () => {
    const out = run(definition, { machines: [NOOP], padRealPackets: true, paddingBytes: 1200 }, "0 s100, 1ms s1400");
    expect(out.text).toBe("0 s1200/100, 1ms s1400");
    expect(out.shaper.declaration.pads).toBe(true);
  });

  it("pads on its schedule; padding packets default to the MTU", () => {
    const out = run(definition, { machines: [padder(10_000)] }, "0 s100", { until: 35_000 });
    const pads = rows(out.trace).filter((r) => r.kind === PADDING);
    expect(pads.map((r) => r.time)).toEqual([10_000, 20_000, 30_000]);
    expect(pads.every((r) => r.size === 1500 && r.dir === UP)).toBe(true);
  });

  it("blocking holds real packets until it ends; non-bypass padding waits behind it, bypass padding goes through", () => {
    const blocker = (bypassBlock: boolean, bypassPad: boolean) =>
      serializeMachine(
        machine([
          state({ NormalSent: [1] }),
          state({ BlockingBegin: [2] }, block(1_000, 10_000, { bypass: bypassBlock })),
          state({ PaddingSent: [2] }, pad(2_000, { bypass: bypassPad, limit: 2 })),
        ]),
      );
    const held = run(definition, { machines: [blocker(false, true)] }, "0 s100, 3ms s200", { until: 50_000 });
    const r = rows(held.trace);
    expect(r.filter((x) => x.kind === REAL).map((x) => x.time)).toEqual([0, 11_000]);
    expect(r.filter((x) => x.kind === PADDING).map((x) => x.time)).toEqual([11_000, 11_000]);
    const through = run(definition, { machines: [blocker(true, true)] }, "0 s100, 3ms s200", { until: 50_000 });
    const t = rows(through.trace);
    expect(t.filter((x) => x.kind === PADDING).map((x) => x.time)).toEqual([3_000, 5_000]);
    expect(t.filter((x) => x.kind === REAL).map((x) => x.time)).toEqual([0, 11_000]);
  });

  it("bypass + replace under bypassable blocking sends a queued real packet instead of padding (constant rate)", () => {
    const m = serializeMachine(
      machine(
        [
          state({ NormalSent: [1] }),
          state({ BlockingBegin: [2] }, block(0, 1_000_000, { bypass: true })),
          state({ PaddingSent: [2] }, pad(10_000, { bypass: true, replace: true })),
        ],
        { allowedPadding: 1000n },
      ),
    );
    const out = run(definition, { machines: [m] }, "0 s100, 1ms s200, 2ms s300, 45ms s400", { until: 60_000 });
    const r = rows(out.trace);
    // one packet every 10 ms: the queued real ones first, then padding
    expect(r.map((x) => [x.time, x.kind])).toEqual([
      [0, REAL],
      [10_000, REAL],
      [20_000, REAL],
      [30_000, PADDING],
      [40_000, PADDING],
      [50_000, REAL],
      [60_000, PADDING],
    ]);
    expect((out.shaper as MaybenotIntegrator).paddingReplaced).toBe(3);
  });

  it("runs the four DAITA machines on either side, deterministically per seed", () => {
    const input = "0 s100, 5ms r1400, 6ms r1400, 7ms r1400, 8ms r1400, 9ms r1400, 10ms s300, 2s s100";
    for (const side of ["device", "server"] as const) {
      const a = run(definition, { machines: DAITA }, input, { until: 30_000_000, seed: 5, side });
      const b = run(definition, { machines: DAITA }, input, { until: 30_000_000, seed: 5, side });
      expect(a.text).toBe(b.text);
      const r = rows(a.trace);
      expect(r.filter((x) => x.kind === REAL && x.dir === UP)).toHaveLength(3);
      expect(r.filter((x) => x.kind === PADDING).length).toBeGreaterThan(2);
      expect((a.shaper as MaybenotIntegrator).stalls).toBe(0);
    }
    // machines 2 and 3 react to received packets: the shaper listens
    expect(run(definition, { machines: DAITA }, "0 s1").shaper.declaration.listensToReceive).toBe(true);
    expect(run(definition, { machines: [padder(5)] }, "0 s1").shaper.declaration).toMatchObject({ listensToReceive: false, delays: false });
  });

  it("a machine that pads in a loop at one instant is cut off and resumes 1 µs later", () => {
    const loop = serializeMachine(machine([state({ NormalSent: [1] }), state({ PaddingSent: [1] }, pad(0))], { allowedPadding: 10_000_000n }));
    const out = run(definition, { machines: [loop] }, "0 s1", { until: 2, countOnly: true });
    expect((out.shaper as MaybenotIntegrator).stalls).toBeGreaterThan(0);
  });
});
