import { describe, expect, it } from "vitest";
import { OrderedFeed } from "../../../sim/engine/ordered-feed.ts";
import { stream } from "../../../sim/core/rng.ts";
import { DOWN, UP } from "../../../sim/core/kinds.ts";

describe("OrderedFeed", () => {
  it("releases each endpoint's packets in time order, none later than the engine's now, and all of them on flush", () => {
    const rng = stream(3, "feed");
    let now = 0;
    let flushing = false;
    const seen: { e: number; t: number; releasedAt: number }[] = [];
    const feed = new OrderedFeed(3, (e, t) => seen.push({ e, t, releasedAt: flushing ? Infinity : now }));
    // reports learned at engine time `now`, each for a time >= now; each direction monotone
    const last = [[0, 0], [0, 0], [0, 0]];
    let reported = 0;
    for (let k = 0; k < 5000; k++) {
      now += rng.int(0, 50);
      const e = rng.int(0, 3);
      const dir = rng.bernoulli(0.5) ? UP : DOWN;
      const t = Math.max(last[e][dir], now + rng.int(0, 500));
      last[e][dir] = t;
      feed.push(e, t, 100, dir, now);
      reported++;
    }
    const beforeFlush = seen.length;
    flushing = true;
    feed.flush();
    expect(beforeFlush).toBeGreaterThan(0);
    expect(seen.length).toBe(reported);
    // a packet is released only once no earlier one can still be reported
    for (const s of seen) expect(s.t).toBeLessThanOrEqual(s.releasedAt);
    for (let e = 0; e < 3; e++) {
      const times = seen.filter((s) => s.e === e).map((s) => s.t);
      expect(times).toEqual([...times].sort((a, b) => a - b));
    }
  });
});
