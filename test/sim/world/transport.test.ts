/**
 * Transport: segmentation into TLS records and TCP segments, and the delayed-ACK rule
 * (RFC 1122 §4.2.3.2) the world follows to send pure ACKs in the opposite direction.
 */
import { describe, expect, it } from "vitest";
import {
  ACK_ARM,
  ACK_NONE,
  ACK_NOW,
  DelayedAcks,
  PURE_ACK_BYTES,
  TCP_IP_HEADERS,
  TLS_RECORD_OVERHEAD,
  Transport,
  ackSchema,
  transportSchema,
} from "../../../sim/world/transport.ts";
import { MILLISECOND } from "../../../sim/core/time.ts";

const transport = (raw: unknown = {}) => new Transport(transportSchema.parse(raw));

/** Replays data-segment arrivals (and the receiver's own sends) through the rule; returns the pure ACKs' times. */
function ackTimes(acks: DelayedAcks, arrivals: number[], sends: number[] = []): number[] {
  type Ev = { t: number; kind: "seg" | "send" | "timer" };
  const events: Ev[] = [...arrivals.map((t) => ({ t, kind: "seg" as const })), ...sends.map((t) => ({ t, kind: "send" as const }))];
  const out: number[] = [];
  for (;;) {
    events.sort((a, b) => a.t - b.t || (a.kind === "timer" ? -1 : 0));
    const ev = events.shift();
    if (!ev) return out;
    if (ev.kind === "seg") {
      const what = acks.segment(0, ev.t);
      if (what === ACK_NOW) out.push(ev.t);
      else if (what === ACK_ARM) events.push({ t: acks.deadline(0), kind: "timer" });
    } else if (ev.kind === "send") acks.piggyback(0, ev.t);
    else if (acks.fire(0, ev.t)) out.push(ev.t);
  }
}

describe("transport parameters", () => {
  it("turns delayed ACKs on by default: one per two segments, 40 ms timeout, 52-byte pure ACKs", () => {
    const t = transport();
    expect(t.acks).toBe(true);
    expect(t.ackBytes).toBe(52);
    expect(PURE_ACK_BYTES).toBe(20 + 20 + 12);
    expect(t.spec.acks).toEqual({ enabled: true, segmentsPerAck: 2, delayMs: 40, bytes: 52 });
    const acks = t.delayedAcks(4)!;
    expect(acks.every).toBe(2);
    expect(acks.delay).toBe(40 * MILLISECOND);
  });

  it("has a switch to turn them off, and refuses out-of-range settings", () => {
    const off = transport({ acks: { enabled: false } });
    expect(off.acks).toBe(false);
    expect(off.delayedAcks(4)).toBeNull();
    expect(ackSchema.safeParse({ segmentsPerAck: 0 }).success).toBe(false);
    expect(ackSchema.safeParse({ delayMs: 600 }).success).toBe(false);
    expect(ackSchema.safeParse({ bytes: 20 }).success).toBe(false);
    expect(ackSchema.safeParse({ every: 2 }).success).toBe(false);
  });

  it("sizes a pure ACK inside the tunnel like any inner packet", () => {
    const vpn = transport({ vpn: {} });
    expect(vpn.outer(vpn.ackBytes)).toBe(64 + 60);
  });
});

describe("segmentation", () => {
  it("cuts a message into full segments of MSS plus headers, the last one shorter", () => {
    const t = transport();
    const wire = new Int32Array(64);
    const real = new Int32Array(64);
    const bytes = 10_000;
    const padded = t.recordLength(bytes);
    const n = t.segmentMessage(bytes, padded, wire, real);
    const stream = padded + TLS_RECORD_OVERHEAD;
    expect(n).toBe(Math.ceil(stream / t.mss));
    for (let k = 0; k < n - 1; k++) expect(wire[k]).toBe(1500);
    expect(wire[n - 1]).toBe(stream - (n - 1) * t.mss + TCP_IP_HEADERS);
    expect(Array.from(real.subarray(0, n))).toEqual(Array.from(wire.subarray(0, n)));
  });
});

describe("delayed ACKs", () => {
  const spec = ackSchema.parse({});
  const ms = MILLISECOND;

  it("acknowledges every second segment at once", () => {
    const acks = new DelayedAcks(spec, 1);
    const arrivals = Array.from({ length: 10 }, (_, k) => k * ms);
    expect(ackTimes(acks, arrivals)).toEqual([1, 3, 5, 7, 9].map((k) => k * ms));
    expect(acks.sent).toBe(5);
  });

  it("acknowledges a lone segment when the delayed-ACK timer fires, 40 ms later", () => {
    const acks = new DelayedAcks(spec, 1);
    expect(acks.segment(0, 1000)).toBe(ACK_ARM);
    expect(acks.deadline(0)).toBe(1000 + 40 * ms);
    expect(acks.fire(0, 1000 + 40 * ms)).toBe(true);
    expect(acks.deadline(0)).toBe(Infinity);
    // A message of n segments gets ceil(n / 2) pure ACKs: n/2 at once, one more by the timer when n is odd.
    for (const n of [1, 2, 3, 7, 12]) {
      const times = ackTimes(new DelayedAcks(spec, 1), Array.from({ length: n }, (_, k) => k * ms));
      expect(times.length, `${n} segments`).toBe(Math.ceil(n / 2));
      if (n % 2 === 1) expect(times.at(-1)).toBe((n - 1) * ms + 40 * ms);
    }
  });

  it("ignores a timer that the second segment made stale", () => {
    const acks = new DelayedAcks(spec, 1);
    expect(acks.segment(0, 0)).toBe(ACK_ARM);
    const stale = acks.deadline(0);
    expect(acks.segment(0, 5 * ms)).toBe(ACK_NOW);
    expect(acks.fire(0, stale)).toBe(false);
    // A third segment arms a new timer; a fourth before it is a plain ACK_NOW, a segment while it runs ACK_NONE.
    const three = new DelayedAcks({ ...spec, segmentsPerAck: 3 }, 1);
    expect(three.segment(0, 0)).toBe(ACK_ARM);
    expect(three.segment(0, 1)).toBe(ACK_NONE);
    expect(three.segment(0, 2)).toBe(ACK_NOW);
  });

  it("lets data the receiver sends carry the ACK (no pure ACK)", () => {
    const acks = new DelayedAcks(spec, 1);
    expect(ackTimes(acks, [0], [10 * ms])).toEqual([]);
    expect(acks.piggybacked).toBe(1);
    // A send after the timer fired changes nothing.
    expect(ackTimes(new DelayedAcks(spec, 1), [0], [50 * ms])).toEqual([40 * ms]);
  });

  it("keeps each endpoint's count apart", () => {
    const acks = new DelayedAcks(spec, 3);
    expect(acks.segment(0, 0)).toBe(ACK_ARM);
    expect(acks.segment(2, 0)).toBe(ACK_ARM);
    expect(acks.segment(0, 1)).toBe(ACK_NOW);
    expect(acks.deadline(2)).toBe(40 * ms);
    expect(acks.deadline(1)).toBe(Infinity);
  });

  it("with segmentsPerAck 1 acknowledges every segment at once", () => {
    const acks = new DelayedAcks({ ...spec, segmentsPerAck: 1 }, 1);
    expect(ackTimes(acks, [0, 1, 2, 3])).toEqual([0, 1, 2, 3]);
  });

  it("acknowledges whole segments of messages only: not a piece before a segment's last, pure ACKs or call frames", () => {
    expect(Transport.acknowledges(7, true)).toBe(true);
    expect(Transport.acknowledges(0, true)).toBe(true);
    expect(Transport.acknowledges(7, false)).toBe(false);
    expect(Transport.acknowledges(-1, true)).toBe(false);
    expect(Transport.acknowledges(-2 - 5, true)).toBe(false);
  });
});
