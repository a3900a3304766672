/**
 * What the notebooks' run and sweep pickers need: the data of one catalogue entry,
 * fetched from `data/` beside the built pages (see `build.ts`), and point labels placed
 * clear of each other on a Plot chart.
 *
 * Ids come from the build's own catalogue (`r0`, `s3`), never from a results file, and
 * are checked before they become part of a URL.
 *
 * Point labels: Plot draws text where it is told, so labels of nearby points overlap.
 * `labelPoints` measures each label in the chart's font, places it with the figures'
 * own greedy placement (`sim/report/figures/label-placement.ts`: nearest free spot,
 * never over another label or a point, a leader line when moved), and draws it into the
 * chart's SVG.
 *
 * @example
 * const metrics = await runFile(runId, "metrics.json");
 * labelPoints(plot, points.map((p) => ({ x: p.x, y: p.y, label: p.defense })));
 */
import { placeLabels } from "../sim/report/figures/label-placement.ts";

const SVG = "http://www.w3.org/2000/svg";

async function getJson(url: string): Promise<unknown> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return r.json();
}

/** One of a run's figure data files, for the run picked. */
export function runFile(id: string, file: string): Promise<unknown> {
  if (!/^r\d+$/.test(id)) throw new Error(`run id ${JSON.stringify(id)}: expected r<k> from the catalogue`);
  if (!/^[a-z]+\.json$/.test(file)) throw new Error(`run file ${JSON.stringify(file)}: expected a data file name`);
  return getJson(`./data/runs/${id}/${file}`);
}

/** The sweep summary picked. */
export function sweepFile(id: string): Promise<unknown> {
  if (!/^s\d+$/.test(id)) throw new Error(`sweep id ${JSON.stringify(id)}: expected s<k> from the catalogue`);
  return getJson(`./data/sweeps/${id}.json`);
}

export interface PointLabel {
  /** Data coordinates (the chart's x and y scales). */
  x: number;
  y: number;
  label: string;
}

interface PlotScale {
  apply(v: unknown): number;
  range: [number, number];
}

/**
 * Adds placed labels (and leader lines) for `points` to a Plot chart (the SVG, or the
 * figure Plot wraps it in when it has a legend or title). `r`: the dots' radius, pixels.
 * Call it once the chart is in the page, so the font can be read from its style.
 */
export function labelPoints(plot: Element & { scale(name: string): PlotScale | undefined }, points: readonly PointLabel[], r = 5): void {
  const sx = plot.scale("x");
  const sy = plot.scale("y");
  const svg =
    plot instanceof SVGSVGElement ? plot : Array.from(plot.querySelectorAll(":scope > svg")).find((s) => !/-ramp/.test(s.getAttribute("class") ?? ""));
  if (!sx || !sy || !svg || points.length === 0) return;
  const style = getComputedStyle(svg);
  const size = Number.parseFloat(style.fontSize) || 10;
  const ctx = document.createElement("canvas").getContext("2d");
  if (ctx) ctx.font = `${style.fontStyle} ${style.fontWeight} ${size}px ${style.fontFamily || "system-ui, sans-serif"}`;
  const requests = points.map((p) => ({
    x: sx.apply(p.x),
    y: sy.apply(p.y),
    r,
    width: (ctx ? ctx.measureText(p.label).width : p.label.length * size * 0.6) + 2,
    height: size * 1.25,
  }));
  const [x0, x1] = [Math.min(...sx.range), Math.max(...sx.range)];
  const [y0, y1] = [Math.min(...sy.range), Math.max(...sy.range)];
  const placed = placeLabels(requests, { x0, y0, x1, y1 });
  const g = document.createElementNS(SVG, "g");
  g.setAttribute("aria-label", "point labels");
  placed.forEach((p, i) => {
    if (p.leader) {
      const line = document.createElementNS(SVG, "line");
      line.setAttribute("x1", String(p.from.x));
      line.setAttribute("y1", String(p.from.y));
      line.setAttribute("x2", String(p.to.x));
      line.setAttribute("y2", String(p.to.y));
      line.setAttribute("stroke", "#888");
      line.setAttribute("stroke-width", "0.75");
      g.append(line);
    }
    const t = document.createElementNS(SVG, "text");
    t.setAttribute("x", String(p.x));
    t.setAttribute("y", String(p.y));
    t.setAttribute("text-anchor", p.anchor);
    t.setAttribute("dominant-baseline", "central");
    t.setAttribute("fill", "currentColor");
    t.textContent = points[i].label;
    g.append(t);
  });
  svg.append(g);
}
