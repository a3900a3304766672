/**
 * Burst-size content classifier — the `content` task: what kind of message does this
 * burst carry? Encrypted messaging leaks message length through the size of the burst
 * that carries it (Coull & Dyer, ACM CCR 2014: lengths recovered from packet sizes;
 * Bahramali et al., NDSS 2020: media messages are bursts of MTU packets, texts are small).
 *
 * Rule: extract bursts on each user's uplink (bursts.ts: packets closer than `gapSeconds`,
 * event size = sum of sizes); each burst is a case. The observer is a nearest-centroid
 * classifier in log size: the score of "this burst carries a `target`" is
 * −|ln(burst bytes) − ln(centre of target)|. It finds its bursts from the wire alone:
 * when a message was created is never known to it.
 *
 * Centres (bytes on the wire, editable): photo 88 KB and video 2.3 MB are the geometric
 * midpoints of Kurz 2023's measured Telegram ranges 37–209 KB and 0.7–7.8 MB [D from S,
 * reference §1.2]; text 300 B, voice-note 30 KB and file 500 KB are assumptions [M].
 *
 * Labels (`Labels.carried`, from the lab): the message types whose bytes were on the
 * user's uplink during the burst. Cases are the bursts that carried at least one real
 * message (text, photo, video, voice-note, file); positives those that carried a
 * `target`, negatives the rest. Bursts that carried no real message (receipts,
 * keepalives, cover) are not cases. Each case carries its user and its first packet's time.
 *
 * @example
 * const obs = definition.create(definition.schema.parse({ target: "photo" }), ctx);
 * const scores = obs.score(labels); // positives: bursts that carried a photo
 */
import { z } from "zod";
import { BurstExtractor } from "./bursts.ts";
import { CONTENT_TYPES, type Labels } from "./labels.ts";
import type { Observer, ObserverContext, ObserverDefinition, TaskScores } from "./observer.ts";
import { seconds } from "../sim/core/time.ts";
import { UP } from "../sim/core/kinds.ts";

export { CONTENT_TYPES, type ContentType } from "./labels.ts";

export const sizeContentSchema = z
  .object({
    target: z.enum(CONTENT_TYPES).default("photo").describe("the message type scored as positive"),
    centres: z
      .object({
        text: z.number().positive().meta({ unit: "bytes" }).default(300).describe("typical wire size of a text message, bytes"),
        photo: z.number().positive().meta({ unit: "bytes" }).default(88_000).describe("typical wire size of a photo, bytes"),
        video: z.number().positive().meta({ unit: "bytes" }).default(2_340_000).describe("typical wire size of a video, bytes"),
        "voice-note": z.number().positive().meta({ unit: "bytes" }).default(30_000).describe("typical wire size of a voice note, bytes"),
        file: z.number().positive().meta({ unit: "bytes" }).default(500_000).describe("typical wire size of a file, bytes"),
      })
      .strict()
      .default({ text: 300, photo: 88_000, video: 2_340_000, "voice-note": 30_000, file: 500_000 })
      .describe("typical wire bytes of each type, the classifier's centroids"),
    gapSeconds: z.number().positive().max(60).meta({ unit: "seconds" }).default(0.5).describe("largest gap inside a burst, seconds (Bahramali t_e)"),
    maxEvents: z.number().int().min(1).max(1_000_000).meta({ unit: "bursts" }).default(2048).describe("burst slots per user and direction, bounded memory (bursts)"),
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

  score(labels: Labels): TaskScores {
    const ev = this.tap;
    ev.finish();
    const p = this.params;
    const centre = Math.log(p.centres[p.target]);
    const targetBit = 1 << CONTENT_TYPES.indexOf(p.target);
    const pos: number[] = [];
    const neg: number[] = [];
    const pc: number[] = [];
    const nc: number[] = [];
    const pt: number[] = [];
    const nt: number[] = [];
    for (let u = 0; u < ev.users; u++) {
      const o = ev.offset(u, UP);
      for (let k = 0; k < ev.count(u, UP); k++) {
        const carried = labels.carried(u, ev.first[o + k], ev.time[o + k]);
        if (carried === 0) continue;
        const s = -Math.abs(Math.log(ev.size[o + k]) - centre);
        if (carried & targetBit) {
          pos.push(s);
          pc.push(u);
          pt.push(ev.first[o + k]);
        } else {
          neg.push(s);
          nc.push(u);
          nt.push(ev.first[o + k]);
        }
      }
    }
    return {
      task: "content",
      positives: Float64Array.from(pos),
      negatives: Float64Array.from(neg),
      usersPerCase: 1,
      positiveUsers: Int32Array.from(pc),
      negativeUsers: Int32Array.from(nc),
      positiveTimes: Float64Array.from(pt),
      negativeTimes: Float64Array.from(nt),
    };
  }
}

export const definition: ObserverDefinition<SizeContentParams> = {
  name: "size-content",
  summary: "classifies each uplink burst as carrying a message of the target type or not, from the burst's size",
  citation: "Coull & Dyer, Traffic Analysis of Encrypted Messaging Services, ACM CCR 2014; burst extraction after Bahramali et al., NDSS 2020",
  task: "content",
  vantage: "local",
  vantages: ["local", "isp", "vpn-provider", "vpn-exit", "server", "global"],
  sees: "the bursts on each user's uplink: when each started and ended and how many bytes it carried",
  cannotSee: "payloads, which bytes are padding, when messages were created, which message a burst belongs to when several share it",
  schema: sizeContentSchema,
  create: (params, ctx) => new SizeContentObserver(params, ctx),
};
