/**
 * Privacy against cost: one dot per defense, in three panels (bandwidth overhead, p99
 * added latency, radio energy), with the Pareto front drawn as a staircase through the
 * defenses no other defense beats on both axes at once (`sim/sweep/pareto.ts`).
 *
 * Privacy is the AUC of the strongest observer on the link task against that defense,
 * as the run defined it once (`strongestRows`: the rows marked `strongest`, whose
 * figures are the maximum over observers inside each bootstrap replicate); lower is
 * better, 0.5 is chance. Both axes carry their 95% bootstrap intervals as whiskers. A
 * defense whose cost or AUC the run cannot estimate is left out of that panel.
 *
 * Labels never overlap: each defense's name is placed by `placeLabels` at the nearest
 * spot clear of every other label and every dot (whiskers and the front are avoided when
 * possible), with a leader line when it had to move away, in pixel coordinates computed
 * from the same scales Plot draws with. Latency reads in the unit its range reads best
 * in (ms, s or min).
 *
 * @example
 * paretoFigure(JSON.parse(readFileSync("results/runs/default-s1-…/metrics.json", "utf8"))) // => "<svg …>"
 */
import * as Plot from "@observablehq/plot";
import { PARETO_CAPTION } from "./captions.ts";
import type { RunMetrics } from "../../runs/metrics.ts";
import { paretoFront } from "../../sweep/pareto.ts";
import { placeLabels, type Box, type LabelRequest } from "./label-placement.ts";
import { privacyCostRows, strongestRows, type PrivacyCostRow } from "./privacy-cost.ts";
import { arrange, defenseColors, figure, plotMargins, plotSvg, textBlock, type SvgPiece } from "./svg.ts";
import { measureText } from "./text-metrics.ts";
import { durationUnit } from "./units.ts";

interface CostAxis {
  title: string;
  label: (rows: readonly PrivacyCostRow[]) => string;
  value: (r: PrivacyCostRow) => number | null;
  lo: (r: PrivacyCostRow) => number | null;
  hi: (r: PrivacyCostRow) => number | null;
  /** Scale applied to every value of the axis (a unit change), from the rows. */
  scale?: (rows: readonly PrivacyCostRow[]) => number;
}

const pct = (x: number | null) => (x === null ? null : x * 100);

/** The unit of the latency axis: the one its largest value (or upper bound) reads best in. */
function latencyUnit(rows: readonly PrivacyCostRow[]) {
  let max = 0;
  for (const r of rows) max = Math.max(max, r.latencyP99Ms ?? 0, r.latencyP99MsHi ?? 0);
  return durationUnit(max);
}

export const COST_AXES: readonly CostAxis[] = [
  { title: "Bandwidth", label: () => "bandwidth overhead (%) →", value: (r) => pct(r.bandwidth), lo: (r) => pct(r.bandwidthLo), hi: (r) => pct(r.bandwidthHi) },
  {
    title: "Latency",
    label: (rows) => `added latency p99 (${latencyUnit(rows).name}) →`,
    value: (r) => r.latencyP99Ms,
    lo: (r) => r.latencyP99MsLo,
    hi: (r) => r.latencyP99MsHi,
    scale: (rows) => 1 / latencyUnit(rows).ms,
  },
  { title: "Energy", label: () => "radio energy (J per device-hour) →", value: (r) => r.joulesPerHour, lo: (r) => r.joulesPerHourLo, hi: (r) => r.joulesPerHourHi },
];

/** Plot margins and insets of a panel; the label layout computes pixels from them. */
const MARGIN = { left: 44, right: 16, top: 30, bottom: 36 };
const INSET = { x: 12, y: 10 };
const LABEL_SIZE = 10;

interface Point {
  defense: string;
  x: number;
  lo: number | null;
  hi: number | null;
  y: number;
  yLo: number | null;
  yHi: number | null;
}

/** A linear scale from `domain` to `range` and back. */
function linear(domain: [number, number], range: [number, number]) {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const k = (r1 - r0) / (d1 - d0 || 1);
  return { to: (v: number) => r0 + (v - d0) * k, from: (p: number) => d0 + (p - r0) / k };
}

export function paretoFigure(metrics: RunMetrics, opts: { panelWidth?: number } = {}): string {
  const width = opts.panelWidth ?? 300;
  const height = 280;
  const rows = strongestRows(privacyCostRows(metrics));
  const defenses = metrics.arms.map((a) => a.defense);
  const color = defenseColors(defenses);
  const aucs = rows.flatMap((r) => [r.aucLo, r.aucHi, r.auc]).filter((v): v is number => v !== null);
  const yLo = Math.max(0, Math.min(0.5, ...aucs) - 0.02);
  const yHi = Math.min(1.02, Math.max(0.5, ...aucs) + 0.02);

  const panels: SvgPiece[] = COST_AXES.map((axis) => {
    const k = axis.scale ? axis.scale(rows) : 1;
    const s = (v: number | null) => (v === null ? null : v * k);
    const pts: Point[] = rows
      .map((r) => ({ defense: r.defense, x: s(axis.value(r)), lo: s(axis.lo(r)), hi: s(axis.hi(r)), y: r.auc, yLo: r.aucLo, yHi: r.aucHi }))
      .filter((p): p is Point => p.x !== null && p.y !== null);
    const front = paretoFront(pts.map((p) => [p.x, p.y]))
      .map((i) => pts[i])
      .sort((a, b) => a.x - b.x || a.y - b.y);
    const onFront = new Set(front);
    const xs = pts.flatMap((p) => [p.x, p.lo, p.hi]).filter((v): v is number => v !== null);
    const xMax = xs.length ? Math.max(...xs) : 1;
    const xMin = xs.length ? Math.min(0, ...xs) : 0;
    const xDomain: [number, number] = [xMin, xMax > xMin ? xMax + (xMax - xMin) * 0.04 : xMin + 1];

    // pixel scales exactly as Plot draws them (linear, no nice, the given insets)
    const sx = linear(xDomain, [MARGIN.left + INSET.x, width - MARGIN.right - INSET.x]);
    const sy = linear([yLo, yHi], [height - MARGIN.bottom - INSET.y, MARGIN.top + INSET.y]);
    const requests: LabelRequest[] = pts.map((p) => ({
      x: sx.to(p.x),
      y: sy.to(p.y),
      r: onFront.has(p) ? 7 : 4.5,
      width: measureText(p.defense, LABEL_SIZE) + 2,
      height: LABEL_SIZE * 1.25,
    }));
    const area: Box = { x0: MARGIN.left + 2, y0: MARGIN.top + 2, x1: width - MARGIN.right - 2, y1: height - MARGIN.bottom - 2 };
    const soft: Box[] = [];
    const thin = (x0: number, y0: number, x1: number, y1: number): Box => ({ x0: Math.min(x0, x1) - 1, y0: Math.min(y0, y1) - 1, x1: Math.max(x0, x1) + 1, y1: Math.max(y0, y1) + 1 });
    for (const p of pts) {
      if (p.lo !== null && p.hi !== null) soft.push(thin(sx.to(p.lo), sy.to(p.y), sx.to(p.hi), sy.to(p.y)));
      if (p.yLo !== null && p.yHi !== null) soft.push(thin(sx.to(p.x), sy.to(p.yLo), sx.to(p.x), sy.to(p.yHi)));
    }
    for (let i = 1; i < front.length; i++) {
      const a = front[i - 1];
      const b = front[i];
      soft.push(thin(sx.to(a.x), sy.to(a.y), sx.to(b.x), sy.to(a.y)), thin(sx.to(b.x), sy.to(a.y), sx.to(b.x), sy.to(b.y)));
    }
    if (yLo < 0.5 && yHi > 0.5) soft.push(thin(area.x0, sy.to(0.5), area.x1, sy.to(0.5)));
    const placed = placeLabels(requests, area, { soft });
    const labels = placed.map((l, i) => ({ defense: pts[i].defense, x: sx.from(l.x), y: sy.from(l.y), anchor: l.anchor }));
    const leaders = placed.flatMap((l, i) => (l.leader ? [{ defense: pts[i].defense, x1: sx.from(l.from.x), y1: sy.from(l.from.y), x2: sx.from(l.to.x), y2: sy.from(l.to.y) }] : []));
    const text = (anchor: "start" | "middle" | "end") =>
      Plot.text(
        labels.filter((l) => l.anchor === anchor),
        { x: "x", y: "y", text: "defense", textAnchor: anchor, lineAnchor: "middle", fontSize: LABEL_SIZE, fill: "#222" },
      );

    const plot = plotSvg({
      width,
      height,
      ...plotMargins(MARGIN),
      x: { domain: xDomain, label: axis.label(rows), labelAnchor: "right", grid: true, ticks: 5, insetLeft: INSET.x, insetRight: INSET.x },
      y: { domain: [yLo, yHi], label: "↑ AUC, strongest observer", grid: true, insetTop: INSET.y, insetBottom: INSET.y },
      color,
      marks: [
        Plot.ruleY([0.5], { stroke: "#999", strokeDasharray: "4,3", ariaHidden: "true" }),
        Plot.line(front, { x: "x", y: "y", curve: "step-after", stroke: "#222", strokeWidth: 1.25, strokeOpacity: 0.6 }),
        Plot.ruleY(pts.filter((p) => p.lo !== null && p.hi !== null), { y: "y", x1: "lo", x2: "hi", stroke: "defense", strokeWidth: 1.5 }),
        Plot.ruleX(pts.filter((p) => p.yLo !== null && p.yHi !== null), { x: "x", y1: "yLo", y2: "yHi", stroke: "defense", strokeWidth: 1.5 }),
        Plot.dot(pts, { x: "x", y: "y", fill: "defense", r: 4.5, stroke: "white" }),
        Plot.dot(front, { x: "x", y: "y", r: 7, stroke: "#222", strokeWidth: 1 }),
        Plot.link(leaders, { x1: "x1", y1: "y1", x2: "x2", y2: "y2", stroke: "#888", strokeWidth: 0.75 }),
        text("start"),
        text("middle"),
        text("end"),
        Plot.frame({ stroke: "#ccc" }),
      ],
    });
    return arrange([textBlock([{ text: axis.title, size: 12, bold: true }], width), plot], "column", 2);
  });

  const strongest = [...new Set(rows.map((r) => `${r.observer} at ${r.vantage}`))].join(", ");
  return figure({
    id: "pareto",
    title: "Privacy against cost",
    caption: PARETO_CAPTION,
    notes: [`Strongest observer per defense in this run: ${strongest || "none"}.`],
    key: defenses.map((d, i) => ({ label: d, color: color.range[i] })),
    panels: [arrange(panels, "row", 16)],
  });
}

export { PARETO_CAPTION };
