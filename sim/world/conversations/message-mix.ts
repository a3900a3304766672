/**
 * The message mix: what a chat user composes (type and size), how long composing takes,
 * and how soon the recipient reads it. Shared by 1:1 messaging and group chat; it is not
 * a conversation model itself (it exports no `definition`).
 *
 * Types and sizes, with provenance (traffic-and-adversaries.md §1.2, §4):
 * - **Shares**: multimedia is 20% of messages in WhatsApp political groups (Caetano et al.,
 *   arXiv 1804.00397) [P abstract]; the split of that 20% (photo 12, video 3, voice note 4,
 *   file 1) is an assumption. (Kurz 2023's Telegram channels, 64.9% text, 32.7% photo,
 *   2.4% video [S], are a broadcast mix, not a chat mix.)
 * - **Text**: log-uniform over Kurz's measured 4–978 B range [S]; log-uniform rather than
 *   uniform is an assumption (chat lines are mostly short).
 * - **Photo**: log-uniform 37–210 KB; **video**: log-uniform 0.7–7.8 MB (Kurz 2023, Telegram
 *   channel recordings [S]; log-uniform is an assumption over the measured range).
 * - **Voice note**: Opus bitrate × duration; 32 kbit/s and a log-normal duration (median
 *   10 s, σ 0.8, at most 15 min) are assumptions.
 * - **File**: log-uniform 10 KB–5 MB (assumption).
 * - **Receipts and typing indicators**: 60 B and 50 B of application payload (assumption;
 *   the record padding and framing are added by the transport).
 *
 * Human timing:
 * - **Typing**: 36.2 words per minute on phones (Palin et al., "How do People Type on Mobile
 *   Devices?", MobileHCI 2019, 37,370 volunteers [P abstract]) = 36.2·5/60 ≈ 3.02 characters
 *   per second [D], one byte per character (assumption). Typing indicators follow Signal's
 *   `TypingStatusSender`: STARTED at the first keystroke, refreshed every 10 s while typing
 *   [C: signalapp/Signal-Android]; the message itself ends the indicator (no STOPPED).
 * - **Media compose time**: exponential, mean 5 s (assumption); a voice note takes its
 *   duration to record.
 * - **Reading**: if the recipient is in a foreground session, or was active in the thread
 *   within `lingerSeconds`, the message is read after an exponential delay (mean 5 s);
 *   otherwise at the start of the recipient's next session, unless the notification brings
 *   them in first: with probability `notifiedShare` after an exponential delay (mean 120 s).
 *   All four numbers are assumptions. A user asleep (population `sleep`) reads nothing
 *   before waking: then the same rule runs from the wake-up (the next session after it,
 *   or the notification seen after waking).
 *
 * @example
 * const mix = new MessageMix(messageMixSchema.parse({}));
 * mix.draw(rng);         // fills mix.type, mix.bytes, mix.compose
 * mix.readDelay(pop, 7, now, lastActive[7], rng); // µs until user 7 reads
 */
import { z } from "zod";
import type { Population } from "../population.ts";
import type { Rng } from "../../core/rng.ts";
import { SECOND, type Micros } from "../../core/time.ts";
import { TYPE_CODE } from "../truth.ts";

/** The fields a model schema spreads in (`z.object({ ...messageMixShape, … })`). */
export const messageMixShape = {
  shareText: z.number().min(0).max(1).default(0.8).describe("share of text messages (Caetano et al.: 20% multimedia)"),
  sharePhoto: z.number().min(0).max(1).default(0.12).describe("share of photos (assumption)"),
  shareVideo: z.number().min(0).max(1).default(0.03).describe("share of videos (assumption)"),
  shareVoiceNote: z.number().min(0).max(1).default(0.04).describe("share of voice notes (assumption)"),
  shareFile: z.number().min(0).max(1).default(0.01).describe("share of files (assumption)"),
  textBytesMin: z.number().int().min(1).default(4).describe("shortest text, B (Kurz 2023)"),
  textBytesMax: z.number().int().min(1).default(978).describe("longest text, B (Kurz 2023)"),
  photoBytesMin: z.number().int().min(1).default(37_000).describe("smallest photo, B (Kurz 2023)"),
  photoBytesMax: z.number().int().min(1).default(210_000).describe("largest photo, B (Kurz 2023)"),
  videoBytesMin: z.number().int().min(1).default(700_000).describe("smallest video, B (Kurz 2023)"),
  videoBytesMax: z.number().int().min(1).default(7_800_000).describe("largest video, B (Kurz 2023)"),
  voiceNoteKbps: z.number().positive().max(512).default(32).describe("voice-note Opus bitrate, kbit/s (assumption)"),
  voiceNoteMedianSeconds: z.number().positive().default(10).describe("median voice-note length, s (assumption)"),
  voiceNoteSigma: z.number().min(0).max(4).default(0.8).describe("log-normal sigma of voice-note length (assumption)"),
  voiceNoteMaxSeconds: z.number().positive().default(900).describe("longest voice note, s (assumption)"),
  fileBytesMin: z.number().int().min(1).default(10_000).describe("smallest file, B (assumption)"),
  fileBytesMax: z.number().int().min(1).default(5_000_000).describe("largest file, B (assumption)"),
  receiptBytes: z.number().int().min(1).default(60).describe("delivery/read receipt payload, B (assumption)"),
  typingBytes: z.number().int().min(1).default(50).describe("typing indicator payload, B (assumption)"),
  typingCharsPerSecond: z.number().positive().default(3.02).describe("typing speed (Palin et al. 2019: 36.2 WPM)"),
  typingRefreshSeconds: z.number().positive().default(10).describe("typing indicator refresh (Signal TypingStatusSender)"),
  mediaComposeSeconds: z.number().min(0).default(5).describe("mean time to pick a photo/video/file, s (assumption)"),
  readDelaySeconds: z.number().min(0).default(5).describe("mean read delay when in the app, s (assumption)"),
  lingerSeconds: z.number().min(0).default(60).describe("a user active this recently counts as in the app, s (assumption)"),
  notifiedShare: z.number().min(0).max(1).default(0.5).describe("share of offline deliveries answered via the notification (assumption)"),
  notifiedDelaySeconds: z.number().min(0).default(120).describe("mean delay to open the app from a notification, s (assumption)"),
};

/** The same fields as a standalone strict schema. */
export const messageMixSchema = z.object(messageMixShape).strict();
export type MessageMixParams = z.output<typeof messageMixSchema>;

/** Range checks that span two fields; call from the model schema's superRefine. */
export function refineMessageMix(p: MessageMixParams, ctx: z.RefinementCtx): void {
  const pairs: [keyof MessageMixParams, keyof MessageMixParams][] = [
    ["textBytesMin", "textBytesMax"],
    ["photoBytesMin", "photoBytesMax"],
    ["videoBytesMin", "videoBytesMax"],
    ["fileBytesMin", "fileBytesMax"],
  ];
  for (const [lo, hi] of pairs) {
    if ((p[hi] as number) < (p[lo] as number)) ctx.addIssue({ code: "custom", path: [hi], message: `expected at least ${lo} = ${p[lo]}` });
  }
  if (p.shareText + p.sharePhoto + p.shareVideo + p.shareVoiceNote + p.shareFile <= 0) {
    ctx.addIssue({ code: "custom", path: ["shareText"], message: "expected the type shares to sum to more than 0" });
  }
}

/** Type codes in share order. */
export const MIX_TYPES: readonly number[] = [TYPE_CODE.text, TYPE_CODE.photo, TYPE_CODE.video, TYPE_CODE["voice-note"], TYPE_CODE.file];

/**
 * Draws messages. `draw` writes its result into `type`, `bytes` and `compose` (µs), so a
 * model reads them at once and nothing is allocated per message.
 */
export class MessageMix {
  type = 0;
  bytes = 0;
  compose: Micros = 0;
  private readonly cumulative: Float64Array;
  private readonly voiceMu: number;
  private readonly bytesPerSecondVoice: number;
  readonly receiptBytes: number;
  readonly typingBytes: number;
  readonly typingRefresh: Micros;

  constructor(readonly p: MessageMixParams) {
    const shares = [p.shareText, p.sharePhoto, p.shareVideo, p.shareVoiceNote, p.shareFile];
    const total = shares.reduce((s, x) => s + x, 0);
    this.cumulative = new Float64Array(shares.length);
    let acc = 0;
    shares.forEach((s, i) => {
      acc += s / total;
      this.cumulative[i] = acc;
    });
    this.cumulative[shares.length - 1] = 1;
    this.voiceMu = Math.log(p.voiceNoteMedianSeconds);
    this.bytesPerSecondVoice = (p.voiceNoteKbps * 1000) / 8;
    this.receiptBytes = p.receiptBytes;
    this.typingBytes = p.typingBytes;
    this.typingRefresh = Math.round(p.typingRefreshSeconds * SECOND);
  }

  /** The normalised share of each type, in MIX_TYPES order. */
  shares(): number[] {
    return Array.from(this.cumulative, (c, i) => c - (i > 0 ? this.cumulative[i - 1] : 0));
  }

  draw(rng: Rng): void {
    const u = rng.next();
    let i = 0;
    while (u >= this.cumulative[i] && i < this.cumulative.length - 1) i++;
    const p = this.p;
    this.type = MIX_TYPES[i];
    switch (i) {
      case 0: {
        this.bytes = Math.min(p.textBytesMax, Math.floor(rng.logUniform(p.textBytesMin, p.textBytesMax + 1)));
        this.compose = Math.round((this.bytes / p.typingCharsPerSecond) * SECOND);
        return;
      }
      case 1:
        this.bytes = Math.round(rng.logUniform(p.photoBytesMin, p.photoBytesMax));
        break;
      case 2:
        this.bytes = Math.round(rng.logUniform(p.videoBytesMin, p.videoBytesMax));
        break;
      case 3: {
        const seconds = Math.min(p.voiceNoteMaxSeconds, rng.lognormal(this.voiceMu, p.voiceNoteSigma));
        this.bytes = Math.max(1, Math.round(seconds * this.bytesPerSecondVoice));
        this.compose = Math.round(seconds * SECOND);
        return;
      }
      default:
        this.bytes = Math.round(rng.logUniform(p.fileBytesMin, p.fileBytesMax));
    }
    this.compose = Math.round(rng.exponential(p.mediaComposeSeconds) * SECOND);
  }

  /** Is this a text message (the type typing indicators go with)? */
  static isText(type: number): boolean {
    return type === TYPE_CODE.text;
  }

  /**
   * How long (µs, ≥ 0) after `now` user `u` reads a message delivered at `now`.
   * `lastActive` is when u last sent or read in this model (−Infinity if never).
   */
  readDelay(pop: Population, u: number, now: Micros, lastActive: Micros, rng: Rng): Micros {
    const p = this.p;
    const quick = Math.round(rng.exponential(p.readDelaySeconds) * SECOND);
    const sleep = pop.sleep;
    if (sleep !== null && sleep.isAsleep(u, now)) {
      // Asleep: nothing is read before waking; then as offline, counted from the wake-up.
      const wake = sleep.nextWake(u, now);
      let wait = pop.sessions.nextOnline(u, wake) - now + quick;
      if (rng.bernoulli(p.notifiedShare)) wait = Math.min(wait, wake - now + Math.round(rng.exponential(p.notifiedDelaySeconds) * SECOND));
      return wait;
    }
    if (now - lastActive <= p.lingerSeconds * SECOND || pop.sessions.isOnline(u, now)) return quick;
    let wait = pop.sessions.nextOnline(u, now) - now + quick;
    if (rng.bernoulli(p.notifiedShare)) wait = Math.min(wait, Math.round(rng.exponential(p.notifiedDelaySeconds) * SECOND));
    return wait;
  }
}

/** Geometric number of trials on {1, 2, …} with the given mean (≥ 1), by inversion. */
export function geometric(rng: Rng, mean: number): number {
  if (mean <= 1) return 1;
  return 1 + Math.floor(Math.log(1 - rng.next()) / Math.log(1 - 1 / mean));
}
