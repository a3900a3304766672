/**
 * Flow windows — the input of the learned flow correlators: per user, overlapping time
 * windows of the packet sequence in both directions, each packet as its size and its
 * gap (inter-packet delay). DeepCorr (Nasr, Bahramali, Houmansadr, "DeepCorr: Strong
 * Flow Correlation Attacks on Tor Using Deep Learning", ACM CCS 2018) feeds its network
 * the first ℓ packets' inter-packet delays and sizes of each direction; DeepCoFFEA (Oh,
 * Yang, Mathews, Holland, Rahman, Hopper, Wright, "DeepCoFFEA: Improved Flow Correlation
 * Attacks on Tor via Metric Learning and Amplification", IEEE S&P 2022) cuts each flow
 * into overlapping windows (5 s, one every 2 s) of such sequences and keeps a window only
 * when both ends carry more than 20 packets in it.
 *
 * Rule: window w covers [start + w·step, start + w·step + window). A packet of user u in
 * direction d at time t joins every window that covers t, as long as that window holds
 * fewer than `packets` packets of (u, d): its size / 1500 and its gap, log10(1 + gap in
 * ms) / 4, where the gap of a window's first packet of a direction is measured from the
 * window's start (so the sequence keeps where in the window the traffic fell) and the
 * next ones from the previous packet of the same direction. Every packet is counted,
 * kept or not (`count`), for the "both ends carry enough packets" rule.
 *
 * Vantage: a user's access link. Sees, per packet, the user, time, wire size and
 * direction. Cannot see which packets are cover or padding, payloads, or peers.
 *
 * Memory is fixed when the tap is built: users × windows × 2 directions × `packets` × 2
 * float32 cells, whatever the number of packets (checked against a cap); the tap is O(1)
 * (⌈window / step⌉ windows per packet) and allocation-free.
 *
 * @example
 * const fw = new FlowWindows({ users: 2, start: 0, end: seconds(60), window: seconds(30), step: seconds(15), packets: 8 });
 * fw.packet(0, seconds(20), 1500, UP); // joins windows 0 ([0, 30) s) and 1 ([15, 45) s)
 * fw.sequence(0, 1);                    // Float32Array [packets × 4]: up size, up gap, down size, down gap
 */
import { checkCells } from "./binned-volume.ts";
import type { Tap } from "./observer.ts";
import type { Micros } from "../sim/core/time.ts";
import { DOWN, UP, type Direction } from "../sim/core/kinds.ts";

export interface FlowWindowOptions {
  readonly users: number;
  readonly start: Micros;
  readonly end: Micros;
  /** Window length, µs. */
  readonly window: Micros;
  /** A new window every `step` µs (≤ window: windows overlap). */
  readonly step: Micros;
  /** Packets kept per window, user and direction (ℓ). */
  readonly packets: number;
  /** Largest users × cells allocation allowed (default binned-volume's cap). */
  readonly maxCells?: number;
}

/** Channels of a packet in a window's sequence, in order. */
export const CHANNELS = ["up-size", "up-gap", "down-size", "down-gap"] as const;

export class FlowWindows implements Tap {
  readonly users: number;
  readonly start: Micros;
  readonly window: Micros;
  readonly step: Micros;
  readonly windows: number;
  readonly packets: number;
  /** seq[((u · windows + w) · packets + k) · 4 + c]: packet k's channel c (CHANNELS). */
  readonly seq: Float32Array;
  /** count[(u · windows + w) · 2 + d]: packets of (u, d) in window w, kept or not. */
  readonly count: Int32Array;
  /** The last kept packet's time per (u, w, d), for gaps. */
  private readonly last: Float64Array;

  constructor(o: FlowWindowOptions) {
    if (!(o.step > 0) || !(o.window >= o.step)) throw new RangeError(`flow windows: step ${o.step} µs must be positive and at most the window ${o.window} µs`);
    if (!(o.packets >= 1)) throw new RangeError(`flow windows: packets = ${o.packets}, expected at least 1`);
    this.users = o.users;
    this.start = o.start;
    this.window = o.window;
    this.step = o.step;
    this.packets = o.packets;
    this.windows = Math.max(1, Math.ceil((o.end - o.start - o.window) / o.step) + 1);
    checkCells("flow windows", o.users, this.windows * o.packets * 4, o.maxCells);
    this.seq = new Float32Array(o.users * this.windows * o.packets * 4);
    this.count = new Int32Array(o.users * this.windows * 2);
    this.last = new Float64Array(o.users * this.windows * 2);
    for (let u = 0; u < o.users; u++) for (let w = 0; w < this.windows; w++) this.last.fill(o.start + w * o.step, (u * this.windows + w) * 2, (u * this.windows + w) * 2 + 2);
  }

  packet(endpoint: number, time: Micros, size: number, dir: Direction): void {
    if (endpoint < 0 || endpoint >= this.users) return;
    const rel = time - this.start;
    if (rel < 0) return;
    // Windows w with w·step ≤ rel < w·step + window.
    const hi = Math.min(this.windows - 1, Math.floor(rel / this.step));
    const lo = Math.max(0, Math.floor((rel - this.window) / this.step) + 1);
    const L = this.packets;
    for (let w = lo; w <= hi; w++) {
      const cw = (endpoint * this.windows + w) * 2 + dir;
      const k = this.count[cw]++;
      if (k >= L) continue;
      const gapMs = Math.max(0, time - this.last[cw]) / 1000;
      this.last[cw] = time;
      const o = ((endpoint * this.windows + w) * L + k) * 4 + dir * 2;
      this.seq[o] = size / 1500;
      this.seq[o + 1] = Math.log10(1 + gapMs) / 4;
    }
  }

  /** Packets of user u in window w, both directions (kept or not). */
  packetsIn(u: number, w: number): number {
    const c = (u * this.windows + w) * 2;
    return this.count[c + UP] + this.count[c + DOWN];
  }

  /** The sequence of user u in window w: `packets` × 4 channels (a view, not a copy). */
  sequence(u: number, w: number): Float32Array {
    const n = this.packets * 4;
    return this.seq.subarray((u * this.windows + w) * n, (u * this.windows + w + 1) * n);
  }
}
