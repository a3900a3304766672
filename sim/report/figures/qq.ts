/**
 * The model-check figure (`chaff model-check --out`, sim/cli/commands/model-check.ts):
 * quantile–quantile panels of a modeled conversation's packet sizes and gaps against a
 * capture's, from `modelCheck` (sim/capture/model-check.ts).
 *
 * @example
 * writeFileSync("qq.svg", qqFigure(modelCheck(model, capture), { model: "run", capture: "lo.pcap" }));
 */
import * as Plot from "@observablehq/plot";
import { formatP, type ModelCheckResult } from "../../capture/model-check.ts";
import { arrange, figure, plotSvg, textBlock, type SvgPiece } from "./svg.ts";


/**
 * The model-check figure: one quantile–quantile panel per feature (packet size and gap,
 * uplink and downlink), model quantiles across, capture quantiles up, with the diagonal
 * where a perfect model would lie. Gaps are drawn on log axes; each panel's title carries
 * the KS statistic D and its p-value.
 */
export function qqFigure(result: ModelCheckResult, names: { model: string; capture: string }): string {
  const panels: SvgPiece[] = [];
  for (const row of result.rows) {
    const label = `${row.feature === "size" ? "packet size (bytes)" : "gap (µs)"}, ${row.dir === "up" ? "uplink" : "downlink"}`;
    const head = textBlock([{ text: `${label}: D = ${row.ks.d.toFixed(3)}, p = ${formatP(row.ks.p)} (n = ${row.model.n} vs ${row.capture.n})`, size: 11, bold: true }], 300);
    if (row.qq.length === 0) {
      panels.push(arrange([head, textBlock([{ text: "no data on one side", size: 11, color: "#777" }], 300)], "column", 4));
      continue;
    }
    const log = row.feature === "gap";
    const pts = row.qq.map((q) => ({ model: log ? Math.max(1, q.model) : q.model, capture: log ? Math.max(1, q.capture) : q.capture }));
    const lo = Math.min(...pts.map((p) => Math.min(p.model, p.capture)));
    const hi = Math.max(...pts.map((p) => Math.max(p.model, p.capture)));
    const domain = lo === hi ? [lo * 0.9, hi * 1.1 + 1] : [lo, hi];
    const plot = plotSvg({
      width: 300,
      height: 260,
      marginLeft: 56,
      x: { type: log ? "log" : "linear", domain, label: `model (${names.model})` },
      y: { type: log ? "log" : "linear", domain, label: `capture (${names.capture})` },
      marks: [Plot.line(domain.map((v) => ({ v })), { x: "v", y: "v", stroke: "#bbb", strokeDasharray: "4 3" }), Plot.dot(pts, { x: "model", y: "capture", r: 2.2, fill: "#4269d0" })],
    });
    panels.push(arrange([head, plot], "column", 4));
  }
  const rows = [arrange(panels.slice(0, 2), "row", 16), arrange(panels.slice(2), "row", 16)];
  return figure({
    id: "qq",
    title: `Model check: ${names.model} against ${names.capture}`,
    notes: [
      "Quantile–quantile plots (1st to 99th percentile): points on the dashed diagonal mean the model matches the capture. D is the two-sample Kolmogorov–Smirnov statistic.",
      ...result.caveats,
    ],
    panels: rows,
  });
}

