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
