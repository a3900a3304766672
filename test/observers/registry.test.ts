import { describe, expect, it } from "vitest";
import { TASKS, VANTAGES } from "../../observers/observer.ts";
import { getObserver, loadObservers, validateObserverParams } from "../../sim/experiment/registries.ts";
import { InputError } from "../../sim/core/validation.ts";

describe("observer registry", () => {
  it("discovers every observer file, sorted by name, each fully described", async () => {
    const defs = await loadObservers();
    const names = [...defs.keys()];
    expect(names).toEqual([...names].sort());
    for (const n of ["volume-correlation", "lagged-correlation", "ipd-correlation", "event-matching", "size-histogram", "activity-detector", "learned-classifier", "size-content"]) {
      expect(names).toContain(n);
    }
    for (const def of defs.values()) {
      expect(def.sees.trim().length, def.name).toBeGreaterThan(10);
      expect(def.cannotSee.trim().length, def.name).toBeGreaterThan(10);
      expect(def.summary.length, def.name).toBeGreaterThan(10);
      expect(def.citation.length, def.name).toBeGreaterThan(10);
      expect(TASKS).toContain(def.task);
      expect(def.vantages.length).toBeGreaterThan(0);
      for (const v of def.vantages) expect(VANTAGES).toContain(v);
      expect(def.vantages).toContain(def.vantage);
      // Defaults alone are valid parameters.
      expect(() => validateObserverParams(def, {})).not.toThrow();
    }
    expect(await loadObservers()).toBe(defs);
  });

  it("finds an observer by name, and names the known ones for an unknown name", async () => {
    expect((await getObserver("event-matching")).task).toBe("link");
    await expect(getObserver("nope")).rejects.toThrow(/observer "nope": unknown; expected one of .*volume-correlation/);
  });

  it("reports every bad parameter with observer, parameter, value and expectation", async () => {
    const def = await getObserver("volume-correlation");
    try {
      validateObserverParams(def, { binSeconds: 0, maxNegatives: -5 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      const problems = (e as InputError).problems;
      expect(problems).toHaveLength(2);
      expect(problems[0]).toMatch(/observer "volume-correlation" parameter binSeconds = 0: .*>0/);
      expect(problems[1]).toMatch(/maxNegatives = -5/);
    }
  });
});
