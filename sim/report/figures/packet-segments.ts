/**
 * A traced user's packets as vertical segments for a timeline: up (positive) for bytes
 * the device sent, down (negative) for bytes it received, split by what the bytes are.
 * A real packet gives a "real" segment for its payload and, when a shaper padded it, a
 * "padding" segment beyond; a padding packet gives "padding", a cover packet "cover".
 * Pure and dependency-free, so the static figure and the notebooks draw the same thing.
 *
 * @example
 * packetSegments({ t: [1.5], size: [512], payload: [200], dir: [0], kind: [0] }, 0, 10)
 * // => [{ t: 1.5, y1: 0, y2: 200, kind: "real" }, { t: 1.5, y1: 200, y2: 512, kind: "padding" }]
 */

/** Column names as in `timeline.json` (see `data.ts`). */
export interface PacketColumns {
  t: readonly number[];
  size: readonly number[];
  payload: readonly number[];
  dir: readonly number[];
  kind: readonly number[];
}

export interface PacketSegment {
  t: number;
  y1: number;
  y2: number;
  kind: "real" | "padding" | "cover";
}

const KINDS = ["real", "padding", "cover"] as const;

/** Segments of the packets with t in [t0, t1]. */
export function packetSegments(p: PacketColumns, t0 = -Infinity, t1 = Infinity): PacketSegment[] {
  const out: PacketSegment[] = [];
  for (let i = 0; i < p.t.length; i++) {
    const t = p.t[i];
    if (t < t0 || t > t1) continue;
    const s = p.dir[i] === 0 ? 1 : -1;
    const size = p.size[i];
    if (p.kind[i] === 0) {
      const real = Math.max(0, Math.min(p.payload[i], size));
      if (real > 0) out.push({ t, y1: 0, y2: s * real, kind: "real" });
      if (size > real) out.push({ t, y1: s * real, y2: s * size, kind: "padding" });
    } else {
      out.push({ t, y1: 0, y2: s * size, kind: KINDS[p.kind[i]] ?? "cover" });
    }
  }
  return out;
}
