import { describe, expect, it } from "vitest";
import { definition } from "../../observers/activity-detector.ts";
import { validateObserverParams } from "../../sim/experiment/registries.ts";
import { auc, run, synthetic } from "./synthetic.ts";

describe("activity-detector", () => {
  it("tells active windows from idle ones far above chance, with every feature", () => {
    const syn = synthetic({ users: 30, pairs: 10, seconds: 1800, seed: 16, messageMean: 120 });
    for (const feature of ["peak", "volume", "burstiness"]) {
      const s = run(definition, { feature }, syn);
      expect(s.task).toBe("activity");
      expect(s.positives.length + s.negatives.length).toBe(30 * 30);
      expect(s.negatives.length).toBeGreaterThan(100);
      expect(auc(s.positives, s.negatives)).toBeGreaterThan(0.9);
      expect(s.usersPerCase).toBe(1);
      expect(s.positiveUsers.length).toBe(s.positives.length);
    }
  });

  it("is at chance against constant-rate traffic, and cover lowers it", () => {
    const cbr = run(definition, {}, synthetic({ users: 30, pairs: 10, seconds: 1800, seed: 16, messageMean: 120, constantRate: { intervalMs: 100, size: 600 } }));
    expect(Math.abs(auc(cbr.positives, cbr.negatives) - 0.5)).toBeLessThan(0.02);
    const plain = run(definition, {}, synthetic({ users: 30, pairs: 10, seconds: 1800, seed: 16, messageMean: 120, photoShare: 0 }));
    const cover = run(definition, {}, synthetic({ users: 30, pairs: 10, seconds: 1800, seed: 16, messageMean: 120, photoShare: 0, coverRate: 5 }));
    expect(auc(cover.positives, cover.negatives)).toBeLessThan(auc(plain.positives, plain.negatives) - 0.1);
  });

  it("says what it sees and cannot see; rejects bad parameters", () => {
    expect(definition.sees.length).toBeGreaterThan(10);
    expect(definition.cannotSee.length).toBeGreaterThan(10);
    expect(() => validateObserverParams(definition, { windowSeconds: 0 })).toThrow(/observer "activity-detector" parameter windowSeconds = 0/);
    expect(() => validateObserverParams(definition, { subBins: 2.5 })).toThrow(/subBins = 2.5/);
  });
});
