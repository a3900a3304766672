/**
 * `World.run` runs its events in slices of 65,536 (one call each, so V8 compiles the loop
 * the ordinary way rather than by on-stack replacement; see `runSlice` in
 * `sim/world/world.ts`). The slicing must change nothing a caller sees: progress is
 * reported once per 65,536 events, at the clock of the event that completed the count,
 * and the event limit stops the run at exactly the event past it.
 *
 * Known answer: no conversations, four users (eight egresses, each user's uplink and
 * downlink), each egress's shaper sends one padding packet every millisecond from 0 on,
 * so the events are the timers alone — eight at every whole millisecond, 0 to the end
 * inclusive.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { definition as none } from "../../../shapers/none.ts";
import { BaseShaper, declare, type ShaperActions, type ShaperDefinition } from "../../../shapers/shaper.ts";
import { UNLIMITED } from "../../../sim/engine/budget.ts";
import { networkSchema, planNetwork } from "../../../sim/world/network.ts";
import { buildPopulation } from "../../../sim/world/population.ts";
import { stream } from "../../../sim/core/rng.ts";
import { type Micros } from "../../../sim/core/time.ts";
import { Transport, transportSchema } from "../../../sim/world/transport.ts";
import { World, type WorldOptions } from "../../../sim/world/world.ts";
import { PADDING } from "../../../sim/core/kinds.ts";

const MS = 1000;
/** Egresses: two per user. */
const EGRESSES = 8;

/** One 100-byte padding packet every millisecond, from the egress start on. */
const ticker: ShaperDefinition = {
  ...none,
  name: "ticker",
  schema: z.object({}),
  declaration: declare({ injects: true }),
  create: () =>
    new (class extends BaseShaper {
      readonly declaration = declare({ injects: true });
      override start(now: Micros, out: ShaperActions): void {
        out.setTimer(0, now);
      }
      override onTimer(now: Micros, _id: number, out: ShaperActions): void {
        out.sendPadding(100, PADDING);
        out.setTimer(0, now + MS);
      }
    })(),
};

function options(durationMs: number, extra: Partial<WorldOptions> = {}): WorldOptions {
  const place = { name: "ticker", definition: ticker, params: {}, budget: UNLIMITED };
  return {
    seed: 3,
    duration: durationMs * MS,
    population: buildPopulation({ users: EGRESSES / 2, contactsPerUser: 1 }, stream(3, "population")),
    models: [],
    transport: new Transport(transportSchema.parse({})),
    network: planNetwork(networkSchema.parse({})),
    device: place,
    server: place,
    ...extra,
  };
}

describe("World.run in slices", () => {
  it("reports progress once per 65,536 events, at the clock of the event that completed the count", () => {
    const durationMs = 20_000;
    const seen: Micros[] = [];
    const r = new World(options(durationMs, { onProgress: (now) => seen.push(now) })).run();
    const events = EGRESSES * (durationMs + 1);
    expect(r.events).toBe(events);
    expect(r.packets).toBe(events);
    expect(seen.length).toBe(Math.floor(events / 65_536));
    // event k (1-based) is one of the eight at millisecond floor((k - 1) / 8)
    seen.forEach((now, j) => expect(now).toBe(Math.floor(((j + 1) * 65_536 - 1) / EGRESSES) * MS));
  });

  it("stops at exactly the event past the limit, in a later slice than the first", () => {
    const limit = 70_001;
    expect(() => new World(options(10_000, { maxEvents: limit })).run()).toThrow(
      `run exceeded its event limit of ${limit} at t = ${Math.floor(limit / EGRESSES) * MS} µs`,
    );
  });

  it("gives the same world twice in one process (the second run's loop compiled anew)", () => {
    const a = new World(options(10_000)).run();
    const b = new World(options(10_000)).run();
    expect(b.events).toBe(a.events);
    expect([...b.userWireBytes]).toEqual([...a.userWireBytes]);
    expect(a.events).toBe(EGRESSES * 10_001);
    // each user: 100 bytes up and 100 down per millisecond
    expect(a.userWireBytes[0]).toBe(2 * 100 * 10_001);
  });
});
