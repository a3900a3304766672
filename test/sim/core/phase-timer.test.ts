import { describe, expect, it } from "vitest";
import { PhaseTimer, threadCpuSeconds } from "../../../sim/core/phase-timer.ts";

function spin(ms: number): number {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x++;
  return x;
}

describe("phase timer", () => {
  it("adds wall and CPU time per phase, in pipeline order, across spans and merged timers", async () => {
    const timer = new PhaseTimer();
    expect(timer.time("score", () => spin(30))).toBeGreaterThan(0);
    timer.time("simulate", () => spin(20));
    timer.time("simulate", () => spin(20));
    await timer.timeAsync("figures", async () => spin(5));
    const worker = new PhaseTimer();
    worker.add("simulate", 1, 0.5);
    timer.merge(worker.toJSON());
    const t = timer.toJSON();
    expect(Object.keys(t)).toEqual(["simulate", "score", "figures"]);
    expect(t.simulate!.spans).toBe(3);
    expect(t.simulate!.wallSeconds).toBeGreaterThanOrEqual(1.04);
    expect(t.simulate!.cpuSeconds).toBeGreaterThan(0.5);
    expect(t.score!.wallSeconds).toBeGreaterThanOrEqual(0.03);
    expect(t.score!.cpuSeconds).toBeGreaterThan(0);
    expect(timer.format().split("\n")).toHaveLength(4);
  });

  it("counts a span that throws", () => {
    const timer = new PhaseTimer();
    expect(() => timer.time("train", () => { throw new Error("x"); })).toThrow("x");
    expect(timer.toJSON().train!.spans).toBe(1);
  });

  it("reads this thread's CPU time, which only grows", () => {
    const a = threadCpuSeconds();
    spin(10);
    expect(threadCpuSeconds()).toBeGreaterThan(a);
  });
});
