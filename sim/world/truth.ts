/**
 * Ground truth: what really happened, kept apart from what any vantage point sees.
 *
 * The engine and the conversation models write it; only observers' *scorers* read it
 * (to label pairs, windows and bursts), and the cost metrics read it (per-message added
 * latency). Tables are columnar and grow by doubling.
 *
 * - messages: one row per application message (a group message fans out into one row
 *   per recipient, sharing `origin`); `to` is -1 for traffic that ends at the server
 *   (keepalives) and `from` is -1 for traffic that starts there (push).
 * - conversations: one row per conversation (1:1 thread, group thread, call), with the
 *   two parties (or the sender and -1-group for groups) and when it started and ended.
 */
import type { Micros } from "../core/time.ts";
import { grown } from "../core/grown.ts";

/** Message types, as the `content` task names them. Index = code. */
export const MESSAGE_TYPES = ["text", "photo", "video", "voice-note", "file", "receipt", "typing", "keepalive", "push", "call"] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];
export const TYPE_CODE: Record<MessageType, number> = Object.fromEntries(MESSAGE_TYPES.map((t, i) => [t, i])) as Record<MessageType, number>;

/**
 * The `model` of a row the world itself sends rather than a conversation model: the push
 * that wakes a sleeping phone (`server-relay.ts`). Its delivery goes back to the relay.
 */
export const WORLD_MODEL = 255;

export const CONVERSATION_KINDS = ["direct", "group", "voice-call", "video-call", "background"] as const;
export type ConversationKind = (typeof CONVERSATION_KINDS)[number];


export class MessageTable {
  length = 0;
  from = new Int32Array(1024);
  to = new Int32Array(1024);
  type = new Uint8Array(1024);
  /** Application bytes (before record padding and framing). */
  bytes = new Int32Array(1024);
  conversation = new Int32Array(1024);
  /** For group fan-out copies, the id of the first copy; otherwise the row itself. */
  origin = new Int32Array(1024);
  /** Index of the conversation model that sent it (to route the delivery callback); `WORLD_MODEL` for the world's own. */
  model = new Uint8Array(1024);
  created = new Float64Array(1024);
  /** When the last byte reached the server (NaN until then). */
  atServer = new Float64Array(1024);
  /** When the last byte reached the recipient device (NaN until then, or for server-bound traffic). */
  delivered = new Float64Array(1024);
  /** Delay added by shaping and by queueing behind padding/cover, summed over hops, µs. */
  added = new Float64Array(1024);

  add(from: number, to: number, type: number, bytes: number, conversation: number, model: number, created: Micros, origin = -1): number {
    if (this.length === this.from.length) this.grow();
    const i = this.length++;
    this.from[i] = from;
    this.to[i] = to;
    this.type[i] = type;
    this.bytes[i] = bytes;
    this.conversation[i] = conversation;
    this.origin[i] = origin < 0 ? i : origin;
    this.model[i] = model;
    this.created[i] = created;
    this.atServer[i] = NaN;
    this.delivered[i] = NaN;
    this.added[i] = 0;
    return i;
  }

  private grow(): void {
    this.from = grown(this.from);
    this.to = grown(this.to);
    this.type = grown(this.type);
    this.bytes = grown(this.bytes);
    this.conversation = grown(this.conversation);
    this.origin = grown(this.origin);
    this.model = grown(this.model);
    this.created = grown(this.created);
    this.atServer = grown(this.atServer);
    this.delivered = grown(this.delivered);
    this.added = grown(this.added);
  }
}

export class ConversationTable {
  length = 0;
  kind = new Uint8Array(256);
  /** Initiator. */
  a = new Int32Array(256);
  /** Other party for direct conversations and calls; -1 - groupId for group threads; -1 for background. */
  b = new Int32Array(256);
  start = new Float64Array(256);
  end = new Float64Array(256);

  add(kind: ConversationKind, a: number, b: number, start: Micros): number {
    if (this.length === this.a.length) {
      this.kind = grown(this.kind);
      this.a = grown(this.a);
      this.b = grown(this.b);
      this.start = grown(this.start);
      this.end = grown(this.end);
    }
    const i = this.length++;
    this.kind[i] = CONVERSATION_KINDS.indexOf(kind);
    this.a[i] = a;
    this.b[i] = b;
    this.start[i] = start;
    this.end[i] = start;
    return i;
  }

  /** Extends a conversation's end to `t` (called as messages flow). */
  touch(id: number, t: Micros): void {
    if (t > this.end[id]) this.end[id] = t;
  }
}

/** Everything the simulator knows and the observers may not see. */
export class Truth {
  readonly messages = new MessageTable();
  readonly conversations = new ConversationTable();
  /** Group membership: groups[g] lists the users in group g. */
  groups: readonly (readonly number[])[] = [];
}
