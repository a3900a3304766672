/**
 * Added latency per message as a cumulative distribution, one curve per defense: the
 * fraction of person-to-person messages whose delivery the shaper delayed by at most x
 * ms (measured against a virtual unshaped link, `sim/engine/egress.ts`). The p50, p95 and p99
 * are marked with their 95% bootstrap intervals from the metrics. Ticks are labelled in
 * the unit each reads best in (1 ms, 100 ms, 1 s, 1 min), and so are the p50 and p99 in
 * the notes ("2.72 min [2.5, 2.9]", never "163443.6 ms").
 *
 * @example
 * latencyCdfFigure(JSON.parse(readFileSync("results/runs/default-s1-…/latency.json", "utf8"))) // => "<svg …>"
 */
import * as Plot from "@observablehq/plot";
import { LATENCY_CAPTION } from "./captions.ts";
import type { LatencyData } from "./data.ts";
import { defenseColors, figure, plotSvg } from "./svg.ts";
import { durationLogTicks, formatMsInterval } from "./units.ts";

export function latencyCdfFigure(data: LatencyData, opts: { width?: number } = {}): string {
  const width = opts.width ?? 640;
  const defenses = data.arms.map((a) => a.defense);
  const color = defenseColors(defenses);
  const curve = data.arms.flatMap((a) => a.cdf.ms.map((ms, i) => ({ defense: a.defense, ms, p: a.cdf.p[i] })));
  const marks = data.arms.flatMap((a) =>
    ([["p50", 0.5], ["p95", 0.95], ["p99", 0.99]] as const).flatMap(([k, q]) => {
      const i = a[k];
      return i.estimate === null ? [] : [{ defense: a.defense, q, estimate: i.estimate, lo: i.lo ?? i.estimate, hi: i.hi ?? i.estimate }];
    }),
  );
  let xMax = 1;
  for (const d of curve) xMax = Math.max(xMax, d.ms);
  for (const d of marks) xMax = Math.max(xMax, d.hi);
  const ticks = durationLogTicks(xMax * 1.1);
  const tickLabel = new Map(ticks.map((t) => [t.value, t.label]));
  const plot = plotSvg({
    width,
    height: 300,
    marginLeft: 48,
    marginBottom: 36,
    // symlog: linear near 0 (an undefended arm adds exactly 0 ms), logarithmic in the tail
    x: {
      type: "symlog",
      constant: 1,
      domain: [0, xMax * 1.1],
      ticks: ticks.map((t) => t.value),
      tickFormat: (d: number) => tickLabel.get(d) ?? "",
      label: "added latency per message (symlog scale) →",
      labelAnchor: "right",
      grid: true,
      insetLeft: 6,
    },
    y: { domain: [0, 1], label: "↑ fraction of messages", grid: true },
    color,
    marks: [
      Plot.line(curve, { x: "ms", y: "p", z: "defense", stroke: "defense", curve: "step-after", strokeWidth: 1.75 }),
      Plot.ruleY(marks, { y: "q", x1: "lo", x2: "hi", stroke: "defense", strokeWidth: 3, strokeOpacity: 0.7 }),
      Plot.dot(marks, { x: "estimate", y: "q", fill: "defense", r: 3 }),
      Plot.frame({ stroke: "#ccc" }),
    ],
  });
  return figure({
    id: "latency",
    title: "Added latency per message (CDF)",
    caption: LATENCY_CAPTION,
    notes: data.arms.map((a) => `${a.defense}: p50 ${formatMsInterval(a.p50)}, p99 ${formatMsInterval(a.p99)} over ${a.messages.toLocaleString("en-US")} messages`),
    key: defenses.map((d, i) => ({ label: d, color: color.range[i], shape: "line" as const })),
    panels: [plot],
  });
}

export { LATENCY_CAPTION };
