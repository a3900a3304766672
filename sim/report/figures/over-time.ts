/**
 * The attacker who waits: the strongest long-term observer (statistical disclosure,
 * intersection) against observation time, one line per defense, in two panels — the
 * partner-identification rate and the TPR at FPR 1e-3 (or the FPR closest to it) — over
 * the observation horizons, evenly spaced from the first to the whole run (`ArmResult.overTime`, scored in
 * sim/experiment/score-run.ts at the horizons of sim/experiment/truth-until.ts).
 *
 * Drawn: each defense's estimates joined by a line, its 95% bootstrap interval at every
 * horizon as a band and a bar, a dashed line at the level "days bought" is stated at
 * (identification 0.5, TPR 0.1), so the horizon where a line first crosses it is the
 * time the attack needs; a point the run cannot resolve is left out. A run without
 * long-term observers draws one line saying so.
 *
 * @example
 * overTimeFigure(JSON.parse(readFileSync("results/runs/long-term-s11-…/metrics.json", "utf8"))) // => "<svg …>"
 */
import * as Plot from "@observablehq/plot";
import { OVER_TIME_CAPTION } from "./captions.ts";
import type { Figure, HorizonPoint, RunMetrics } from "../../runs/metrics.ts";
import { arrange, defenseColors, figure, plotMargins, plotSvg, textBlock, type SvgPiece } from "./svg.ts";

interface Point {
  defense: string;
  /** The horizon's label (the x axis is the horizons, evenly spaced). */
  hours: string;
  estimate: number;
  lo: number;
  hi: number;
}

const MARGIN = { left: 40, right: 14, top: 16, bottom: 36 };

/** Hours as a tick label: "1 h", "6 h", "1 d", "7 d". */
function hourLabel(h: number): string {
  if (h >= 24 && Math.abs(h / 24 - Math.round(h / 24)) < 1e-9) return `${Math.round(h / 24)} d`;
  if (h >= 1) return `${+h.toFixed(1)} h`;
  return `${Math.round(h * 60)} min`;
}

/** The FPR key of the TPR panel: 1e-3 when the run has it, else the closest. */
function tprKey(m: RunMetrics): string | null {
  const keys = [...new Set(m.arms.flatMap((a) => (a.overTime ? Object.keys(a.overTime.strongest.points[0]?.tprAt ?? {}) : [])))];
  if (keys.length === 0) return null;
  return keys.sort((a, b) => Math.abs(Math.log10(Number(a)) + 3) - Math.abs(Math.log10(Number(b)) + 3))[0];
}

function pointsOf(m: RunMetrics, pick: (p: HorizonPoint) => Figure | undefined): Point[] {
  const out: Point[] = [];
  for (const a of m.arms) {
    for (const p of a.overTime?.strongest.points ?? []) {
      const f = pick(p);
      if (!f || !f.resolvable || f.estimate === null) continue;
      out.push({ defense: a.defense, hours: hourLabel(p.seconds / 3600), estimate: f.estimate, lo: f.lo ?? f.estimate, hi: f.hi ?? f.estimate });
    }
  }
  return out;
}

export function overTimeFigure(m: RunMetrics, opts: { panelWidth?: number } = {}): string {
  const arms = m.arms.filter((a) => a.overTime);
  const defenses = arms.map((a) => a.defense);
  const color = defenseColors(defenses);
  const key = tprKey(m);
  const horizons = arms[0]?.overTime?.horizonsSeconds.map((s) => s / 3600) ?? [];
  let panels: SvgPiece[];
  if (arms.length === 0 || horizons.length === 0) {
    panels = [textBlock([{ text: "No long-term observer (statistical disclosure, intersection) in this run.", size: 12 }], 380)];
  } else {
    const width = opts.panelWidth ?? 360;
    const height = Math.round(width * 0.7) + MARGIN.top;
    const domain = horizons.map(hourLabel);
    const specs = [
      { title: "Partner identification", sub: "share of targets whose top candidate is a contact", level: 0.5, points: pointsOf(m, (p) => p.identification) },
      ...(key ? [{ title: `TPR at FPR ${key}`, sub: "contacts flagged at this false positive rate", level: 0.1, points: pointsOf(m, (p) => p.tprAt[key]) }] : []),
    ];
    panels = [
      arrange(
        specs.map((s) => {
          const plot = plotSvg({
            width,
            height,
            ...plotMargins(MARGIN),
            x: { type: "point", domain, label: "observation time (horizons) →", labelAnchor: "right", padding: 0.2 },
            y: { domain: [0, 1], ticks: [0, 0.25, 0.5, 0.75, 1], tickFormat: (d: number) => String(d), grid: true, label: "↑ rate", insetTop: 5, insetBottom: 5 },
            color,
            marks: [
              Plot.ruleY([s.level], { stroke: "#999", strokeDasharray: "4,3", ariaHidden: "true" }),
              Plot.areaY(s.points, { x: "hours", y1: "lo", y2: "hi", z: "defense", fill: "defense", fillOpacity: 0.12 }),
              Plot.line(s.points, { x: "hours", y: "estimate", z: "defense", stroke: "defense", strokeWidth: 1.5 }),
              Plot.ruleX(s.points, { x: "hours", y1: "lo", y2: "hi", stroke: "defense", strokeWidth: 2, strokeOpacity: 0.7 }),
              Plot.dot(s.points, { x: "hours", y: "estimate", fill: "defense", r: 2.5 }),
              ...(s.points.length === 0 ? [Plot.text(["not resolvable at any horizon (too few cases)"], { frameAnchor: "middle", fill: "#777", fontSize: 11 })] : []),
              Plot.frame({ stroke: "#ccc" }),
            ],
          });
          const title = textBlock(
            [
              { text: s.title, size: 12, bold: true },
              { text: `${s.sub}; dashed: ${s.level}`, size: 10, color: "#555" },
            ],
            width,
          );
          return arrange([title, plot], "column", 0);
        }),
        "row",
        14,
      ),
    ];
  }
  const notes = arms.flatMap((a) => a.overTime!.reach.filter((r) => r.metric === "identification").map((r) => r.statement));
  return figure({
    id: "over-time",
    title: "The attacker who waits: linking against observation time",
    caption: OVER_TIME_CAPTION,
    notes,
    key: defenses.map((d, i) => ({ label: d, color: color.range[i], shape: "line" as const })),
    panels,
  });
}
