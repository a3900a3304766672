/**
 * The engine's random streams stepped in place draw exactly the named stream's numbers:
 * a bulk draw (`fill`) is `n` calls of `next()`, on an `Rng` and on an egress slot's
 * stream, and a jittering link adds `Rng.exponential`'s draws of its stream, rounded.
 */
import { describe, expect, it } from "vitest";
import { Egress } from "../../../sim/engine/egress.ts";
import type { EgressSink, TimerScheduler } from "../../../sim/engine/egress-host.ts";
import { Link } from "../../../sim/engine/link.ts";
import { stream } from "../../../sim/core/rng.ts";

const NO_SINK: EgressSink & TimerScheduler = { onPiece() {}, onWire() {}, scheduleTimer() {} };

describe("streams stepped in place", () => {
  it("Rng.fill(n) gives the numbers n calls of next() give, and leaves the stream where they would", () => {
    const a = stream(5, "fill/rng");
    const b = stream(5, "fill/rng");
    const got = new Float64Array(1000);
    a.fill(got, 999);
    const want = Array.from({ length: 999 }, () => b.next());
    expect(Array.from(got.subarray(0, 999))).toEqual(want);
    expect(got[999]).toBe(0); // nothing written past n
    expect(a.next()).toBe(b.next());
  });

  it("an egress slot's fill(n) is its stream's next n draws, between single draws", () => {
    const eg = new Egress({ slots: 3, mtu: 1500, sink: NO_SINK, scheduler: NO_SINK });
    const rng = eg.seedStream(2, { seed: 9, path: "fill/slot" });
    const ref = stream(9, "fill/slot");
    expect(rng.next()).toBe(ref.next());
    const got = new Float64Array(257);
    rng.fill?.(got, 257);
    expect(Array.from(got)).toEqual(Array.from({ length: 257 }, () => ref.next()));
    expect(rng.exponential(3)).toBe(ref.exponential(3));
  });

  it("a jittering link adds its stream's exponential draws, rounded to whole µs", () => {
    const spec = { bandwidthBps: 8e6, latency: 10_000, jitter: 700 };
    const link = new Link(spec, { seed: 3, path: "link/jitter" });
    const ref = stream(3, "link/jitter");
    let last = 0;
    for (let k = 0; k < 200; k++) {
      const now = k * 5_000; // far apart: no queueing, and arrivals keep order only by the max rule
      const finish = now + 1_000; // 1000 B at 8 Mbit/s
      let want = finish + spec.latency + Math.round(ref.exponential(spec.jitter));
      if (want < last) want = last;
      last = want;
      expect(link.transmit(now, 1_000)).toBe(want);
    }
  });
});
