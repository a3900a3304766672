import { mean } from "simple-statistics";
import { describe, expect, it } from "vitest";
import { definition } from "../../shapers/background-cover.ts";
import { COVER, REAL } from "../../sim/core/kinds.ts";
import { ksStatistic, rows, run } from "./run.ts";

describe("background-cover", () => {
  it("constant gaps: one cover packet every 1/rate from the egress start, whatever the real traffic", () => {
    expect(run(definition, { ratePerSecond: 10, packetBytes: 100 }, "", { until: 350_000 }).text).toBe(
      "100ms s100c, 200ms s100c, 300ms s100c",
    );
    expect(run(definition, { ratePerSecond: 10, packetBytes: 100 }, "0 s500, 150ms s1500, 160ms r80", { until: 350_000 }).text).toBe(
      "0 s500, 100ms s100c, 150ms s1500, 160ms r80, 200ms s100c, 300ms s100c",
    );
  });

  it("constant gaps do not drift when 1/rate is not a whole number of µs", () => {
    const out = run(definition, { ratePerSecond: 3 }, "", { until: 10_000_000 });
    const t = rows(out.trace).map((r) => r.time);
    expect(t.length).toBe(30);
    expect(t[29]).toBe(10_000_000);
    t.forEach((x, i) => expect(x).toBe(Math.round(((i + 1) * 1e6) / 3)));
  });

  it("exponential gaps: a Poisson stream at the target rate (KS test), MTU-size by default", () => {
    const out = run(definition, { ratePerSecond: 5, gaps: "exponential" }, "0 s100", { until: 1_000_000_000 });
    const cover = rows(out.trace).filter((r) => r.kind === COVER);
    expect(cover.every((r) => r.size === 1500)).toBe(true);
    const gaps = cover.slice(1).map((r, i) => r.time - cover[i].time);
    expect(Math.abs(cover.length - 5000)).toBeLessThan(4 * Math.sqrt(5000));
    expect(ksStatistic(gaps, (x) => 1 - Math.exp(-x / 200_000))).toBeLessThan(1.63 / Math.sqrt(gaps.length));
    expect(mean(gaps)).toBeGreaterThan(190_000);
    expect(rows(out.trace).filter((r) => r.kind === REAL).map((r) => r.time)).toEqual([0]);
  });
});
