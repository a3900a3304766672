import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { BUDGET_TIMER, SHAPER_TIMERS, nextGeneration, timerToken, tokenGeneration, tokenTimer } from "../../../sim/engine/timer-token.ts";

describe("timer tokens", () => {
  it("carry a timer id and a 28-bit generation, and give them back", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: BUDGET_TIMER }), fc.integer({ min: 0, max: 0x0fffffff }), (id, gen) => {
        const token = timerToken(id, gen);
        expect(tokenTimer(token)).toBe(id);
        expect(tokenGeneration(token)).toBe(gen);
      }),
    );
  });

  it("wrap generations at 28 bits; the budget timer is the one after the shaper timers", () => {
    expect(nextGeneration(0)).toBe(1);
    expect(nextGeneration(0x0fffffff)).toBe(0);
    expect(BUDGET_TIMER).toBe(SHAPER_TIMERS);
    expect(timerToken(0, 1)).toBe(16);
  });
});
