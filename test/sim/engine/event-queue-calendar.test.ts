import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventQueue, HeapEventQueue } from "../../../sim/engine/event-queue.ts";

/** The reference: every pending event in an array, the least (time, class, push order) popped first. */
class Reference {
  private readonly items: { t: number; cls: number; seq: number; a: number }[] = [];
  private seq = 0;
  push(t: number, cls: number, a: number): void {
    this.items.push({ t, cls, seq: this.seq++, a });
  }
  pop(): { t: number; a: number } | undefined {
    if (this.items.length === 0) return undefined;
    let best = 0;
    for (let i = 1; i < this.items.length; i++) {
      const x = this.items[i];
      const y = this.items[best];
      if (x.t < y.t || (x.t === y.t && (x.cls < y.cls || (x.cls === y.cls && x.seq < y.seq)))) best = i;
    }
    const [e] = this.items.splice(best, 1);
    return { t: e.t, a: e.a };
  }
  get size(): number {
    return this.items.length;
  }
}

// offsets from the time just popped: the current bucket, the ring, beyond the ring (the
// overflow heap) and, rarely, the past
const offset = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 40 }) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 3_000 }) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 200_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 100_000, max: 10_000_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: -3_000, max: 0 }) },
);
// an engine-like run: some events up front, then each step pops one event and pushes a few
const workload = fc.record({
  initial: fc.array(fc.record({ offset, cls: fc.integer({ min: 0, max: 3 }) }), { maxLength: 60 }),
  steps: fc.array(fc.array(fc.record({ offset, cls: fc.integer({ min: 0, max: 3 }) }), { maxLength: 3 }), { maxLength: 300 }),
});

describe("EventQueue as a calendar queue", () => {
  it("pops exactly as a total order on (time, class, push order) would, across buckets, ring wrap-around and overflow, and without the calendar", () => {
    fc.assert(
      fc.property(workload, fc.constantFrom(1, 8, 1024, 0), fc.constantFrom(32, 64, 4096), ({ initial, steps }, bucketWidth, buckets) => {
        // bucket width 0 stands for the queue without a calendar
        const q = bucketWidth === 0 ? new HeapEventQueue(2) : new EventQueue(2, { bucketWidth, buckets });
        const ref = new Reference();
        let id = 0;
        const push = (t: number, cls: number) => {
          q.push(t, cls, 1, id, -id, id * 3);
          ref.push(t, cls, id);
          id++;
        };
        for (const e of initial) push(Math.abs(e.offset), e.cls);
        for (const pushes of steps) {
          const want = ref.pop();
          expect(q.peekTime()).toBe(want ? want.t : Infinity);
          expect(q.pop()).toBe(want !== undefined);
          if (!want) break;
          expect([q.time, q.a]).toEqual([want.t, want.a]);
          for (const e of pushes) push(want.t + e.offset, e.cls);
          expect(q.size).toBe(ref.size);
        }
        for (let want = ref.pop(); want !== undefined; want = ref.pop()) {
          expect(q.pop()).toBe(true);
          expect([q.time, q.a]).toEqual([want.t, want.a]);
        }
        expect(q.pop()).toBe(false);
      }),
      { numRuns: 400 },
    );
  });

  it("runs an event waiting in the overflow heap before a later-pushed event of the same time in the ring", () => {
    const q = new EventQueue(2, { bucketWidth: 1, buckets: 32 });
    q.push(200, 0, 0, 1, 0); // 200 buckets ahead: overflow
    for (let t = 20; t <= 180; t += 20) {
      q.push(t, 0, 0, 0, 0);
      q.pop(); // the cursor walks to 180
    }
    q.push(200, 0, 0, 2, 0); // now within the ring, same time and class, pushed later
    const got: number[] = [];
    while (q.pop()) if (q.time === 200) got.push(q.a);
    expect(got).toEqual([1, 2]);
  });

  it("runs an event in the last bucket of the ring window after earlier ones and before the overflow", () => {
    const q = new EventQueue(2, { bucketWidth: 1, buckets: 32 });
    q.push(31, 0, 0, 31, 0); // the last bucket the ring holds
    q.push(32, 0, 0, 32, 0); // one past it: overflow
    q.push(5, 0, 0, 5, 0);
    const got: number[] = [];
    while (q.pop()) got.push(q.a);
    expect(got).toEqual([5, 31, 32]);
  });

  it("keeps events hours apart and far-future events in order, and carries 32-bit arguments intact", () => {
    const q = new EventQueue(4);
    const hour = 3_600_000_000;
    const times = [5 * hour, 3, hour + 17, 2 ** 40, hour + 17, 0, 2 * hour];
    times.forEach((t, i) => q.push(t, 2, 7, i, -(2 ** 31) + i, 2 ** 31 - 1 - i));
    const order = times.map((t, i) => ({ t, i })).sort((x, y) => x.t - y.t || x.i - y.i);
    for (const { t, i } of order) {
      expect(q.pop()).toBe(true);
      expect([q.time, q.type, q.a, q.b, q.c]).toEqual([t, 7, i, -(2 ** 31) + i, 2 ** 31 - 1 - i]);
    }
    expect(q.size).toBe(0);
  });

  it("rejects a bucket width or ring size that is not a power of two", () => {
    expect(() => new EventQueue(8, { bucketWidth: 1000 })).toThrow(/bucketWidth = 1000/);
    expect(() => new EventQueue(8, { buckets: 100 })).toThrow(/buckets = 100/);
  });
});
