/**
 * Group chat — posts fanned out by the server, replies caused by their delivery.
 *
 * Rule:
 * - Each user who is in at least one group posts as a non-homogeneous Poisson process
 *   with rate `postsPerHour` × activity[u] × diurnal(t), to one of its groups chosen
 *   uniformly; each post opens a thread (a "group" conversation: a = poster, b = −1 − group).
 *   Per-user activity is Zipf-like, as Caetano et al. measured per-user message counts in
 *   WhatsApp groups (arXiv 1804.00397 [P abstract]; population.ts).
 * - A post is composed (message-mix.ts: type, size, typing time), then sent once to the
 *   group with `ctx.sendGroup`: the server fans it out, one copy per other member.
 * - Each copy's delivery makes the member send a delivery receipt (1:1 to the poster, as
 *   Signal does for groups), read it after the reading delay (message-mix.ts), send a
 *   read receipt, and with probability `repliesPerPost` / (members − 1) reply to the
 *   group in the same thread. A post thus draws `repliesPerPost` replies on average; below
 *   1 the reply cascade is a subcritical branching process and dies out; `maxDepth` bounds
 *   it anyway. Typing indicators go to the group while a member types text.
 * - The posting rate (0.2 per user-hour), 0.6 replies per post and depth 4 are assumptions.
 *
 * @example
 * const model = definition.create(definition.schema.parse({}), stream(1, "group"));
 * model.start(ctx);
 */
import { z } from "zod";
import type { ConversationContext, ConversationModel, ConversationModelDefinition } from "../conversation.ts";
import { nextArrival } from "../population.ts";
import type { Rng } from "../../core/rng.ts";
import type { Micros } from "../../core/time.ts";
import { TYPE_CODE } from "../truth.ts";
import { MessageMix, messageMixShape, refineMessageMix } from "./message-mix.ts";
import { grown } from "../../core/grown.ts";
import { READ, SEND, START, TYPING, tokenAction, tokenIndex, wakeToken } from "./wake-token.ts";

export const schema = z
  .object({
    postsPerHour: z.number().min(0).max(3600).default(0.2).describe("group posts a user starts per hour at mean activity (assumption)"),
    repliesPerPost: z.number().min(0).max(100).default(0.6).describe("mean replies a post draws from the group (assumption)"),
    maxDepth: z.number().int().min(0).max(255).default(4).describe("longest reply chain (assumption)"),
    deliveryReceipts: z.boolean().default(true).describe("each member sends a delivery receipt to the poster"),
    readReceipts: z.boolean().default(true).describe("each member sends a read receipt to the poster"),
    typingIndicators: z.boolean().default(true).describe("typing indicators to the group while typing text"),
    ...messageMixShape,
  })
  .strict()
  .superRefine(refineMessageMix);

export type GroupParams = z.output<typeof schema>;

const token = (index: number, action: number): number => wakeToken("group", index, action);

class GroupChat implements ConversationModel {
  private readonly mix: MessageMix;
  private starts: Rng[] = [];
  private composeRngs: (Rng | undefined)[] = [];
  private readRngs: (Rng | undefined)[] = [];
  private nextStart = new Float64Array(0);
  private lastActive = new Float64Array(0);
  /** Reply depth of each post, indexed by the id of its first copy. */
  private depth = new Uint8Array(1024);
  // Posts being composed, in reusable slots.
  private slotAuthor = new Int32Array(64);
  private slotConv = new Int32Array(64);
  private slotGroup = new Int32Array(64);
  private slotType = new Int32Array(64);
  private slotBytes = new Int32Array(64);
  private slotDepth = new Int32Array(64);
  private slotAt = new Float64Array(64);
  private free = new Int32Array(64);
  private freeCount = 0;
  private slots = 0;

  constructor(
    private readonly p: GroupParams,
    private readonly rng: Rng,
  ) {
    this.mix = new MessageMix(p);
  }

  start(ctx: ConversationContext): void {
    const pop = ctx.population;
    const n = pop.size;
    this.starts = Array.from({ length: n }, (_, u) => this.rng.child("starts").child(u));
    this.composeRngs = new Array(n);
    this.readRngs = new Array(n);
    this.nextStart = new Float64Array(n);
    this.lastActive = new Float64Array(n).fill(-Infinity);
    for (let u = 0; u < n; u++) {
      if (pop.groupOffsets[u + 1] === pop.groupOffsets[u]) continue;
      const t = nextArrival(pop, u, ctx.start, this.p.postsPerHour, this.starts[u]);
      this.nextStart[u] = t;
      if (t <= ctx.end) ctx.wakeAt(t, token(u, START));
    }
  }

  private composeRng(u: number): Rng {
    return (this.composeRngs[u] ??= this.rng.child("compose").child(u));
  }

  private readRng(u: number): Rng {
    return (this.readRngs[u] ??= this.rng.child("read").child(u));
  }

  private allocSlot(): number {
    if (this.freeCount > 0) return this.free[--this.freeCount];
    const s = this.slots++;
    if (s === this.slotAuthor.length) {
      const n = s * 2;
      this.slotAuthor = grown(this.slotAuthor, n);
      this.slotConv = grown(this.slotConv, n);
      this.slotGroup = grown(this.slotGroup, n);
      this.slotType = grown(this.slotType, n);
      this.slotBytes = grown(this.slotBytes, n);
      this.slotDepth = grown(this.slotDepth, n);
      this.free = grown(this.free, n);
      this.slotAt = grown(this.slotAt, n);
    }
    return s;
  }

  private releaseSlot(s: number): void {
    this.free[this.freeCount++] = s;
  }

  onWake(now: Micros, tok: number, ctx: ConversationContext): void {
    const action = tokenAction(tok);
    const index = tokenIndex(tok);
    switch (action) {
      case START: {
        this.post(ctx, now, index);
        const next = nextArrival(ctx.population, index, this.nextStart[index], this.p.postsPerHour, this.starts[index]);
        this.nextStart[index] = next;
        if (next <= ctx.end) ctx.wakeAt(Math.max(now, next), token(index, START));
        return;
      }
      case TYPING: {
        const s = index;
        ctx.sendGroup(now, this.slotAuthor[s], this.slotGroup[s], TYPE_CODE.typing, this.mix.typingBytes, this.slotConv[s]);
        const next = now + this.mix.typingRefresh;
        if (next < this.slotAt[s]) ctx.wakeAt(next, token(s, TYPING));
        return;
      }
      case SEND: {
        const s = index;
        const conv = this.slotConv[s];
        const id = ctx.sendGroup(now, this.slotAuthor[s], this.slotGroup[s], this.slotType[s], this.slotBytes[s], conv);
        ctx.truth.conversations.touch(conv, now);
        this.lastActive[this.slotAuthor[s]] = now;
        this.setDepth(id, this.slotDepth[s]);
        this.releaseSlot(s);
        return;
      }
      case READ:
        this.read(ctx, now, index);
        return;
      default:
        throw new Error(`group: unknown wake action ${action}`);
    }
  }

  private setDepth(id: number, d: number): void {
    if (id >= this.depth.length) {
      let n = this.depth.length;
      while (n <= id) n *= 2;
      const b = new Uint8Array(n);
      b.set(this.depth);
      this.depth = b;
    }
    this.depth[id] = d;
  }

  /** User u opens a thread in one of its groups. */
  private post(ctx: ConversationContext, now: Micros, u: number): void {
    const pop = ctx.population;
    const lo = pop.groupOffsets[u];
    const count = pop.groupOffsets[u + 1] - lo;
    if (count === 0) return;
    const r = this.composeRng(u);
    const g = pop.groupTargets[lo + r.int(0, count)];
    const conv = ctx.truth.conversations.add("group", u, -1 - g, now);
    this.compose(ctx, now, u, g, conv, 0, r);
  }

  /** Member u composes a post of depth d for thread conv in group g. */
  private compose(ctx: ConversationContext, now: Micros, u: number, g: number, conv: number, d: number, r: Rng): void {
    const mix = this.mix;
    mix.draw(r);
    const at = now + mix.compose;
    this.lastActive[u] = now;
    if (at > ctx.end) return;
    const s = this.allocSlot();
    this.slotAuthor[s] = u;
    this.slotConv[s] = conv;
    this.slotGroup[s] = g;
    this.slotType[s] = mix.type;
    this.slotBytes[s] = mix.bytes;
    this.slotDepth[s] = d;
    this.slotAt[s] = at;
    if (this.p.typingIndicators && MessageMix.isText(mix.type)) ctx.wakeAt(now, token(s, TYPING));
    ctx.wakeAt(at, token(s, SEND));
  }

  onDelivered(now: Micros, message: number, ctx: ConversationContext): void {
    const m = ctx.truth.messages;
    const type = m.type[message];
    if (type === TYPE_CODE.receipt || type === TYPE_CODE.typing) return;
    const conv = m.conversation[message];
    ctx.truth.conversations.touch(conv, now);
    const member = m.to[message];
    if (this.p.deliveryReceipts) ctx.send(now, member, m.from[message], TYPE_CODE.receipt, this.mix.receiptBytes, conv);
    const at = now + this.mix.readDelay(ctx.population, member, now, this.lastActive[member], this.readRng(member));
    if (at <= ctx.end) ctx.wakeAt(at, token(message, READ));
  }

  private read(ctx: ConversationContext, now: Micros, message: number): void {
    const m = ctx.truth.messages;
    const conv = m.conversation[message];
    const member = m.to[message];
    this.lastActive[member] = now;
    if (this.p.readReceipts) {
      ctx.send(now, member, m.from[message], TYPE_CODE.receipt, this.mix.receiptBytes, conv);
      ctx.truth.conversations.touch(conv, now);
    }
    const d = this.depth[m.origin[message]];
    if (d >= this.p.maxDepth) return;
    const g = -1 - ctx.truth.conversations.b[conv];
    const others = ctx.population.groups[g].length - 1;
    const r = this.readRng(member);
    if (others <= 0 || !r.bernoulli(Math.min(1, this.p.repliesPerPost / others))) return;
    this.compose(ctx, now, member, g, conv, d + 1, this.composeRng(member));
  }
}

export const definition: ConversationModelDefinition<GroupParams> = {
  name: "group",
  summary: "group chat: Poisson posts fanned out by the server, receipts, replies caused by delivery with a subcritical branching rate",
  citations: [
    "Caetano et al., arXiv 1804.00397 (WhatsApp groups): 20% multimedia, Zipf-like per-user message counts [P abstract]",
    "Kurz 2023 (replication thesis): text 4-978 B, photo 37-210 KB, video 0.7-7.8 MB [S]",
    "Palin et al., MobileHCI 2019: 36.2 WPM [P abstract]; Signal-Android TypingStatusSender: refresh 10 s [C]",
    "Posting rate, replies per post, reply depth, reading delays: assumptions",
  ],
  schema,
  create: (params, rng) => new GroupChat(params, rng),
};
