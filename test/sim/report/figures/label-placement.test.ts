import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hitsCircle, overlaps, placeLabels, segmentHitsBox, type Box, type LabelRequest } from "../../../../sim/report/figures/label-placement.ts";

const AREA: Box = { x0: 0, y0: 0, x1: 240, y1: 200 };

describe("placeLabels", () => {
  it("puts a lone label right next to its point, up and to the right, without a leader", () => {
    const [l] = placeLabels([{ x: 50, y: 100, r: 4.5, width: 40, height: 12 }], AREA);
    expect(l.clear).toBe(true);
    expect(l.leader).toBe(false);
    expect(l.anchor).toBe("start");
    expect(l.box.x0).toBeGreaterThan(50);
    expect(l.box.y1).toBeLessThanOrEqual(100);
    expect(Math.hypot(l.box.x0 - 50, l.box.y1 - 100)).toBeLessThan(15);
  });

  it("keeps labels inside the area: a point at the right edge gets its label on the left", () => {
    const [l] = placeLabels([{ x: 236, y: 100, r: 4.5, width: 60, height: 12 }], AREA);
    expect(l.anchor).toBe("end");
    expect(l.box.x0).toBeGreaterThanOrEqual(AREA.x0);
    expect(l.box.x1).toBeLessThanOrEqual(AREA.x1);
  });

  it("never overlaps labels or points, even when ten points coincide", () => {
    const reqs: LabelRequest[] = Array.from({ length: 10 }, (_, i) => ({ x: 30, y: 30, r: 4.5, width: 50 + 3 * i, height: 12 }));
    const placed = placeLabels(reqs, AREA);
    expect(placed.every((p) => p.clear)).toBe(true);
    for (let i = 0; i < placed.length; i++) {
      for (let j = i + 1; j < placed.length; j++) expect(overlaps(placed[i].box, placed[j].box)).toBe(false);
      expect(hitsCircle(placed[i].box, reqs[i])).toBe(false);
    }
    // most had to move away: they are joined to the point
    expect(placed.filter((p) => p.leader).length).toBeGreaterThan(5);
    for (const p of placed.filter((x) => x.leader)) expect(Math.hypot(p.from.x - 30, p.from.y - 30)).toBeCloseTo(4.5, 5);
  });

  it("holds for random scatters that leave room (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ x: fc.integer({ min: 5, max: 235 }), y: fc.integer({ min: 5, max: 195 }), w: fc.integer({ min: 15, max: 70 }) }), { minLength: 1, maxLength: 12 }),
        (pts) => {
          const reqs = pts.map((p) => ({ x: p.x, y: p.y, r: 4.5, width: p.w, height: 12 }));
          const placed = placeLabels(reqs, AREA);
          for (let i = 0; i < placed.length; i++) {
            if (!placed[i].clear) continue;
            const b = placed[i].box;
            expect(b.x0 >= AREA.x0 && b.x1 <= AREA.x1 && b.y0 >= AREA.y0 && b.y1 <= AREA.y1).toBe(true);
            for (const r of reqs) expect(hitsCircle(b, r)).toBe(false);
            for (let j = 0; j < placed.length; j++) if (j !== i && placed[j].clear) expect(overlaps(b, placed[j].box)).toBe(false);
          }
          // twelve labels in a 240×200 plot always find room
          expect(placed.every((p) => p.clear)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("avoids soft obstacles (whiskers) when a clear spot is about as near", () => {
    const whisker: Box = { x0: 40, y0: 60, x1: 160, y1: 62 };
    const [l] = placeLabels([{ x: 100, y: 61, r: 4.5, width: 30, height: 12 }], AREA, { soft: [whisker] });
    expect(overlaps(l.box, whisker)).toBe(false);
  });

  it("clips segments against boxes", () => {
    const b = { x0: 10, y0: 10, x1: 20, y1: 20 };
    expect(segmentHitsBox({ x: 0, y: 15 }, { x: 30, y: 15 }, b)).toBe(true);
    expect(segmentHitsBox({ x: 0, y: 0 }, { x: 30, y: 5 }, b)).toBe(false);
    expect(segmentHitsBox({ x: 15, y: 0 }, { x: 15, y: 9 }, b)).toBe(false);
  });
});
