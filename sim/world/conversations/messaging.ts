/**
 * 1:1 messaging — a causal two-party chat model on the IMProxy inter-message workload.
 *
 * Rule:
 * - Each user starts conversations as a non-homogeneous Poisson process with rate
 *   `conversationsPerHour` × activity[u] × diurnal(t) (thinning, `nextArrival`), each with
 *   a contact drawn by tie strength (`Population.pickContact`: heavy-tailed tie weights
 *   after Onnela et al., PNAS 2007, so most of a user's conversations go to a few strong
 *   contacts and pairs talk again and again; uniformly with `tieStrength: "equal"`). While
 *   the user sleeps (population `sleep`) no conversation starts.
 * - A conversation is a geometric number of turns (mean `turnsMean`); in a turn one party
 *   sends a burst of a geometric number of messages (mean `burstMean`). The first message
 *   of a turn goes after its compose time (typing at 3.02 chars/s, recording, picking
 *   media); the gaps inside a burst are Pareto(x_m 5 s, α 0.93), capped — the inter-message
 *   delays of the IMProxy synthetic traces, folder
 *   `messages_pareto_xm_5000_alpha_0.93_max30delay` (Bahramali et al., NDSS 2020, released
 *   dataset [C]; traffic-and-adversaries.md §1.2). The cap is read as 30 s; whether the
 *   dataset meant 30 s or 30 min is an open item there (§7.2), hence `gapCapSeconds`.
 * - The turn passes only when the *last* message of a burst is read, and it is read at its
 *   delivery time plus a reading delay that depends on whether the reader is in the app
 *   (message-mix.ts). So any delay a shaper adds moves every later message.
 * - The causal background of the thread: a delivery receipt from the recipient right at
 *   delivery, a read receipt when read, typing indicators while typing (STARTED then a
 *   refresh every 10 s, Signal's TypingStatusSender [C]); each switchable.
 * - Turns and burst sizes (means 4 and 2) and the rate (0.5 conversations per user-hour)
 *   are assumptions: no published fit of one-to-one chat timing was found (§4).
 * - Concurrency: a user's conversations are independent processes (starts it makes, and
 *   conversations its contacts open with it), so a new one may start while another is
 *   live and their messages interleave, as do group threads (group.ts) and calls
 *   (voice-call.ts) with them. People do hold concurrent IM conversations: Isaacs et al.,
 *   "The character, functions, and styles of instant messaging in the workplace", CSCW
 *   2002 (21,000 logged conversations of 437 users) find heavy users' conversations full
 *   of threading and multitasking [P abstract]; Rao et al., "You've got IMs! How people
 *   manage concurrent instant messages", HCII 2009, describe how users juggle and limit
 *   them [P abstract]. Neither gives a rate we could read, so the rate is not a parameter
 *   but what the models produce: with the default population and models (default.json,
 *   200 users, one hour), 49% of real messages are sent while another of the sender's
 *   conversations is live (from the sender's first to last message in it; a call from
 *   start to end), 24% within 10 s of a message of another of its conversations
 *   (`concurrentShare` in sim/experiment/labels.ts measures the first).
 *
 * Randomness: each user has its own streams for starts, composing and reading, so a
 * shaper that reorders deliveries changes the draws of no other user.
 *
 * @example
 * const model = definition.create(definition.schema.parse({ conversationsPerHour: 1 }), stream(1, "messaging"));
 * model.start(ctx); // schedules each user's first conversation
 */
import { z } from "zod";
import type { ConversationContext, ConversationModel, ConversationModelDefinition } from "../conversation.ts";
import { nextArrival } from "../population.ts";
import type { Rng } from "../../core/rng.ts";
import { SECOND, type Micros } from "../../core/time.ts";
import { TYPE_CODE } from "../truth.ts";
import { MessageMix, geometric, messageMixShape, refineMessageMix } from "./message-mix.ts";
import { grown } from "../../core/grown.ts";
import { READ, SEND, START, TYPING, tokenAction, tokenIndex, wakeToken } from "./wake-token.ts";

export const schema = z
  .object({
    conversationsPerHour: z.number().min(0).max(3600).default(0.5).describe("conversations a user starts per hour at mean activity (assumption)"),
    turnsMean: z.number().min(1).max(1000).default(4).describe("mean turns per conversation, geometric (assumption)"),
    burstMean: z.number().min(1).max(1000).default(2).describe("mean messages per turn, geometric (assumption)"),
    gapScaleSeconds: z.number().positive().default(5).describe("Pareto x_m of in-burst gaps, s (IMProxy traces [C])"),
    gapShape: z.number().positive().default(0.93).describe("Pareto alpha of in-burst gaps (IMProxy traces [C])"),
    gapCapSeconds: z.number().positive().default(30).describe("cap of in-burst gaps, s ('max30delay', read as 30 s)"),
    deliveryReceipts: z.boolean().default(true).describe("send a delivery receipt on delivery"),
    readReceipts: z.boolean().default(true).describe("send a read receipt when read"),
    typingIndicators: z.boolean().default(true).describe("send typing indicators while typing text"),
    startsInSessionsOnly: z.boolean().default(false).describe("defer a conversation start to the user's next foreground session"),
    ...messageMixShape,
  })
  .strict()
  .superRefine((p, ctx) => {
    refineMessageMix(p, ctx);
    if (p.gapCapSeconds < p.gapScaleSeconds) ctx.addIssue({ code: "custom", path: ["gapCapSeconds"], message: `expected at least gapScaleSeconds = ${p.gapScaleSeconds}` });
  });

export type MessagingParams = z.output<typeof schema>;

const token = (index: number, action: number): number => wakeToken("messaging", index, action);

class Messaging implements ConversationModel {
  private readonly mix: MessageMix;
  private starts: Rng[] = [];
  private composeRngs: (Rng | undefined)[] = [];
  private readRngs: (Rng | undefined)[] = [];
  private nextStart = new Float64Array(0);
  private lastActive = new Float64Array(0);
  // Per conversation, indexed by the truth conversation id.
  private turnsLeft = new Int32Array(64);
  private author = new Int32Array(64);
  private other = new Int32Array(64);
  private burstLeft = new Int32Array(64);
  private pendingType = new Int32Array(64);
  private pendingBytes = new Int32Array(64);
  private pendingAt = new Float64Array(64);
  private lastMsg = new Int32Array(64);
  private readonly gapCap: Micros;

  constructor(
    private readonly p: MessagingParams,
    private readonly rng: Rng,
  ) {
    this.mix = new MessageMix(p);
    this.gapCap = Math.round(p.gapCapSeconds * SECOND);
  }

  start(ctx: ConversationContext): void {
    const n = ctx.population.size;
    this.starts = Array.from({ length: n }, (_, u) => this.rng.child("starts").child(u));
    this.composeRngs = new Array(n);
    this.readRngs = new Array(n);
    this.nextStart = new Float64Array(n);
    this.lastActive = new Float64Array(n).fill(-Infinity);
    for (let u = 0; u < n; u++) {
      const t = nextArrival(ctx.population, u, ctx.start, this.p.conversationsPerHour, this.starts[u]);
      this.nextStart[u] = t;
      this.scheduleStart(ctx, ctx.start, u, t);
    }
  }

  private scheduleStart(ctx: ConversationContext, now: Micros, u: number, t: Micros): void {
    if (t > ctx.end) return;
    const at = this.p.startsInSessionsOnly ? ctx.population.sessions.nextOnline(u, t) : t;
    if (at <= ctx.end) ctx.wakeAt(Math.max(now, at), token(u, START));
  }

  private composeRng(u: number): Rng {
    return (this.composeRngs[u] ??= this.rng.child("compose").child(u));
  }

  private readRng(u: number): Rng {
    return (this.readRngs[u] ??= this.rng.child("read").child(u));
  }

  private ensure(conv: number): void {
    if (conv < this.turnsLeft.length) return;
    let n = this.turnsLeft.length;
    while (n <= conv) n *= 2;
    this.turnsLeft = grown(this.turnsLeft, n);
    this.author = grown(this.author, n);
    this.other = grown(this.other, n);
    this.burstLeft = grown(this.burstLeft, n);
    this.pendingType = grown(this.pendingType, n);
    this.pendingBytes = grown(this.pendingBytes, n);
    this.lastMsg = grown(this.lastMsg, n);
    const at = new Float64Array(n);
    at.set(this.pendingAt);
    this.pendingAt = at;
  }

  onWake(now: Micros, tok: number, ctx: ConversationContext): void {
    const action = tokenAction(tok);
    const index = tokenIndex(tok);
    switch (action) {
      case START: {
        this.open(ctx, now, index);
        const next = nextArrival(ctx.population, index, this.nextStart[index], this.p.conversationsPerHour, this.starts[index]);
        this.nextStart[index] = next;
        this.scheduleStart(ctx, now, index, next);
        return;
      }
      case TYPING:
        this.typing(ctx, now, index);
        return;
      case SEND:
        this.send(ctx, now, index);
        return;
      case READ:
        this.read(ctx, now, index);
        return;
      default:
        throw new Error(`messaging: unknown wake action ${action}`);
    }
  }

  /** User u opens a conversation with a contact drawn by tie strength (population.ts). */
  private open(ctx: ConversationContext, now: Micros, u: number): void {
    const r = this.composeRng(u);
    const v = ctx.population.pickContact(u, r);
    if (v < 0) return;
    const conv = ctx.truth.conversations.add("direct", u, v, now);
    this.ensure(conv);
    this.turnsLeft[conv] = geometric(r, this.p.turnsMean) - 1;
    this.author[conv] = u;
    this.other[conv] = v;
    this.lastMsg[conv] = -1;
    this.beginTurn(ctx, now, conv);
  }

  /** The current author starts a burst: compose the first message, type, send. */
  private beginTurn(ctx: ConversationContext, now: Micros, conv: number): void {
    const a = this.author[conv];
    const r = this.composeRng(a);
    this.burstLeft[conv] = geometric(r, this.p.burstMean);
    this.lastActive[a] = now;
    this.compose(ctx, now, -1, conv, r);
  }

  /**
   * Draws the next message of the burst, to go at `sendAt` (or, for the first message of a
   * turn, `sendAt` = −1, after its compose time); typing runs up to it.
   */
  private compose(ctx: ConversationContext, now: Micros, sendAt: Micros, conv: number, r: Rng): void {
    const mix = this.mix;
    mix.draw(r);
    const at = sendAt < 0 ? now + mix.compose : sendAt;
    this.pendingType[conv] = mix.type;
    this.pendingBytes[conv] = mix.bytes;
    this.pendingAt[conv] = at;
    if (at > ctx.end) return;
    if (this.p.typingIndicators && MessageMix.isText(mix.type)) {
      const typingFrom = Math.max(now, at - mix.compose);
      if (typingFrom < at) ctx.wakeAt(typingFrom, token(conv, TYPING));
    }
    ctx.wakeAt(at, token(conv, SEND));
  }

  private typing(ctx: ConversationContext, now: Micros, conv: number): void {
    ctx.send(now, this.author[conv], this.other[conv], TYPE_CODE.typing, this.mix.typingBytes, conv);
    ctx.truth.conversations.touch(conv, now);
    const next = now + this.mix.typingRefresh;
    if (next < this.pendingAt[conv]) ctx.wakeAt(next, token(conv, TYPING));
  }

  private send(ctx: ConversationContext, now: Micros, conv: number): void {
    const a = this.author[conv];
    const id = ctx.send(now, a, this.other[conv], this.pendingType[conv], this.pendingBytes[conv], conv);
    ctx.truth.conversations.touch(conv, now);
    this.lastActive[a] = now;
    if (--this.burstLeft[conv] > 0) {
      const r = this.composeRng(a);
      const gap = Math.min(this.gapCap, Math.round(r.pareto(this.p.gapScaleSeconds, this.p.gapShape) * SECOND));
      this.compose(ctx, now, now + gap, conv, r);
    } else {
      this.lastMsg[conv] = id;
    }
  }

  onDelivered(now: Micros, message: number, ctx: ConversationContext): void {
    const m = ctx.truth.messages;
    const conv = m.conversation[message];
    ctx.truth.conversations.touch(conv, now);
    const type = m.type[message];
    if (type === TYPE_CODE.receipt || type === TYPE_CODE.typing) return;
    const from = m.from[message];
    const to = m.to[message];
    if (this.p.deliveryReceipts) ctx.send(now, to, from, TYPE_CODE.receipt, this.mix.receiptBytes, conv);
    const at = now + this.mix.readDelay(ctx.population, to, now, this.lastActive[to], this.readRng(to));
    if (at <= ctx.end) ctx.wakeAt(at, token(message, READ));
  }

  private read(ctx: ConversationContext, now: Micros, message: number): void {
    const m = ctx.truth.messages;
    const conv = m.conversation[message];
    const reader = m.to[message];
    this.lastActive[reader] = now;
    if (this.p.readReceipts) {
      ctx.send(now, reader, m.from[message], TYPE_CODE.receipt, this.mix.receiptBytes, conv);
      ctx.truth.conversations.touch(conv, now);
    }
    if (this.lastMsg[conv] !== message) return;
    this.lastMsg[conv] = -1;
    if (this.turnsLeft[conv] <= 0) return;
    this.turnsLeft[conv]--;
    this.other[conv] = this.author[conv];
    this.author[conv] = reader;
    this.beginTurn(ctx, now, conv);
  }
}

export const definition: ConversationModelDefinition<MessagingParams> = {
  name: "messaging",
  summary: "1:1 chat: Poisson conversation starts, Pareto in-burst gaps, replies caused by delivery + reading + typing, receipts and typing indicators",
  citations: [
    "Bahramali et al., Practical Traffic Analysis Attacks on Secure Messaging Applications, NDSS 2020; IMProxy dataset: in-burst gaps Pareto(x_m 5 s, alpha 0.93), capped [C]",
    "Kurz 2023 (replication thesis): text 4-978 B, photo 37-210 KB, video 0.7-7.8 MB [S]",
    "Caetano et al., arXiv 1804.00397: 20% multimedia, Zipf-like per-user activity [P abstract]",
    "Palin et al., How do People Type on Mobile Devices?, MobileHCI 2019: 36.2 WPM [P abstract]",
    "Signal-Android TypingStatusSender: typing refresh 10 s [C]",
    "Turns, burst sizes, start rate, reading delays: assumptions",
  ],
  schema,
  create: (params, rng) => new Messaging(params, rng),
};
