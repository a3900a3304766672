/**
 * The cost of a defense, measured in the run itself (docs/architecture.md §5 "Cost is measured, not
 * estimated"): bandwidth overhead, per-message added latency and end-to-end latency,
 * and phone radio energy, each with a seeded bootstrap interval.
 *
 * - Bandwidth overhead = wire bytes / real bytes − 1 on the access links (what the
 *   user's plan and radio pay), a ratio of sums over users; the interval resamples users.
 * - Added latency per message = the delay shaping added at each hop it crossed, measured
 *   exactly against a virtual unshaped link (see `sim/engine/egress.ts`); quantiles over
 *   delivered person-to-person messages; the interval resamples messages.
 * - Energy = joules per device-hour and radio wake-ups per device-hour from the RRC
 *   model (`sim/world/radio.ts`); the interval resamples devices.
 */
import { quantileSorted } from "simple-statistics";
import { bootstrapCi } from "../../observers/metrics.ts";
import type { Rng } from "../core/rng.ts";
import type { Interval } from "../runs/metrics.ts";
import type { RadioFleet } from "../world/radio.ts";
import { HOUR, type Micros } from "../core/time.ts";
import { TYPE_CODE } from "../world/truth.ts";
import type { WorldResult } from "../world/world.ts";
import type { ArmResult } from "../runs/metrics.ts";

const EMPTY: Interval = { estimate: null, lo: null, hi: null };

function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function json(i: { estimate: number; lo: number; hi: number }): Interval {
  return { estimate: finite(i.estimate), lo: finite(i.lo), hi: finite(i.hi) };
}

/** Ratio of sums Σnum/Σden − 1 with a bootstrap over cases. */
export function overheadInterval(num: Float64Array, den: Float64Array, rng: Rng, resamples: number, level: number): Interval {
  const n = num.length;
  if (n === 0) return EMPTY;
  let total = 0;
  for (let i = 0; i < n; i++) total += den[i];
  if (total === 0) return EMPTY;
  return json(
    bootstrapCi(
      (idx) => {
        let a = 0;
        let b = 0;
        for (let k = 0; k < idx.length; k++) {
          a += num[idx[k]];
          b += den[idx[k]];
        }
        return b > 0 ? a / b - 1 : 0;
      },
      n,
      rng,
      { resamples, level },
    ),
  );
}

/** Mean with a bootstrap over cases. */
export function meanInterval(values: Float64Array, rng: Rng, resamples: number, level: number): Interval {
  const n = values.length;
  if (n === 0) return EMPTY;
  return json(
    bootstrapCi(
      (idx) => {
        let s = 0;
        for (let k = 0; k < idx.length; k++) s += values[idx[k]];
        return s / idx.length;
      },
      n,
      rng,
      { resamples, level },
    ),
  );
}

/**
 * Quantiles of `values` with bootstrap intervals. Resampling works on ranks: values are
 * sorted once, each resample counts how often each rank is drawn and walks the counts to
 * the quantile's position, O(n) per resample and no sorting inside the loop.
 */
export function quantileIntervals(values: Float64Array, qs: readonly number[], rng: Rng, resamples: number, level: number): Interval[] {
  const n = values.length;
  if (n === 0) return qs.map(() => EMPTY);
  const sorted = Float64Array.from(values).sort();
  const counts = new Int32Array(n);
  const draws = qs.map(() => new Float64Array(resamples));
  for (let b = 0; b < resamples; b++) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[rng.int(0, n)]++;
    qs.forEach((q, j) => {
      // the same position rule simple-statistics' quantileSorted uses for a sample of n
      const target = Math.min(n - 1, Math.max(0, Math.ceil(n * q) - 1));
      let seen = 0;
      let r = 0;
      while (r < n && seen + counts[r] <= target) {
        seen += counts[r];
        r++;
      }
      draws[j][b] = sorted[Math.min(r, n - 1)];
    });
  }
  const alpha = (1 - level) / 2;
  return qs.map((q, j) => {
    const d = draws[j].sort();
    return json({ estimate: quantileSorted(Array.from(sorted), q), lo: quantileSorted(Array.from(d), alpha), hi: quantileSorted(Array.from(d), 1 - alpha) });
  });
}

/** Person-to-person message types: the ones whose latency a user feels. */
const USER_TYPES = new Set(["text", "photo", "video", "voice-note", "file"].map((t) => TYPE_CODE[t as keyof typeof TYPE_CODE]));

/**
 * The cost of one arm from its world's result and radio fleet: bandwidth overhead per
 * side, added and end-to-end latency quantiles of person-to-person messages, energy and
 * wake-ups per device-hour, and what the budgets refused or forced — each with its
 * interval — plus the raw per-message and per-device values the figures draw.
 */
export function armCost(r: WorldResult, radio: RadioFleet, users: number, duration: Micros, metrics: { resamples: number; level: number }, radioName: string, rng: Rng): { addedMs: Float64Array; joulesPerHour: Float64Array; summary: ArmResult["cost"] } {
  const { resamples, level } = metrics;
  const m = r.truth.messages;
  const added: number[] = [];
  const e2e: number[] = [];
  for (let i = 0; i < m.length; i++) {
    if (!USER_TYPES.has(m.type[i]) || m.from[i] < 0 || m.to[i] < 0 || Number.isNaN(m.delivered[i])) continue;
    added.push(m.added[i] / 1000);
    e2e.push((m.delivered[i] - m.created[i]) / 1000);
  }
  const addedMs = Float64Array.from(added);
  const qs = [0.5, 0.95, 0.99];
  const [a50, a95, a99] = quantileIntervals(addedMs, qs, rng.child("added"), resamples, level);
  const [e50, e95, e99] = quantileIntervals(Float64Array.from(e2e), qs, rng.child("e2e"), resamples, level);

  const hours = duration / HOUR;
  const joulesPerHour = new Float64Array(users);
  const wakeupsPerHour = new Float64Array(users);
  for (let u = 0; u < users; u++) {
    joulesPerHour[u] = radio.energyJoules(u) / hours;
    wakeupsPerHour[u] = radio.wakeups(u) / hours;
  }
  return {
    addedMs,
    joulesPerHour,
    summary: {
      bandwidthOverhead: {
        total: overheadInterval(r.userWireBytes, r.userRealBytes, rng.child("bw/total"), resamples, level),
        device: overheadInterval(r.deviceWireBytes, r.deviceRealBytes, rng.child("bw/device"), resamples, level),
        server: overheadInterval(r.serverWireBytes, r.serverRealBytes, rng.child("bw/server"), resamples, level),
      },
      addedLatencyMs: { p50: a50, p95: a95, p99: a99, messages: addedMs.length },
      endToEndLatencyMs: { p50: e50, p95: e95, p99: e99 },
      energy: {
        radio: radioName,
        joulesPerHour: meanInterval(joulesPerHour, rng.child("energy"), resamples, level),
        wakeupsPerHour: meanInterval(wakeupsPerHour, rng.child("wakeups"), resamples, level),
      },
      budget: {
        refusedPadding: r.device.refusedPadding + r.server.refusedPadding,
        forcedReleases: r.device.forcedReleases + r.server.forcedReleases,
      },
    },
  };
}
