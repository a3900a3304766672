import { describe, expect, it } from "vitest";
import { clockLabel, durationLogTicks, durationUnit, formatMs, formatMsInterval, sigFigures } from "../../../../sim/report/figures/units.ts";

describe("durations in the unit that reads best", () => {
  it("picks ms below a second, s below three minutes, min below three hours, then h", () => {
    expect([0, 0.4, 999, 1000, 179_999, 180_000, 10_799_999, 10_800_000].map((ms) => durationUnit(ms).name)).toEqual(["ms", "ms", "ms", "s", "s", "min", "min", "h"]);
  });

  it("formats with three significant digits and never prints thousands of ms", () => {
    expect(formatMs(163_443.6)).toBe("163 s");
    expect(formatMs(0.25)).toBe("0.25 ms");
    expect(formatMs(12.345)).toBe("12.3 ms");
    expect(formatMs(1234)).toBe("1.23 s");
    expect(formatMs(250_000)).toBe("4.17 min");
    expect(formatMs(0)).toBe("0 ms");
    expect(formatMs(7_200_000 * 3)).toBe("6 h");
    for (let ms = 0.001; ms < 1e8; ms *= 3.7) expect(formatMs(ms)).not.toMatch(/^\d{4,}(\.\d+)? ms$/);
  });

  it("formats an interval in the unit of its largest value", () => {
    expect(formatMsInterval({ estimate: 1200, lo: 900, hi: 1500 })).toBe("1.2 s [0.9, 1.5]");
    expect(formatMsInterval({ estimate: 800, lo: 700, hi: 1500 })).toBe("0.8 s [0.7, 1.5]");
    expect(formatMsInterval({ estimate: 163_443.6, lo: 150_000, hi: 170_000 })).toBe("163 s [150, 170]");
    expect(formatMsInterval({ estimate: null, lo: null, hi: null })).toBe("not resolvable");
  });

  it("labels log-axis ticks each in its own unit", () => {
    expect(durationLogTicks(700_000).map((t) => t.label)).toEqual(["0", "1 ms", "10 ms", "100 ms", "1 s", "10 s", "1 min", "10 min"]);
    expect(durationLogTicks(50, false).map((t) => t.value)).toEqual([1, 10]);
  });

  it("prints significant figures without exponents, and times of day as m:ss", () => {
    expect([sigFigures(0.000123), sigFigures(123456), sigFigures(1.5), sigFigures(-2.345)]).toEqual(["0.000123", "123456", "1.5", "-2.35"]);
    expect([clockLabel(0), clockLabel(65), clockLabel(2405), clockLabel(3725)]).toEqual(["0:00", "1:05", "40:05", "1:02:05"]);
  });
});
