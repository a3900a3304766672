/**
 * Labels: the only part of ground truth a scorer receives, and only to say which of
 * its cases are positive. The lab builds them from what really happened
 * (sim/experiment/labels.ts) and passes them to `Observer.score`; an observer never
 * sees the truth tables themselves, and MUST NOT use a label to compute a score.
 *
 * Each task asks its own question:
 * - `link`: which unordered pairs of users are positive, which are left out (see
 *   pair-labels.ts for the form);
 * - `activity`: in which windows of the run each user was really communicating;
 * - `content`: the type of each real message a user sent.
 *
 * @example
 * const labels = labelsFromTruth(truth, users); // the lab
 * observer.score(labels);                         // the observer: labels.link("negative"), ...
 */
import type { LinkLabels } from "./pair-labels.ts";
import type { Micros } from "../sim/core/time.ts";

/** Message types the `content` task tells apart. Index = code in `SentMessages.type`. */
export const CONTENT_TYPES = ["text", "photo", "video", "voice-note", "file"] as const;
export type ContentType = (typeof CONTENT_TYPES)[number];

/** What to do with pairs that only share a group thread: count them as negatives, or leave them out. */
export type GroupPairs = "negative" | "exclude";

/** The real (content) messages users sent, one row per message, in creation order. */
export interface SentMessages {
  readonly length: number;
  readonly from: Int32Array;
  readonly created: Float64Array;
  /** Index into `CONTENT_TYPES`. */
  readonly type: Uint8Array;
}

export interface Labels {
  readonly users: number;
  /**
   * The `link` task's pairs: positive when the two had a direct conversation or a call
   * (the initiator is the first such conversation's); pairs that only share a group are
   * negatives or left out, as `groupPairs` says.
   */
  link(groupPairs: GroupPairs): LinkLabels;
  /**
   * active[u · windows + w] = 1 when user u sent or received a real message, or was in a
   * call, during [start + w·window, start + (w + 1)·window); 0 otherwise.
   */
  activeWindows(start: Micros, window: Micros, windows: number): Uint8Array;
  /** The `content` task's cases: every real message a user sent. */
  sentMessages(): SentMessages;
}
