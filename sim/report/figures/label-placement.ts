/**
 * Label placement for scatter plots: each point's label goes to the nearest free spot
 * around it, never over another label, over any point, or outside the plot area, and is
 * joined to its point by a thin leader line when it had to move away. Coordinates are
 * pixels of the plot (x right, y down); widths come from `measureText`, so a box is the
 * text as the renderer draws it.
 *
 * Greedy in order of crowding (the point with most neighbours first): for distances
 * growing from a few pixels to a third of the plot, and 24 directions around the point,
 * the first candidate box that is inside the area and clear of the hard obstacles (the
 * points and the labels already placed) is taken, preferring short distances, then boxes
 * that cross no soft obstacle (whiskers, lines), then the upper right. When nothing is
 * clear (a plot too small for its labels), the candidate overlapping least is taken and
 * `clear` says so.
 *
 * @example
 * placeLabels([{ x: 50, y: 50, r: 4.5, width: 30, height: 12 }], { x0: 0, y0: 0, x1: 200, y1: 100 })
 * // => [{ box: { x0: 56.5, y0: 38.5, x1: 86.5, y1: 50.5 }, anchor: "start", leader: false, clear: true, … }]
 */

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface Circle {
  x: number;
  y: number;
  r: number;
}

export interface LabelRequest extends Circle {
  /** Size of the label's box, pixels. */
  width: number;
  height: number;
}

export interface PlacedLabel {
  box: Box;
  /** Which end of the box the text is anchored at (for SVG `text-anchor`). */
  anchor: "start" | "middle" | "end";
  /** The anchor point: the box's left edge, centre or right edge, at its vertical middle. */
  x: number;
  y: number;
  /** True when the label sits away from its point and needs a leader line. */
  leader: boolean;
  /** The leader line from the point's edge to the box. */
  from: { x: number; y: number };
  to: { x: number; y: number };
  /** False when no spot was free and the label overlaps something. */
  clear: boolean;
}

export interface Obstacles {
  /** Points drawn but not labelled (hard: a label never covers one). */
  circles?: readonly Circle[];
  /** Thin marks a label should avoid if it can (whiskers, lines): soft. */
  soft?: readonly Box[];
}

/** Gap kept between a label and anything hard, pixels. */
const GAP = 1.5;
/** Distance beyond which a label gets a leader line, pixels. */
const LEADER_AFTER = 10;

export function overlaps(a: Box, b: Box, gap = 0): boolean {
  return a.x0 < b.x1 + gap && b.x0 < a.x1 + gap && a.y0 < b.y1 + gap && b.y0 < a.y1 + gap;
}

function overlapArea(a: Box, b: Box): number {
  const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
  const h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
  return w > 0 && h > 0 ? w * h : 0;
}

/** Does the box come within `gap` of the circle? */
export function hitsCircle(b: Box, c: Circle, gap = 0): boolean {
  const nx = Math.max(b.x0, Math.min(c.x, b.x1));
  const ny = Math.max(b.y0, Math.min(c.y, b.y1));
  return (nx - c.x) ** 2 + (ny - c.y) ** 2 < (c.r + gap) ** 2;
}

/** Does the segment a–b pass through the box (shrunk by `shrink`)? Liang–Barsky clipping. */
export function segmentHitsBox(a: { x: number; y: number }, b: { x: number; y: number }, box: Box, shrink = 0): boolean {
  const x0 = box.x0 + shrink;
  const x1 = box.x1 - shrink;
  const y0 = box.y0 + shrink;
  const y1 = box.y1 - shrink;
  if (x0 >= x1 || y0 >= y1) return false;
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  let t0 = 0;
  let t1 = 1;
  const edges: [number, number][] = [
    [-dx, a.x - x0],
    [dx, x1 - a.x],
    [-dy, a.y - y0],
    [dy, y1 - a.y],
  ];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return false;
    } else {
      const r = q / p;
      if (p < 0) t0 = Math.max(t0, r);
      else t1 = Math.min(t1, r);
      if (t0 > t1) return false;
    }
  }
  return true;
}

/** Do the segments a–b and c–d cross? */
function segmentsCross(a: { x: number; y: number }, b: { x: number; y: number }, c: { x: number; y: number }, d: { x: number; y: number }): boolean {
  const o = (p: { x: number; y: number }, q: { x: number; y: number }, r: { x: number; y: number }) => Math.sign((q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x));
  return o(a, b, c) * o(a, b, d) < 0 && o(c, d, a) * o(c, d, b) < 0;
}

function inside(b: Box, area: Box): boolean {
  return b.x0 >= area.x0 && b.x1 <= area.x1 && b.y0 >= area.y0 && b.y1 <= area.y1;
}

/** The box of a label of `w`×`h` attached at distance `d` from the circle, in direction `a` (radians, y down). */
function candidate(c: Circle, w: number, h: number, d: number, a: number): { box: Box; anchor: PlacedLabel["anchor"] } {
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  const px = c.x + (c.r + d) * cos;
  const py = c.y + (c.r + d) * sin;
  let x0: number;
  let anchor: PlacedLabel["anchor"];
  if (cos > 0.38) {
    x0 = px;
    anchor = "start";
  } else if (cos < -0.38) {
    x0 = px - w;
    anchor = "end";
  } else {
    x0 = px - w / 2;
    anchor = "middle";
  }
  const y0 = sin > 0.38 ? py : sin < -0.38 ? py - h : py - h / 2;
  return { box: { x0, y0, x1: x0 + w, y1: y0 + h }, anchor };
}

function thinBox(a: { x: number; y: number }, b: { x: number; y: number }): Box {
  return { x0: Math.min(a.x, b.x), y0: Math.min(a.y, b.y), x1: Math.max(a.x, b.x), y1: Math.max(a.y, b.y) };
}

/** Does the segment a–b pass within the circle? */
function segmentNear(a: { x: number; y: number }, b: { x: number; y: number }, c: Circle): boolean {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const t = Math.max(0, Math.min(1, ((c.x - a.x) * dx + (c.y - a.y) * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(a.x + t * dx - c.x, a.y + t * dy - c.y) < c.r;
}

/** The point of `b` closest to `p`. */
function nearest(b: Box, p: { x: number; y: number }): { x: number; y: number } {
  return { x: Math.max(b.x0, Math.min(p.x, b.x1)), y: Math.max(b.y0, Math.min(p.y, b.y1)) };
}

/**
 * Places one label per request inside `area`, in the requests' order of output.
 * `obstacles.circles` adds unlabelled points; every request's own circle is hard too.
 */
export function placeLabels(requests: readonly LabelRequest[], area: Box, obstacles: Obstacles = {}): PlacedLabel[] {
  const circles: Circle[] = [...requests.map(({ x, y, r }) => ({ x, y, r })), ...(obstacles.circles ?? [])];
  const soft = obstacles.soft ?? [];
  const reach = Math.max(40, Math.min(area.x1 - area.x0, area.y1 - area.y0) / 2);
  const distances: number[] = [];
  for (let d = 3; d <= reach; d += d < 12 ? 3 : d < 40 ? 6 : 10) distances.push(d);
  // 24 directions, starting up-right and going round both ways, so nearer-to-preferred comes first
  const DIRS = 24;
  const angles: number[] = [];
  const start = -Math.PI / 4;
  for (let k = 0; k < DIRS; k++) {
    const step = Math.ceil(k / 2) * (k % 2 === 1 ? 1 : -1);
    angles.push(start + (step * 2 * Math.PI) / DIRS);
  }
  const crowd = requests.map((p, i) => ({ i, n: requests.filter((q) => Math.hypot(q.x - p.x, q.y - p.y) < 40).length }));
  const order = crowd.sort((a, b) => b.n - a.n || a.i - b.i).map((c) => c.i);
  const placed: Box[] = [];
  const leaders: { a: { x: number; y: number }; b: { x: number; y: number } }[] = [];
  const out: PlacedLabel[] = new Array(requests.length);
  /** The leader a label at `box` would need from circle `c`, or null when it sits close enough. */
  const leaderOf = (c: Circle, box: Box, d: number) => {
    if (d <= LEADER_AFTER) return null;
    const to = nearest(box, c);
    const len = Math.hypot(to.x - c.x, to.y - c.y) || 1;
    return { a: { x: c.x + ((to.x - c.x) / len) * c.r, y: c.y + ((to.y - c.y) / len) * c.r }, b: to };
  };
  for (const i of order) {
    const req = requests[i];
    type Candidate = { box: Box; anchor: PlacedLabel["anchor"]; d: number };
    let best = null as (Candidate & { cost: number }) | null;
    let fallback = null as (Candidate & { bad: number }) | null;
    for (const d of distances) {
      if (best !== null && d > best.cost) break;
      for (let k = 0; k < angles.length; k++) {
        const c = candidate(req, req.width, req.height, d, angles[k]);
        const inArea = inside(c.box, area);
        const hard = placed.some((b) => overlaps(c.box, b, GAP)) || circles.some((o) => hitsCircle(c.box, o, GAP));
        if (inArea && !hard) {
          let cost = d + (soft.some((s) => overlaps(c.box, s)) ? 12 : 0) + k * 0.05;
          // a label over another's leader, or a leader through a label, a point or another leader, reads badly
          if (leaders.some((l) => segmentHitsBox(l.a, l.b, c.box))) cost += 12;
          const line = leaderOf(req, c.box, d);
          if (line) {
            if (placed.some((b) => segmentHitsBox(line.a, line.b, b, 0.5))) cost += 30;
            if (circles.some((o, j) => j !== i && hitsCircle(thinBox(line.a, line.b), o) && segmentNear(line.a, line.b, o))) cost += 30;
            if (leaders.some((l) => segmentsCross(l.a, l.b, line.a, line.b))) cost += 8;
          }
          if (!best || cost < best.cost) best = { ...c, cost, d };
        } else if (inArea) {
          const bad = placed.reduce((s, b) => s + overlapArea(c.box, b), 0) + circles.reduce((s, o) => s + (hitsCircle(c.box, o) ? o.r * o.r * 4 : 0), 0);
          if (!fallback || bad < fallback.bad) fallback = { ...c, bad, d };
        }
      }
      // a clear spot at this distance beats any farther one (costs at most 12 + 1.2 more)
      if (best && best.cost <= d + 1.2) break;
    }
    const pick = best ?? fallback ?? { ...candidate(req, req.width, req.height, 3, angles[0]), d: 3 };
    placed.push(pick.box);
    const line = leaderOf(req, pick.box, pick.d);
    if (line) leaders.push(line);
    const mid = (pick.box.y0 + pick.box.y1) / 2;
    const ax = pick.anchor === "start" ? pick.box.x0 : pick.anchor === "end" ? pick.box.x1 : (pick.box.x0 + pick.box.x1) / 2;
    const to = nearest(pick.box, req);
    const len = Math.hypot(to.x - req.x, to.y - req.y) || 1;
    out[i] = {
      box: pick.box,
      anchor: pick.anchor,
      x: ax,
      y: mid,
      leader: pick.d > LEADER_AFTER,
      from: { x: req.x + ((to.x - req.x) / len) * req.r, y: req.y + ((to.y - req.y) / len) * req.r },
      to,
      clear: best !== null,
    };
  }
  return out;
}
