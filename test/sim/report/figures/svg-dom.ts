/** Parses a figure's SVG text into a DOM (linkedom) so tests can count what was drawn. */
import { DOMParser } from "linkedom";

export function parseSvg(svg: string): Document {
  return new DOMParser().parseFromString(svg, "image/svg+xml") as unknown as Document;
}

/** The Plot charts (nested `<svg class="plot-…">`) of a figure, in drawing order. */
export function charts(svg: string): Element[] {
  return Array.from(parseSvg(svg).querySelectorAll('svg[class^="plot-"]'));
}

/**
 * Elements of one mark type (Plot's aria-label: "line", "dot", "rule", …) in a chart;
 * decoration (marks drawn with `ariaHidden`) is left out unless `hidden` is set.
 */
export function markElements(chart: Element, mark: string, shape: string, hidden = false): Element[] {
  const groups = Array.from(chart.querySelectorAll(`:scope > g[aria-label="${mark}"]`)).filter((g) => hidden || g.getAttribute("aria-hidden") !== "true");
  return groups.flatMap((g) => Array.from(g.querySelectorAll(shape)));
}

/** All text content of a figure (titles, notes, labels). */
export function texts(svg: string): string[] {
  return Array.from(parseSvg(svg).querySelectorAll("text"), (t) => t.textContent ?? "");
}

/** Where an element's own coordinate system starts in the figure: the sum of the x and y of it and every enclosing `<svg>`. */
export function offset(el: Element): { x: number; y: number } {
  let x = 0;
  let y = 0;
  for (let e: Element | null = el; e; e = e.parentElement) {
    if (e.tagName.toLowerCase() !== "svg") continue;
    x += Number(e.getAttribute("x") ?? 0);
    y += Number(e.getAttribute("y") ?? 0);
  }
  return { x, y };
}
