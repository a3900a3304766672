/**
 * Privacy against cost: one dot per defense, in three panels (bandwidth overhead, p99
 * added latency, radio energy), with the Pareto front drawn as a staircase through the
 * defenses no other defense beats on both axes at once (`sim/sweep/pareto.ts`).
 *
 * Privacy is the AUC of the strongest observer on the link task against that defense
 * (the observer with the highest AUC; lower is better, 0.5 is chance). Both axes carry
 * their 95% bootstrap intervals as whiskers. A defense whose cost or AUC the run cannot
 * estimate is left out of that panel.
 *
 * @example
 * paretoFigure(JSON.parse(readFileSync("results/runs/default-s1-…/metrics.json", "utf8"))) // => "<svg …>"
 */
import * as Plot from "@observablehq/plot";
import type { RunMetrics } from "../../runs/metrics.ts";
import { paretoFront } from "../../sweep/pareto.ts";
import { privacyCostRows, strongestRows, type PrivacyCostRow } from "./privacy-cost.ts";
import { arrange, defenseColors, figure, plotSvg, textBlock, type SvgPiece } from "./svg.ts";

interface CostAxis {
  title: string;
  label: string;
  value: (r: PrivacyCostRow) => number | null;
  lo: (r: PrivacyCostRow) => number | null;
  hi: (r: PrivacyCostRow) => number | null;
}

const pct = (x: number | null) => (x === null ? null : x * 100);

export const COST_AXES: readonly CostAxis[] = [
  { title: "Bandwidth", label: "bandwidth overhead (%) →", value: (r) => pct(r.bandwidth), lo: (r) => pct(r.bandwidthLo), hi: (r) => pct(r.bandwidthHi) },
  { title: "Latency", label: "added latency p99 (ms) →", value: (r) => r.latencyP99Ms, lo: (r) => r.latencyP99MsLo, hi: (r) => r.latencyP99MsHi },
  { title: "Energy", label: "radio energy (J per device-hour) →", value: (r) => r.joulesPerHour, lo: (r) => r.joulesPerHourLo, hi: (r) => r.joulesPerHourHi },
];

export function paretoFigure(metrics: RunMetrics, opts: { panelWidth?: number } = {}): string {
  const width = opts.panelWidth ?? 300;
  const rows = strongestRows(privacyCostRows(metrics));
  const defenses = metrics.arms.map((a) => a.defense);
  const color = defenseColors(defenses);
  const aucs = rows.flatMap((r) => [r.aucLo, r.aucHi, r.auc]).filter((v): v is number => v !== null);
  const yLo = Math.max(0, Math.min(0.5, ...aucs) - 0.02);
  const yHi = Math.min(1.02, Math.max(0.5, ...aucs) + 0.04);

  const panels: SvgPiece[] = COST_AXES.map((axis) => {
    const pts = rows
      .map((r) => ({ defense: r.defense, x: axis.value(r), lo: axis.lo(r), hi: axis.hi(r), y: r.auc, yLo: r.aucLo, yHi: r.aucHi }))
      .filter((p) => p.x !== null && p.y !== null);
    const front = paretoFront(pts.map((p) => [p.x as number, p.y as number]))
      .map((i) => pts[i])
      .sort((a, b) => (a.x as number) - (b.x as number) || (a.y as number) - (b.y as number));
    const xs = pts.flatMap((p) => [p.x, p.lo, p.hi]).filter((v): v is number => v !== null);
    const xMax = xs.length ? Math.max(...xs) : 1;
    const xMin = xs.length ? Math.min(0, ...xs) : 0;
    const pad = (xMax - xMin) * 0.08 || 1;
    const mid = (xMin + xMax + pad) / 2;
    const plot = plotSvg({
      width,
      height: 280,
      marginLeft: 44,
      marginRight: 24,
      marginTop: 30,
      marginBottom: 36,
      x: { domain: [xMin, xMax + pad], label: axis.label, labelAnchor: "right", grid: true, ticks: 5 },
      y: { domain: [yLo, yHi], label: "↑ AUC, strongest observer", grid: true },
      color,
      marks: [
        Plot.ruleY([0.5], { stroke: "#999", strokeDasharray: "4,3", ariaHidden: "true" }),
        Plot.line(front, { x: "x", y: "y", curve: "step-after", stroke: "#222", strokeWidth: 1.25, strokeOpacity: 0.6 }),
        Plot.ruleY(pts.filter((p) => p.lo !== null && p.hi !== null), { y: "y", x1: "lo", x2: "hi", stroke: "defense", strokeWidth: 1.5 }),
        Plot.ruleX(pts.filter((p) => p.yLo !== null && p.yHi !== null), { x: "x", y1: "yLo", y2: "yHi", stroke: "defense", strokeWidth: 1.5 }),
        Plot.dot(pts, { x: "x", y: "y", fill: "defense", r: 4.5, stroke: "white" }),
        Plot.dot(front, { x: "x", y: "y", r: 7, stroke: "#222", strokeWidth: 1 }),
        // labels right of dots in the left half of the panel, left of them in the right half
        Plot.text(pts.filter((p) => (p.x as number) <= mid), { x: "x", y: "y", text: "defense", dx: 9, dy: -9, textAnchor: "start", fontSize: 10, fill: "#222" }),
        Plot.text(pts.filter((p) => (p.x as number) > mid), { x: "x", y: "y", text: "defense", dx: -9, dy: -9, textAnchor: "end", fontSize: 10, fill: "#222" }),
        Plot.frame({ stroke: "#ccc" }),
      ],
    });
    return arrange([textBlock([{ text: axis.title, size: 12, bold: true }], width), plot], "column", 2);
  });

  const strongest = [...new Set(rows.map((r) => `${r.observer} at ${r.vantage}`))].join(", ");
  return figure({
    id: "pareto",
    title: "Privacy against cost",
    notes: [
      `Each dot is a defense: x its cost, y the AUC of the strongest observer against it (${strongest || "none"}); lower and to the left is better, 0.5 (dashed) is chance. Ringed dots joined by the staircase form the Pareto front. Whiskers: 95% bootstrap intervals.`,
    ],
    key: defenses.map((d, i) => ({ label: d, color: color.range[i] })),
    panels: [arrange(panels, "row", 16)],
  });
}
