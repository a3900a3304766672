/**
 * Idle background traffic of every user: websocket keepalives and server pushes.
 *
 * Rule:
 * - Keepalives: each device sends a keepalive to the server (`ctx.sendToServer`) every
 *   `keepaliveSeconds` while the user is in a foreground session and every
 *   `keepaliveBackgroundSeconds` otherwise, with a random phase per user. Signal-Android's
 *   websocket health monitor sends `GET /v1/keepalive` every 30 s
 *   (`KEEPALIVE_FREQUENCY_SECONDS` = 30, `KEEP_ALIVE_SEND_CADENCE`) and, in recent
 *   versions, every 60 s in the background [C: signalapp/Signal-Android
 *   SignalWebSocketHealthMonitor; the 60 s background cadence read in an excerpt, verify].
 *   A keepalive request is a small protobuf: 40 B of payload (assumption).
 * - Pushes: the server pushes to each device (`ctx.push`) as a homogeneous Poisson
 *   process of `pushesPerHour` (2 per hour, assumption), sizes log-uniform 100–400 B
 *   (assumption; push payloads are small, well under FCM's 4 KB limit).
 * - Asleep (population `sleep`): the phone dozes and the app's websocket is closed, so no
 *   keepalives go out; the first comes at the wake-up, when the app reconnects (Android's
 *   Doze defers apps' network access and leaves wake-ups to high-priority push; that
 *   messages for a dozing phone wait at the server until the wake-up is the world's part).
 *   Server pushes keep coming (the server does not know the phone sleeps).
 * - Not modelled here: a locked phone that stops its websocket and polls every ~180 s
 *   (Kurz 2023 [S], traffic-and-adversaries.md §1.1/§1.7) — that changes delivery, which
 *   is the transport's business.
 *
 * @example
 * const model = definition.create(definition.schema.parse({}), stream(1, "background"));
 * model.start(ctx); // one keepalive and one push wake per user
 */
import { z } from "zod";
import type { ConversationContext, ConversationModel, ConversationModelDefinition } from "../conversation.ts";
import type { Rng } from "../../core/rng.ts";
import { HOUR, SECOND, type Micros } from "../../core/time.ts";
import { TYPE_CODE } from "../truth.ts";

export const schema = z
  .object({
    keepaliveSeconds: z.number().positive().max(86_400).default(30).describe("keepalive period in the foreground, s (Signal-Android: 30)"),
    keepaliveBackgroundSeconds: z.number().positive().max(86_400).default(60).describe("keepalive period in the background, s (Signal-Android: 60)"),
    keepaliveBytes: z.number().int().min(1).default(40).describe("keepalive payload, B (assumption)"),
    pushesPerHour: z.number().min(0).max(3600).default(2).describe("server pushes per user per hour (assumption)"),
    pushBytesMin: z.number().int().min(1).default(100).describe("smallest push, B (assumption)"),
    pushBytesMax: z.number().int().min(1).default(400).describe("largest push, B (assumption)"),
  })
  .strict()
  .refine((p) => p.pushBytesMax >= p.pushBytesMin, { path: ["pushBytesMax"], message: "expected at least pushBytesMin" });

export type BackgroundParams = z.output<typeof schema>;

const KEEPALIVE = 0;
const PUSH = 1;

class Background implements ConversationModel {
  private rngs: Rng[] = [];
  private readonly fg: Micros;
  private readonly bg: Micros;
  private readonly pushMean: Micros;

  constructor(
    private readonly p: BackgroundParams,
    private readonly rng: Rng,
  ) {
    this.fg = Math.round(p.keepaliveSeconds * SECOND);
    this.bg = Math.round(p.keepaliveBackgroundSeconds * SECOND);
    this.pushMean = p.pushesPerHour > 0 ? HOUR / p.pushesPerHour : Infinity;
  }

  start(ctx: ConversationContext): void {
    const n = ctx.population.size;
    if (n * 8 >= 2 ** 31) throw new RangeError(`background: ${n} users exceed the wake-token range`);
    this.rngs = Array.from({ length: n }, (_, u) => this.rng.child(u));
    for (let u = 0; u < n; u++) {
      const r = this.rngs[u];
      const first = ctx.start + Math.round(r.uniform(0, this.fg));
      if (first <= ctx.end) ctx.wakeAt(first, u * 8 + KEEPALIVE);
      this.schedulePush(ctx, ctx.start, u);
    }
  }

  private schedulePush(ctx: ConversationContext, now: Micros, u: number): void {
    if (this.pushMean === Infinity) return;
    const t = now + Math.round(this.rngs[u].exponential(this.pushMean));
    if (t <= ctx.end) ctx.wakeAt(t, u * 8 + PUSH);
  }

  onWake(now: Micros, token: number, ctx: ConversationContext): void {
    const u = token >>> 3;
    if ((token & 7) === KEEPALIVE) {
      const sleep = ctx.population.sleep;
      if (sleep !== null && sleep.isAsleep(u, now)) {
        // Dozing: the websocket is closed; the app reconnects (one keepalive) on waking.
        const wake = sleep.nextWake(u, now);
        if (wake <= ctx.end) ctx.wakeAt(wake, token);
        return;
      }
      ctx.sendToServer(now, u, TYPE_CODE.keepalive, this.p.keepaliveBytes);
      const next = now + (ctx.population.sessions.isOnline(u, now) ? this.fg : this.bg);
      if (next <= ctx.end) ctx.wakeAt(next, token);
    } else {
      const bytes = Math.round(this.rngs[u].logUniform(this.p.pushBytesMin, this.p.pushBytesMax));
      ctx.push(now, u, TYPE_CODE.push, bytes);
      this.schedulePush(ctx, now, u);
    }
  }

  onDelivered(_now: Micros, _message: number, _ctx: ConversationContext): void {}
}

export const definition: ConversationModelDefinition<BackgroundParams> = {
  name: "background",
  summary: "idle traffic: websocket keepalives every 30 s (60 s in the background) and Poisson server pushes",
  citations: [
    "Signal-Android SignalWebSocketHealthMonitor / OkHttpWebSocketConnection: keepalive every 30 s, 60 s in the background [C]",
    "Push rate and sizes, keepalive size: assumptions",
  ],
  schema,
  create: (params, rng) => new Background(params, rng),
};
