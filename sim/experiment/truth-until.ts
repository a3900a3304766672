/**
 * What had happened by a time: the run's ground truth cut at `until`, so that an attack
 * that has watched only until then is scored on the pairs (windows, messages) that
 * existed by then, and the observation horizons at which the runner scores the
 * long-term observers (issue 11: "partner-identification rate and TPR@FPR versus
 * observation time").
 *
 * `truthUntil(truth, until)` keeps, in their order:
 * - the conversations that started before `until` (their `end` cut at `until`); so two
 *   users are contacts by `until` when a direct conversation or a call between them had
 *   started by then (sim/experiment/labels.ts decides the rest, unchanged);
 * - the messages created before `until`, with `atServer` and `delivered` set to NaN when
 *   they happened at or after `until` (not yet at the server, not yet delivered), their
 *   conversation and origin renumbered;
 * - the groups as they are (membership is fixed for the run; a group is active by
 *   `until` when one of its threads had started).
 * Labels by a time are then `labelsFromTruth(truthUntil(truth, until), users)`.
 *
 * Horizons (`observationHorizons`) are derived from the run's duration, not a parameter
 * of an observer or of the experiment: one grid for every long-term observer, so their
 * curves can be maximised per horizon (the strongest observer) and compared across
 * defenses. They are 10 min, 1 h, 6 h, 12 h, then every whole day, each kept when it is
 * shorter than the run, and the run's whole duration last. A week gives 11 horizons.
 *
 * @example
 * observationHorizons(3 * 86_400); // => [600, 3600, 21600, 43200, 86400, 172800, 259200]
 * const labels = labelsFromTruth(truthUntil(result.truth, 6 * HOUR), users);
 */
import type { Micros } from "../core/time.ts";
import { Truth } from "../world/truth.ts";

/** Horizons shorter than a day, seconds. */
const SHORT_HORIZONS = [600, 3600, 6 * 3600, 12 * 3600] as const;
const DAY_SECONDS = 86_400;

/** The observation horizons, in seconds, of a run of `durationSeconds` (see the header): ascending, the last the whole run. */
export function observationHorizons(durationSeconds: number): number[] {
  if (!(durationSeconds > 0) || !Number.isFinite(durationSeconds)) throw new RangeError(`observationHorizons: durationSeconds = ${durationSeconds}, expected a positive finite number`);
  const out: number[] = SHORT_HORIZONS.filter((h) => h < durationSeconds);
  for (let d = DAY_SECONDS; d < durationSeconds; d += DAY_SECONDS) out.push(d);
  out.push(durationSeconds);
  return out;
}

/** The truth of a run as it stood at `until` (µs): see the header. */
export function truthUntil(truth: Truth, until: Micros): Truth {
  const out = new Truth();
  out.groups = truth.groups;
  const c = truth.conversations;
  const convMap = new Int32Array(c.length).fill(-1);
  const oc = out.conversations;
  for (let i = 0; i < c.length; i++) {
    if (!(c.start[i] < until)) continue;
    const j = oc.add("direct", c.a[i], c.b[i], c.start[i]);
    oc.kind[j] = c.kind[i];
    oc.end[j] = Math.min(c.end[i], until);
    convMap[i] = j;
  }
  const m = truth.messages;
  const om = out.messages;
  const msgMap = new Int32Array(m.length).fill(-1);
  for (let i = 0; i < m.length; i++) {
    if (!(m.created[i] < until)) continue;
    const conv = m.conversation[i];
    const origin = m.origin[i];
    const o = origin >= 0 && origin < i ? msgMap[origin] : -1;
    const j = om.add(m.from[i], m.to[i], m.type[i], m.bytes[i], conv >= 0 && conv < c.length ? convMap[conv] : conv, m.model[i], m.created[i], o);
    msgMap[i] = j;
    om.atServer[j] = m.atServer[i] < until ? m.atServer[i] : NaN;
    om.delivered[j] = m.delivered[i] < until ? m.delivered[i] : NaN;
    om.added[j] = m.added[i];
  }
  return out;
}
