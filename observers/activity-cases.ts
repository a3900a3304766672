/**
 * The `activity` task's cases from per-window scores: every user × window is one case,
 * positive when the labels say the user was really communicating then
 * (`Labels.activeWindows`), with its user and its start time (so the lab's bootstrap
 * also resamples blocks of time). Shared by every activity observer, whatever its
 * score: traffic volume (activity-detector), a learned network (adaptive-activity-
 * detector) or DNS lookups (dns-activity).
 *
 * @example
 * // scores[u · windows + w]: how active user u looked in window w
 * activityCases(scores, labels.activeWindows(start, window, windows), windows, start, window);
 */
import type { Micros } from "../sim/core/time.ts";
import type { TaskScores } from "./observer.ts";

export function activityCases(scores: Float64Array, active: Uint8Array, windows: number, start: Micros, window: Micros): TaskScores {
  if (scores.length !== active.length) throw new RangeError(`activity labels hold ${active.length} cases; expected ${scores.length} (users × ${windows} windows)`);
  let np = 0;
  for (let i = 0; i < active.length; i++) np += active[i];
  const nn = active.length - np;
  const positives = new Float64Array(np);
  const negatives = new Float64Array(nn);
  const pu = new Int32Array(np);
  const nu = new Int32Array(nn);
  const pt = new Float64Array(np);
  const nt = new Float64Array(nn);
  let p = 0;
  let q = 0;
  for (let i = 0; i < active.length; i++) {
    const u = Math.floor(i / windows);
    const t = start + (i - u * windows) * window;
    if (active[i]) {
      positives[p] = scores[i];
      pt[p] = t;
      pu[p++] = u;
    } else {
      negatives[q] = scores[i];
      nt[q] = t;
      nu[q++] = u;
    }
  }
  return { task: "activity", positives, negatives, usersPerCase: 1, positiveUsers: pu, negativeUsers: nu, positiveTimes: pt, negativeTimes: nt };
}
