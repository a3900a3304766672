/**
 * ROC curves, one panel per observer (at its vantage, on its task), one curve per
 * defense, on a log FPR axis (docs/architecture.md §6). The low-FPR end is the only part that matters
 * for a deployable correlation attack, since unlinked pairs outnumber linked ones by the
 * number of users (Nasr, Bahramali, Houmansadr, DeepCorr, ACM CCS 2018, §5).
 *
 * Drawn: the empirical step curve read on a log grid (`roc.json`), the chance diagonal
 * (dashed), the bootstrap interval of the TPR at each reported FPR (a bar, joined into a
 * band between FPRs), and a grey area where the FPR is below 10/negatives, the region
 * the run cannot resolve, so no curve is read there as a claim.
 *
 * @example
 * rocFigure(JSON.parse(readFileSync("results/runs/default-s1-…/roc.json", "utf8"))) // => "<svg …>"
 */
import * as Plot from "@observablehq/plot";
import type { RocData } from "./data.ts";
import { defenseColors, figure, plotSvg, textBlock, arrange, type SvgPiece } from "./svg.ts";
import { fmtInterval } from "../text.ts";

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

export function rocFigure(roc: RocData, opts: { width?: number } = {}): string {
  const width = opts.width ?? 640;
  const defenses = roc.arms.map((a) => a.defense);
  const color = defenseColors(defenses);
  const panels = new Map<string, { title: string; negatives: number[]; curve: CurvePoint[]; ci: CiPoint[]; notes: string[] }>();
  let minNeg = Infinity;
  for (const arm of roc.arms) {
    for (const o of arm.observers) {
      const key = `${o.observer}@${o.vantage}/${o.task}`;
      let p = panels.get(key);
      if (!p) {
        p = { title: `${o.observer} at ${o.vantage} (${o.task} task)`, negatives: [], curve: [], ci: [], notes: [] };
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
      p.notes.push(`${arm.defense}: AUC ${fmtInterval(o.auc)}, ${o.positives} positives, ${o.negatives} negatives`);
    }
  }
  // the x domain: from the smallest FPR any panel can measure (a power of ten) to 1
  const lo = Number.isFinite(minNeg) ? 10 ** Math.floor(Math.log10(1 / minNeg)) : 1e-4;
  const ticks: number[] = [];
  for (let e = Math.round(Math.log10(lo)); e <= 0; e++) ticks.push(10 ** e);
  const diagonal = Array.from({ length: 61 }, (_, i) => 10 ** (Math.log10(lo) * (1 - i / 60)));

  const pieces: SvgPiece[] = [];
  for (const p of panels.values()) {
    // unresolvable: FPR < 10/negatives for the arm with the fewest negatives in this panel
    const limit = p.negatives.length ? Math.min(1, 10 / Math.min(...p.negatives)) : 1;
    const marks: Plot.Markish[] = [];
    if (limit > lo) {
      marks.push(Plot.rect([{ x1: lo, x2: limit }], { x1: "x1", x2: "x2", y1: 0, y2: 1, fill: "#eeeeee", ariaHidden: "true" }));
      marks.push(Plot.text([`not resolvable (FPR < 10/${Math.min(...p.negatives)} negatives)`], { x: lo, y: 1, dx: 4, dy: 4, textAnchor: "start", lineAnchor: "top", fill: "#777", fontSize: 9, ariaHidden: "true" }));
    }
    marks.push(
      Plot.line(diagonal, { x: (d: number) => d, y: (d: number) => d, stroke: "#999", strokeDasharray: "4,3", strokeWidth: 1, ariaHidden: "true" }),
      Plot.areaY(p.ci, { x: "fpr", y1: "lo", y2: "hi", z: "defense", fill: "defense", fillOpacity: 0.15 }),
      Plot.line(p.curve, { x: "fpr", y: "tpr", z: "defense", stroke: "defense", curve: "step-after", strokeWidth: 1.75 }),
      Plot.ruleX(p.ci, { x: "fpr", y1: "lo", y2: "hi", stroke: "defense", strokeWidth: 3, strokeOpacity: 0.8 }),
      Plot.dot(p.ci, { x: "fpr", y: "estimate", fill: "defense", r: 3 }),
      Plot.frame({ stroke: "#ccc" }),
    );
    const plot = plotSvg({
      width,
      height: 280,
      marginLeft: 48,
      marginBottom: 36,
      x: { type: "log", domain: [lo, 1], ticks, tickFormat: powerOfTenLabel, label: "false positive rate (log scale) →", labelAnchor: "right" },
      y: { domain: [0, 1], grid: true, label: "↑ true positive rate" },
      color: color,
      marks,
    });
    pieces.push(arrange([textBlock([{ text: p.title, size: 12, bold: true }, ...p.notes.map((text) => ({ text, size: 10, color: "#555" }))], width), plot], "column", 2));
  }
  if (pieces.length === 0) pieces.push(textBlock([{ text: "No observer produced scores in this run.", size: 12 }], width));
  return figure({
    id: "roc",
    title: "ROC per defense (log FPR axis)",
    notes: [
      "Each curve is the observer's empirical ROC against one defense; lower and to the right is better for the defense. Bars and bands: 95% bootstrap intervals of the TPR at the reported FPRs. Dashed: chance.",
    ],
    key: defenses.map((d, i) => ({ label: d, color: color.range[i], shape: "line" as const })),
    panels: pieces,
  });
}
