import { describe, expect, it } from "vitest";
import { definition } from "../../observers/lagged-correlation.ts";
import { validateObserverParams } from "../../sim/experiment/registries.ts";
import { auc, run, synthetic, top1 } from "./synthetic.ts";

describe("lagged-correlation", () => {
  it("finds pairs whose traffic is shifted by more than a bin", () => {
    // 4–6 s from send to delivery: beyond a 1 s bin, within the ±10 s lag range.
    const delayed = synthetic({ users: 40, pairs: 12, seconds: 1200, seed: 12, latencyMs: 4000, jitterMs: 2000 });
    const lagged = run(definition, {}, delayed);
    const flat = run(definition, { maxLagBins: 1 }, delayed);
    expect(auc(lagged.positives, lagged.negatives)).toBeGreaterThan(0.97);
    expect(top1(lagged)).toBeGreaterThan(0.8);
    // Without enough lag the same observer loses the pairs.
    let gain = 0;
    for (let k = 0; k < lagged.positives.length; k++) gain += lagged.positives[k] - flat.positives[k];
    expect(gain / lagged.positives.length).toBeGreaterThan(0.3);
  });

  it("the CCOD z-score variant also links pairs above chance with a wide lag range", () => {
    const s = run(definition, { peak: "zscore", maxLagBins: 60, binSeconds: 5 }, synthetic({ users: 40, pairs: 12, seconds: 1200, seed: 12 }));
    expect(auc(s.positives, s.negatives)).toBeGreaterThan(0.9);
  });

  it("is at chance against constant-rate traffic", () => {
    const s = run(definition, {}, synthetic({ users: 40, pairs: 12, seconds: 1200, seed: 12, constantRate: { intervalMs: 20, size: 200 } }));
    expect(Math.abs(auc(s.positives, s.negatives) - 0.5)).toBeLessThan(0.02);
  });

  it("says what it sees and cannot see; rejects a zero lag", () => {
    expect(definition.sees.length).toBeGreaterThan(10);
    expect(definition.cannotSee.length).toBeGreaterThan(10);
    expect(() => validateObserverParams(definition, { maxLagBins: 0 })).toThrow(/observer "lagged-correlation" parameter maxLagBins = 0/);
    expect(validateObserverParams(definition, {})).toMatchObject({ binSeconds: 1, maxLagBins: 10, peak: "max" });
  });
});
