import { describe, expect, it } from "vitest";
import { meetsTarget, parseTarget } from "../../../sim/sweep/target.ts";

describe("privacy targets", () => {
  it("parses figure, comparison and bound, normalising the FPR", () => {
    expect(parseTarget("tpr@1e-3<=0.05")).toEqual({ metric: "tpr@1e-3", op: "<=", bound: 0.05, text: "tpr@1e-3<=0.05" });
    expect(parseTarget("tpr@0.01 < 0.2").metric).toBe("tpr@1e-2");
    expect(parseTarget("auc<=0.6").metric).toBe("auc");
  });

  it("rejects what is not a target, one line naming the value", () => {
    expect(() => parseTarget("auc>=0.6")).toThrow(/--target = "auc>=0.6": expected/);
    expect(() => parseTarget("speed<=1")).toThrow(/expected/);
    expect(() => parseTarget("tpr@2<=0.1")).toThrow(/FPR in \(0, 1\)/);
    expect(() => parseTarget("auc<=1.5")).toThrow(/bound from 0 to 1/);
  });

  it("an unresolvable figure never meets a target", () => {
    const t = parseTarget("auc<0.6");
    expect(meetsTarget(t, 0.59)).toBe(true);
    expect(meetsTarget(t, 0.6)).toBe(false);
    expect(meetsTarget(parseTarget("auc<=0.6"), 0.6)).toBe(true);
    expect(meetsTarget(t, null)).toBe(false);
  });
});
