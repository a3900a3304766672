/**
 * Labels from ground truth: the lab's answer to each task's question, handed to the
 * observers' scorers through their contract (observers/labels.ts). This is where "who
 * counts as linked", "when was a user active" and "what did this burst carry" are
 * decided; the observers only read the answers.
 *
 * - Contacts: two users who had a direct conversation or a call (conversation kinds
 *   "direct", "voice-call", "video-call") in the run; the initiator is the first such
 *   conversation's `a`. Co-members: two users in one group (`truth.groups`); a group is
 *   active when it had a thread (a "group" conversation) in the run. Strangers: neither.
 * - link: contacts against strangers. Co-members who are not contacts exchange fanned-out
 *   group messages, so they are neither linked nor unlinked: left out.
 * - group-link: co-members of an active group against strangers; the initiator is the
 *   member listed first in the group. Contacts who share no group, and co-members of
 *   silent groups only (nothing in the run could link them), are left out.
 * - activity: a window is active for a user who sent (created) or received (was
 *   delivered) a message of a real type (text, photo, video, voice-note, file, call),
 *   or who took part in a voice or video call overlapping it.
 * - content: a real (text, photo, video, voice-note, file) message occupies its sender's
 *   uplink from its creation until its last byte reached the server (`atServer`; its
 *   creation alone if it never did); `carried(u, from, to)` has the bit of every type
 *   with such a span on u's uplink meeting [from, to]. Group messages count once.
 * - burst: the same uplink spans, each naming its conversation, and every call (voice or
 *   video) from its start to its end on the uplinks of both its parties (a call's media
 *   flows the whole time); `burstConversation(u, from, to)` names the conversations with
 *   such a span on u's uplink meeting [from, to], and their counterparts: the other party
 *   of a direct conversation or a call, the other members of a group. A burst that meets
 *   two conversations (a message to B while one to C is still going up; a message during
 *   a call) names both.
 * - concurrency (`concurrentShare`, not a task): the share of users' real uplink
 *   messages sent while another of their conversations is live. A user's conversation is
 *   live from the user's first to last real message in it (sent: creation; received:
 *   delivery), a call from its start to its end.
 *
 * - service: a device runs the messenger exactly when its id is below `users` (the
 *   messaging users; bystanders follow them). `devices` counts both.
 * - flow-link: the owner of a metadata flow handle is the device that opened every flow
 *   under it at the observer's vantage and scope (sim/world/visibility.ts), −1 when the
 *   handle covers several devices' flows or is unknown; each observer gets its own view
 *   of the labels (`withMetadata`), since handles are per vantage.
 *
 * Each answer is computed when first asked for and kept.
 *
 * @example
 * const labels = labelsFromTruth(result.truth, users);
 * const scores = observer.score(labels);
 */
import { CONTENT_TYPES, type BurstConversations, type Labels, type PairTask } from "../../observers/labels.ts";
import { labelsFromPairs, type LinkLabels } from "../../observers/pair-labels.ts";
import type { Micros } from "../core/time.ts";
import { CONVERSATION_KINDS, TYPE_CODE, type Truth } from "../world/truth.ts";
import type { MetadataFed } from "../world/metadata-feed.ts";

/** Conversation kinds that make two users contacts. */
export const CONTACT_KINDS = ["direct", "voice-call", "video-call"] as const;

/** Message types that make a window active. */
export const ACTIVE_TYPES = ["text", "photo", "video", "voice-note", "file", "call"] as const;

/** The conversation-kind codes (`Truth.conversations.kind`) of CONTACT_KINDS. */
export const CONTACT_KIND_CODES: ReadonlySet<number> = new Set<number>(CONTACT_KINDS.map((k) => CONVERSATION_KINDS.indexOf(k)));
const GROUP_KIND = CONVERSATION_KINDS.indexOf("group");

/** Every unordered pair {g[x], g[y]}, x < y, of each group (with `active` set, only of the groups with a thread in the run). */
function coMemberPairs(truth: Truth, activeOnly: boolean): [number, number][] {
  let active: Set<number> | null = null;
  if (activeOnly) {
    active = new Set();
    const c = truth.conversations;
    for (let i = 0; i < c.length; i++) if (c.kind[i] === GROUP_KIND && c.b[i] < 0) active.add(-1 - c.b[i]);
  }
  const out: [number, number][] = [];
  truth.groups.forEach((g, id) => {
    if (active !== null && !active.has(id)) return;
    for (let x = 0; x < g.length; x++) for (let y = x + 1; y < g.length; y++) out.push([g[x], g[y]]);
  });
  return out;
}

function contactPairs(truth: Truth): [number, number][] {
  const c = truth.conversations;
  const out: [number, number][] = [];
  for (let i = 0; i < c.length; i++) if (CONTACT_KIND_CODES.has(c.kind[i])) out.push([c.a[i], c.b[i]]);
  return out;
}

/** The pair labels of a pair task (see the file header). */
export function pairLabels(truth: Truth, users: number, task: PairTask): LinkLabels {
  if (task === "link") return labelsFromPairs(users, contactPairs(truth), coMemberPairs(truth, false));
  // group-link: left out are contacts and all co-members (a positive keeps its code).
  return labelsFromPairs(users, coMemberPairs(truth, true), [...contactPairs(truth), ...coMemberPairs(truth, false)]);
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

/**
 * Per user, spans [start, end] sorted by start, with the running maximum of end, a type
 * bit (0 for a call) and a conversation id each: the real messages on its uplink, and
 * (with calls) the calls it was in.
 */
interface UplinkSpans {
  readonly offset: Int32Array;
  readonly start: Float64Array;
  readonly end: Float64Array;
  readonly maxEnd: Float64Array;
  readonly bit: Uint8Array;
  readonly conv: Int32Array;
}

const CALL_KINDS = new Set([CONVERSATION_KINDS.indexOf("voice-call"), CONVERSATION_KINDS.indexOf("video-call")]);

function uplinkSpans(truth: Truth, users: number, withCalls: boolean): UplinkSpans {
  const bits = new Map<number, number>(CONTENT_TYPES.map((t, k) => [TYPE_CODE[t], 1 << k]));
  const m = truth.messages;
  const c = truth.conversations;
  // rows: (user, start, end, bit, conversation)
  const user: number[] = [];
  const st: number[] = [];
  const en: number[] = [];
  const bt: number[] = [];
  const cv: number[] = [];
  const push = (u: number, a: number, b: number, bit: number, conv: number) => {
    user.push(u);
    st.push(a);
    en.push(b);
    bt.push(bit);
    cv.push(conv);
  };
  for (let i = 0; i < m.length; i++) {
    const u = m.from[i];
    if (!(u >= 0 && u < users && m.origin[i] === i && bits.has(m.type[i]))) continue;
    push(u, m.created[i], Number.isFinite(m.atServer[i]) ? Math.max(m.created[i], m.atServer[i]) : m.created[i], bits.get(m.type[i]) as number, m.conversation[i]);
  }
  if (withCalls) {
    for (let i = 0; i < c.length; i++) {
      if (!CALL_KINDS.has(c.kind[i])) continue;
      for (const u of [c.a[i], c.b[i]]) if (u >= 0 && u < users) push(u, c.start[i], c.end[i], 0, i);
    }
  }
  const rows = Array.from(user, (_, k) => k).sort((a, b) => user[a] - user[b] || st[a] - st[b] || a - b);
  const offset = new Int32Array(users + 1);
  for (const k of rows) offset[user[k] + 1]++;
  for (let u = 0; u < users; u++) offset[u + 1] += offset[u];
  const n = rows.length;
  const start = new Float64Array(n);
  const end = new Float64Array(n);
  const maxEnd = new Float64Array(n);
  const bit = new Uint8Array(n);
  const conv = new Int32Array(n);
  rows.forEach((r, k) => {
    start[k] = st[r];
    end[k] = en[r];
    bit[k] = bt[r];
    conv[k] = cv[r];
  });
  for (let u = 0; u < users; u++) {
    let mx = -Infinity;
    for (let k = offset[u]; k < offset[u + 1]; k++) maxEnd[k] = mx = Math.max(mx, end[k]);
  }
  return { offset, start, end, maxEnd, bit, conv };
}

/** Calls `visit(k)` for every span k of `user` that meets [from, to]. */
function spansMeeting(s: UplinkSpans, user: number, from: Micros, to: Micros, visit: (k: number) => void): void {
  if (!(user >= 0 && user + 1 < s.offset.length)) return;
  const lo = s.offset[user];
  // The last span starting at or before `to`, then back while an earlier one can still reach `from`.
  let a = lo;
  let b = s.offset[user + 1];
  while (a < b) {
    const mid = (a + b) >>> 1;
    if (s.start[mid] <= to) a = mid + 1;
    else b = mid;
  }
  for (let k = a - 1; k >= lo && s.maxEnd[k] >= from; k--) if (s.end[k] >= from) visit(k);
}

/** The content types whose uplink span on `user`'s link meets [from, to] (bit mask over CONTENT_TYPES). */
function carriedIn(s: UplinkSpans, user: number, from: Micros, to: Micros): number {
  let mask = 0;
  spansMeeting(s, user, from, to, (k) => (mask |= s.bit[k]));
  return mask;
}

/** The other end(s) of conversation `conv` seen from `user`: the other party, or the group's other members. */
export function counterpartsOf(truth: Truth, conv: number, user: number): number[] {
  const c = truth.conversations;
  if (conv < 0 || conv >= c.length) return [];
  const kind = c.kind[conv];
  if (kind === GROUP_KIND) return (truth.groups[-1 - c.b[conv]] ?? []).filter((v) => v !== user);
  if (!CONTACT_KIND_CODES.has(kind)) return [];
  if (c.a[conv] === user) return c.b[conv] >= 0 ? [c.b[conv]] : [];
  if (c.b[conv] === user) return [c.a[conv]];
  return [];
}

/** The conversations with real traffic on `user`'s uplink meeting [from, to], and their counterparts. */
function burstIn(truth: Truth, s: UplinkSpans, user: number, from: Micros, to: Micros): BurstConversations {
  const convs = new Set<number>();
  spansMeeting(s, user, from, to, (k) => convs.add(s.conv[k]));
  convs.delete(-1);
  const ids = Int32Array.from(convs).sort();
  const others = new Set<number>();
  for (const conv of ids) for (const v of counterpartsOf(truth, conv, user)) others.add(v);
  return { conversations: ids, counterparts: Int32Array.from(others).sort() };
}

/**
 * The share of real uplink messages (text, photo, video, voice-note, file; a group post
 * once) sent while another conversation of the sender's was live (see the file header),
 * and how many messages it is taken over. NaN share when there are none.
 */
export function concurrentShare(truth: Truth, users: number): { share: number; messages: number; concurrent: number } {
  const m = truth.messages;
  const c = truth.conversations;
  const real = new Set<number>(CONTENT_TYPES.map((t) => TYPE_CODE[t]));
  // live span of (user, conversation), keyed user·C + conversation
  const C = c.length;
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  const see = (u: number, conv: number, t: number) => {
    if (!(u >= 0 && u < users && conv >= 0 && conv < C && Number.isFinite(t))) return;
    const key = u * C + conv;
    const f = first.get(key);
    if (f === undefined || t < f) first.set(key, t);
    const l = last.get(key);
    if (l === undefined || t > l) last.set(key, t);
  };
  for (let i = 0; i < m.length; i++) {
    if (!real.has(m.type[i])) continue;
    see(m.from[i], m.conversation[i], m.created[i]);
    see(m.to[i], m.conversation[i], m.delivered[i]);
  }
  for (let i = 0; i < C; i++) {
    if (!CALL_KINDS.has(c.kind[i])) continue;
    for (const u of [c.a[i], c.b[i]]) {
      see(u, i, c.start[i]);
      see(u, i, c.end[i]);
    }
  }
  // per user: live spans sorted by start
  const byUser: { conv: number; start: number; end: number }[][] = Array.from({ length: users }, () => []);
  for (const [key, f] of first) byUser[Math.floor(key / C)].push({ conv: key % C, start: f, end: last.get(key) as number });
  for (const list of byUser) list.sort((a, b) => a.start - b.start || a.conv - b.conv);
  let messages = 0;
  let concurrent = 0;
  for (let i = 0; i < m.length; i++) {
    const u = m.from[i];
    if (!(u >= 0 && u < users && m.origin[i] === i && real.has(m.type[i]) && m.conversation[i] >= 0)) continue;
    messages++;
    const t = m.created[i];
    for (const span of byUser[u]) {
      if (span.start > t) break;
      if (span.conv !== m.conversation[i] && span.end >= t) {
        concurrent++;
        break;
      }
    }
  }
  return { share: messages > 0 ? concurrent / messages : NaN, messages, concurrent };
}

/** The labels of a run of `users` users, computed from its truth as each is asked for. */
export function labelsFromTruth(truth: Truth, users: number): Labels {
  const pairs = new Map<PairTask, LinkLabels>();
  let spans: UplinkSpans | null = null;
  let withCalls: UplinkSpans | null = null;
  return {
    users,
    // no metadata world here: every id below `users` runs the messenger, and no flow handle is known (withMetadata knows them)
    runsService: (device) => device >= 0 && device < users,
    flowOwner: () => -1,
    pairs(task) {
      let l = pairs.get(task);
      if (!l) pairs.set(task, (l = pairLabels(truth, users, task)));
      return l;
    },
    activeWindows: (start, window, windows) => activeWindows(truth, users, start, window, windows),
    carried: (user, from, to) => carriedIn((spans ??= uplinkSpans(truth, users, false)), user, from, to),
    burstConversation: (user, from, to) => burstIn(truth, (withCalls ??= uplinkSpans(truth, users, true)), user, from, to),
  };
}

/**
 * The labels of one metadata observer: `labels` plus the `service` task's devices (the
 * users, then `devices − users` bystanders) and the `flow-link` task's owners of the
 * observer's own flow handles (`owners[handle]`, from sim/world/visibility.ts).
 */
export function withMetadata(labels: Labels, devices: number, owners: Int32Array | undefined): Labels {
  const users = labels.users;
  if (!(Number.isInteger(devices) && devices >= users)) throw new RangeError(`withMetadata: devices = ${devices}: expected a whole number ≥ users (${users})`);
  return {
    ...labels,
    devices,
    runsService: (device) => device >= 0 && device < users,
    flowOwner: (flow) => (owners !== undefined && Number.isInteger(flow) && flow >= 0 && flow < owners.length ? owners[flow] : -1),
  };
}

/** Each observer's labels by its index: `labels` itself without a metadata world (`fed` null), else `withMetadata` with the observer's own handle owners. */
export function labelsPerObserver(labels: Labels, fed: MetadataFed | null): (index: number) => Labels {
  return (index) => (fed === null ? labels : withMetadata(labels, fed.devices, fed.owners.get(index)));
}
