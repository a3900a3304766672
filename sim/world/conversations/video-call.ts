/**
 * Video call — the voice call (voice-call.ts: causal offer/ring/answer, 20 ms audio
 * frames, CBR or VBR) plus a video stream in each direction.
 *
 * Rule for the video stream (all parameters are assumptions, reasoned below):
 * - One frame every 1/fps s, frame k exactly at t0 + round(k·10^6/fps) µs, from the moment
 *   that direction's media starts until the call ends. 30 fps: the usual camera rate.
 * - A key frame every `keyframeIntervalFrames` frames (300 = every 10 s at 30 fps; WebRTC
 *   sends key frames mostly on loss, so a long interval), `keyframeRatio` = 8 times the
 *   size of a delta frame (intra-coded frames of conversational video are several times
 *   larger than predicted ones).
 * - Sizes are scaled so the long-run mean is the target `videoKbps` (800 kbit/s, a mid
 *   value for a 480p–720p phone call under WebRTC's congestion control): a delta frame has
 *   mean d = N·B/(N − 1 + r), with B = videoKbps·1000/8/fps bytes per frame, N the key-frame
 *   interval and r the ratio; each frame is scaled by a log-normal factor of mean 1 and
 *   sigma `frameSigma` (0.25: frame sizes vary with motion).
 * - A frame is handed to `ctx.sendFrame` whole; the transport splits it into packets.
 * - Video calls are rarer than voice calls: 0.02 per user-hour (assumption).
 *
 * @example
 * const model = definition.create(definition.schema.parse({ videoKbps: 1500 }), stream(1, "video-call"));
 * model.start(ctx);
 */
import { z } from "zod";
import type { ConversationContext, ConversationModelDefinition } from "../conversation.ts";
import type { Rng } from "../../core/rng.ts";
import { SECOND, type Micros } from "../../core/time.ts";
import { CallModel, FIRST_EXTRA_ACTION, callShape, callToken } from "./voice-call.ts";
import { grown } from "../../core/grown.ts";

export const schema = z
  .object({
    ...callShape({ callsPerHour: 0.02 }),
    fps: z.number().min(1).max(120).default(30).describe("video frames per second (assumption)"),
    videoKbps: z.number().min(10).max(20_000).default(800).describe("mean video bitrate, kbit/s (assumption)"),
    keyframeIntervalFrames: z.number().int().min(1).max(100_000).default(300).describe("frames between key frames (assumption)"),
    keyframeRatio: z.number().min(1).max(100).default(8).describe("key frame size / delta frame size (assumption)"),
    frameSigma: z.number().min(0).max(3).default(0.25).describe("log-normal sigma of frame sizes (assumption)"),
  })
  .strict()
  .refine((p) => p.vbrModeWeights.some((w) => w > 0), { path: ["vbrModeWeights"], message: "expected at least one positive weight" });

export type VideoCallParams = z.output<typeof schema>;

const VIDEO = FIRST_EXTRA_ACTION;

class VideoCallModel extends CallModel {
  private videoT0 = new Float64Array(32);
  private videoK = new Float64Array(32);
  private readonly deltaBytes: number;
  private readonly keyBytes: number;
  private readonly jitterMu: number;

  constructor(
    private readonly v: VideoCallParams,
    rng: Rng,
  ) {
    super(v, rng, "video-call");
    const perFrame = (v.videoKbps * 1000) / 8 / v.fps;
    const n = v.keyframeIntervalFrames;
    this.deltaBytes = (n * perFrame) / (n - 1 + v.keyframeRatio);
    this.keyBytes = this.deltaBytes * v.keyframeRatio;
    this.jitterMu = -(v.frameSigma * v.frameSigma) / 2;
  }

  protected override growSlots(n: number): void {
    super.growSlots(n);
    this.videoT0 = grown(this.videoT0, 2 * n);
    this.videoK = grown(this.videoK, 2 * n);
  }

  protected override onMediaStart(ctx: ConversationContext, now: Micros, s: number, dir: number): void {
    const d = 2 * s + dir;
    this.videoT0[d] = now;
    this.videoK[d] = 0;
    this.running[s]++;
    ctx.wakeAt(now, callToken(d, VIDEO));
  }

  protected override onExtraWake(ctx: ConversationContext, now: Micros, d: number, action: number): void {
    if (action !== VIDEO) {
      super.onExtraWake(ctx, now, d, action);
      return;
    }
    const s = d >> 1;
    if (now >= this.endAt[s]) {
      this.stopped(s);
      return;
    }
    const dir = d & 1;
    const from = dir === 0 ? this.caller[s] : this.callee[s];
    const to = dir === 0 ? this.callee[s] : this.caller[s];
    const k = this.videoK[d];
    const mean = k % this.v.keyframeIntervalFrames === 0 ? this.keyBytes : this.deltaBytes;
    const scale = this.v.frameSigma > 0 ? this.mediaRng(from).lognormal(this.jitterMu, this.v.frameSigma) : 1;
    ctx.sendFrame(now, from, to, Math.max(1, Math.round(mean * scale)), this.conv[s]);
    this.videoK[d] = k + 1;
    const next = this.videoT0[d] + Math.round(((k + 1) * SECOND) / this.v.fps);
    if (next <= ctx.end) ctx.wakeAt(next, callToken(d, VIDEO));
  }
}

export const definition: ConversationModelDefinition<VideoCallParams> = {
  name: "video-call",
  summary: "video call: the voice call's signalling and audio plus 30 fps video frames around a target bitrate with periodic key frames",
  citations: [
    "Audio and signalling as voice-call (Signal RingRTC defaults [C]; Wright et al. 2007 Speex alphabet [P])",
    "Video frame rate, bitrate, key-frame interval and ratio, size spread: assumptions (reasoning in the file header)",
  ],
  schema,
  create: (params, rng) => new VideoCallModel(params, rng),
};
