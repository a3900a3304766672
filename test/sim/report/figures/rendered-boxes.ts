/**
 * Bounding boxes of a figure's elements as the renderer draws them: each element is
 * rendered alone by resvg (every other drawable element hidden, all transforms, nested
 * `<svg x y>` offsets, text anchors, `dy` shifts and the DejaVu font applied), and its
 * box read with `getBBox()`. For text this is the ink of the glyphs, so two labels whose
 * boxes do not intersect do not touch on the page. Coordinates are the figure's pixels.
 *
 * @example
 * const boxes = textBoxes(svg);           // [{ text: "none", x0, y0, x1, y1, element }, …]
 * expect(overlappingPairs(boxes)).toEqual([]);
 */
import { Resvg } from "@resvg/resvg-js";
import { DOMParser } from "linkedom";
import { FONT_FILES } from "../../../../sim/report/figures/render.ts";

export interface RenderedBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** The text drawn (for text elements), or the tag name. */
  text: string;
  element: Element;
}

const DRAWABLE = new Set(["text", "rect", "circle", "ellipse", "line", "path", "polyline", "polygon", "image", "use"]);

const OPTIONS = {
  font: { loadSystemFonts: false, fontFiles: [...FONT_FILES], defaultFontFamily: "DejaVu Sans", sansSerifFamily: "DejaVu Sans" },
  logLevel: "off" as const,
};

/** Rendered boxes of the elements `select` picks (default: every `<text>` with visible content). */
export function renderedBoxes(svg: string, select: (doc: Document) => Element[]): RenderedBox[] {
  const doc = new DOMParser().parseFromString(svg, "image/svg+xml") as unknown as Document;
  const all = Array.from(doc.querySelectorAll("*")).filter((e) => DRAWABLE.has(e.tagName.toLowerCase()) && !e.closest("defs, clipPath, style"));
  const previous = new Map<Element, string | null>();
  for (const e of all) {
    previous.set(e, e.getAttribute("display"));
    e.setAttribute("display", "none");
  }
  const out: RenderedBox[] = [];
  for (const target of select(doc)) {
    const was = previous.get(target) ?? null;
    if (was === null) target.removeAttribute("display");
    else target.setAttribute("display", was);
    const box = new Resvg(doc.toString(), OPTIONS).getBBox();
    target.setAttribute("display", "none");
    if (!box || !(box.width > 0 || box.height > 0)) continue;
    const text = target.tagName.toLowerCase() === "text" ? (target.textContent ?? "") : target.tagName.toLowerCase();
    out.push({ x0: box.x, y0: box.y, x1: box.x + box.width, y1: box.y + box.height, text, element: target });
  }
  return out;
}

/** Rendered boxes of every non-empty `<text>` of a figure. */
export function textBoxes(svg: string): RenderedBox[] {
  return renderedBoxes(svg, (doc) => Array.from(doc.querySelectorAll("text")).filter((t) => (t.textContent ?? "").trim() !== ""));
}

/** Pairs of boxes that intersect by more than `tolerance` px in both directions. */
export function overlappingPairs(boxes: readonly RenderedBox[], tolerance = 0): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i];
      const b = boxes[j];
      const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
      const h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
      if (w > tolerance && h > tolerance) out.push([a.text, b.text]);
    }
  }
  return out;
}

/** The figure's own size, from its root `<svg>`. */
export function figureSize(svg: string): { width: number; height: number } {
  const m = /^<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
  if (!m) throw new Error("not a figure: no width and height on the root <svg>");
  return { width: Number(m[1]), height: Number(m[2]) };
}
