import { describe, expect, it } from "vitest";
import { ALEA_STATE, cellExponential, cellNext, seedCell } from "../../../sim/core/alea-cell.ts";
import { Link } from "../../../sim/engine/link.ts";
import { stream } from "../../../sim/core/rng.ts";

describe("Alea cells", () => {
  it("draw exactly the named stream's sequence, uniform and exponential, wherever the cell sits", () => {
    for (const [seed, path] of [[1, "link/up/0"], [987654321, "link/down/42"], ["x", ""]] as const) {
      const st = new Float64Array(3 + 2 * ALEA_STATE);
      seedCell(st, 3, seed, path);
      seedCell(st, 3 + ALEA_STATE, seed, `${path}/other`);
      const ours = stream(seed, path);
      for (let i = 0; i < 5_000; i++) {
        if (i % 3 === 0) expect(cellExponential(st, 3, 2000)).toBe(ours.exponential(2000));
        else expect(cellNext(st, 3)).toBe(ours.next());
      }
      // the neighbouring cell is its own stream, untouched by the draws above
      expect(cellNext(st, 3 + ALEA_STATE)).toBe(stream(seed, `${path}/other`).next());
    }
  });

  it("give a link the jitter its named stream draws, one per packet, arrivals never overtaking", () => {
    const spec = { bandwidthBps: 10e6, latency: 25_000, jitter: 2_000 };
    const link = new Link(spec, { seed: 9, path: "link/up/7" });
    const jitter = stream(9, "link/up/7");
    let freeAt = 0;
    let last = 0;
    for (let k = 0; k < 2_000; k++) {
      const now = k * 700;
      const size = 100 + ((k * 37) % 1300);
      const finish = Math.max(now, freeAt) + Math.round(size * 0.8);
      freeAt = finish;
      const arrival = Math.max(last, finish + 25_000 + Math.round(jitter.exponential(2_000)));
      last = arrival;
      expect(link.transmit(now, size)).toBe(arrival);
      expect(link.lastFinish).toBe(finish);
    }
  });

  it("give no jitter to a link without a stream", () => {
    const link = new Link({ bandwidthBps: Infinity, latency: 10_000, jitter: 2_000 }, null);
    expect(link.transmit(0, 1500)).toBe(10_000);
    expect(link.transmit(5, 1500)).toBe(10_005);
  });
});
