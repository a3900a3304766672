import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { COLD, EgressArena, I_Q_BASE, QREC } from "../../../sim/engine/egress-arena.ts";
import { ringAppend, ringCount, ringDropHead, ringFull, ringGrow, ringHead, ringRecord } from "../../../sim/engine/queue-ring.ts";

describe("queue rings", () => {
  it("are FIFO queues of records across growth, each egress's ring its own (against an array)", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.boolean()), { maxLength: 400 }), (ops) => {
        const arena = new EgressArena(3, 1, 8);
        const qi = arena.coldInts;
        for (let e = 0; e < 3; e++) qi[e * COLD * 2 + I_Q_BASE] = -1;
        const model: number[][] = [[], [], []];
        let next = 0;
        for (const [e, push] of ops) {
          const ci = e * COLD * 2;
          if (push) {
            if (ringFull(qi, ci)) ringGrow(arena, qi, ci, -1);
            arena.pool[ringRecord(qi, ci, ringAppend(qi, ci))] = next;
            model[e].push(next++);
          } else if (ringCount(qi, ci) > 0) {
            expect(arena.pool[ringHead(qi, ci)]).toBe(model[e].shift());
            ringDropHead(qi, ci);
          }
          expect(ringCount(qi, ci)).toBe(model[e].length);
        }
      }),
    );
  });

  it("keep track of a record across growth", () => {
    const arena = new EgressArena(1, 1, 8);
    const qi = arena.coldInts;
    qi[I_Q_BASE] = -1;
    ringGrow(arena, qi, 0, -1);
    for (let k = 0; k < 8; k++) arena.pool[ringRecord(qi, 0, ringAppend(qi, 0))] = k;
    ringDropHead(qi, 0);
    ringDropHead(qi, 0);
    arena.pool[ringRecord(qi, 0, ringAppend(qi, 0))] = 8; // wraps to position 0
    expect(ringFull(qi, 0)).toBe(false);
    arena.pool[ringRecord(qi, 0, ringAppend(qi, 0))] = 9;
    expect(ringFull(qi, 0)).toBe(true);
    const at = ringGrow(arena, qi, 0, 1); // the record of 9
    expect(arena.pool[ringRecord(qi, 0, at)]).toBe(9);
    expect(arena.pool[ringHead(qi, 0)]).toBe(2);
    expect(QREC).toBeGreaterThanOrEqual(1);
  });
});
