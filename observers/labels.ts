/**
 * Labels: the only part of ground truth a scorer receives, and only to say which of
 * its cases are positive. The lab builds them from what really happened
 * (sim/experiment/labels.ts) and passes them to `Observer.score`; an observer never
 * sees the truth tables themselves, and MUST NOT use a label to compute a score or to
 * find its cases: an observer finds its cases (pairs, windows, bursts) in what it saw on
 * the wire, and asks the labels only which of them are positive.
 *
 * Each task asks its own question:
 * - `link`: did A and B talk one to one (a direct conversation or a call)? Positives:
 *   such pairs; negatives: strangers, pairs that share no conversation of any kind.
 *   Pairs that only share a group are neither: left out.
 * - `group-link`: are A and B in a group together that was active in the run?
 *   Positives: co-members; negatives: strangers. One-to-one contacts who share no group
 *   are left out. (pair-labels.ts holds the form of both.)
 * - `activity`: was the user really communicating in this window?
 * - `content`: which message types did the burst the observer found on a user's uplink
 *   carry?
 * - `burst`: which conversation(s) did the burst the observer found on a user's uplink
 *   belong to? The answer names the conversations (opaque ids) and their counterparts
 *   (the 1:1 partner, the other members of a group, the other party of a call), so an
 *   observer that names a counterpart for each burst can be told whether it was right.
 * - `service`: does this device run the messaging service? Messaging users (ids
 *   0 … users − 1) are positives; bystanders (devices on the same networks that do not
 *   run it, ids users … devices − 1) are negatives.
 * - `flow-link`: did these two flows (metadata handles) come from the same device?
 *
 * @example
 * const labels = labelsFromTruth(truth, users); // the lab
 * observer.score(labels);                         // the observer: labels.pairs("link"), ...
 */
import type { LinkLabels } from "./pair-labels.ts";
import type { Micros } from "../sim/core/time.ts";

/** The tasks scored over pairs of users. */
export const PAIR_TASKS = ["link", "group-link"] as const;
export type PairTask = (typeof PAIR_TASKS)[number];

/** Message types the `content` task tells apart. Bit k of a `carried` mask is CONTENT_TYPES[k]. */
export const CONTENT_TYPES = ["text", "photo", "video", "voice-note", "file"] as const;
export type ContentType = (typeof CONTENT_TYPES)[number];

/** The conversations a burst on a user's uplink belonged to (`Labels.burstConversation`). */
export interface BurstConversations {
  /** Ids of the conversations (opaque: only their number and identity mean anything), ascending. */
  readonly conversations: Int32Array;
  /** The users on the other end of those conversations, ascending, without duplicates and without the user itself. */
  readonly counterparts: Int32Array;
}

export interface Labels {
  readonly users: number;
  /**
   * Devices in the metadata world: the messaging users, then bystanders (devices that do
   * not run the messenger). Equals `users` when the experiment has no bystanders; absent
   * in labels built by hand for traffic tasks.
   */
  readonly devices?: number;
  /** `service` task: whether `device` runs the messaging service (true exactly for ids below `users`). */
  runsService?(device: number): boolean;
  /**
   * `flow-link` task: the device that opened the flow with metadata handle `flow` at the
   * observer's vantage, or −1 when the handle is unknown or covers several devices' flows.
   */
  flowOwner?(flow: number): number;
  /** The pairs of a pair task: which are positive, which are left out; all others are negatives. */
  pairs(task: PairTask): LinkLabels;
  /**
   * active[u · windows + w] = 1 when user u sent or received a real message, or was in a
   * call, during [start + w·window, start + (w + 1)·window); 0 otherwise.
   */
  activeWindows(start: Micros, window: Micros, windows: number): Uint8Array;
  /**
   * The types of the real messages whose bytes `user` was sending up its link at some
   * time in [from, to], as a bit mask over `CONTENT_TYPES` (0: none). An observer asks
   * this of a burst it found, with the burst's first and last packet times.
   */
  carried(user: number, from: Micros, to: Micros): number;
  /**
   * The conversations whose real traffic `user` was sending up its link at some time in
   * [from, to]: a real message (text, photo, video, voice-note, file) from its creation
   * until its last byte reached the server, or a call the user was in. An observer asks
   * this of a burst it found, with the burst's first and last packet times, to learn which
   * counterparts would be a right answer. The lab's labels always answer it; labels built
   * by hand for other tasks may leave it out.
   */
  burstConversation?(user: number, from: Micros, to: Micros): BurstConversations;
}
