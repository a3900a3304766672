import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { packetSegments } from "../../../../sim/report/figures/packet-segments.ts";

describe("packetSegments", () => {
  it("splits a padded real packet into its real bytes and its padding", () => {
    expect(packetSegments({ t: [1.5], size: [512], payload: [200], dir: [0], kind: [0] })).toEqual([
      { t: 1.5, y1: 0, y2: 200, kind: "real" },
      { t: 1.5, y1: 200, y2: 512, kind: "padding" },
    ]);
  });

  it("draws received packets downwards and names padding and cover packets", () => {
    expect(packetSegments({ t: [1, 2], size: [1500, 600], payload: [0, 0], dir: [1, 0], kind: [1, 2] })).toEqual([
      { t: 1, y1: 0, y2: -1500, kind: "padding" },
      { t: 2, y1: 0, y2: 600, kind: "cover" },
    ]);
  });

  it("accounts for every wire byte exactly once, on the packet's side of the axis", () => {
    const packet = fc.record({
      t: fc.double({ min: 0, max: 100, noNaN: true }),
      size: fc.integer({ min: 1, max: 1500 }),
      payload: fc.integer({ min: 0, max: 1500 }),
      dir: fc.constantFrom(0, 1),
      kind: fc.constantFrom(0, 1, 2),
    });
    fc.assert(
      fc.property(fc.array(packet, { maxLength: 40 }), (ps) => {
        const one = (p: (typeof ps)[number]) => ({ t: [p.t], size: [p.size], payload: [Math.min(p.payload, p.size)], dir: [p.dir], kind: [p.kind] });
        for (const p of ps) {
          const segs = packetSegments(one(p));
          expect(segs.reduce((s, d) => s + Math.abs(d.y2 - d.y1), 0)).toBe(p.size);
          for (const s of segs) expect(Math.sign(s.y2 - s.y1)).toBe(p.dir === 0 ? 1 : -1);
        }
        const all = { t: ps.map((p) => p.t), size: ps.map((p) => p.size), payload: ps.map((p) => Math.min(p.payload, p.size)), dir: ps.map((p) => p.dir), kind: ps.map((p) => p.kind) };
        expect(packetSegments(all)).toEqual(ps.flatMap((p) => packetSegments(one(p))));
      }),
    );
  });

  it("keeps only packets inside the window", () => {
    const segs = packetSegments({ t: [1, 2, 3], size: [10, 10, 10], payload: [10, 10, 10], dir: [0, 0, 0], kind: [0, 0, 0] }, 1.5, 3);
    expect(segs.map((s) => s.t)).toEqual([2, 3]);
  });
});
