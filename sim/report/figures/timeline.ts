/**
 * One user's traffic before and after shaping: a row per defense, each packet a
 * vertical line at its time, up for bytes the device sent and down for bytes it
 * received, coloured by what the bytes are — real payload, padding (added to a real
 * packet, or a padding packet) and cover packets.
 *
 * "Before" is the same user in the undefended arm: every arm runs the same population
 * and conversations from the same seed (common random numbers), so the rows differ by
 * the shaper, until shaping delays move a reply. The user is the traced user with the
 * most packets, unless `user` picks one. The window is the busiest stretch of
 * the undefended trace (most real packets in `windowSeconds`, centred on their median), halved until no row has
 * more than `maxPackets` packets in it, so the figure stays readable and small.
 *
 * @example
 * timelineFigure(JSON.parse(readFileSync("results/runs/default-s1-…/timeline.json", "utf8"))) // => "<svg …>"
 */
import * as Plot from "@observablehq/plot";
import { TIMELINE_CAPTION } from "./captions.ts";
import type { TimelineArm, TimelineData } from "./data.ts";
import { packetSegments } from "./packet-segments.ts";
import { arrange, figure, KIND_COLORS, KIND_NAMES, plotSvg, textBlock, type SvgPiece } from "./svg.ts";
import { clockLabel, sigFigures } from "./units.ts";

export interface TimelineOptions {
  /** Index into `data.users` (default: the traced user with the most packets; the first on ties). */
  user?: number;
  windowSeconds?: number;
  maxPackets?: number;
  width?: number;
}

/** The start of the `w`-second window holding the most packets with `keep(i)`; earliest on ties. */
export function busiestWindow(t: readonly number[], w: number, keep: (i: number) => boolean = () => true): number {
  let best = -1;
  let start = t.length ? t[0] : 0;
  let j = 0;
  let count = 0;
  for (let i = 0; i < t.length; i++) {
    if (!keep(i)) continue;
    count++;
    while (t[j] < t[i] - w) {
      if (keep(j)) count--;
      j++;
    }
    if (count > best) {
      best = count;
      start = Math.max(0, t[i] - w);
    }
  }
  return start;
}

function countIn(arm: TimelineArm, t0: number, t1: number): number {
  let n = 0;
  for (const t of arm.t) if (t >= t0 && t <= t1) n++;
  return n;
}

/** The window [t0, t1] (seconds) the figure shows for `arms`. */
export function timelineWindow(arms: readonly TimelineArm[], durationSeconds: number, windowSeconds = 60, maxPackets = 2500): [number, number] {
  if (arms.length === 0) return [0, Math.min(windowSeconds, durationSeconds)];
  const ref = arms.find((a) => a.baseline && a.t.length > 0) ?? [...arms].sort((a, b) => b.t.length - a.t.length)[0];
  let w = Math.min(windowSeconds, durationSeconds);
  for (;;) {
    const start = busiestWindow(ref.t, w, (i) => ref.kind[i] === 0);
    // centre the window on the median packet it holds, so a burst is not drawn against an edge
    const inside = ref.t.filter((t, i) => ref.kind[i] === 0 && t >= start && t <= start + w);
    const mid = inside.length ? inside[inside.length >> 1] : start + w / 2;
    const t0 = Math.max(0, Math.min(mid - w / 2, durationSeconds - w));
    const t1 = t0 + w;
    if (w <= 0.5 || Math.max(...arms.map((a) => countIn(a, t0, t1))) <= maxPackets) return [t0, t1];
    w /= 2;
  }
}

function describe(arm: TimelineArm, t0: number, t1: number): string {
  let real = 0;
  let pad = 0;
  let cover = 0;
  let n = 0;
  for (let i = 0; i < arm.t.length; i++) {
    if (arm.t[i] < t0 || arm.t[i] > t1) continue;
    n++;
    const size = arm.size[i];
    if (arm.kind[i] === 0) {
      real += Math.min(arm.payload[i], size);
      pad += size - Math.min(arm.payload[i], size);
    } else if (arm.kind[i] === 1) pad += size;
    else cover += size;
  }
  const kb = (b: number) => `${(b / 1000).toFixed(1)} kB`;
  return `${n} packets in the window: ${kb(real)} real, ${kb(pad)} padding, ${kb(cover)} cover${arm.truncated ? ` (trace capped at ${arm.t.length} of ${arm.packets} packets)` : ""}`;
}

/** Index of the traced user with the most packets over all defenses (0 when there is none). */
export function busiestUser(data: TimelineData): number {
  let best = 0;
  let most = -1;
  data.users.forEach((u, i) => {
    const n = u.arms.reduce((s, a) => s + a.t.length, 0);
    if (n > most) {
      most = n;
      best = i;
    }
  });
  return best;
}

export function timelineFigure(data: TimelineData, opts: TimelineOptions = {}): string {
  const width = opts.width ?? 760;
  const u = data.users[opts.user ?? busiestUser(data)];
  const arms = u ? [...u.arms].sort((a, b) => Number(b.baseline) - Number(a.baseline)) : [];
  const [t0, t1] = timelineWindow(arms, data.durationSeconds, opts.windowSeconds, opts.maxPackets);
  const segs = arms.map((a) => packetSegments(a, t0, t1));
  let yMax = 100;
  for (const s of segs) for (const d of s) yMax = Math.max(yMax, Math.abs(d.y1), Math.abs(d.y2));
  // a window late in a long run reads as minutes:seconds, not as "2405 s"
  const clock = t1 >= 180;
  const panels: SvgPiece[] = arms.map((arm, i) => {
    const plot = plotSvg({
      width,
      height: 150,
      marginLeft: 52,
      marginBottom: 32,
      x: clock
        ? { domain: [t0, t1], label: "time since start (min:s) →", labelAnchor: "right", tickFormat: (d: number) => clockLabel(d), ticks: 6 }
        : { domain: [t0, t1], label: "time since start (s) →", labelAnchor: "right" },
      y: { domain: [-yMax, yMax], label: "↑ sent · received ↓ (bytes)", tickFormat: (d: number) => String(Math.abs(d)), ticks: 5 },
      color: { domain: [...KIND_NAMES], range: KIND_COLORS },
      marks: [
        Plot.ruleX(segs[i], { x: "t", y1: "y1", y2: "y2", stroke: "kind", strokeWidth: 1.25 }),
        Plot.ruleY([0], { stroke: "#444", ariaHidden: "true" }),
        Plot.frame({ stroke: "#ccc" }),
      ],
    });
    const title = `${arm.defense}${arm.baseline ? " (undefended: before shaping)" : ""}`;
    return arrange([textBlock([{ text: title, size: 12, bold: true }, { text: describe(arm, t0, t1), size: 10, color: "#555" }], width), plot], "column", 2);
  });
  if (panels.length === 0) panels.push(textBlock([{ text: "No traced user in this run (set traceUsers in the experiment).", size: 12 }], width));
  return figure({
    id: "timeline",
    title: `Traffic of user ${u?.user ?? "–"} before and after shaping, ${clock ? `${clockLabel(t0)}–${clockLabel(t1)} (min:s)` : `${sigFigures(t0, 3)}–${sigFigures(t1, 3)} s`} into the run`,
    caption: TIMELINE_CAPTION,
    notes: ["A real packet padded by a shaper shows its real bytes and, beyond them, its padding."],
    key: KIND_NAMES.map((k, i) => ({ label: k, color: KIND_COLORS[i] })),
    panels,
  });
}

export { TIMELINE_CAPTION };
