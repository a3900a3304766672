/**
 * The metadata world: the TRUE network-metadata records of a run — every DNS lookup and
 * every connection each device made — generated after the packet simulation from what
 * each device did (the run's truth) plus a seeded model of other apps and of bystanders.
 * What a vantage sees of them under a policy is sim/world/visibility.ts.
 *
 * Devices: the messaging users 0 … users − 1, then the bystanders (devices on the access
 * networks that do not run the messenger), numbered after the users network by network
 * (sim/world/topology.ts `Placement`).
 *
 * Connections (every rule an assumption of the lab, parameters in `MetadataParams`):
 * - **Messaging** (`chat.messenger.example`): one TLS connection per stretch of the app's
 *   activity. A user's activity events are the messages it sent (any type, keepalives
 *   included; a group post once) and the ones delivered to it; a gap longer than
 *   `idleCloseSeconds` (default 30 min: the phone dozed, the socket was dropped) ends a
 *   connection and the next event opens a new one. Bytes: what the user sent / received,
 *   with an attachment counted as a `pointerBytes` pointer (the payload goes to media).
 * - **Media** (`media.messenger.example`): one flow per attachment upload (photo, video,
 *   voice note, file; a group post once) from the message's creation until its last
 *   byte reached the server, and one download per delivered copy, starting at delivery
 *   and lasting size / `mediaBytesPerSecond` (as Signal-like apps fetch an attachment
 *   when its pointer arrives).
 * - **Calls** (`call.messenger.example`): one flow per answered voice or video call per
 *   party, from its start to its end, at `voiceBytesPerSecond` / `videoBytesPerSecond`
 *   each way (assumption: Opus voice ≈ 40 kbit/s, video ≈ 1 Mbit/s).
 * - **Other apps** (every device, bystanders included): a Poisson process of
 *   `otherFlowsPerHour` flows (default 30/h, homogeneous over the run: an assumption; no
 *   diurnal cycle, no sleep) to the sites of `OTHER_SITES` by popularity, each lasting
 *   Exp(`otherFlowMeanSeconds` = 20 s), bytes up LogNormal(median 2 kB, σ 1), down
 *   LogNormal(median 30 kB, σ 1.5). Drawn from the stream `other/<device>`.
 * - **DNS**: before a connection to a name the device resolves it, unless its cache holds
 *   an answer younger than `dnsTtlSeconds` (default 300 s, a common TTL for CDN-hosted
 *   names: an assumption); the lookup takes `dnsLookupMs` (default 30 ms) and ends when
 *   the connection starts. Sizes are the DNS messages (RFC 1035 §4: 12-byte header, the
 *   name, 4 bytes of type and class, an 11-byte EDNS OPT record; two 16-byte A records in
 *   the answer); the transport's framing is added per policy by visibility.ts.
 *
 * Only the packet world's users run the messenger; DNS and other-app traffic are not in
 * the packet world (stated assumption: they only exist as metadata). Records are sorted
 * by time (then device, then kind of connection) and a record's `flow` is its index.
 *
 * @example
 * const world = generateMetadata(truth, placement, duration, stream(seed, "metadata"));
 * world.records.filter((r) => r.kind === "dns" && r.device === 0).length; // user 0's lookups
 */
import type { Rng } from "../core/rng.ts";
import { SECOND, type Micros } from "../core/time.ts";
import { InputError } from "../core/validation.ts";
import type { TrafficClass } from "./policy.ts";
import { messengerService, OTHER_SITES } from "./services.ts";
import type { Placement } from "./topology.ts";
import { CONVERSATION_KINDS, TYPE_CODE, type Truth } from "./truth.ts";

export interface MetadataParams {
  /** How long a resolved answer is cached, s. */
  readonly dnsTtlSeconds: number;
  /** Query to answer, ms. */
  readonly dnsLookupMs: number;
  /** A messaging connection closes after this long without a message, s. */
  readonly idleCloseSeconds: number;
  /** Bytes an attachment occupies in the chat connection (its pointer and key). */
  readonly pointerBytes: number;
  /** Attachment transfer rate, B/s. */
  readonly mediaBytesPerSecond: number;
  readonly voiceBytesPerSecond: number;
  readonly videoBytesPerSecond: number;
  /** Other apps' flows per device per hour. */
  readonly otherFlowsPerHour: number;
  readonly otherFlowMeanSeconds: number;
  /** The bound on records of one run: more is an error, not a truncation. */
  readonly maxRecords: number;
}

export const DEFAULT_METADATA_PARAMS: MetadataParams = {
  dnsTtlSeconds: 300,
  dnsLookupMs: 30,
  idleCloseSeconds: 1800,
  pointerBytes: 200,
  mediaBytesPerSecond: 1_000_000,
  voiceBytesPerSecond: 5_000,
  videoBytesPerSecond: 125_000,
  otherFlowsPerHour: 30,
  otherFlowMeanSeconds: 20,
  maxRecords: 2_000_000,
};

/** One true record: a DNS lookup, or one connection as the device opened it. */
export interface TrueRecord {
  readonly kind: "dns" | "flow";
  /** The traffic class of the connection (for a lookup: of the connection it was made for). */
  readonly class: TrafficClass;
  readonly device: number;
  readonly time: Micros;
  readonly end: Micros;
  /** Index of the record in `MetadataWorld.records`. */
  readonly flow: number;
  /** The name looked up, or the server name of the connection. */
  readonly name: string;
  /** DNS message sizes (query, answer) for lookups; bytes at the IP layer for connections. */
  readonly bytesUp: number;
  readonly bytesDown: number;
}

export interface MetadataWorld {
  readonly users: number;
  readonly devices: number;
  readonly records: readonly TrueRecord[];
}

const MEDIA_TYPES = new Set(["photo", "video", "voice-note", "file"].map((t) => TYPE_CODE[t as keyof typeof TYPE_CODE]));
const VOICE = CONVERSATION_KINDS.indexOf("voice-call");
const VIDEO = CONVERSATION_KINDS.indexOf("video-call");
const CLASS_ORDER: Record<TrafficClass, number> = { messaging: 0, media: 1, calls: 2, other: 3 };

type Draft = Omit<TrueRecord, "flow">;

function dnsSizes(name: string): { query: number; answer: number } {
  const query = 12 + name.length + 2 + 4 + 11;
  return { query, answer: query + 2 * 16 };
}

/** The messaging connections of every user, from its activity events in the truth. */
function messagingFlows(truth: Truth, users: number, duration: Micros, p: MetadataParams, out: Draft[][]): void {
  const m = truth.messages;
  const events: { t: number; up: number; down: number }[][] = Array.from({ length: users }, () => []);
  for (let i = 0; i < m.length; i++) {
    const size = MEDIA_TYPES.has(m.type[i]) ? p.pointerBytes : m.bytes[i];
    const from = m.from[i];
    if (from >= 0 && from < users && m.origin[i] === i && m.created[i] <= duration) events[from].push({ t: m.created[i], up: size, down: 0 });
    const to = m.to[i];
    if (to >= 0 && to < users && Number.isFinite(m.delivered[i]) && m.delivered[i] <= duration) events[to].push({ t: m.delivered[i], up: 0, down: size });
  }
  const gap = p.idleCloseSeconds * SECOND;
  const chat = messengerService("messaging").name;
  for (let u = 0; u < users; u++) {
    const ev = events[u].sort((a, b) => a.t - b.t);
    let k = 0;
    while (k < ev.length) {
      const start = ev[k].t;
      let end = start;
      let up = 0;
      let down = 0;
      while (k < ev.length && ev[k].t - end <= gap) {
        end = ev[k].t;
        up += ev[k].up;
        down += ev[k].down;
        k++;
      }
      out[u].push({ kind: "flow", class: "messaging", device: u, time: start, end, name: chat, bytesUp: up, bytesDown: down });
    }
  }
}

function mediaFlows(truth: Truth, users: number, duration: Micros, p: MetadataParams, out: Draft[][]): void {
  const m = truth.messages;
  const media = messengerService("media").name;
  const transfer = (bytes: number) => Math.max(1, Math.round((bytes / p.mediaBytesPerSecond) * SECOND));
  for (let i = 0; i < m.length; i++) {
    if (!MEDIA_TYPES.has(m.type[i])) continue;
    const from = m.from[i];
    const bytes = m.bytes[i];
    if (from >= 0 && from < users && m.origin[i] === i && m.created[i] <= duration) {
      const end = Number.isFinite(m.atServer[i]) ? Math.max(m.created[i], m.atServer[i]) : m.created[i] + transfer(bytes);
      out[from].push({ kind: "flow", class: "media", device: from, time: m.created[i], end, name: media, bytesUp: bytes, bytesDown: 0 });
    }
    const to = m.to[i];
    if (to >= 0 && to < users && Number.isFinite(m.delivered[i]) && m.delivered[i] <= duration) {
      out[to].push({ kind: "flow", class: "media", device: to, time: m.delivered[i], end: m.delivered[i] + transfer(bytes), name: media, bytesUp: 0, bytesDown: bytes });
    }
  }
}

function callFlows(truth: Truth, users: number, duration: Micros, p: MetadataParams, out: Draft[][]): void {
  const c = truth.conversations;
  const call = messengerService("calls").name;
  for (let i = 0; i < c.length; i++) {
    if (c.kind[i] !== VOICE && c.kind[i] !== VIDEO) continue;
    if (!(c.end[i] > c.start[i]) || c.start[i] > duration) continue;
    const rate = c.kind[i] === VIDEO ? p.videoBytesPerSecond : p.voiceBytesPerSecond;
    const bytes = Math.round(((c.end[i] - c.start[i]) / SECOND) * rate);
    for (const u of [c.a[i], c.b[i]]) {
      if (u >= 0 && u < users) out[u].push({ kind: "flow", class: "calls", device: u, time: c.start[i], end: c.end[i], name: call, bytesUp: bytes, bytesDown: bytes });
    }
  }
}

function otherFlows(device: number, duration: Micros, p: MetadataParams, rng: Rng, out: Draft[]): void {
  if (!(p.otherFlowsPerHour > 0)) return;
  const weights = OTHER_SITES.map((s) => s.weight);
  const meanGap = (3600 / p.otherFlowsPerHour) * SECOND;
  for (let t = rng.exponential(meanGap); t < duration; t += rng.exponential(meanGap)) {
    const site = OTHER_SITES[rng.pick(weights)];
    const time = Math.round(t);
    const end = time + Math.max(1, Math.round(rng.exponential(p.otherFlowMeanSeconds * SECOND)));
    const up = Math.round(rng.lognormal(Math.log(2000), 1));
    const down = Math.round(rng.lognormal(Math.log(30_000), 1.5));
    out.push({ kind: "flow", class: "other", device, time, end, name: site.name, bytesUp: up, bytesDown: down });
  }
}

function checkParams(p: MetadataParams): void {
  const problems: string[] = [];
  for (const [k, v] of Object.entries(p)) {
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) problems.push(`metadata.${k} = ${String(v)}: expected a finite number ≥ 0`);
  }
  if (problems.length > 0) throw new InputError(problems);
}

/**
 * The true metadata records of a run: the messenger's connections from `truth`, other
 * apps' flows of every device (users and bystanders) from `rng`, and the DNS lookups
 * before them (see the file header). Deterministic in its arguments.
 */
export function generateMetadata(truth: Truth, placement: Placement, duration: Micros, rng: Rng, params: Partial<MetadataParams> = {}): MetadataWorld {
  const p: MetadataParams = { ...DEFAULT_METADATA_PARAMS, ...params };
  checkParams(p);
  const users = placement.users;
  const devices = users + placement.bystanders;
  const perDevice: Draft[][] = Array.from({ length: devices }, () => []);
  messagingFlows(truth, users, duration, p, perDevice);
  mediaFlows(truth, users, duration, p, perDevice);
  callFlows(truth, users, duration, p, perDevice);
  const other = rng.child("other");
  for (let d = 0; d < devices; d++) otherFlows(d, duration, p, other.child(d), perDevice[d]);

  const ttl = p.dnsTtlSeconds * SECOND;
  const lookup = Math.round(p.dnsLookupMs * 1000);
  const all: Draft[] = [];
  for (let d = 0; d < devices; d++) {
    const flows = perDevice[d].sort((a, b) => a.time - b.time || CLASS_ORDER[a.class] - CLASS_ORDER[b.class]);
    const answered = new Map<string, number>();
    for (const f of flows) {
      const at = answered.get(f.name);
      if (at === undefined || f.time - at >= ttl) {
        const { query, answer } = dnsSizes(f.name);
        const start = Math.max(0, f.time - lookup);
        all.push({ kind: "dns", class: f.class, device: d, time: start, end: f.time, name: f.name, bytesUp: query, bytesDown: answer });
        answered.set(f.name, f.time);
      }
      all.push(f);
    }
    if (all.length > p.maxRecords) {
      throw new InputError(`metadata: over ${p.maxRecords} records by device ${d} of ${devices}: expected fewer devices (topology.networks[].bystanders) or a shorter durationSeconds`);
    }
  }
  all.sort((a, b) => a.time - b.time || a.device - b.device || (a.kind === b.kind ? 0 : a.kind === "dns" ? -1 : 1) || CLASS_ORDER[a.class] - CLASS_ORDER[b.class] || a.end - b.end);
  const records = all.map((r, flow) => ({ ...r, flow }));
  return { users, devices, records };
}
