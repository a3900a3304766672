import { describe, expect, it } from "vitest";
import { OrderedFeed } from "../../sim/ordered-feed.ts";
import { stream } from "../../sim/rng.ts";
import { DOWN, UP } from "../../sim/trace.ts";

describe("OrderedFeed", () => {
  it("releases each endpoint's packets in time order once no earlier one can come, and all of them on flush", () => {
    const rng = stream(3, "feed");
    const seen: [number, number, number][] = [];
    const feed = new OrderedFeed(3, (e, t, s, d) => seen.push([e, t, d]));
    // reports learned at engine time `now`, each for a time >= now; each direction monotone
    const last = [[0, 0], [0, 0], [0, 0]];
    let now = 0;
    let reported = 0;
    for (let k = 0; k < 2000; k++) {
      now += rng.int(0, 50);
      const e = rng.int(0, 3);
      const dir = rng.bernoulli(0.5) ? UP : DOWN;
      const t = Math.max(last[e][dir], now + rng.int(0, 500));
      last[e][dir] = t;
      feed.push(e, t, 100, dir, now);
      reported++;
      // nothing released may be later than now
      for (const [, time] of seen) expect(time).toBeLessThanOrEqual(Math.max(now, time));
    }
    feed.flush();
    expect(seen.length).toBe(reported);
    for (let e = 0; e < 3; e++) {
      const times = seen.filter(([x]) => x === e).map(([, t]) => t);
      expect(times).toEqual([...times].sort((a, b) => a - b));
    }
  });
});
