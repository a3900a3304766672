/**
 * A scoped observer is scored on its own scope's cases only. A local-network observer of
 * one hotspot is asked who talks to whom among the hotspot's users and when they are
 * active — not about users it never saw: those cases all tie (nothing on its wire) and
 * would pull its figures toward chance, flattering the policy or the defense. So, for an
 * observer use with a `scope`, a case is kept when every user it belongs to is in scope
 * (both ends of a pair; the user of a window or burst). Ids at or above `users` are
 * bystanders or other devices of the metadata world, which the vantage's projection has
 * already restricted to its scope (sim/world/visibility.ts); they are kept.
 *
 * Identification details (ranks against all candidates) follow their positives; the
 * nominal candidate count stays (a target's partner is named among everyone).
 *
 * @example
 * restrictToScope(scores, scopeUsers(placement, "local", "cafe-hotspot"), users)
 */
import type { TaskScores } from "../../observers/observer.ts";

export function restrictToScope(s: TaskScores, inScope: Uint8Array | null, users: number): TaskScores {
  if (inScope === null) return s;
  const k = s.usersPerCase;
  const keep = (ids: Int32Array, i: number) => {
    for (let j = 0; j < k; j++) {
      const u = ids[i * k + j];
      if (u >= 0 && u < users && inScope[u] !== 1) return false;
    }
    return true;
  };
  const pick = (n: number, ids: Int32Array) => {
    const idx: number[] = [];
    for (let i = 0; i < n; i++) if (keep(ids, i)) idx.push(i);
    return idx;
  };
  const p = pick(s.positives.length, s.positiveUsers);
  const n = pick(s.negatives.length, s.negativeUsers);
  const floats = (a: Float64Array, idx: number[]) => Float64Array.from(idx, (i) => a[i]);
  const ints = (a: Int32Array, idx: number[]) => Int32Array.from(idx, (i) => a[i]);
  const userIds = (a: Int32Array, idx: number[]) => {
    const out = new Int32Array(idx.length * k);
    idx.forEach((i, m) => out.set(a.subarray(i * k, i * k + k), m * k));
    return out;
  };
  return {
    ...s,
    positives: floats(s.positives, p),
    negatives: floats(s.negatives, n),
    positiveUsers: userIds(s.positiveUsers, p),
    negativeUsers: userIds(s.negativeUsers, n),
    ...(s.positiveTimes ? { positiveTimes: floats(s.positiveTimes, p) } : {}),
    ...(s.negativeTimes ? { negativeTimes: floats(s.negativeTimes, n) } : {}),
    ...(s.ranks ? { ranks: ints(s.ranks, p) } : {}),
    ...(s.rankTies ? { rankTies: ints(s.rankTies, p) } : {}),
    ...(s.rankBelow ? { rankBelow: ints(s.rankBelow, p) } : {}),
  };
}
