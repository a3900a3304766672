import { describe, expect, it } from "vitest";
import { activeTimer, PhaseTimer, threadCpuSeconds, timed, timedAsync, withActiveTimer } from "../../../sim/core/phase-timer.ts";

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

  it("counts nested time once: the inner span's seconds are carved out of the outer one", async () => {
    const timer = new PhaseTimer();
    const t0 = performance.now();
    await timer.timeAsync("simulate", async () => {
      spin(10);
      timer.time("train", () => spin(20));
      spin(10);
      await timer.timeAsync("score", async () => {
        timer.time("bootstrap", () => spin(10));
      });
    });
    const total = (performance.now() - t0) / 1e3;
    const t = timer.toJSON();
    expect(Object.keys(t)).toEqual(["simulate", "train", "score", "bootstrap"]);
    const sum = t.simulate!.wallSeconds + t.train!.wallSeconds + t.score!.wallSeconds + t.bootstrap!.wallSeconds;
    // Counted once: the phases add up to no more than the time around them all.
    expect(sum).toBeLessThanOrEqual(total + 1e-9);
    expect(t.train!.wallSeconds).toBeGreaterThanOrEqual(0.02);
    expect(t.simulate!.wallSeconds).toBeGreaterThanOrEqual(0.02);
    expect(t.simulate!.spans).toBe(1);
    expect(t.train!.spans).toBe(1);
    const cpuSum = t.simulate!.cpuSeconds + t.train!.cpuSeconds + t.score!.cpuSeconds + t.bootstrap!.cpuSeconds;
    expect(cpuSum).toBeGreaterThan(0);
  });

  it("counts a span ended out of order once, and resumes the one it interrupted", () => {
    const timer = new PhaseTimer();
    const t0 = performance.now();
    const endOuter = timer.start("simulate");
    spin(5);
    const endInner = timer.start("extract");
    spin(5);
    endOuter(); // out of order: it was paused, so it adds nothing more but its span
    spin(5);
    endInner();
    endInner(); // a second call is ignored
    const total = (performance.now() - t0) / 1e3;
    const t = timer.toJSON();
    expect(t.simulate!.spans).toBe(1);
    expect(t.extract!.spans).toBe(1);
    expect(t.simulate!.wallSeconds + t.extract!.wallSeconds).toBeLessThanOrEqual(total + 1e-9);
    expect(t.extract!.wallSeconds).toBeGreaterThanOrEqual(0.01);
  });

  it("adds timed spans to the active timer only, and restores the previous one", async () => {
    expect(activeTimer()).toBeNull();
    expect(timed("bootstrap", () => 7)).toBe(7);
    const outer = new PhaseTimer();
    const inner = new PhaseTimer();
    await withActiveTimer(outer, async () => {
      timed("bootstrap", () => spin(1));
      await withActiveTimer(inner, async () => {
        expect(await timedAsync("train", async () => 3)).toBe(3);
      });
      expect(activeTimer()).toBe(outer);
    });
    expect(activeTimer()).toBeNull();
    expect(Object.keys(outer.toJSON())).toEqual(["bootstrap"]);
    expect(Object.keys(inner.toJSON())).toEqual(["train"]);
  });
});
