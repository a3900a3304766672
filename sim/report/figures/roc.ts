/**
 * ROC curves as small multiples: a grid of panels, one per observer (at its vantage, on
 * its task), each with one curve per defense on a log FPR axis (docs/architecture.md §6).
 * The low-FPR end is the only part that matters for a deployable correlation attack,
 * since unlinked pairs outnumber linked ones by the number of users (Nasr, Bahramali,
 * Houmansadr, DeepCorr, ACM CCS 2018, §5).
 *
 * Drawn: the empirical step curve read on a log grid (`roc.json`), the chance diagonal
 * (dashed), the bootstrap interval of the TPR at each reported FPR (a bar, joined into a
 * band between FPRs), and a grey area where the FPR is below 10/negatives, the region
 * the run cannot resolve, so no curve is read there as a claim.
 *
 * Layout, for a page: panels share one colour key and one scale (every x axis spans the
 * same decades, every y axis 0–1), two or three to a row, each about 250 px wide, so
 * eight observers make a figure about 900 px tall rather than one strip 7,000 px tall.
 * The data area is inset from the axes: a curve starting at the smallest FPR, or lying
 * at TPR 0 or 1, runs beside the axis line, never on it. Decade labels are thinned when
 * a panel is too narrow to print them all side by side.
 *
 * @example
 * rocFigure(JSON.parse(readFileSync("results/runs/default-s1-…/roc.json", "utf8"))) // => "<svg …>"
 */
import * as Plot from "@observablehq/plot";
import { ROC_CAPTION } from "./captions.ts";
import type { RocData } from "./data.ts";
import { measureText } from "./text-metrics.ts";
import { arrange, defenseColors, figure, plotMargins, plotSvg, textBlock, type SvgPiece } from "./svg.ts";

interface CurvePoint {
  defense: string;
  fpr: number;
  tpr: number;
}

interface CiPoint {
  defense: string;
  fpr: number;
  lo: number;
  hi: number;
  estimate: number;
}

/** "1e-3" style ticks for a log axis. */
export function powerOfTenLabel(d: number): string {
  const e = Math.round(Math.log10(d));
  return e === 0 ? "1" : `1e${e}`;
}

/** Pixels between the frame and the data on every side, so no curve is drawn on an axis. */
export const ROC_INSET = { left: 7, right: 4, top: 5, bottom: 5 };

/** Plot margins of one panel. */
const MARGIN = { left: 40, right: 12, top: 16, bottom: 34 };

/**
 * Which decade ticks get a label in a panel `plotWidth` px wide: all when they fit side
 * by side (with 6 px between labels), else every second one (always including 1), and so on.
 */
export function decadeLabels(ticks: readonly number[], plotWidth: number, fontSize = 10): Set<number> {
  const n = ticks.length;
  if (n <= 1) return new Set(ticks);
  const spacing = plotWidth / (n - 1);
  const widest = Math.max(...ticks.map((t) => measureText(powerOfTenLabel(t), fontSize)));
  const every = Math.max(1, Math.ceil((widest + 6) / spacing));
  return new Set(ticks.filter((_, i) => (n - 1 - i) % every === 0));
}

export interface RocOptions {
  /** Width of one panel, px (default: 250 with three columns, 300 with two, 380 alone). */
  panelWidth?: number;
  /** Panels per row (default: 1 for one observer, 2 for up to four, else 3). */
  columns?: number;
}

export function rocFigure(roc: RocData, opts: RocOptions = {}): string {
  const defenses = roc.arms.map((a) => a.defense);
  const color = defenseColors(defenses);
  const panels = new Map<string, { observer: string; where: string; negatives: number[]; curve: CurvePoint[]; ci: CiPoint[] }>();
  let minNeg = Infinity;
  for (const arm of roc.arms) {
    for (const o of arm.observers) {
      const key = `${o.observer}@${o.vantage}/${o.task}`;
      let p = panels.get(key);
      if (!p) {
        p = { observer: o.observer, where: `at ${o.vantage}, ${o.task} task`, negatives: [], curve: [], ci: [] };
        panels.set(key, p);
      }
      if (o.negatives > 0) {
        p.negatives.push(o.negatives);
        minNeg = Math.min(minNeg, o.negatives);
      }
      o.curve.fpr.forEach((fpr, i) => p.curve.push({ defense: arm.defense, fpr, tpr: o.curve.tpr[i] }));
      for (const t of o.tprAt) {
        if (t.resolvable && t.estimate !== null && t.lo !== null && t.hi !== null) {
          p.ci.push({ defense: arm.defense, fpr: t.fpr, lo: t.lo, hi: t.hi, estimate: t.estimate });
        }
      }
    }
  }
  const n = panels.size;
  const columns = Math.max(1, Math.min(n, opts.columns ?? (n <= 1 ? 1 : n <= 4 ? 2 : 3)));
  const width = opts.panelWidth ?? (columns >= 3 ? 250 : columns === 2 ? 300 : 380);
  const height = Math.round(width * 0.8) + MARGIN.top;
  // the x domain, shared by every panel: from the smallest FPR any panel can measure (a power of ten) to 1
  const lo = Number.isFinite(minNeg) ? 10 ** Math.floor(Math.log10(1 / minNeg)) : 1e-4;
  const ticks: number[] = [];
  for (let e = Math.round(Math.log10(lo)); e <= 0; e++) ticks.push(10 ** e);
  const plotWidth = width - MARGIN.left - MARGIN.right - ROC_INSET.left - ROC_INSET.right;
  const labelled = decadeLabels(ticks, plotWidth);
  const diagonal = Array.from({ length: 61 }, (_, i) => 10 ** (Math.log10(lo) * (1 - i / 60)));
  const xPixel = (fpr: number) => MARGIN.left + ROC_INSET.left + ((Math.log10(fpr) - Math.log10(lo)) / -Math.log10(lo)) * plotWidth;

  const pieces: SvgPiece[] = [];
  for (const p of panels.values()) {
    // unresolvable: FPR < 10/negatives for the arm with the fewest negatives in this panel
    const fewest = p.negatives.length ? Math.min(...p.negatives) : 0;
    const limit = fewest > 0 ? Math.min(1, 10 / fewest) : 1;
    const marks: Plot.Markish[] = [];
    if (limit > lo) {
      marks.push(Plot.rect([{ x1: lo, x2: limit }], { x1: "x1", x2: "x2", y1: 0, y2: 1, fill: "#eeeeee", ariaHidden: "true" }));
      const room = xPixel(limit) - xPixel(lo);
      if (room >= measureText("not resolvable", 9) + 8) {
        marks.push(Plot.text(["not resolvable"], { x: lo, y: 1, dx: 4, dy: 4, textAnchor: "start", lineAnchor: "top", fill: "#777", fontSize: 9, ariaHidden: "true" }));
      }
    }
    marks.push(
      Plot.line(diagonal, { x: (d: number) => d, y: (d: number) => d, stroke: "#999", strokeDasharray: "4,3", strokeWidth: 1, ariaHidden: "true" }),
      Plot.areaY(p.ci, { x: "fpr", y1: "lo", y2: "hi", z: "defense", fill: "defense", fillOpacity: 0.15 }),
      Plot.line(p.curve, { x: "fpr", y: "tpr", z: "defense", stroke: "defense", curve: "step-after", strokeWidth: 1.5 }),
      Plot.ruleX(p.ci, { x: "fpr", y1: "lo", y2: "hi", stroke: "defense", strokeWidth: 3, strokeOpacity: 0.8 }),
      Plot.dot(p.ci, { x: "fpr", y: "estimate", fill: "defense", r: 2.5 }),
      Plot.frame({ stroke: "#ccc" }),
    );
    const plot = plotSvg({
      width,
      height,
      ...plotMargins(MARGIN),
      x: {
        type: "log",
        domain: [lo, 1],
        ticks,
        tickFormat: (d: number) => (labelled.has(d) ? powerOfTenLabel(d) : ""),
        label: "false positive rate →",
        labelAnchor: "right",
        insetLeft: ROC_INSET.left,
        insetRight: ROC_INSET.right,
      },
      y: { domain: [0, 1], ticks: [0, 0.25, 0.5, 0.75, 1], tickFormat: (d: number) => String(d), grid: true, label: "↑ true positive rate", insetTop: ROC_INSET.top, insetBottom: ROC_INSET.bottom },
      color,
      marks,
    });
    const title = textBlock(
      [
        { text: p.observer, size: 12, bold: true },
        { text: `${p.where}${fewest > 0 ? `, ${fewest.toLocaleString("en-US")} negatives` : ""}`, size: 10, color: "#555" },
      ],
      width,
    );
    pieces.push(arrange([title, plot], "column", 0));
  }
  let body: SvgPiece[];
  if (pieces.length === 0) body = [textBlock([{ text: "No observer produced scores in this run.", size: 12 }], 380)];
  else {
    const rows: SvgPiece[] = [];
    for (let i = 0; i < pieces.length; i += columns) rows.push(arrange(pieces.slice(i, i + columns), "row", 14));
    body = [arrange(rows, "column", 12)];
  }
  return figure({
    id: "roc",
    title: "ROC curves per observer and defense",
    caption: ROC_CAPTION,
    key: defenses.map((d, i) => ({ label: d, color: color.range[i], shape: "line" as const })),
    panels: body,
  });
}

export { ROC_CAPTION };
