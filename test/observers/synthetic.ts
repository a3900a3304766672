/**
 * Synthetic traffic for observer tests, from seeded streams.
 *
 * Users 2k and 2k+1 (k < pairs) converse: messages at exponential gaps, each a text
 * (100–900 B) or a photo (37–209 KB, log-uniform; sizes after Kurz 2023 via reference
 * §1.2), sent as ≤ 1400 B packets 2 ms apart on the sender's uplink and received, after
 * a latency plus per-message jitter, as the same packets on the partner's downlink.
 * Every other user has the same marginal traffic, but with the outside world: its
 * uplink messages go nowhere we watch and its downlink messages come from nowhere we
 * watch. Optional independent Poisson cover per user and direction. With
 * `constantRate`, every user sends and receives the same packet at the same instants,
 * whatever the conversations (truth still records them): a perfect defense.
 */
import { mean } from "simple-statistics";
import { rocAuc, topKAccuracy } from "../../observers/metrics.ts";
import type { ObserverDefinition, TaskScores, Tap } from "../../observers/observer.ts";
import { stream } from "../../sim/core/rng.ts";
import { MILLISECOND, SECOND, type Micros } from "../../sim/core/time.ts";
import { DOWN, UP, type Direction } from "../../sim/core/kinds.ts";
import { TYPE_CODE, Truth } from "../../sim/world/truth.ts";
import { labelsFromTruth } from "../../sim/experiment/labels.ts";
import type { Labels } from "../../observers/labels.ts";

export interface SyntheticOptions {
  readonly users: number;
  readonly pairs: number;
  readonly seconds: number;
  readonly seed: number;
  /** Mean gap between messages of one user or pair, seconds. */
  readonly messageMean?: number;
  readonly latencyMs?: number;
  readonly jitterMs?: number;
  /** Poisson cover packets per second per user and direction. */
  readonly coverRate?: number;
  /** Every user sends and receives `size` bytes every `intervalMs`, nothing else. */
  readonly constantRate?: { readonly intervalMs: number; readonly size: number };
  /** Share of photo messages (the rest are texts). */
  readonly photoShare?: number;
}

export interface Synthetic {
  readonly users: number;
  readonly start: Micros;
  readonly end: Micros;
  readonly truth: Truth;
  /** The lab's labels of this truth, as an observer's scorer receives them. */
  readonly labels: Labels;
  readonly packets: number;
  feed(tap: Tap): void;
}

type Stream = { t: number[]; s: number[] };

export function synthetic(o: SyntheticOptions): Synthetic {
  const end = o.seconds * SECOND;
  const streams: Stream[] = Array.from({ length: o.users * 2 }, () => ({ t: [], s: [] }));
  const put = (u: number, dir: Direction, t: number, size: number) => {
    if (t < 0 || t >= end) return;
    const st = streams[u * 2 + dir];
    st.t.push(Math.round(t));
    st.s.push(size);
  };
  const truth = new Truth();
  const gapMean = (o.messageMean ?? 30) * SECOND;
  const latency = (o.latencyMs ?? 150) * MILLISECOND;
  const jitter = (o.jitterMs ?? 200) * MILLISECOND;
  const photoShare = o.photoShare ?? 0.3;
  const sizeRng = stream(o.seed, "synthetic/sizes");
  const draw = () => (sizeRng.bernoulli(photoShare) ? Math.round(sizeRng.logUniform(37_000, 209_000)) : sizeRng.int(100, 900));
  // When a sent message's last byte has left the uplink: its packets 2 ms apart, or at the constant rate.
  const upDone = (t: number, bytes: number) =>
    Math.round(t + (o.constantRate ? Math.ceil(bytes / o.constantRate.size) * o.constantRate.intervalMs : 2 * Math.ceil(bytes / 1400)) * MILLISECOND);
  const burst = (u: number, dir: Direction, t: number, bytes: number) => {
    for (let off = 0, k = 0; off < bytes; off += 1400, k++) put(u, dir, t + k * 2 * MILLISECOND, Math.min(1400, bytes - off));
  };

  for (let k = 0; k < o.pairs; k++) {
    const a = 2 * k;
    const b = 2 * k + 1;
    const conv = truth.conversations.add("direct", a, b, 0);
    const r = stream(o.seed, `synthetic/pair/${k}`);
    for (let t = r.exponential(gapMean); t < end; t += r.exponential(gapMean)) {
      const from = r.bernoulli(0.5) ? a : b;
      const to = from === a ? b : a;
      const bytes = draw();
      const type = bytes > 1000 ? TYPE_CODE.photo : TYPE_CODE.text;
      const delay = latency + r.uniform(0, jitter);
      const id = truth.messages.add(from, to, type, bytes, conv, 0, Math.round(t));
      truth.messages.atServer[id] = upDone(t, bytes);
      truth.messages.delivered[id] = Math.round(t + delay);
      truth.conversations.touch(conv, t + delay);
      if (!o.constantRate) {
        burst(from, UP, t, bytes);
        burst(to, DOWN, t + delay, bytes);
      }
    }
  }
  for (let u = 2 * o.pairs; u < o.users; u++) {
    const r = stream(o.seed, `synthetic/solo/${u}`);
    for (let t = r.exponential(gapMean); t < end; t += r.exponential(gapMean)) {
      const bytes = draw();
      const type = bytes > 1000 ? TYPE_CODE.photo : TYPE_CODE.text;
      if (r.bernoulli(0.5)) {
        const id = truth.messages.add(u, -1, type, bytes, -1, 0, Math.round(t));
        truth.messages.atServer[id] = upDone(t, bytes);
        if (!o.constantRate) burst(u, UP, t, bytes);
      } else {
        const id = truth.messages.add(-1, u, type, bytes, -1, 0, Math.round(t));
        truth.messages.delivered[id] = Math.round(t);
        if (!o.constantRate) burst(u, DOWN, t, bytes);
      }
    }
  }
  if (o.coverRate && !o.constantRate) {
    for (let u = 0; u < o.users; u++) {
      for (const dir of [UP, DOWN] as const) {
        const r = stream(o.seed, `synthetic/cover/${u}/${dir}`);
        const gap = SECOND / o.coverRate;
        for (let t = r.exponential(gap); t < end; t += r.exponential(gap)) put(u, dir, t, r.int(100, 1400));
      }
    }
  }
  if (o.constantRate) {
    const step = o.constantRate.intervalMs * MILLISECOND;
    for (let u = 0; u < o.users; u++) {
      for (let t = 0; t < end; t += step) {
        put(u, UP, t, o.constantRate.size);
        put(u, DOWN, t, o.constantRate.size);
      }
    }
  }

  // Sort each stream by time once; feed streams one after the other (each in order).
  const sorted = streams.map((st) => {
    const idx = st.t.map((_, i) => i).sort((x, y) => st.t[x] - st.t[y] || x - y);
    return { t: Float64Array.from(idx, (i) => st.t[i]), s: Int32Array.from(idx, (i) => st.s[i]) };
  });
  const packets = sorted.reduce((n, st) => n + st.t.length, 0);
  return {
    users: o.users,
    start: 0,
    end,
    truth,
    labels: labelsFromTruth(truth, o.users),
    packets,
    feed(tap: Tap) {
      // Interleave: all uplinks first (user order), then all downlinks, reversed users;
      // taps must cope with endpoints and directions arriving out of order.
      for (let u = 0; u < o.users; u++) {
        const st = sorted[u * 2 + UP];
        for (let i = 0; i < st.t.length; i++) tap.packet(u, st.t[i], st.s[i], UP);
      }
      for (let u = o.users - 1; u >= 0; u--) {
        const st = sorted[u * 2 + DOWN];
        for (let i = 0; i < st.t.length; i++) tap.packet(u, st.t[i], st.s[i], DOWN);
      }
    },
  };
}

/** AUC (ties ½), from the lab's metrics. */
export const auc = rocAuc;

export function meanOf(a: ArrayLike<number>): number {
  return mean(Array.from(a));
}

/** Creates an observer from raw parameters, feeds it the synthetic traffic and scores it. */
export function run<P extends Record<string, unknown>>(def: ObserverDefinition<P>, raw: unknown, syn: Synthetic, seed = 1): TaskScores {
  const obs = def.create(def.schema.parse(raw ?? {}), { users: syn.users, start: syn.start, end: syn.end, rng: stream(seed, `observer/${def.name}`) });
  syn.feed(obs.tap);
  return obs.score(syn.labels);
}

/** Share of positives whose true partner ranks first. */
export function top1(s: TaskScores): number {
  return s.ranks ? topKAccuracy(s.ranks, 1, s.rankTies) : NaN;
}
