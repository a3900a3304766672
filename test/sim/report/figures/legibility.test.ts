/**
 * Every figure, read as a reader would: no text drawn over other text, nothing cut off
 * at the figure's edge, and a caption that says what the figure shows and how to read
 * it. Text boxes are measured on the rendered SVG (resvg, the figure font), not guessed.
 */
import { describe, expect, it } from "vitest";
import { figureData } from "../../../../sim/report/figures/data.ts";
import { FIGURE_CAPTIONS, FIGURES, renderFigures } from "../../../../sim/report/figures/index.ts";
import { figureSize, overlappingPairs, textBoxes } from "./rendered-boxes.ts";
import { texts } from "./svg-dom.ts";
import { syntheticRun } from "./synthetic.ts";

describe("figures are legible", () => {
  const output = syntheticRun();
  const svgs = renderFigures(output.metrics, JSON.parse(JSON.stringify(figureData(output))));

  for (const name of FIGURES) {
    it(`${name}: no two texts overlap and every text lies inside the figure`, () => {
      const svg = svgs[name] as string;
      const boxes = textBoxes(svg);
      expect(boxes.length).toBeGreaterThan(5);
      expect(overlappingPairs(boxes)).toEqual([]);
      const { width, height } = figureSize(svg);
      for (const b of boxes) {
        expect(b.x0, b.text).toBeGreaterThanOrEqual(0);
        expect(b.y0, b.text).toBeGreaterThanOrEqual(0);
        expect(b.x1, b.text).toBeLessThanOrEqual(width);
        expect(b.y1, b.text).toBeLessThanOrEqual(height);
      }
    });

    it(`${name}: draws its caption, one sentence saying what it shows and how to read it`, () => {
      const caption = FIGURE_CAPTIONS[name];
      expect(caption).toMatch(/^[A-Z].{80,}\.$/);
      expect(caption.slice(0, -1)).not.toMatch(/\.\s/); // one sentence
      expect(caption).toMatch(/better|hides|less|further|means|chance/); // how to read it
      // wrapped over several <text> lines in the figure, word for word
      expect(texts(svgs[name] as string).join(" ")).toContain(caption);
    });
  }

  it("the text-box check catches two labels drawn on top of each other", () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="50" font-family="DejaVu Sans"><text x="10" y="20" font-size="10">constant-rate</text><g transform="translate(30,2)"><text x="0" y="20" font-size="10">padme</text></g><text x="150" y="40" font-size="10">apart</text></svg>`;
    expect(overlappingPairs(textBoxes(svg))).toEqual([["constant-rate", "padme"]]);
  });
});
