import { describe, expect, it } from "vitest";
import { measureText } from "../../../../sim/report/figures/text-metrics.ts";
import { textBoxes } from "./rendered-boxes.ts";

describe("measureText", () => {
  it("matches the width resvg draws in the figure font, within 2 px, where 0.6 em per character is off by a third", () => {
    const samples = ["constant-rate", "iiii", "WWWW", "none", "walkie-talkie", "Privacy against cost", "added latency p99 (s) →", "1e-3"];
    for (const bold of [false, true]) {
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="${20 * samples.length}" font-family="DejaVu Sans">${samples
        .map((s, i) => `<text x="10" y="${15 + 20 * i}" font-size="11"${bold ? ' font-weight="bold"' : ""}>${s.replace("&", "&amp;")}</text>`)
        .join("")}</svg>`;
      const boxes = textBoxes(svg);
      expect(boxes).toHaveLength(samples.length);
      boxes.forEach((b, i) => {
        // ink is narrower than the advance by the side bearings: about 1 px at 11 px
        const advance = measureText(samples[i], 11, bold);
        expect(advance - (b.x1 - b.x0), samples[i]).toBeGreaterThan(-0.5);
        expect(advance - (b.x1 - b.x0), samples[i]).toBeLessThan(2.5);
      });
    }
    expect(measureText("iiii", 10) / measureText("WWWW", 10)).toBeLessThan(0.35);
  });
});
