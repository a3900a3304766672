import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { timelineData, type TimelineArm } from "../../../../sim/report/figures/data.ts";
import { KIND_COLORS } from "../../../../sim/report/figures/svg.ts";
import { busiestUser, busiestWindow, timelineFigure, timelineWindow } from "../../../../sim/report/figures/timeline.ts";
import { expectSvgSnapshot } from "./snapshot.ts";
import { charts, markElements, texts } from "./svg-dom.ts";
import { syntheticRun } from "./synthetic.ts";

const [REAL, PADDING, COVER] = KIND_COLORS;

describe("timelineFigure", () => {
  const data = timelineData(syntheticRun());
  const svg = timelineFigure(data);

  it("matches its snapshot", () => {
    expectSvgSnapshot("timeline", svg);
  });

  it("shows the undefended trace first, then each defense, in distinct kind colours", () => {
    const t = texts(svg);
    expect(t).toContain("none (undefended: before shaping)");
    const [none, padme, constant] = charts(svg).map((c) => new Set(markElements(c, "rule", "line").map((l) => l.getAttribute("stroke"))));
    expect([...none]).toEqual([REAL]);
    expect(padme.has(REAL) && padme.has(PADDING) && !padme.has(COVER)).toBe(true);
    expect(constant.has(REAL) && constant.has(PADDING) && constant.has(COVER)).toBe(true);
  });

  it("draws one line per packet of the undefended arm in the window, sent and received", () => {
    const arms = data.users[0].arms;
    const arm = arms[0];
    expect(arm.baseline).toBe(true);
    const [t0, t1] = timelineWindow(arms, data.durationSeconds);
    const inside = arm.t.map((t, i) => i).filter((i) => arm.t[i] >= t0 && arm.t[i] <= t1);
    expect(inside.some((i) => arm.dir[i] === 0) && inside.some((i) => arm.dir[i] === 1)).toBe(true);
    const [none] = charts(svg);
    expect(markElements(none, "rule", "line")).toHaveLength(inside.length);
    expect(texts(svg)).toContain(`${inside.length} packets in the window: ${(arm.size.filter((_, i) => inside.includes(i)).reduce((a, b) => a + b, 0) / 1000).toFixed(1)} kB real, 0.0 kB padding, 0.0 kB cover`);
  });

  it("keeps the window small enough to read", () => {
    const many: TimelineArm = {
      defense: "busy",
      baseline: true,
      packets: 10_000,
      truncated: false,
      t: Array.from({ length: 10_000 }, (_, i) => i * 0.01),
      size: new Array(10_000).fill(100),
      payload: new Array(10_000).fill(100),
      dir: new Array(10_000).fill(0),
      kind: new Array(10_000).fill(0),
    };
    const [t0, t1] = timelineWindow([many], 100, 60, 2500);
    const inside = many.t.filter((t) => t >= t0 && t <= t1).length;
    expect(inside).toBeLessThanOrEqual(2500);
    expect(inside).toBeGreaterThan(1000);
  });
});

describe("busiestUser", () => {
  it("reads a window late in a long run as minutes and seconds", () => {
    const data = timelineData(syntheticRun());
    const late = { ...data, durationSeconds: 3600, users: data.users.map((u) => ({ ...u, arms: u.arms.map((a) => ({ ...a, t: a.t.map((x) => x + 2400) })) })) };
    const svg = timelineFigure(late);
    expect(texts(svg)[0]).toMatch(/^Traffic of user 0 before and after shaping, (39|40):\d\d–(40|41):\d\d \(min:s\) into the run$/);
    const ticks = markElements(charts(svg)[0], "x-axis tick label", "text").map((t) => t.textContent ?? "");
    expect(ticks.length).toBeGreaterThan(2);
    for (const tick of ticks) expect(tick).toMatch(/^(39|40|41):\d\d$/);
    expect(texts(svg)).toContain("time since start (min:s) →");
  });

  it("picks the traced user with the most packets", () => {
    const arm = (n: number): TimelineArm => ({ defense: "none", baseline: true, packets: n, truncated: false, t: new Array(n).fill(1), size: new Array(n).fill(1), payload: new Array(n).fill(1), dir: new Array(n).fill(0), kind: new Array(n).fill(0) });
    const data = { kind: "chaff-timeline" as const, version: 1 as const, durationSeconds: 10, users: [{ user: 0, arms: [arm(2)] }, { user: 5, arms: [arm(9)] }, { user: 7, arms: [arm(9)] }] };
    expect(busiestUser(data)).toBe(1);
    expect(texts(timelineFigure(data))[0]).toMatch(/^Traffic of user 5 /);
  });
});

describe("busiestWindow", () => {
  it("finds a window holding as many packets as any other (brute force)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 200 }), (raw, w) => {
        const t = raw.sort((a, b) => a - b);
        const count = (s: number) => t.filter((x) => x >= s && x <= s + w).length;
        const best = Math.max(...t.map((x) => count(Math.max(0, x - w))), ...t.map((x) => count(x)));
        expect(count(busiestWindow(t, w))).toBe(best);
      }),
    );
  });
});
