/**
 * Radio energy per device-hour per defense, from the RRC radio model (`sim/world/radio.ts`):
 * the spread over devices (a line from p5 to p95, a box from p25 to p75, a tick at the
 * median) and the mean with its 95% bootstrap interval (black dot and bar), which is the
 * figure the cost table reports. Battery is the cost that decides whether a shaper
 * ships to phones (docs/architecture.md §5).
 *
 * @example
 * energyFigure(JSON.parse(readFileSync("results/runs/default-s1-…/energy.json", "utf8"))) // => "<svg …>"
 */
import * as Plot from "@observablehq/plot";
import { ENERGY_CAPTION } from "./captions.ts";
import { formatInterval } from "./units.ts";
import type { EnergyData } from "./data.ts";
import { defenseColors, figure, plotSvg, textWidth } from "./svg.ts";

export function energyFigure(data: EnergyData, opts: { width?: number } = {}): string {
  const width = opts.width ?? 640;
  const defenses = data.arms.map((a) => a.defense);
  const color = defenseColors(defenses);
  const q = (a: EnergyData["arms"][number], p: number) => {
    const i = a.distribution.p.indexOf(p);
    return i < 0 ? null : a.distribution.value[i];
  };
  const spread = data.arms
    .filter((a) => a.distribution.value.length > 0)
    .map((a) => ({ defense: a.defense, p5: q(a, 0.05), p25: q(a, 0.25), median: q(a, 0.5), p75: q(a, 0.75), p95: q(a, 0.95) }));
  const means = data.arms
    .filter((a) => a.joulesPerHour.estimate !== null)
    .map((a) => ({
      defense: a.defense,
      mean: a.joulesPerHour.estimate as number,
      lo: a.joulesPerHour.lo ?? (a.joulesPerHour.estimate as number),
      hi: a.joulesPerHour.hi ?? (a.joulesPerHour.estimate as number),
      label: `mean ${formatInterval(a.joulesPerHour, 0)} J/h`,
    }));
  let xMax = 1;
  for (const s of spread) xMax = Math.max(xMax, s.p95 ?? 0);
  for (const m of means) xMax = Math.max(xMax, m.hi);
  const marginLeft = Math.max(60, ...defenses.map((d) => textWidth(d, 10) + 14));
  const plot = plotSvg({
    width,
    height: 60 + 44 * Math.max(1, defenses.length),
    marginLeft,
    marginRight: 190,
    marginBottom: 36,
    x: { domain: [0, xMax * 1.05], label: `radio energy, J per device-hour (${data.radio || "radio"} model) →`, labelAnchor: "right", grid: true },
    y: { domain: defenses, label: null },
    color,
    marks: [
      Plot.ruleY(spread, { y: "defense", x1: "p5", x2: "p95", stroke: "defense", strokeWidth: 1.5 }),
      Plot.barX(spread, { y: "defense", x1: "p25", x2: "p75", fill: "defense", fillOpacity: 0.35, insetTop: 8, insetBottom: 8 }),
      Plot.tickX(spread, { y: "defense", x: "median", stroke: "defense", strokeWidth: 2, insetTop: 8, insetBottom: 8 }),
      Plot.ruleY(means, { y: "defense", x1: "lo", x2: "hi", stroke: "#111", strokeWidth: 3 }),
      Plot.dot(means, { y: "defense", x: "mean", fill: "#111", r: 3.5 }),
      Plot.text(means, { y: "defense", x: xMax * 1.05, text: "label", textAnchor: "start", dx: 8, fontSize: 10, fill: "#222" }),
      Plot.frame({ stroke: "#ccc" }),
    ],
  });
  return figure({
    id: "energy",
    title: "Radio energy per device-hour",
    caption: ENERGY_CAPTION,
    notes: [
      ...data.arms.map((a) => `${a.defense}: ${formatInterval(a.wakeupsPerHour, 1)} radio wake-ups per hour over ${a.devices} devices`),
    ],
    panels: [plot],
  });
}

export { ENERGY_CAPTION };
