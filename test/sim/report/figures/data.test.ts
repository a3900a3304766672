import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rocCurve } from "../../../../observers/metrics.ts";
import { CDF_LEVELS, dataJson, energyData, figureData, latencyData, round, rocOnLogGrid, timelineData } from "../../../../sim/report/figures/data.ts";
import { dataFiles } from "../../../../sim/report/figures/index.ts";
import { syntheticRun } from "./synthetic.ts";

describe("rocOnLogGrid", () => {
  it("reads the exact step curve at log-spaced FPRs from 1/negatives to 1", () => {
    const score = fc.integer({ min: 0, max: 30 });
    fc.assert(
      fc.property(fc.array(score, { minLength: 1, maxLength: 30 }), fc.array(score, { minLength: 1, maxLength: 60 }), (pos, neg) => {
        const c = rocCurve(pos, neg);
        const g = rocOnLogGrid(c.fpr, c.tpr, neg.length, 21);
        expect(g.fpr).toHaveLength(21);
        expect(g.fpr[0]).toBeCloseTo(1 / neg.length, 3);
        expect(g.fpr[20]).toBe(1);
        expect(g.tpr[20]).toBe(1);
        for (let k = 0; k < 21; k++) {
          // brute force: the highest TPR among curve points with FPR <= grid point
          let best = 0;
          for (let i = 0; i < c.fpr.length; i++) if (c.fpr[i] <= g.fpr[k] * (1 + 1e-3)) best = Math.max(best, c.tpr[i]);
          expect(g.tpr[k]).toBeCloseTo(best, 4);
          if (k > 0) expect(g.tpr[k]).toBeGreaterThanOrEqual(g.tpr[k - 1]);
        }
      }),
    );
  });

  it("is empty without a curve", () => {
    expect(rocOnLogGrid([], [], 10)).toEqual({ fpr: [], tpr: [] });
  });
});

describe("figure data", () => {
  const output = syntheticRun();

  it("pairs each observer with its ROC curve and its TPR intervals", () => {
    const d = figureData(output);
    for (const [a, arm] of d.roc.arms.entries()) {
      expect(arm.defense).toBe(output.metrics.arms[a].defense);
      for (const o of arm.observers) {
        expect(o.curve.fpr).toHaveLength(121);
        expect(o.tprAt.map((t) => t.fpr)).toEqual([1e-4, 1e-3, 1e-2]);
      }
    }
  });

  it("keeps each traced packet with its columns, capped at maxPackets", () => {
    const full = timelineData(output);
    const arm = full.users[0].arms[2];
    const trace = output.extras[2].timelines[0].trace;
    expect(arm.t).toHaveLength(trace.length);
    expect(arm.t[3]).toBe(trace.time[3] / 1e6);
    expect([arm.size[3], arm.payload[3], arm.dir[3], arm.kind[3]]).toEqual([trace.size[3], trace.payload[3], trace.dir[3], trace.kind[3]]);
    const capped = timelineData(output, { maxPackets: 5 }).users[0].arms[2];
    expect(capped.t).toHaveLength(5);
    expect(capped.truncated).toBe(true);
    expect(capped.packets).toBe(trace.length);
  });

  it("summarises latency and energy as non-decreasing quantiles", () => {
    for (const a of latencyData(output).arms) {
      expect(a.cdf.p).toEqual([...CDF_LEVELS]);
      for (let i = 1; i < a.cdf.ms.length; i++) expect(a.cdf.ms[i]).toBeGreaterThanOrEqual(a.cdf.ms[i - 1]);
      expect(a.cdf.ms[200]).toBe(round(Math.max(...output.extras.find((e) => e.defense === a.defense)!.addedLatencyMs), 3));
    }
    for (const a of energyData(output).arms) {
      for (let i = 1; i < a.distribution.value.length; i++) expect(a.distribution.value[i]).toBeGreaterThanOrEqual(a.distribution.value[i - 1]);
    }
  });

  it("writes plain JSON that parses back equal and holds no NaN", () => {
    const files = dataFiles(output);
    expect(Object.keys(files).sort()).toEqual(["energy.json", "latency.json", "roc.json", "timeline.json"]);
    for (const text of Object.values(files)) {
      expect(text).not.toMatch(/NaN|Infinity/);
      expect(dataJson(JSON.parse(text))).toBe(text);
    }
    expect(() => dataJson({ x: Number.NaN })).toThrow(/NaN/);
    expect(() => round(Number.POSITIVE_INFINITY, 2)).toThrow(/Infinity/);
  });
});
