import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventQueue } from "../../../sim/engine/event-queue.ts";

describe("EventQueue", () => {
  it("pops in (time, class, push order) order, growing past its capacity", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ t: fc.integer({ min: 0, max: 50 }), cls: fc.integer({ min: 0, max: 3 }) }), { maxLength: 300 }),
        (events) => {
          const q = new EventQueue(2);
          events.forEach((e, i) => q.push(e.t, e.cls, i % 7, i, 1000 - i, i * 2));
          const expected = events.map((e, i) => ({ ...e, i })).sort((x, y) => x.t - y.t || x.cls - y.cls || x.i - y.i);
          for (const e of expected) {
            expect(q.pop()).toBe(true);
            expect([q.time, q.type, q.a, q.b, q.c]).toEqual([e.t, e.i % 7, e.i, 1000 - e.i, e.i * 2]);
          }
          expect(q.pop()).toBe(false);
          expect(q.peekTime()).toBe(Infinity);
        },
      ),
    );
  });

  it("reuses slots when pushes and pops interleave", () => {
    const q = new EventQueue(4);
    let t = 0;
    for (let k = 0; k < 10_000; k++) {
      q.push(t + 3, 0, 0, k, 0);
      q.push(t + 1, 0, 0, k, 1);
      q.pop();
      t = q.time;
    }
    expect(q.size).toBe(10_000);
  });
});
