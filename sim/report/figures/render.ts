/**
 * SVG → PNG with @resvg/resvg-js, using only the DejaVu fonts shipped by the
 * `dejavu-fonts-ttf` npm package (system fonts are never loaded), so a figure renders
 * to the same bytes on every machine with the same lockfile, with or without fonts
 * installed (reference/ecosystem.md §2: a fresh CI machine may have none).
 *
 * @example
 * const png = svgToPng(figureSvg);      // Uint8Array, PNG at 2× the SVG's size
 * svgToPng(figureSvg, { scale: 1 });    // 1×
 */
import { createRequire } from "node:module";
import { Resvg } from "@resvg/resvg-js";

const require = createRequire(import.meta.url);

/** The font files used for every PNG: regular and bold DejaVu Sans from npm. */
export const FONT_FILES: readonly string[] = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf"].map((f) =>
  require.resolve(`dejavu-fonts-ttf/ttf/${f}`),
);

export interface PngOptions {
  /** Pixels per SVG pixel (default 2). */
  scale?: number;
}

export function svgToPng(svg: string, opts: PngOptions = {}): Uint8Array {
  const scale = opts.scale ?? 2;
  if (!(scale > 0 && scale <= 8)) throw new RangeError(`svgToPng: scale ${scale}; expected a number in (0, 8]`);
  const resvg = new Resvg(svg, {
    font: {
      loadSystemFonts: false,
      fontFiles: [...FONT_FILES],
      defaultFontFamily: "DejaVu Sans",
      sansSerifFamily: "DejaVu Sans",
      serifFamily: "DejaVu Sans",
      monospaceFamily: "DejaVu Sans",
      defaultFontSize: 10,
    },
    fitTo: { mode: "zoom", value: scale },
    background: "white",
    logLevel: "off",
  });
  const png = resvg.render().asPng();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}
