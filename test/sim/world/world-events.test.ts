import { describe, expect, it } from "vitest";
import { EventQueue } from "../../../sim/engine/event-queue.ts";
import { downlinkSlot, isUplink, peerSlot, slotSide, slotUser, uplinkSlot } from "../../../sim/world/user-slots.ts";
import {
  EventClass,
  EventType,
  frameFlow,
  frameRecipient,
  isFrameFlow,
  packSizes,
  packedReal,
  packedWire,
  pushDelivered,
  pushEnqueue,
  pushTimer,
  pushWake,
} from "../../../sim/world/world-events.ts";

describe("world events", () => {
  it("pack sizes up to 2^16 - 1 and call-frame flows, and give them back", () => {
    for (const [wire, real] of [[0, 0], [1500, 1400], [9000, 8960], [65535, 65535]]) {
      const p = packSizes(wire, real);
      expect([packedWire(p), packedReal(p)]).toEqual([wire, real]);
    }
    for (const to of [0, 1, 9999]) {
      expect(isFrameFlow(frameFlow(to))).toBe(true);
      expect(frameRecipient(frameFlow(to))).toBe(to);
    }
    expect(isFrameFlow(-1)).toBe(false);
    expect(isFrameFlow(0)).toBe(false);
  });

  it("rank by class at equal times, then by push order", () => {
    const q = new EventQueue(16);
    pushWake(q, 10, 0, 7);
    pushTimer(q, new Float64Array([10]), 3, 16);
    pushEnqueue(q, 10, 5, 42, 1500, 1400);
    pushDelivered(q, 10, 9);
    pushEnqueue(q, 5, 1, -1, 100, 60);
    const seen: [number, number, number, number][] = [];
    while (q.pop()) seen.push([q.time, q.type, q.a, q.b]);
    expect(seen).toEqual([
      [5, EventType.ENQUEUE, 1, -1],
      [10, EventType.ENQUEUE, 5, 42],
      [10, EventType.DELIVERED, 9, 0],
      [10, EventType.TIMER, 3, 16],
      [10, EventType.WAKE, 0, 7],
    ]);
    expect(EventClass.NETWORK < EventClass.DELIVERY && EventClass.DELIVERY < EventClass.TIMER && EventClass.TIMER < EventClass.WAKE).toBe(true);
  });

  it("number each user's two egresses", () => {
    expect([uplinkSlot(3), downlinkSlot(3)]).toEqual([6, 7]);
    expect([slotUser(6), slotUser(7)]).toEqual([3, 3]);
    expect([isUplink(6), isUplink(7)]).toEqual([true, false]);
    expect([peerSlot(6), peerSlot(7)]).toEqual([7, 6]);
    expect([slotSide(6), slotSide(7)]).toEqual([0, 1]);
  });
});
