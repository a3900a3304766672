/**
 * The exposure heat map: what each vantage × observer learns under one policy, one panel
 * per defense arm (unshaped, and shaped when the policy has a shaper). Rows are vantage
 * instances (the vantage and, at local, isp and vpn-exit, its scope), columns the
 * observers with their task; a cell's colour is the observer's oriented AUC (white at
 * 0.5, chance; deepening red toward 1, the observer learns it; blue below 0.5), and each
 * cell is annotated with the AUC and its 95% bootstrap interval. A cell the run cannot
 * resolve (too few cases) is grey and says so; an observer that cannot sit at a vantage
 * has no cell.
 *
 * Drawn from the exposure summary alone (sim/exposure/summary.ts), so the same run gives
 * the same SVG, and the report redraws it from `exposure.json`.
 *
 * @example
 * exposureHeatmapFigure(exposureSummary(metrics)) // => "<svg …>"
 */
import * as Plot from "@observablehq/plot";
import type { ExposureSummary } from "../../exposure/summary.ts";
import { arrange, figure, plotMargins, plotSvg, textBlock, textWidth, type SvgPiece } from "./svg.ts";

export const EXPOSURE_HEATMAP_TITLE = "What each vantage learns: oriented AUC per vantage × observer";

export const EXPOSURE_HEATMAP_CAPTION =
  "One row per vantage instance and one column per observer (its task in brackets), one panel per defense arm of the policy: a cell's colour is the observer's oriented AUC, white at chance (0.5) and deepening red toward 1 where the observer learns what it is after, annotated with the AUC and its 95% bootstrap interval; grey cells are too few cases to resolve, and an empty place means that observer cannot sit at that vantage.";

interface Cell {
  where: string;
  column: string;
  auc: number | null;
  label: string;
}

const f2 = (x: number | null) => (x === null ? "–" : x.toFixed(2));

export function exposureHeatmapFigure(s: ExposureSummary): string {
  const rows = [...new Set(s.arms.flatMap((a) => a.cells.map((c) => c.where)))];
  const columns = [...new Set(s.arms.flatMap((a) => a.cells.map((c) => `${c.observer} (${c.task})`)))];
  const cellW = Math.max(96, ...columns.map((c) => textWidth(c, 10) / 2 + 12));
  const cellH = 34;
  const left = Math.max(60, ...rows.map((r) => textWidth(r, 10) + 12));
  const margin = { left, right: 12, top: 16, bottom: 110 };
  const width = margin.left + margin.right + columns.length * cellW;
  const height = margin.top + margin.bottom + rows.length * cellH;
  const panels: SvgPiece[] = s.arms.map((arm) => {
    const cells: Cell[] = arm.cells.map((c) => {
      const ok = c.auc.resolvable && c.auc.estimate !== null;
      return {
        where: c.where,
        column: `${c.observer} (${c.task})`,
        auc: ok ? c.auc.estimate : null,
        label: ok ? `${f2(c.auc.estimate)}\n[${f2(c.auc.lo)}, ${f2(c.auc.hi)}]` : "not\nresolvable",
      };
    });
    const resolved = cells.filter((c) => c.auc !== null);
    const plot = plotSvg({
      width,
      height,
      ...plotMargins(margin),
      x: { domain: columns, label: null, tickRotate: -35, tickSize: 0 },
      y: { domain: rows, label: null, tickSize: 0 },
      color: { type: "diverging", scheme: "RdBu", reverse: true, pivot: 0.5, domain: [0, 1] },
      marks: [
        Plot.cell(
          cells.filter((c) => c.auc === null),
          { x: "column", y: "where", fill: "#e4e4e4", inset: 1 },
        ),
        Plot.cell(resolved, { x: "column", y: "where", fill: "auc", inset: 1 }),
        Plot.text(cells, {
          x: "column",
          y: "where",
          text: "label",
          fontSize: 9.5,
          lineHeight: 1.15,
          fill: (c: Cell) => (c.auc !== null && Math.abs(c.auc - 0.5) > 0.35 ? "white" : "#222"),
        }),
      ],
    });
    return arrange([textBlock([{ text: `${arm.defense} (${arm.device} / ${arm.server})`, size: 12, bold: true }], width), plot], "column", 2);
  });
  return figure({
    id: "exposure-heatmap",
    title: EXPOSURE_HEATMAP_TITLE,
    caption: EXPOSURE_HEATMAP_CAPTION,
    notes: [`Policy ${s.policy}: ${s.purpose} ${s.users} users, ${s.durationSeconds} s simulated, seed ${s.seed}.`],
    panels,
    direction: "column",
  });
}
