import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FONT_FILES, svgToPng } from "../../../../sim/report/figures/render.ts";

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Uint8Array): [number, number] {
  const v = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return [v.getUint32(16), v.getUint32(20)];
}

const textSvg = (text: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="30"><rect width="120" height="30" fill="white"/><text x="4" y="20" font-family="DejaVu Sans, sans-serif" font-size="14">${text}</text></svg>`;

describe("svgToPng", () => {
  it("uses only the DejaVu fonts of the dejavu-fonts-ttf npm package", () => {
    expect(FONT_FILES.length).toBeGreaterThan(0);
    for (const f of FONT_FILES) {
      expect(f).toMatch(/node_modules[\\/]dejavu-fonts-ttf[\\/]ttf[\\/]DejaVuSans[\w-]*\.ttf$/);
      expect(existsSync(f)).toBe(true);
    }
  });

  it("writes a PNG at twice the SVG's size by default", () => {
    const png = svgToPng(textSvg("abc"));
    expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(pngSize(png)).toEqual([240, 60]);
    expect(pngSize(svgToPng(textSvg("abc"), { scale: 1 }))).toEqual([120, 30]);
  });

  it("draws text with the bundled font (text changes the pixels)", () => {
    const blank = svgToPng(textSvg(""));
    const a = svgToPng(textSvg("chaff"));
    const b = svgToPng(textSvg("shaper"));
    expect(Buffer.from(a).equals(Buffer.from(blank))).toBe(false);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });

  it("is deterministic", () => {
    expect(Buffer.from(svgToPng(textSvg("same"))).equals(Buffer.from(svgToPng(textSvg("same"))))).toBe(true);
  });

  it("rejects a nonsensical scale", () => {
    expect(() => svgToPng(textSvg("x"), { scale: 0 })).toThrow(/scale 0/);
  });
});
