/**
 * Intersection (disclosure / hitting-set) attack — Kesdogan, Agrawal & Penz, "Limits of
 * Anonymity in Open Environments", Information Hiding 2002 (the disclosure attack), and
 * Kesdogan & Pimenidis, "The Hitting Set Attack on Anonymity Protocols", Information
 * Hiding 2004: every round in which the target a sends, its partner is among that
 * round's recipients, so a's partners form a small set that hits every one of those
 * recipient sets, and intersecting the sets over many rounds leaves them.
 *
 * Rule (observers/rounds.ts cuts time into rounds): the observation of round t is the
 * set R_t of users who received in rounds t … t + `lagRounds`; T_a is the set of rounds
 * in which a sent. A candidate b's hits are h = |{t ∈ T_a : b ∈ R_t}| of n = |T_a|
 * observations; q is the share of the other rounds in which b receives anyway (its
 * background presence; over all rounds when a sends in nearly all). Directed score
 * s(a → b):
 * - `score: "exact"`: h / n, the exact attack with one partner: 1 for the candidates that
 *   survive the intersection of every observation set (Kesdogan et al.'s m = 1 case).
 *   Frequent receivers survive too: the exact attack needs rounds with few recipients.
 * - `score: "excess"`: h / n − q, the hit rate above the candidate's background.
 * - `score: "zscore"` (default): (h − n·q) / √(n·q·(1 − q)), how surprising the hits
 *   are for a candidate who is not a partner (a binomial test): the hitting-set attack
 *   with noise, since in messaging a partner is missing from some observation sets
 *   (messages held for a sleeping phone, sends that are receipts or keepalives) and
 *   an exact intersection would lose it. Pair {a, b} scores combine(s(a → b), s(b → a)).
 *
 * Unlike statistical-disclosure.ts it counts presence, not messages: one round, one
 * observation, however many messages b got. `pairing` chooses which activity of the
 * target meets which of the candidate, as there (`send-receive` by default; `all`, the
 * strongest of the four per pair, against one-sided defenses).
 *
 * Vantage and what it sees: as statistical-disclosure.ts — at the `server` (default),
 * which connections uploaded and which users downloaded in each round (sealed sender
 * hides who sent what); at `isp`/`global`, the same activity on the access links. It
 * cannot see who an upload is for, which events are keepalives, receipts or cover
 * beyond a size floor (`minEventBytes`), or anything finer than a round.
 *
 * @example
 * const obs = definition.create(definition.schema.parse({ roundSeconds: 60 }), ctx);
 * const scores = obs.score(labels);        // the link task
 * obs.identification(labels).rate;         // share of targets whose top candidate is a partner
 */
import { z } from "zod";
import type { ObserverContext, ObserverDefinition } from "./observer.ts";
import { RoundTap, RoundsObserver, crossRounds, laggedTranspose, pairedMatrix } from "./rounds.ts";
import { roundParams, roundTap } from "./statistical-disclosure.ts";

export const schema = z
  .object({
    score: z
      .enum(["surprise", "zscore", "excess", "exact"])
      .default("zscore")
      .describe(
        "surprise: binomial log-likelihood ratio of the hits; zscore: their normal-approximation z; excess: hit rate minus background presence; exact: hit rate (the exact intersection)",
      ),
    ...roundParams,
  })
  .strict();

export type IntersectionParams = z.output<typeof schema>;

/** Background presence below this share of rounds outside T_a is learned from all rounds. */
const MIN_OUTSIDE = 0.05;

/** The directed intersection scores s(a → b) over rounds [0, count) of `tap` (0, no evidence, where a never sent). */
export function intersectionMatrix(
  tap: RoundTap,
  count: number,
  lag: number,
  score: IntersectionParams["score"],
  pairing: IntersectionParams["pairing"] = "send-receive",
): Float64Array {
  return pairedMatrix(tap, pairing, (X, Y) => intersection(X, Y, tap.users, tap.rounds, count, lag, score));
}

/** The intersection scores with X the target side (its "sends") and Y the candidate side (its "receives"), users × R each. */
function intersection(X: Float32Array, Y: Float32Array, N: number, R: number, count: number, lag: number, score: IntersectionParams["score"]): Float64Array {
  const OT = laggedTranspose(Y, N, R, count, lag);
  for (let i = 0; i < OT.length; i++) OT[i] = OT[i] > 0 ? 1 : 0;
  const present = new Float64Array(N);
  for (let t = 0; t < count; t++) for (let b = 0; b < N; b++) present[b] += OT[t * N + b];
  const ind = new Uint8Array(N * R);
  const n = new Float64Array(N);
  for (let a = 0; a < N; a++) {
    for (let t = 0; t < count; t++) {
      if (X[a * R + t] > 0) {
        ind[a * R + t] = 1;
        n[a]++;
      }
    }
  }
  const H = crossRounds(ind, R, OT, N, count);
  const V = new Float64Array(N * N);
  const floor = 1 / (count + 1);
  for (let a = 0; a < N; a++) {
    const na = n[a];
    if (na === 0) {
      V.fill(0, a * N, (a + 1) * N);
      continue;
    }
    const outside = count - na;
    const own = outside >= MIN_OUTSIDE * count && outside > 0;
    for (let b = 0; b < N; b++) {
      const h = H[a * N + b];
      if (score === "exact") {
        V[a * N + b] = h / na;
        continue;
      }
      const q = own ? (present[b] - h) / outside : present[b] / count;
      if (score === "excess") {
        V[a * N + b] = h / na - q;
        continue;
      }
      const qc = Math.min(1 - floor, Math.max(floor, q));
      if (score === "zscore") {
        V[a * N + b] = (h - na * qc) / Math.sqrt(na * qc * (1 - qc));
        continue;
      }
      // surprise: n·KL(h/n ‖ q), the binomial log-likelihood ratio (Chernoff's exponent), signed.
      const f = h / na;
      const kl = (f > 0 ? f * Math.log(f / qc) : 0) + (f < 1 ? (1 - f) * Math.log((1 - f) / (1 - qc)) : 0);
      V[a * N + b] = (f >= qc ? 1 : -1) * na * kl;
    }
  }
  return V;
}

export class IntersectionObserver extends RoundsObserver {
  constructor(
    private readonly p: IntersectionParams,
    ctx: ObserverContext,
  ) {
    super(roundTap(p, ctx), p, ctx);
  }

  protected matrixOf(rounds: number): Float64Array {
    return intersectionMatrix(this.tap, rounds, this.p.lagRounds, this.p.score, this.p.pairing);
  }
}

export const definition: ObserverDefinition<IntersectionParams> = {
  name: "intersection",
  summary: "long-term intersection (hitting-set) attack: a target's partners are in the recipient sets of the rounds it sends in, far more often than chance",
  citation:
    "Kesdogan, Agrawal & Penz, Limits of Anonymity in Open Environments, IH 2002; Kesdogan & Pimenidis, The Hitting Set Attack on Anonymity Protocols, IH 2004",
  task: "link",
  vantage: "server",
  vantages: ["server", "isp", "global", "vpn-provider", "vpn-exit"],
  sees: "per round (a window of time), which users uploaded a message-sized event and which downloaded one (sets, not counts)",
  cannotSee:
    "who an upload is addressed to (sealed sender), how many messages a user got in a round, which events are keepalives, receipts or cover beyond a size floor, anything finer than a round",
  schema,
  create: (params, ctx) => new IntersectionObserver(params, ctx),
};
