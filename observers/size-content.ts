/**
 * Burst-size content classifier — the `content` task: what kind of message is this?
 * Encrypted messaging leaks message length through the size of the burst that carries
 * it (Coull & Dyer, ACM CCR 2014: lengths recovered from packet sizes; Bahramali et al.,
 * NDSS 2020: media messages are bursts of MTU packets, texts are small).
 *
 * Rule: extract bursts on each user's uplink (bursts.ts: packets closer than `gapSeconds`,
 * event size = sum of sizes). The burst that carries a message is the sender's first
 * burst ending at or after the message's creation and starting within `searchSeconds`
 * of it. The observer is a nearest-centroid classifier in log size: the score of the
 * case "this message is a `target`" is −|ln(burst bytes) − ln(centre of target)|. A
 * message with no burst found scores `UNSEEN_SCORE` (below any real score).
 *
 * Centres (bytes on the wire, editable): photo 88 KB and video 2.3 MB are the geometric
 * midpoints of Kurz 2023's measured Telegram ranges 37–209 KB and 0.7–7.8 MB [D from S,
 * reference §1.2]; text 300 B, voice-note 30 KB and file 500 KB are assumptions [M].
 *
 * Labels: cases are the real messages a user sent (types text, photo, video,
 * voice-note, file); positives those of type `target`, negatives the rest. The lab
 * turns the scores into ROC and the mutual information between score and type.
 *
 * @example
 * const obs = definition.create(definition.schema.parse({ target: "photo" }), ctx);
 * const scores = obs.score(labels); // positives: photos; negatives: other messages
 */
import { z } from "zod";
import { BurstExtractor } from "./bursts.ts";
import { CONTENT_TYPES, type Labels } from "./labels.ts";
import type { Observer, ObserverContext, ObserverDefinition, TaskScores } from "./observer.ts";
import { seconds } from "../sim/core/time.ts";
import { UP } from "../sim/core/kinds.ts";

export { CONTENT_TYPES, type ContentType } from "./labels.ts";

/** Score of a message whose burst was not found: below any −|Δ ln size| of real sizes. */
export const UNSEEN_SCORE = -50;

export const sizeContentSchema = z
  .object({
    target: z.enum(CONTENT_TYPES).default("photo").describe("the message type scored as positive"),
    centres: z
      .object({
        text: z.number().positive().default(300),
        photo: z.number().positive().default(88_000),
        video: z.number().positive().default(2_340_000),
        "voice-note": z.number().positive().default(30_000),
        file: z.number().positive().default(500_000),
      })
      .strict()
      .default({ text: 300, photo: 88_000, video: 2_340_000, "voice-note": 30_000, file: 500_000 })
      .describe("typical wire bytes of each type, the classifier's centroids"),
    gapSeconds: z.number().positive().max(60).default(0.5).describe("largest gap inside a burst, seconds (Bahramali t_e)"),
    searchSeconds: z.number().positive().max(600).default(5).describe("a message's burst must start within this long of its creation"),
    maxEvents: z.number().int().min(1).max(1_000_000).default(2048).describe("burst slots per user and direction (bounded memory)"),
  })
  .strict();

export type SizeContentParams = z.infer<typeof sizeContentSchema>;

class SizeContentObserver implements Observer {
  readonly tap: BurstExtractor;
  constructor(
    private readonly params: SizeContentParams,
    ctx: ObserverContext,
  ) {
    this.tap = new BurstExtractor({ users: ctx.users, gap: seconds(params.gapSeconds), minPacket: 0, minBurst: 0, maxEvents: params.maxEvents });
  }

  /** The size of the burst carrying a message from `user` created at `created`, or NaN. */
  burstFor(user: number, created: number): number {
    const ev = this.tap;
    if (user < 0 || user >= ev.users) return NaN;
    const n = ev.count(user, UP);
    const o = ev.offset(user, UP);
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (ev.time[o + m] < created) lo = m + 1;
      else hi = m;
    }
    if (lo === n || ev.first[o + lo] > created + seconds(this.params.searchSeconds)) return NaN;
    return ev.size[o + lo];
  }

  score(labels: Labels): TaskScores {
    this.tap.finish();
    const p = this.params;
    const centre = Math.log(p.centres[p.target]);
    const pos: number[] = [];
    const neg: number[] = [];
    const pc: number[] = [];
    const nc: number[] = [];
    const m = labels.sentMessages();
    for (let i = 0; i < m.length; i++) {
      const type = CONTENT_TYPES[m.type[i]];
      const size = this.burstFor(m.from[i], m.created[i]);
      const s = Number.isNaN(size) ? UNSEEN_SCORE : -Math.abs(Math.log(size) - centre);
      if (type === p.target) {
        pos.push(s);
        pc.push(m.from[i]);
      } else {
        neg.push(s);
        nc.push(m.from[i]);
      }
    }
    return {
      task: "content",
      positives: Float64Array.from(pos),
      negatives: Float64Array.from(neg),
      usersPerCase: 1,
      positiveUsers: Int32Array.from(pc),
      negativeUsers: Int32Array.from(nc),
    };
  }
}

export const definition: ObserverDefinition<SizeContentParams> = {
  name: "size-content",
  summary: "classifies each sent message's type from the size of the uplink burst that carries it",
  citation: "Coull & Dyer, Traffic Analysis of Encrypted Messaging Services, ACM CCR 2014; burst extraction after Bahramali et al., NDSS 2020",
  task: "content",
  vantage: "local",
  vantages: ["local", "isp", "vpn-exit", "server", "global"],
  sees: "the bursts on each user's uplink: when each started and ended and how many bytes it carried",
  cannotSee: "payloads, which bytes are padding, which burst belongs to which message when several overlap (the scorer pairs them by time)",
  schema: sizeContentSchema,
  create: (params, ctx) => new SizeContentObserver(params, ctx),
};
