/**
 * Figures as standalone SVG strings: Observable Plot rendered on linkedom's DOM in Node,
 * then laid out with a title and a key into one SVG file.
 *
 * Plot's own legends and titles are HTML (a `<figure>`), and its ramp legends need a
 * canvas, so a figure file uses none of them: `plotSvg` refuses anything but an `<svg>`,
 * and `figure` draws the title and a swatch key itself (reference/ecosystem.md §2).
 *
 * Output is deterministic and portable: ids are renumbered per figure (Plot's clip ids
 * come from a process-wide counter, and two figures inlined in one HTML page must not
 * share ids), coordinates in attributes are rounded to 2 decimals (so the last bits of a
 * float never reach the file), and the font is DejaVu Sans, which `render.ts` loads from
 * the `dejavu-fonts-ttf` npm package, never from the system.
 *
 * @example
 * const panel = plotSvg({ width: 320, height: 200, marks: [Plot.dot(rows, { x: "a", y: "b" })] });
 * figure({ id: "demo", title: "Demo", panels: [panel] }); // => '<svg xmlns="http://www.w3.org/2000/svg" …'
 */
import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";
import { measureText } from "./text-metrics.ts";

/** The figure font: bundled with the PNG renderer, the browser falls back to sans-serif. */
export const FONT_FAMILY = "DejaVu Sans, sans-serif";

/** Observable's categorical palette (observable10), used for defenses in every figure. */
export const PALETTE = ["#4269d0", "#efb118", "#ff725c", "#6cc5b0", "#3ca951", "#ff8ab7", "#a463f2", "#97bbf5", "#9c6b4e", "#9498a0"];

/** Packet kinds, in trace order (REAL = 0, PADDING = 1, COVER = 2), and their colours. */
export const KIND_NAMES = ["real", "padding", "cover"] as const;
export const KIND_COLORS = ["#4269d0", "#efb118", "#d62728"];

/** A piece of SVG with its size in pixels. */
export interface SvgPiece {
  svg: string;
  width: number;
  height: number;
}

/** A colour per defense, in the order given (the run's arm order), stable across figures. */
export function defenseColors(defenses: readonly string[]): { domain: string[]; range: string[] } {
  return { domain: [...defenses], range: defenses.map((_, i) => PALETTE[i % PALETTE.length]) };
}

/** A figure's margins in Plot's option names: `{ left, right, top, bottom }` → `{ marginLeft, … }`. */
export function plotMargins(m: { readonly left: number; readonly right: number; readonly top: number; readonly bottom: number }) {
  return { marginLeft: m.left, marginRight: m.right, marginTop: m.top, marginBottom: m.bottom };
}

/** Renders a Plot to a standalone `<svg>` string; throws if Plot returned HTML. */
export function plotSvg(options: Plot.PlotOptions): SvgPiece {
  const o = options as Record<string, unknown>;
  const legend = ["color", "opacity", "r", "symbol"].some((k) => (o[k] as { legend?: unknown } | undefined)?.legend);
  if (o.title || o.subtitle || o.caption || legend) {
    throw new Error("plotSvg: a Plot with a legend, title, subtitle or caption is HTML, not <svg>; draw labels with marks instead");
  }
  const { document } = parseHTML("<!doctype html><html><body></body></html>");
  const el = Plot.plot({ ...options, document: document as unknown as Document }) as unknown as Element;
  if (el.tagName.toLowerCase() !== "svg") {
    throw new Error(`plotSvg: Plot returned <${el.tagName.toLowerCase()}>, not <svg>; draw labels with marks instead`);
  }
  el.setAttribute("font-family", FONT_FAMILY);
  const width = Number(el.getAttribute("width"));
  const height = Number(el.getAttribute("height"));
  return { svg: el.outerHTML, width, height };
}

/** Escapes text for SVG/XML content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** The width of `s` in DejaVu Sans at `fontSize` px, rounded up (from the font's own advance widths). */
export function textWidth(s: string, fontSize: number, bold = false): number {
  return Math.ceil(measureText(s, fontSize, bold));
}

/** A block of text lines (title in bold, then notes), wrapped to `width`. */
export function textBlock(lines: { text: string; size?: number; bold?: boolean; color?: string }[], width: number): SvgPiece {
  const parts: string[] = [];
  let y = 0;
  for (const line of lines) {
    const size = line.size ?? 11;
    for (const chunk of wrap(line.text, width, (t) => measureText(t, size, line.bold))) {
      y += Math.round(size * 1.35);
      parts.push(
        `<text x="0" y="${y - Math.round(size * 0.3)}" font-size="${size}"${line.bold ? ' font-weight="bold"' : ""} fill="${line.color ?? "#222"}">${escapeXml(chunk)}</text>`,
      );
    }
  }
  return { svg: `<svg width="${width}" height="${y + 4}" font-family="${FONT_FAMILY}">${parts.join("")}</svg>`, width, height: y + 4 };
}

/** Words of `text` in lines no wider than `width` (a single longer word gets a line of its own). */
export function wrap(text: string, width: number, measure: (s: string) => number): string[] {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && measure(`${line} ${word}`) > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}

/** A swatch key: a coloured square (or line) and a label per item, wrapped to `width`. */
export function swatchKey(items: { label: string; color: string; shape?: "square" | "line" }[], width: number): SvgPiece {
  const size = 11;
  const parts: string[] = [];
  let x = 0;
  let y = 0;
  for (const item of items) {
    const w = 16 + textWidth(item.label, size) + 14;
    if (x > 0 && x + w > width) {
      x = 0;
      y += 18;
    }
    const mark =
      item.shape === "line"
        ? `<line x1="${x}" x2="${x + 12}" y1="${y + 9}" y2="${y + 9}" stroke="${item.color}" stroke-width="2.5"/>`
        : `<rect x="${x}" y="${y + 3}" width="12" height="12" fill="${item.color}"/>`;
    parts.push(`${mark}<text x="${x + 16}" y="${y + 13}" font-size="${size}" fill="#222">${escapeXml(item.label)}</text>`);
    x += w;
  }
  const height = y + 20;
  return { svg: `<svg width="${width}" height="${height}" font-family="${FONT_FAMILY}">${parts.join("")}</svg>`, width, height };
}

/** Lays pieces out side by side (`row`) or one under another (`column`). */
export function arrange(pieces: SvgPiece[], direction: "row" | "column", gap = 12): SvgPiece {
  let x = 0;
  let y = 0;
  let width = 0;
  let height = 0;
  const parts: string[] = [];
  for (const p of pieces) {
    parts.push(place(p, x, y));
    if (direction === "row") {
      x += p.width + gap;
      width = x - gap;
      height = Math.max(height, p.height);
    } else {
      y += p.height + gap;
      height = y - gap;
      width = Math.max(width, p.width);
    }
  }
  return { svg: `<svg width="${width}" height="${height}">${parts.join("")}</svg>`, width, height };
}

function place(p: SvgPiece, x: number, y: number): string {
  return p.svg.replace(/^<svg\b/, `<svg x="${x}" y="${y}"`);
}

export interface FigureLayout {
  /** Prefix for element ids, unique per figure (figures share one HTML page in the report). */
  id: string;
  title: string;
  /** The caption: one or two sentences saying what the figure shows and how to read it (drawn under the title). */
  caption?: string;
  /** Further notes under the caption: what this run's data adds (who the strongest observer is, counts). */
  notes?: string[];
  key?: { label: string; color: string; shape?: "square" | "line" }[];
  panels: SvgPiece[];
  direction?: "row" | "column";
}

/** A complete figure: title, notes, key and panels on a white background, as an SVG file. */
export function figure(layout: FigureLayout): string {
  const body = arrange(layout.panels, layout.direction ?? "column", 16);
  const width = Math.max(body.width, 480);
  const head: SvgPiece[] = [
    textBlock(
      [
        { text: layout.title, size: 14, bold: true },
        ...(layout.caption ? [{ text: layout.caption, size: 11, color: "#333" }] : []),
        ...(layout.notes ?? []).map((text) => ({ text, size: 11, color: "#555" })),
      ],
      width,
    ),
  ];
  if (layout.key && layout.key.length > 0) head.push(swatchKey(layout.key, width));
  const all = arrange([...head, body], "column", 8);
  const pad = 12;
  const W = all.width + 2 * pad;
  const H = all.height + 2 * pad;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="${FONT_FAMILY}" role="img" aria-label="${escapeXml(layout.title)}">` +
    `<rect width="${W}" height="${H}" fill="white"/>${place(all, pad, pad)}</svg>\n`;
  return tidy(svg, layout.id);
}

/** Attributes holding coordinates; only these are rounded (labels keep their digits). */
const GEOMETRY = /(\s(?:d|x|y|x1|x2|y1|y2|cx|cy|r|width|height|transform|points|viewBox)=")([^"]*)"/g;

/**
 * Makes an SVG string deterministic and self-contained: ids renumbered `<prefix>-1…` in
 * document order (references follow), numbers in geometry attributes rounded to 2 decimals.
 */
export function tidy(svg: string, prefix: string): string {
  const ids = new Map<string, string>();
  for (const m of svg.matchAll(/\sid="([^"]+)"/g)) if (!ids.has(m[1])) ids.set(m[1], `${prefix}-${ids.size + 1}`);
  let out = svg.replace(/(\sid="|url\(#|href="#)([^")]+)/g, (all, head: string, id: string) => (ids.has(id) ? `${head}${ids.get(id)}` : all));
  out = out.replace(GEOMETRY, (_all, head: string, value: string) => `${head}${roundNumbers(value, 2)}"`);
  return out;
}

/** Rounds every decimal number in `s` to `digits` decimals, dropping trailing zeros. */
export function roundNumbers(s: string, digits: number): string {
  return s.replace(/-?\d*\.\d+(?:e-?\d+)?/g, (m) => {
    const x = Number(m);
    if (!Number.isFinite(x)) return m;
    const r = Number(x.toFixed(digits));
    return String(Object.is(r, -0) ? 0 : r);
  });
}
