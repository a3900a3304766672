/**
 * Burst attribution — the `burst` task: to which conversation does this burst of a
 * user's traffic belong? The observer names the counterpart: the user whose downlink
 * received, just after, a burst that matches it. Rule after the event correlation of
 * Bahramali, Houmansadr, Soltani, Goeckel, Towsley, "Practical Traffic Analysis Attacks
 * on Secure Messaging Applications", NDSS 2020 (events = bursts, time = the burst's last
 * packet, size = the sum of its packet sizes; matched when a user event follows the
 * channel event within a time tolerance with a close size), turned from "is U in channel
 * C?" into "which of all users does this burst go to?".
 *
 * Vantage: `isp` by default (every user's access link; `global` sees the same links and
 * more; at `server` or `vpn-exit` the same rule reads each user's connection from the
 * far side: on bursts.json it scores as at the ISP, top-1 0.970 undefended, FRONT 0.416). Sees, per user and direction, the bursts of packets on the wire (bursts.ts: first
 * and last packet time, bytes). Cannot see payloads, which packets are padding or cover,
 * who talks to whom, where messages begin, or which of a user's conversations a packet
 * belongs to: a burst that carries two conversations' bytes is one burst to it.
 *
 * Rule:
 * - Bursts: per user and direction, packets more than `minPacket` bytes closer than
 *   `gapSeconds` (0.5 s, the paper's t_e) form one burst (bursts.ts), every burst kept.
 *   `minPacket` 52 drops pure TCP ACKs (20 B IP + 32 B TCP with the timestamp option),
 *   as the released code of the paper drops packets of 40 B or less (bare ACKs without
 *   options): ACKs of the other direction's data would otherwise stretch and merge
 *   bursts. Measured on bursts.json undefended: top-1 0.936 with every packet, 0.970
 *   without ACKs (FRONT 0.346 -> 0.422; constant-rate and Tamaraw unchanged), so the
 *   attacker drops them.
 * - Cases: each burst on a user u's uplink. For every other user v (a candidate
 *   counterpart) the observer looks at v's downlink bursts that start between the first
 *   packet of u's burst and `maxLagSeconds` after its last, and scores the best of them:
 *   s(v) = max_j −|ln(bytes_j / bytes)| − `lagWeight` · max(0, first_j − last) / 1 s
 *   (a store-and-forward server sends the copy after the last byte arrives; a copy of the
 *   same size that follows at once scores 0). A candidate with no such burst scores
 *   `NO_MATCH` (−1000), below any match. The burst is attributed to the highest-scoring v.
 * - Labels (`Labels.burstConversation`, from the lab) only say which candidates are right:
 *   the counterparts of the conversation(s) whose real traffic was on u's uplink during
 *   the burst (the 1:1 partner, the other members of a group, the other party of a
 *   call). A burst with no real traffic (receipts, typing, keepalives, cover) is not a
 *   case.
 * - Scores: per case, one positive, the best score over the right counterparts (naming
 *   any member of a group names the group, and a burst that carried two conversations is
 *   right for either: attacker favouring); every wrong candidate is a negative. `ranks`,
 *   `rankTies`, `rankBelow`: the wrong candidates above, tied with and below it. Chance:
 *   a scorer that ranks the users at random names a right one first with probability
 *   R / (N − 1) for R right counterparts among N − 1 candidates, so ties are credited as
 *   random tie-breaking among individuals would: a best score shared by R_t right and t
 *   wrong candidates is a hit with probability R_t / (R_t + t), reported as
 *   `rankTies` = floor(t / R_t) (the lab credits 1 / (ties + 1); rounding down favours the
 *   attacker by less than one tie), so a burst no candidate matched is at chance.
 *   `candidates` is the number whose inverse is the mean chance R / (N − 1) over the
 *   cases, so the lab's chance line 1 / candidates is the chance of this very set of
 *   cases. (For an observer read flipped, `rankBelow` counts the wrong candidates below
 *   the best right one; the lab then reads it as the rank.)
 *
 * The tap is the burst extractor's: O(1) and allocation-free per packet, memory fixed at
 * construction (`maxEvents` bursts per user and direction). Scoring sorts every user's
 * downlink bursts into one list by time once; a binary search then finds each burst's
 * window, so a case costs the bursts in its window, not the number of users. Negatives:
 * every wrong candidate of a burst, or a uniform sample of `negativesPerBurst` of them
 * (stream `negatives`) when there are more (large populations); the ranks always count
 * every candidate.
 *
 * @example
 * const obs = definition.create(definition.schema.parse({}), ctx);
 * const s = obs.score(labels); // s.ranks[k] = 0: burst k was attributed to its conversation
 */
import { z } from "zod";
import { BurstExtractor } from "./bursts.ts";
import type { Labels } from "./labels.ts";
import type { Observer, ObserverContext, ObserverDefinition, TaskScores } from "./observer.ts";
import type { Rng } from "../sim/core/rng.ts";
import { seconds, SECOND } from "../sim/core/time.ts";
import { DOWN, UP } from "../sim/core/kinds.ts";

/** The score of a candidate with no downlink burst in the window. */
export const NO_MATCH = -1000;

export const burstAttributionSchema = z
  .object({
    gapSeconds: z.number().positive().max(60).meta({ unit: "seconds" }).default(0.5).describe("largest gap inside a burst, seconds (Bahramali t_e)"),
    minPacket: z.number().int().min(0).meta({ unit: "bytes" }).default(52).describe("ignore packets of this many bytes or fewer: 52 drops pure TCP ACKs (bytes)"),
    maxLagSeconds: z.number().min(0).max(600).meta({ unit: "seconds" }).default(2).describe("latest start of a counterpart's burst after the last packet of the user's burst (seconds)"),
    lagWeight: z.number().min(0).max(1000).meta({ unit: "per second" }).default(1).describe("score lost per second between the user's last packet and the counterpart burst's first (per second)"),
    maxEvents: z.number().int().min(1).max(1_000_000).meta({ unit: "bursts" }).default(4096).describe("burst slots per user and direction, bounded memory (bursts)"),
    negativesPerBurst: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .meta({ unit: "candidates" })
      .default(500)
      .describe("wrong candidates kept as negatives per burst: all when there are no more, else a uniform sample; ranks always count all (candidates)"),
  })
  .strict();

export type BurstAttributionParams = z.infer<typeof burstAttributionSchema>;

class BurstAttribution implements Observer {
  readonly tap: BurstExtractor;
  private readonly maxLag: number;
  private readonly rng: Rng;

  constructor(
    private readonly params: BurstAttributionParams,
    ctx: ObserverContext,
  ) {
    this.tap = new BurstExtractor({ users: ctx.users, gap: seconds(params.gapSeconds), minPacket: params.minPacket, minBurst: 0, maxEvents: params.maxEvents });
    this.maxLag = seconds(params.maxLagSeconds);
    this.rng = ctx.rng.child("negatives");
  }

  /** Every user's downlink bursts in one list sorted by first packet time (ties: by user, then in order). */
  private downlinkIndex(): { first: Float64Array; user: Int32Array; size: Float64Array } {
    const ev = this.tap;
    let n = 0;
    for (let v = 0; v < ev.users; v++) n += ev.count(v, DOWN);
    const slot = new Int32Array(n);
    const owner = new Int32Array(n);
    let k = 0;
    for (let v = 0; v < ev.users; v++) {
      const o = ev.offset(v, DOWN);
      for (let j = 0; j < ev.count(v, DOWN); j++) {
        slot[k] = o + j;
        owner[k++] = v;
      }
    }
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => ev.first[slot[a]] - ev.first[slot[b]] || owner[a] - owner[b] || a - b);
    return {
      first: Float64Array.from(order, (i) => ev.first[slot[i]]),
      user: Int32Array.from(order, (i) => owner[i]),
      size: Float64Array.from(order, (i) => ev.size[slot[i]]),
    };
  }

  score(labels: Labels): TaskScores {
    if (!labels.burstConversation) throw new Error("burst-attribution: these labels do not answer burstConversation; the lab's labels (sim/experiment/labels.ts) do");
    const ev = this.tap;
    ev.finish();
    const users = ev.users;
    const down = this.downlinkIndex();
    const lagWeight = this.params.lagWeight;
    const keep = this.params.negativesPerBurst;
    const pos: number[] = [];
    const pu: number[] = [];
    const pt: number[] = [];
    const neg: number[] = [];
    const nu: number[] = [];
    const nt: number[] = [];
    const ranks: number[] = [];
    const ties: number[] = [];
    const below: number[] = [];
    let chance = 0;
    // per candidate: its best score in this case, valid where stamp[v] = the case's number
    const cand = new Float64Array(users);
    const stamp = new Int32Array(users).fill(-1);
    const right = new Int32Array(users).fill(-1);
    const drawn = new Int32Array(users).fill(-1);
    const touched: number[] = [];
    let caseNo = 0;
    for (let u = 0; u < users; u++) {
      const o = ev.offset(u, UP);
      for (let k = 0; k < ev.count(u, UP); k++, caseNo++) {
        const first = ev.first[o + k];
        const last = ev.time[o + k];
        const truth = labels.burstConversation(u, first, last); // which candidates are right, nothing else
        let nRight = 0;
        for (const v of truth.counterparts) {
          if (v >= 0 && v < users && v !== u && right[v] !== caseNo) {
            right[v] = caseNo;
            nRight++;
          }
        }
        if (nRight === 0) continue;
        // the downlink bursts starting in [first, last + maxLag]: each candidate's best
        const lnBytes = Math.log(ev.size[o + k]);
        let a = 0;
        let b = down.first.length;
        while (a < b) {
          const mid = (a + b) >>> 1;
          if (down.first[mid] < first) a = mid + 1;
          else b = mid;
        }
        touched.length = 0;
        const until = last + this.maxLag;
        for (let j = a; j < down.first.length && down.first[j] <= until; j++) {
          const v = down.user[j];
          if (v === u) continue;
          const s = -Math.abs(Math.log(down.size[j]) - lnBytes) - (lagWeight * Math.max(0, down.first[j] - last)) / SECOND;
          if (stamp[v] !== caseNo) {
            stamp[v] = caseNo;
            cand[v] = s;
            touched.push(v);
          } else if (s > cand[v]) cand[v] = s;
        }
        const scoreOf = (v: number) => (stamp[v] === caseNo ? cand[v] : NO_MATCH);
        const rights = new Set<number>();
        for (const v of truth.counterparts) if (v >= 0 && v < users && v !== u) rights.add(v);
        let best = NO_MATCH;
        for (const v of rights) if (scoreOf(v) > best) best = scoreOf(v);
        let rightsAtBest = 0;
        for (const v of rights) if (scoreOf(v) === best) rightsAtBest++;
        // wrong candidates: every other user; those with no burst in the window score NO_MATCH
        const wrong = users - 1 - nRight;
        let above = 0;
        let tied = 0;
        let touchedWrong = 0;
        for (const v of touched) {
          if (right[v] === caseNo) continue;
          touchedWrong++;
          if (cand[v] > best) above++;
          else if (cand[v] === best) tied++;
        }
        const silent = wrong - touchedWrong;
        if (best === NO_MATCH) tied += silent;
        const under = wrong - above - tied;
        const negative = (score: number) => {
          neg.push(score);
          nu.push(u);
          nt.push(first);
        };
        if (wrong <= keep) {
          for (const v of touched) if (right[v] !== caseNo) negative(cand[v]);
          for (let i = 0; i < silent; i++) negative(NO_MATCH);
        } else {
          // a uniform sample of `keep` distinct wrong candidates (their ranks above count them all)
          for (let got = 0; got < keep; ) {
            const v = this.rng.int(0, users);
            if (v === u || right[v] === caseNo || drawn[v] === caseNo) continue;
            drawn[v] = caseNo;
            negative(scoreOf(v));
            got++;
          }
        }
        pos.push(best);
        pu.push(u);
        pt.push(first);
        ranks.push(above);
        ties.push(Math.floor(tied / rightsAtBest));
        below.push(under);
        chance += nRight / (users - 1);
      }
    }
    const cases = pos.length;
    return {
      task: "burst",
      positives: Float64Array.from(pos),
      negatives: Float64Array.from(neg),
      ranks: Int32Array.from(ranks),
      rankTies: Int32Array.from(ties),
      rankBelow: Int32Array.from(below),
      candidates: cases > 0 ? Math.max(1, Math.round(cases / chance)) : Math.max(1, users - 1),
      usersPerCase: 1,
      positiveUsers: Int32Array.from(pu),
      negativeUsers: Int32Array.from(nu),
      positiveTimes: Float64Array.from(pt),
      negativeTimes: Float64Array.from(nt),
    };
  }
}

export const definition: ObserverDefinition<BurstAttributionParams> = {
  name: "burst-attribution",
  summary: "attributes each burst on a user's uplink to a conversation by naming the counterpart whose downlink received a matching burst just after",
  citation: "Bahramali, Houmansadr, Soltani, Goeckel, Towsley, Practical Traffic Analysis Attacks on Secure Messaging Applications, NDSS 2020 (event extraction and event matching)",
  task: "burst",
  vantage: "isp",
  vantages: ["isp", "global", "vpn-provider", "vpn-exit", "server"],
  sees: "every user's bursts in both directions: when each started and ended and how many bytes it carried",
  cannotSee: "payloads, which packets are padding or cover, who talks to whom, message boundaries, which conversation a packet belongs to when a burst carries several",
  schema: burstAttributionSchema,
  create: (params, ctx) => new BurstAttribution(params, ctx),
};
