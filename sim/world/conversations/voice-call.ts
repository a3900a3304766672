/**
 * Voice call — Opus CBR at 20 ms per packet (Signal RingRTC defaults), or a VBR negative
 * control with the Speex bit-rate alphabet.
 *
 * Rule:
 * - Each user places calls as a non-homogeneous Poisson process with rate `callsPerHour`
 *   × activity[u] × diurnal(t) (none while u sleeps) to a contact drawn by tie strength
 *   (`Population.pickContact`, population.ts); a call to or from a user already in a call,
 *   or to one asleep, is not placed. The call is a "voice-call" conversation.
 * - Signalling is causal: the caller sends an offer (a "call" message); when it is
 *   delivered the callee's phone rings for an exponential time (mean `ringSeconds`), then
 *   the callee sends an answer and starts its media; the caller starts its media when the
 *   answer is delivered. After a log-normal duration (median `durationMedianSeconds`,
 *   σ `durationSigma`) counted from the answer, the caller sends a hang-up and both
 *   directions stop; the caller is free for a new call at once, the callee when the
 *   hang-up is delivered.
 * - Media: each direction sends one frame every `ptimeMs` = 20 ms (50 packets/s) with
 *   `ctx.sendFrame`, frame k exactly at t0 + k·20 ms. Signal RingRTC's AudioEncoderConfig
 *   defaults: ptime 20 ms, Opus CBR on, DTX off (frames keep flowing in silence), 16–40
 *   kbit/s; its call simulator starts at 32 kbit/s [C: signalapp/ringrtc media.rs,
 *   call_sim-cli; traffic-and-adversaries.md §3.6]. CBR payload = bitrate·ptime/8 = 80 B at
 *   32 kbit/s [D].
 * - `mode: "vbr"`: each direction alternates talk spurts and pauses, exponential with means
 *   1.004 s and 1.587 s (ITU-T P.59 artificial conversational speech [M]); a pause frame
 *   carries the lowest Speex mode (0.25 kbit/s), a talk frame one of the eight speech
 *   modes 2.15, 3.95, 5.95, 8.0, 11.0, 15.0, 18.2, 24.6 kbit/s — the Speex VBR alphabet of
 *   Wright, Ballard, Monrose, Masson, "Language Identification of Encrypted VoIP Traffic",
 *   USENIX Security 2007 [P figure axis] — drawn with `vbrModeWeights` (assumption).
 *   Payload = ceil(rate·ptime/8): 1 … 62 B at 20 ms [D].
 * - Call rate (0.05 per user-hour), ring time (mean 6 s), duration (median 90 s, σ 1) and
 *   signalling sizes (offer 1200 B, answer 1000 B, hang-up 100 B) are assumptions.
 *
 * Frames are scheduled one wake per frame tick; the token carries (call slot, direction),
 * so nothing is allocated per frame.
 *
 * @example
 * const model = definition.create(definition.schema.parse({ mode: "vbr" }), stream(1, "voice-call"));
 * model.start(ctx);
 */
import { z } from "zod";
import type { ConversationContext, ConversationModel, ConversationModelDefinition } from "../conversation.ts";
import { nextArrival } from "../population.ts";
import type { Rng } from "../../core/rng.ts";
import { MILLISECOND, SECOND, type Micros } from "../../core/time.ts";
import { TYPE_CODE, type ConversationKind } from "../truth.ts";
import { grown } from "../../core/grown.ts";

/** Speex VBR bit rates (kbit/s), mode 0 = silence, as read from Wright et al. 2007. */
export const SPEEX_VBR_KBPS: readonly number[] = [0.25, 2.15, 3.95, 5.95, 8.0, 11.0, 15.0, 18.2, 24.6];

/** Payload bytes of each Speex mode at a packet time of `ptimeMs`. */
export function speexAlphabet(ptimeMs: number): number[] {
  return SPEEX_VBR_KBPS.map((kbps) => Math.ceil((kbps * ptimeMs) / 8));
}

/** The call parameters, with the defaults a model passes (voice and video calls differ in rate). */
export function callShape(defaults: { callsPerHour: number }) {
  return {
    callsPerHour: z.number().min(0).max(3600).default(defaults.callsPerHour).describe("calls a user places per hour at mean activity (assumption)"),
    ringSeconds: z.number().min(0).default(6).describe("mean ring time before the answer, s (assumption)"),
    durationMedianSeconds: z.number().positive().default(90).describe("median call length, s (assumption)"),
    durationSigma: z.number().min(0).max(5).default(1).describe("log-normal sigma of call length (assumption)"),
    mode: z.enum(["cbr", "vbr"]).default("cbr").describe("audio: Opus CBR (RingRTC default) or Speex-alphabet VBR"),
    ptimeMs: z.number().int().min(5).max(120).default(20).describe("packet time, ms (RingRTC default 20 ms)"),
    bitrateKbps: z.number().min(6).max(510).default(32).describe("CBR bitrate, kbit/s (RingRTC call_sim start 32)"),
    talkSpurtSeconds: z.number().positive().default(1.004).describe("VBR mean talk spurt, s (ITU-T P.59 [M])"),
    pauseSeconds: z.number().positive().default(1.587).describe("VBR mean pause, s (ITU-T P.59 [M])"),
    vbrModeWeights: z
      .array(z.number().min(0).finite())
      .length(8)
      .default([0.02, 0.05, 0.08, 0.15, 0.25, 0.25, 0.15, 0.05])
      .describe("weights of the 8 Speex speech modes during talk (assumption)"),
    offerBytes: z.number().int().min(1).default(1200).describe("call offer payload, B (assumption)"),
    answerBytes: z.number().int().min(1).default(1000).describe("call answer payload, B (assumption)"),
    hangupBytes: z.number().int().min(1).default(100).describe("hang-up payload, B (assumption)"),
  };
}

export const schema = z
  .object(callShape({ callsPerHour: 0.05 }))
  .strict()
  .refine((p) => p.vbrModeWeights.some((w) => w > 0), { path: ["vbrModeWeights"], message: "expected at least one positive weight" });

export type CallParams = z.output<typeof schema>;

const START = 0;
const ANSWER = 1;
const AUDIO = 2;
const END = 3;
/** Actions 4..7 are free for subclasses (video frames). */
export const FIRST_EXTRA_ACTION = 4;
const MAX_INDEX = 2 ** 28;

export function callToken(index: number, action: number): number {
  if (index >= MAX_INDEX) throw new RangeError(`call: index ${index} exceeds the wake-token range (2^28)`);
  return index * 8 + action;
}

/**
 * The call machinery shared by voice and video calls: start process, signalling, audio
 * frames. Slots are reused; per-direction state is at index slot·2 + dir (dir 0 = caller
 * → callee, 1 = callee → caller).
 */
export class CallModel implements ConversationModel {
  protected starts: Rng[] = [];
  private mediaRngs: (Rng | undefined)[] = [];
  private nextStart = new Float64Array(0);
  private busy = new Uint8Array(0);
  private slotOfConv = new Int32Array(256).fill(-1);
  protected caller = new Int32Array(16);
  protected callee = new Int32Array(16);
  protected conv = new Int32Array(16);
  protected endAt = new Float64Array(16);
  protected running = new Int32Array(16);
  /** 0 while the call runs, 1 once the hang-up is sent, 2 once it is delivered. */
  private ended = new Int32Array(16);
  private offerId = new Int32Array(16);
  private answerId = new Int32Array(16);
  private hangupId = new Int32Array(16);
  // Per direction (slot·2 + dir), VBR state.
  private talking = new Int32Array(32);
  private nextFlip = new Float64Array(32);
  private free = new Int32Array(16);
  private freeCount = 0;
  private slots = 0;
  private readonly ptime: Micros;
  private readonly cbrBytes: number;
  private readonly alphabet: Int32Array;
  private readonly talkCumulative: Float64Array;
  private readonly durationMu: number;
  private readonly talkMean: number;
  private readonly pauseMean: number;

  constructor(
    protected readonly p: CallParams,
    protected readonly rng: Rng,
    protected readonly kind: ConversationKind,
  ) {
    this.ptime = p.ptimeMs * MILLISECOND;
    this.cbrBytes = Math.round((p.bitrateKbps * p.ptimeMs) / 8);
    this.alphabet = Int32Array.from(speexAlphabet(p.ptimeMs));
    const total = p.vbrModeWeights.reduce((s, w) => s + w, 0);
    this.talkCumulative = new Float64Array(8);
    let acc = 0;
    for (let i = 0; i < 8; i++) {
      acc += p.vbrModeWeights[i] / total;
      this.talkCumulative[i] = acc;
    }
    this.talkCumulative[7] = 1;
    this.durationMu = Math.log(p.durationMedianSeconds * SECOND);
    this.talkMean = p.talkSpurtSeconds * SECOND;
    this.pauseMean = p.pauseSeconds * SECOND;
  }

  start(ctx: ConversationContext): void {
    const n = ctx.population.size;
    this.starts = Array.from({ length: n }, (_, u) => this.rng.child("starts").child(u));
    this.mediaRngs = new Array(n);
    this.nextStart = new Float64Array(n);
    this.busy = new Uint8Array(n);
    for (let u = 0; u < n; u++) {
      const t = nextArrival(ctx.population, u, ctx.start, this.p.callsPerHour, this.starts[u]);
      this.nextStart[u] = t;
      if (t <= ctx.end) ctx.wakeAt(t, callToken(u, START));
    }
  }

  /** The stream for everything user u's device sends in calls (frame sizes, its ring time). */
  protected mediaRng(u: number): Rng {
    return (this.mediaRngs[u] ??= this.rng.child("media").child(u));
  }

  private allocSlot(): number {
    if (this.freeCount > 0) return this.free[--this.freeCount];
    const s = this.slots++;
    if (s === this.caller.length) this.growSlots(s * 2);
    return s;
  }

  /** Grows per-slot arrays to `n` slots; subclasses extend it for their own state. */
  protected growSlots(n: number): void {
    this.caller = grown(this.caller, n);
    this.callee = grown(this.callee, n);
    this.conv = grown(this.conv, n);
    this.running = grown(this.running, n);
    this.ended = grown(this.ended, n);
    this.offerId = grown(this.offerId, n);
    this.answerId = grown(this.answerId, n);
    this.hangupId = grown(this.hangupId, n);
    this.free = grown(this.free, n);
    this.endAt = grown(this.endAt, n);
    this.talking = grown(this.talking, 2 * n);
    this.nextFlip = grown(this.nextFlip, 2 * n);
  }

  onWake(now: Micros, tok: number, ctx: ConversationContext): void {
    const action = tok & 7;
    const index = tok >>> 3;
    switch (action) {
      case START: {
        this.place(ctx, now, index);
        const next = nextArrival(ctx.population, index, this.nextStart[index], this.p.callsPerHour, this.starts[index]);
        this.nextStart[index] = next;
        if (next <= ctx.end) ctx.wakeAt(Math.max(now, next), callToken(index, START));
        return;
      }
      case ANSWER:
        this.answer(ctx, now, index);
        return;
      case AUDIO:
        this.audioFrame(ctx, now, index);
        return;
      case END:
        this.hangUp(ctx, now, index);
        return;
      default:
        this.onExtraWake(ctx, now, index, action);
    }
  }

  /** Wakes with actions ≥ FIRST_EXTRA_ACTION go to the subclass. */
  protected onExtraWake(_ctx: ConversationContext, _now: Micros, _index: number, action: number): void {
    throw new Error(`${this.kind}: unknown wake action ${action}`);
  }

  /** Called when direction `dir` of slot `s` starts its media at `now`. */
  protected onMediaStart(_ctx: ConversationContext, _now: Micros, _s: number, _dir: number): void {}

  /** User u calls a contact drawn by tie strength, unless one of them is busy (or the callee sleeps). */
  private place(ctx: ConversationContext, now: Micros, u: number): void {
    const pop = ctx.population;
    if (pop.contactOffsets[u + 1] === pop.contactOffsets[u] || this.busy[u]) return;
    const v = pop.pickContact(u, this.starts[u]);
    if (v < 0 || this.busy[v]) return;
    // A sleeping phone does not ring (do-not-disturb): the call is not placed.
    if (pop.sleep !== null && pop.sleep.isAsleep(v, now)) return;
    const conv = ctx.truth.conversations.add(this.kind, u, v, now);
    const s = this.allocSlot();
    if (conv >= this.slotOfConv.length) {
      let n = this.slotOfConv.length;
      while (n <= conv) n *= 2;
      const b = new Int32Array(n).fill(-1);
      b.set(this.slotOfConv);
      this.slotOfConv = b;
    }
    this.slotOfConv[conv] = s;
    this.busy[u] = 1;
    this.busy[v] = 1;
    this.caller[s] = u;
    this.callee[s] = v;
    this.conv[s] = conv;
    this.endAt[s] = Infinity;
    this.running[s] = 0;
    this.ended[s] = 0;
    this.answerId[s] = -1;
    this.hangupId[s] = -1;
    this.offerId[s] = ctx.send(now, u, v, TYPE_CODE.call, this.p.offerBytes, conv);
  }

  onDelivered(now: Micros, message: number, ctx: ConversationContext): void {
    const conv = ctx.truth.messages.conversation[message];
    ctx.truth.conversations.touch(conv, now);
    const s = conv < this.slotOfConv.length ? this.slotOfConv[conv] : -1;
    if (s < 0) return;
    if (message === this.offerId[s]) {
      const ring = Math.round(this.mediaRng(this.callee[s]).exponential(this.p.ringSeconds * SECOND));
      if (now + ring <= ctx.end) ctx.wakeAt(now + ring, callToken(s, ANSWER));
    } else if (message === this.answerId[s]) {
      if (now < this.endAt[s]) this.startMedia(ctx, now, s, 0);
    } else if (message === this.hangupId[s]) {
      this.busy[this.callee[s]] = 0;
      this.ended[s] = 2;
      this.maybeFree(s);
    }
  }

  private answer(ctx: ConversationContext, now: Micros, s: number): void {
    this.answerId[s] = ctx.send(now, this.callee[s], this.caller[s], TYPE_CODE.call, this.p.answerBytes, this.conv[s]);
    ctx.truth.conversations.touch(this.conv[s], now);
    const duration = Math.max(this.ptime, Math.round(this.mediaRng(this.caller[s]).lognormal(this.durationMu, this.p.durationSigma)));
    this.endAt[s] = now + duration;
    if (this.endAt[s] <= ctx.end) ctx.wakeAt(this.endAt[s], callToken(s, END));
    this.startMedia(ctx, now, s, 1);
  }

  private startMedia(ctx: ConversationContext, now: Micros, s: number, dir: number): void {
    const d = 2 * s + dir;
    if (this.p.mode === "vbr") {
      const r = this.mediaRng(dir === 0 ? this.caller[s] : this.callee[s]);
      const talk = r.bernoulli(this.talkMean / (this.talkMean + this.pauseMean));
      this.talking[d] = talk ? 1 : 0;
      this.nextFlip[d] = now + r.exponential(talk ? this.talkMean : this.pauseMean);
    }
    this.running[s]++;
    ctx.wakeAt(now, callToken(d, AUDIO));
    this.onMediaStart(ctx, now, s, dir);
  }

  /** One media direction of slot s has stopped; frees the slot when nothing is left. */
  protected stopped(s: number): void {
    this.running[s]--;
    this.maybeFree(s);
  }

  private maybeFree(s: number): void {
    if (this.running[s] > 0 || this.ended[s] !== 2) return;
    this.slotOfConv[this.conv[s]] = -1;
    this.free[this.freeCount++] = s;
  }

  private audioFrame(ctx: ConversationContext, now: Micros, d: number): void {
    const s = d >> 1;
    if (now >= this.endAt[s]) {
      this.stopped(s);
      return;
    }
    const dir = d & 1;
    const from = dir === 0 ? this.caller[s] : this.callee[s];
    const to = dir === 0 ? this.callee[s] : this.caller[s];
    let bytes = this.cbrBytes;
    if (this.p.mode === "vbr") {
      const r = this.mediaRng(from);
      while (now >= this.nextFlip[d]) {
        this.talking[d] ^= 1;
        this.nextFlip[d] += r.exponential(this.talking[d] ? this.talkMean : this.pauseMean);
      }
      if (this.talking[d]) {
        const u = r.next();
        let i = 0;
        while (i < 7 && u >= this.talkCumulative[i]) i++;
        bytes = this.alphabet[i + 1];
      } else bytes = this.alphabet[0];
    }
    ctx.sendFrame(now, from, to, bytes, this.conv[s]);
    const next = now + this.ptime;
    if (next <= ctx.end) ctx.wakeAt(next, callToken(d, AUDIO));
  }

  private hangUp(ctx: ConversationContext, now: Micros, s: number): void {
    this.hangupId[s] = ctx.send(now, this.caller[s], this.callee[s], TYPE_CODE.call, this.p.hangupBytes, this.conv[s]);
    ctx.truth.conversations.touch(this.conv[s], now);
    // The caller is free at once, the callee when the hang-up reaches it.
    this.busy[this.caller[s]] = 0;
    this.ended[s] = 1;
  }
}

export const definition: ConversationModelDefinition<CallParams> = {
  name: "voice-call",
  summary: "voice call: causal offer/ring/answer, then 50 packets/s per direction, Opus CBR (RingRTC defaults) or a Speex-alphabet VBR control",
  citations: [
    "Signal RingRTC AudioEncoderConfig defaults: ptime 20 ms, Opus CBR, DTX off, 16-40 kbit/s; call_sim 32 kbit/s [C: signalapp/ringrtc]",
    "Wright, Ballard, Monrose, Masson, Language Identification of Encrypted VoIP Traffic, USENIX Security 2007: Speex VBR alphabet [P]",
    "ITU-T P.59 artificial conversational speech: talk spurt 1.004 s, pause 1.587 s [M]",
    "Call rate, ring time, duration, signalling sizes, VBR mode weights: assumptions",
  ],
  schema,
  create: (params, rng) => new CallModel(params, rng, "voice-call"),
};
