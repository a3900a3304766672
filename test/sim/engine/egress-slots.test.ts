import { describe, expect, it } from "vitest";
import { getShaper } from "../../../sim/experiment/registries.ts";
import { validateShaperParams } from "../../../sim/experiment/registries.ts";
import type { Budget } from "../../../sim/engine/budget.ts";
import { Egress } from "../../../sim/engine/egress.ts";
import type { EgressSink, TimerScheduler } from "../../../sim/engine/egress-host.ts";
import { EventQueue } from "../../../sim/engine/event-queue.ts";
import { LinkModel } from "../../../sim/engine/link.ts";
import { stream } from "../../../sim/core/rng.ts";

const MTU = 1500;
const LINK = new LinkModel({ bandwidthBps: 10e6, latency: 25_000, jitter: 2_000 });
const BUDGET: Budget = { maxPaddingFraction: 0.6, maxAddedDelay: 300_000, maxPaddingRate: 40 };
const CASES: [string, Record<string, unknown>][] = [
  ["tamaraw", {}],
  ["constant-rate", {}],
  ["front", {}],
  ["jitter", {}],
  ["padme", {}],
  ["batching", {}],
];

/** Real packets for egress k: a deterministic stream of sizes and gaps. */
function inputs(k: number): { t: number; size: number }[] {
  const r = stream(11, `egress-slots/input/${k}`);
  const out = [];
  let t = 0;
  for (let i = 0; i < 150; i++) {
    t += Math.round(r.exponential(40_000));
    out.push({ t, size: r.int(40, MTU + 1) });
  }
  return out;
}

/**
 * Runs egresses `ks` in one `Egress` (slot j runs case ks[j]) over their inputs until
 * `until`, events in time order (inputs before timers at equal times), and returns what
 * each slot put on the wire.
 */
async function run(ks: number[], until: number): Promise<string[][]> {
  const wire: string[][] = ks.map(() => []);
  const queue = new EventQueue(64);
  const INPUT = 0;
  const TIMER = 1;
  const sink: EgressSink = {
    onPiece(slot, flow, bytes, w, completed, added, arrival) {
      wire[slot].push(`piece ${flow} ${bytes} ${w} ${completed} ${added} ${arrival}`);
    },
    onWire(slot, sent, finish, arrival, size, payload, kind, flow) {
      wire[slot].push(`wire ${sent} ${finish} ${arrival} ${size} ${payload} ${kind} ${flow}`);
    },
  };
  const scheduler: TimerScheduler = {
    scheduleTimer(slot, token, at) {
      queue.push(at[0], TIMER, TIMER, slot, token);
    },
  };
  const egress = new Egress({ slots: ks.length, groups: ks.length, mtu: MTU, sink, scheduler });
  for (const [slot, k] of ks.entries()) {
    const [name, params] = CASES[k];
    const def = await getShaper(name);
    const shaper = def.create(validateShaperParams(def, params), { rng: stream(11, `egress-slots/shaper/${k}`), side: "device", mtu: MTU });
    egress.attach(slot, { shaper, shaperName: name, link: LINK, linkJitter: { seed: 11, path: `egress-slots/link/${k}` }, budget: BUDGET, group: slot });
  }
  for (const [slot, k] of ks.entries()) {
    for (const [i, p] of inputs(k).entries()) queue.push(p.t, INPUT, INPUT, slot, i);
  }
  for (let slot = 0; slot < ks.length; slot++) egress.start(slot, 0);
  while (queue.size > 0 && queue.peekTime() <= until) {
    queue.pop();
    if (queue.type === INPUT) {
      const p = inputs(ks[queue.a])[queue.b];
      egress.enqueue(queue.a, queue.time, p.size, p.size - 20, queue.b);
    } else {
      egress.fire(queue.a, queue.time, queue.b);
    }
  }
  for (let slot = 0; slot < ks.length; slot++) {
    const g = egress.groupStats(slot);
    const bytes = egress.slotBytes(slot);
    wire[slot].push(`stats ${JSON.stringify(g)} ${bytes.wireBytes} ${bytes.realBytes}`);
  }
  return wire;
}

describe("Egress slots", () => {
  it("run side by side exactly as each would run alone (queues, timers, links, budgets, counters)", async () => {
    const until = 8_000_000;
    const ks = CASES.map((_, k) => k);
    const together = await run(ks, until);
    for (const k of ks) {
      const alone = await run([k], until);
      expect(together[k].length).toBeGreaterThan(100);
      expect(together[k]).toEqual(alone[0]);
    }
  });

  it("refuse a slot outside the egress, a second attach and a jittering link without a stream", async () => {
    const noop = { onPiece() {}, onWire() {} };
    const egress = new Egress({ slots: 1, mtu: MTU, sink: noop, scheduler: { scheduleTimer() {} } });
    const def = await getShaper("none");
    const shaper = def.create(validateShaperParams(def, {}), { rng: stream(1, "x"), side: "device", mtu: MTU });
    expect(() => egress.attach(1, { shaper, shaperName: "none", link: LINK, budget: BUDGET })).toThrow(/slot 1, expected 0..0/);
    expect(() => egress.attach(0, { shaper, shaperName: "none", link: LINK, budget: BUDGET })).toThrow(/no jitter stream/);
    egress.attach(0, { shaper, shaperName: "none", link: LINK, linkJitter: { seed: 1, path: "l" }, budget: BUDGET });
    expect(() => egress.attach(0, { shaper, shaperName: "none", link: LINK, linkJitter: { seed: 1, path: "l" }, budget: BUDGET })).toThrow(/attached twice/);
  });
});

describe("Egress random streams", () => {
  it("draw, per slot, exactly what the slot's named Rng draws, whichever slot is bound in between", () => {
    const noop = { onPiece() {}, onWire() {} };
    const egress = new Egress({ slots: 3, mtu: MTU, sink: noop, scheduler: { scheduleTimer() {} } });
    const names = [0, 1, 2].map((k) => ({ seed: 5, path: `shaper/device/${k}` }));
    const rngs = names.map((n) => stream(n.seed, n.path));
    const sources = names.map((n, k) => egress.seedStream(k, n));
    for (let i = 0; i < 50; i++) {
      const k = (i * 7) % 3;
      egress.bindStream(k);
      const source = sources[k];
      const rng = rngs[k];
      expect(source.next()).toBe(rng.next());
      expect(source.uniform(-3, 9)).toBe(rng.uniform(-3, 9));
      expect(source.int(2, 1000)).toBe(rng.int(2, 1000));
      expect(source.exponential(20_000)).toBe(rng.exponential(20_000));
    }
  });
});
