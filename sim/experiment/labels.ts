/**
 * Labels from ground truth: the lab's answer to each task's question, handed to the
 * observers' scorers through their contract (observers/labels.ts). This is where "who
 * counts as linked", "when was a user active" and "what type was this message" are
 * decided; the observers only read the answers.
 *
 * - link: a pair is positive when the two had a direct conversation or a call
 *   (conversation kinds "direct", "voice-call", "video-call"); the initiator is the first
 *   such conversation's `a`. Pairs that only share a group are negatives or left out.
 * - activity: a window is active for a user who sent (created) or received (was
 *   delivered) a message of a real type (text, photo, video, voice-note, file, call),
 *   or who took part in a voice or video call overlapping it.
 * - content: the original copy of every real message a user sent (group fan-out copies
 *   are one message).
 *
 * Each answer is computed when first asked for and kept.
 *
 * @example
 * const labels = labelsFromTruth(result.truth, users);
 * const scores = observer.score(labels);
 */
import { CONTENT_TYPES, type GroupPairs, type Labels, type SentMessages } from "../../observers/labels.ts";
import { labelsFromPairs, type LinkLabels } from "../../observers/pair-labels.ts";
import type { Micros } from "../core/time.ts";
import { CONVERSATION_KINDS, TYPE_CODE, type Truth } from "../world/truth.ts";

/** Conversation kinds that make a pair linked. */
export const LINK_KINDS = ["direct", "voice-call", "video-call"] as const;

/** Message types that make a window active. */
export const ACTIVE_TYPES = ["text", "photo", "video", "voice-note", "file", "call"] as const;

const LINK_KIND_CODES = new Set<number>(LINK_KINDS.map((k) => CONVERSATION_KINDS.indexOf(k)));

/** The link task's pair labels from ground truth (see the file header). */
export function linkLabels(truth: Truth, users: number, groupPairs: GroupPairs = "negative"): LinkLabels {
  const c = truth.conversations;
  const pos: [number, number][] = [];
  for (let i = 0; i < c.length; i++) if (LINK_KIND_CODES.has(c.kind[i])) pos.push([c.a[i], c.b[i]]);
  const excl: [number, number][] = [];
  if (groupPairs === "exclude") {
    for (const g of truth.groups) for (let x = 0; x < g.length; x++) for (let y = x + 1; y < g.length; y++) excl.push([g[x], g[y]]);
  }
  return labelsFromPairs(users, pos, excl);
}

/**
 * Marks active[u · windows + w] = 1 for every window in which user u sent or received a
 * real message or was in a call.
 */
export function activeWindows(truth: Truth, users: number, start: Micros, window: Micros, windows: number): Uint8Array {
  const active = new Uint8Array(users * windows);
  const mark = (u: number, t: number) => {
    if (u < 0 || u >= users || !(t >= start)) return;
    const w = Math.floor((t - start) / window);
    if (w < windows) active[u * windows + w] = 1;
  };
  const real = new Set<number>(ACTIVE_TYPES.map((t) => TYPE_CODE[t]));
  const m = truth.messages;
  for (let i = 0; i < m.length; i++) {
    if (!real.has(m.type[i])) continue;
    mark(m.from[i], m.created[i]);
    if (!Number.isNaN(m.delivered[i])) mark(m.to[i], m.delivered[i]);
  }
  const calls = new Set([CONVERSATION_KINDS.indexOf("voice-call"), CONVERSATION_KINDS.indexOf("video-call")]);
  const c = truth.conversations;
  for (let i = 0; i < c.length; i++) {
    if (!calls.has(c.kind[i])) continue;
    const w0 = Math.max(0, Math.floor((c.start[i] - start) / window));
    const w1 = Math.min(windows - 1, Math.floor((c.end[i] - start) / window));
    for (const u of [c.a[i], c.b[i]]) {
      if (u < 0 || u >= users) continue;
      for (let w = w0; w <= w1; w++) active[u * windows + w] = 1;
    }
  }
  return active;
}

/** The original copy of every content message a user sent, in table order. */
export function sentMessages(truth: Truth): SentMessages {
  const codes = new Map<number, number>(CONTENT_TYPES.map((t, k) => [TYPE_CODE[t], k]));
  const m = truth.messages;
  const from: number[] = [];
  const created: number[] = [];
  const type: number[] = [];
  for (let i = 0; i < m.length; i++) {
    const k = codes.get(m.type[i]);
    if (k === undefined || m.from[i] < 0 || m.origin[i] !== i) continue;
    from.push(m.from[i]);
    created.push(m.created[i]);
    type.push(k);
  }
  return { length: from.length, from: Int32Array.from(from), created: Float64Array.from(created), type: Uint8Array.from(type) };
}

/** The labels of a run of `users` users, computed from its truth as each is asked for. */
export function labelsFromTruth(truth: Truth, users: number): Labels {
  const links = new Map<GroupPairs, LinkLabels>();
  let sent: SentMessages | null = null;
  return {
    users,
    link(groupPairs) {
      let l = links.get(groupPairs);
      if (!l) links.set(groupPairs, (l = linkLabels(truth, users, groupPairs)));
      return l;
    },
    activeWindows: (start, window, windows) => activeWindows(truth, users, start, window, windows),
    sentMessages: () => (sent ??= sentMessages(truth)),
  };
}
