import { describe, expect, it } from "vitest";
import { z } from "zod";
import { definition as none } from "../../../shapers/none.ts";
import { BaseShaper, type ShaperActions, type ShaperDefinition } from "../../../shapers/shaper.ts";
import { UNLIMITED } from "../../../sim/engine/budget.ts";
import type { ConversationContext, ConversationModel } from "../../../sim/world/conversation.ts";
import { networkSchema, planNetwork } from "../../../sim/world/network.ts";
import { buildPopulation } from "../../../sim/world/population.ts";
import { stream } from "../../../sim/core/rng.ts";
import { SECOND, type Micros } from "../../../sim/core/time.ts";
import { Transport, transportSchema } from "../../../sim/world/transport.ts";
import { TYPE_CODE } from "../../../sim/world/truth.ts";
import { World, type WorldOptions } from "../../../sim/world/world.ts";

/**
 * A test conversation: user 2k talks to 2k+1. Each message is answered 0.5 s after it is
 * delivered (scheduled from the delivery), for `turns` turns; sizes vary so several
 * packets and TLS records occur.
 */
class CausalPingPong implements ConversationModel {
  readonly answers = new Map<number, number>();
  private readonly pending: number[] = [];
  constructor(private readonly pairs: number, private readonly turns: number) {}
  start(ctx: ConversationContext): void {
    for (let k = 0; k < this.pairs; k++) ctx.wakeAt(k * 1000, -1 - k);
  }
  onWake(now: Micros, token: number, ctx: ConversationContext): void {
    const m = ctx.truth.messages;
    if (token < 0) {
      const k = -1 - token;
      const conv = ctx.truth.conversations.add("direct", 2 * k, 2 * k + 1, now);
      ctx.send(now, 2 * k, 2 * k + 1, TYPE_CODE.text, 100 + 977 * k, conv);
      return;
    }
    const answered = token;
    const depth = this.depth(answered);
    const reply = ctx.send(now, m.to[answered], m.from[answered], TYPE_CODE.photo, 20_000 + depth * 5_000, m.conversation[answered]);
    this.answers.set(reply, answered);
  }
  onDelivered(now: Micros, id: number, ctx: ConversationContext): void {
    if (this.depth(id) >= this.turns) return;
    ctx.wakeAt(now + SECOND / 2, id);
  }
  private depth(id: number): number {
    let d = 0;
    for (let x: number | undefined = id; x !== undefined; x = this.answers.get(x)) d++;
    return d;
  }
}

/** Holds every uplink packet for exactly `hold` µs (a delaying shaper for the tests). */
function holdShaper(hold: Micros): ShaperDefinition {
  class Hold extends BaseShaper {
    readonly declaration = { ...none.declaration, delays: true };
    private readonly due: number[] = [];
    override start(_now: Micros, out: ShaperActions): void {
      out.hold();
    }
    override onQueued(now: Micros, _size: number, out: ShaperActions): void {
      this.due.push(now + hold);
      if (this.due.length === 1) out.setTimer(0, now + hold);
    }
    override onTimer(now: Micros, _id: number, out: ShaperActions): void {
      while (this.due.length > 0 && this.due[0] <= now) {
        this.due.shift();
        out.releaseOne();
      }
      if (this.due.length > 0) out.setTimer(0, this.due[0]);
    }
  }
  return { ...none, name: "hold", schema: z.object({}), create: () => new Hold() };
}

function options(model: ConversationModel, device: ShaperDefinition = none, seed = 1, vpn = false): WorldOptions {
  const population = buildPopulation({ users: 20, contactsPerUser: 3 }, stream(seed, "population"));
  const transport = new Transport(transportSchema.parse(vpn ? { vpn: {} } : {}));
  return {
    seed,
    duration: 120 * SECOND,
    population,
    models: [{ name: "ping-pong", model }],
    transport,
    network: planNetwork(networkSchema.parse({})),
    device: { name: device.name, definition: device, params: {}, budget: UNLIMITED },
    server: { name: "none", definition: none, params: {}, budget: UNLIMITED },
  };
}

/** A world that records every real piece leaving every egress. */
class Recording extends World {
  readonly bytesByHop = new Map<string, number>();
  override onPiece(slot: number, flow: number, bytes: number, wire: number, completed: boolean, added: Micros, arrival: Micros): void {
    if (flow >= 0) {
      const key = `${flow}/${slot & 1}`;
      this.bytesByHop.set(key, (this.bytesByHop.get(key) ?? 0) + bytes);
    }
    super.onPiece(slot, flow, bytes, wire, completed, added, arrival);
  }
}

describe("world", () => {
  for (const vpn of [false, true]) {
    it(`delivers every real byte exactly once on each hop, causally${vpn ? " through a VPN" : ""}`, () => {
      const model = new CausalPingPong(5, 6);
      const world = new Recording(options(model, none, 1, vpn));
      const r = world.run();
      const m = r.truth.messages;
      expect(m.length).toBe(5 * 6);
      const transport = new Transport(transportSchema.parse(vpn ? { vpn: {} } : {}));
      for (let i = 0; i < m.length; i++) {
        expect(Number.isNaN(m.delivered[i])).toBe(false);
        expect(m.atServer[i]).toBeGreaterThan(m.created[i]);
        expect(m.delivered[i]).toBeGreaterThan(m.atServer[i]);
        // the real bytes that left each hop are exactly the message's unshaped wire bytes
        const wire = new Int32Array(64);
        const real = new Int32Array(64);
        const n = transport.segmentMessage(m.bytes[i], transport.recordLength(m.bytes[i]), wire, real);
        const expected = real.subarray(0, n).reduce((a, b) => a + b, 0);
        expect(world.bytesByHop.get(`${i}/0`)).toBe(expected);
        expect(world.bytesByHop.get(`${i}/1`)).toBe(expected);
      }
      for (const [reply, answered] of model.answers) {
        expect(m.created[reply]).toBeGreaterThanOrEqual(m.delivered[answered] + SECOND / 2);
      }
    });
  }

  it("propagates shaping delay into the conversation and measures it as added latency", () => {
    const fast = new CausalPingPong(5, 6);
    const slow = new CausalPingPong(5, 6);
    const a = new World(options(fast)).run().truth.messages;
    const b = new World(options(slow, holdShaper(SECOND))).run().truth.messages;
    for (let i = 0; i < a.length; i++) {
      expect(a.added[i]).toBe(0);
      expect(b.added[i]).toBeGreaterThanOrEqual(SECOND);
      expect(b.added[i]).toBeLessThan(SECOND + 50_000);
    }
    // each turn waits a second longer, so the last reply of each pair starts ~turns seconds later
    const lastA = Math.max(...Array.from(a.created.subarray(0, a.length)));
    const lastB = Math.max(...Array.from(b.created.subarray(0, b.length)));
    expect(lastB - lastA).toBeGreaterThan(4.5 * SECOND);
  });

  it("is deterministic for a seed and changes with the seed", () => {
    const run = (seed: number) => new World(options(new CausalPingPong(5, 6), none, seed)).run().truth.messages;
    const a = run(7);
    const b = run(7);
    const c = run(8);
    expect(Array.from(a.delivered.subarray(0, a.length))).toEqual(Array.from(b.delivered.subarray(0, b.length)));
    expect(Array.from(a.delivered.subarray(0, a.length))).not.toEqual(Array.from(c.delivered.subarray(0, c.length)));
  });

  it("hands each shaper its own named stream, in its constructor, its callbacks and its padRecord", () => {
    const draws = new Map<string, number[]>();
    const seen = (key: string, x: number) => draws.set(key, [...(draws.get(key) ?? []), x]);
    let made = 0;
    class Drawing extends BaseShaper {
      readonly declaration = none.declaration;
      private readonly key: string;
      constructor(private readonly rng: { next(): number }, side: string) {
        super();
        this.key = `${side}/${made++ >> 1}`;
        seen(this.key, rng.next());
      }
      padRecord(length: number): number {
        seen(this.key, this.rng.next());
        return length;
      }
      override onQueued(): void {
        seen(this.key, this.rng.next());
      }
    }
    const drawing: ShaperDefinition = { ...none, name: "drawing", schema: z.object({}), create: (_p, ctx) => new Drawing(ctx.rng, ctx.side) };
    const opts = options(new CausalPingPong(5, 6), drawing, 4);
    new World({ ...opts, server: { ...opts.device } }).run();
    expect(draws.size).toBe(40);
    for (const [key, xs] of draws) {
      const rng = stream(4, `shaper/${key}`);
      expect(xs, key).toEqual(xs.map(() => rng.next()));
    }
    expect(Math.max(...[...draws.values()].map((x) => x.length))).toBeGreaterThan(10);
  });

  it("rejects a model that sends from a user who does not exist", () => {
    const bad: ConversationModel = {
      start: (ctx) => ctx.wakeAt(0, 0),
      onWake: (now, _t, ctx) => {
        ctx.send(now, 0, 999, 0, 10, -1);
      },
      onDelivered: () => {},
    };
    expect(() => new World(options(bad)).run()).toThrow(/names user 999; expected 0..19/);
  });
});
