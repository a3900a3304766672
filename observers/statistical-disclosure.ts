/**
 * Statistical disclosure attack — Danezis, "Statistical Disclosure Attacks: Traffic
 * Confirmation in Open Environments", IFIP SEC 2003; and its generalisation by
 * Mathewson & Dingledine, "Practical Traffic Analysis: Extending and Resisting
 * Statistical Disclosure", PET 2004 (unequal sending, unknown background, delays).
 *
 * The attack waits. Over many rounds (observers/rounds.ts: a round is a window of time),
 * it learns whom a target a talks to by averaging what the system delivers in the rounds
 * where a sends and taking away what it delivers anyway. Every user is a target in turn,
 * so the result is a directed score s(a → b), an estimate of the share of a's messages
 * that reach b; pair {a, b} scores combine(s(a → b), s(b → a)).
 *
 * Rule, with O_t[b] the messages b receives in rounds t … t + `lagRounds` (a message sent
 * in round t may arrive in the next: relay, store-and-forward, a phone's delay),
 * B_t = Σ_b O_t[b], m_t the messages a sends in round t and T_a = {t : m_t > 0}:
 * - `variant: "danezis"` (SEC 2003): the target sends one message per round it takes
 *   part in, to one of its partners, and everyone else's messages go uniformly to the
 *   N − 1 others; with o_t = O_t / B_t, the mean ō over T_a and the mean batch B̄ over
 *   T_a, s(a → b) = B̄·ō[b] − (B̄ − 1)/(N − 1) (the paper's v ≈ b·ō − (b − 1)·u).
 * - `variant: "mathewson-dingledine"` (PET 2004, default): the target sends m_t messages
 *   (any number), the background is not uniform and is learned from the rounds where a
 *   does not send: Û[b] = Σ_{t∉T_a} O_t[b] / Σ_{t∉T_a} B_t, and
 *   s(a → b) = (Σ_{t∈T_a} O_t[b] − Σ_{t∈T_a} (B_t − m_t)·Û[b]) / Σ_t m_t (their
 *   v ≈ (1/m̄)·[b·Ō − (b − m̄)·Ū] with varying batches). When a sends in almost every
 *   round (fewer than 5% of the batch volume outside T_a), Û is learned from all rounds
 *   instead (it then contains a's own traffic: a small bias for large N).
 *
 * Direction pairing (`pairing`): the attack proper matches the target's sends with the
 * candidates' receives (`send-receive`, default). A one-sided defense can hide one
 * direction of every user (a device-side constant rate makes each uplink one endless
 * event); then the other pairings still see a conversation, e.g. both ends receiving in
 * the same rounds (`receive-receive`), and `all` takes per pair the strongest of the four
 * (observers/rounds.ts `PAIRINGS`; lags both ways through combine(s(a → b), s(b → a))).
 * Undefended, `all` is a little weaker than `send-receive` (more chances for chance).
 *
 * Vantage and what it sees (the tap sees, per user, the time, size and direction of each
 * packet; observers/rounds.ts turns them into events):
 * - `server` (default): the messaging server sees each user's connection upload and
 *   download messages; with sealed sender (Signal) it does not learn who sent a message,
 *   only which connection uploaded when and which user it delivered to when: exactly a
 *   mix's inputs and outputs per round.
 * - `isp` / `global`: the same per-user activity on the access links (outer sizes with a
 *   VPN); `vpn-exit`: the tunnels' activity.
 * It cannot see who a message is for beyond the recipient's download, which uploads are
 * keepalives, receipts or cover rather than messages (only a size floor, `minEventBytes`),
 * or anything finer than a round. Cover traffic and padding are counted as messages
 * when they form events: the defence Mathewson & Dingledine discuss.
 *
 * Defaults (shared with intersection.ts) are the attacker's choices, made on an
 * undefended development run (100 users, 3 days, strong ties, seed 3; the physics tests
 * use other seeds): 20 s rounds with a one-round lag (the relay and a reply's typing fit
 * in 40 s; 60 s and 300 s rounds did worse, the latter by far), and a floor of 320 B per
 * event, which drops the app's keepalives, receipts and typing indicators (234-254 B at
 * the IP layer, 300 B inside WireGuard): without it every user "sends" in every round
 * and both attacks are near chance (AUC 0.55 after 3 days, against 0.92 with it).
 *
 * Cost: O(N²·R) for N users and R rounds at most (O(N · nonzero sends) in practice);
 * memory two N × R matrices and N² doubles of scores.
 *
 * @example
 * const obs = definition.create(definition.schema.parse({ roundSeconds: 600 }), ctx);
 * // the engine calls obs.tap.packet(user, t, size, dir) for every packet, then
 * const scores = obs.score(labels);                 // the link task
 * const id = obs.identification(labels);           // id.rate: targets whose top candidate is a partner
 * const early = obs.scoreUntil(labels, 6 * 3600e6); // the same attack after the first 6 hours only
 */
import { z } from "zod";
import type { ObserverContext, ObserverDefinition } from "./observer.ts";
import { pairTaskParam } from "./pair-task-param.ts";
import { RoundTap, RoundsObserver, crossRounds, laggedTranspose, pairedMatrix } from "./rounds.ts";
import { seconds } from "../sim/core/time.ts";

/** Shared by the two long-term observers: how rounds are cut and how events are found. */
export const roundParams = {
  roundSeconds: z.number().positive().max(86_400).meta({ unit: "seconds" }).default(20).describe("round (observation window) width, seconds"),
  lagRounds: z.number().int().min(0).max(1000).meta({ unit: "rounds" }).default(1).describe("receives in rounds t … t + lag answer a send in round t (lag in rounds)"),
  burstGapSeconds: z.number().min(0).max(3600).meta({ unit: "seconds" }).default(1).describe("packets closer than this are one event (message), seconds"),
  minEventBytes: z
    .number()
    .int()
    .min(0)
    .meta({ unit: "bytes" })
    .default(320)
    .describe("events smaller than this many bytes are ignored (320: above keepalives, receipts and typing, 234-254 B, 300 B in WireGuard)"),
  pairing: z
    .enum(["send-receive", "receive-send", "send-send", "receive-receive", "all"])
    .default("send-receive")
    .describe("which activity of the target meets which of the candidate (send-receive: the attack's own; all: the strongest of the four per pair)"),
  combine: z.enum(["mean", "max"]).default("mean").describe("how s(a → b) and s(b → a) make the pair's score"),
  maxNegatives: z.number().int().positive().meta({ unit: "pairs" }).default(2_000_000).describe("keep at most this many negative pairs (seeded sample)"),
  task: pairTaskParam,
};

export const schema = z
  .object({
    variant: z
      .enum(["mathewson-dingledine", "danezis"])
      .default("mathewson-dingledine")
      .describe("Mathewson & Dingledine 2004 (unequal sending, learned background) or Danezis 2003 (one message per round, uniform background)"),
    ...roundParams,
  })
  .strict();

export type StatisticalDisclosureParams = z.output<typeof schema>;

/** Builds the round tap a long-term observer listens with. */
export function roundTap(p: { roundSeconds: number; burstGapSeconds: number; minEventBytes: number }, ctx: ObserverContext): RoundTap {
  return new RoundTap({
    users: ctx.users,
    start: ctx.start,
    end: ctx.end,
    roundWidth: seconds(p.roundSeconds),
    burstGap: seconds(p.burstGapSeconds),
    minEventBytes: p.minEventBytes,
  });
}

/**
 * The directed disclosure scores s(a → b) over rounds [0, count) of `tap`, as an N × N
 * matrix (row a: target a's estimate; 0, no evidence, where a never sent).
 */
export function disclosureMatrix(
  tap: RoundTap,
  count: number,
  lag: number,
  variant: StatisticalDisclosureParams["variant"],
  pairing: StatisticalDisclosureParams["pairing"] = "send-receive",
): Float64Array {
  return pairedMatrix(tap, pairing, (X, Y) => disclosure(X, Y, tap.users, tap.rounds, count, lag, variant));
}

/** The disclosure estimate with X the target side (its "sends") and Y the candidate side (its "receives"), users × R each. */
function disclosure(X: Float32Array, Y: Float32Array, N: number, R: number, count: number, lag: number, variant: StatisticalDisclosureParams["variant"]): Float64Array {
  const OT = laggedTranspose(Y, N, R, count, lag);
  const B = new Float64Array(count);
  for (let t = 0; t < count; t++) {
    let s = 0;
    for (let b = 0; b < N; b++) s += OT[t * N + b];
    B[t] = s;
  }
  // Per target: rounds it sent in, its messages, the batch volume in and out of them.
  const ind = new Uint8Array(N * R);
  const rounds = new Float64Array(N);
  const sent = new Float64Array(N);
  const batchIn = new Float64Array(N);
  const othersIn = new Float64Array(N);
  for (let a = 0; a < N; a++) {
    for (let t = 0; t < count; t++) {
      const m = X[a * R + t];
      if (m <= 0) continue;
      ind[a * R + t] = 1;
      rounds[a]++;
      sent[a] += m;
      batchIn[a] += B[t];
      othersIn[a] += Math.max(0, B[t] - m);
    }
  }
  const V = new Float64Array(N * N);
  if (variant === "danezis") {
    const o = new Float64Array(count * N);
    for (let t = 0; t < count; t++) if (B[t] > 0) for (let b = 0; b < N; b++) o[t * N + b] = OT[t * N + b] / B[t];
    const S = crossRounds(ind, R, o, N, count);
    for (let a = 0; a < N; a++) {
      const n = rounds[a];
      const Bbar = n > 0 ? batchIn[a] / n : 0;
      for (let b = 0; b < N; b++) V[a * N + b] = n > 0 ? (Bbar * S[a * N + b]) / n - (Bbar - 1) / (N - 1) : 0;
    }
    return V;
  }
  const S = crossRounds(ind, R, OT, N, count);
  const total = new Float64Array(N);
  let batchAll = 0;
  for (let t = 0; t < count; t++) {
    batchAll += B[t];
    for (let b = 0; b < N; b++) total[b] += OT[t * N + b];
  }
  for (let a = 0; a < N; a++) {
    if (sent[a] <= 0) {
      V.fill(0, a * N, (a + 1) * N);
      continue;
    }
    const outside = batchAll - batchIn[a];
    const own = outside >= 0.05 * batchAll && outside > 0;
    for (let b = 0; b < N; b++) {
      const inA = S[a * N + b];
      const U = own ? (total[b] - inA) / outside : batchAll > 0 ? total[b] / batchAll : 0;
      V[a * N + b] = (inA - othersIn[a] * U) / sent[a];
    }
  }
  return V;
}

export class StatisticalDisclosureObserver extends RoundsObserver {
  constructor(
    private readonly p: StatisticalDisclosureParams,
    ctx: ObserverContext,
  ) {
    super(roundTap(p, ctx), p, ctx);
  }

  protected matrixOf(rounds: number): Float64Array {
    return disclosureMatrix(this.tap, rounds, this.p.lagRounds, this.p.variant, this.p.pairing);
  }
}

export const definition: ObserverDefinition<StatisticalDisclosureParams> = {
  name: "statistical-disclosure",
  summary: "long-term statistical disclosure: per round, who sent and who received; a target's partners are what is delivered when it sends, minus the background",
  citation:
    "Danezis, Statistical Disclosure Attacks: Traffic Confirmation in Open Environments, IFIP SEC 2003; Mathewson & Dingledine, Practical Traffic Analysis: Extending and Resisting Statistical Disclosure, PET 2004",
  task: "link",
  vantage: "server",
  vantages: ["server", "isp", "global", "vpn-provider", "vpn-exit"],
  sees: "per user and round (a window of time), how many message-sized events it uploaded and downloaded (the inputs and outputs of the server as a mix)",
  cannotSee:
    "who an upload is addressed to (sealed sender), which events are keepalives, receipts or cover rather than messages beyond a size floor, payloads, anything finer than a round",
  schema,
  create: (params, ctx) => new StatisticalDisclosureObserver(params, ctx),
};
