/**
 * The observer contract: an adversary = a vantage point + a streaming feature
 * extractor with bounded memory + a scorer for one task.
 *
 * The engine feeds the extractor (`tap`) only what would be on the wire at the vantage
 * point: per endpoint, the time, size and direction of each packet. It never says which
 * packets are padding or cover, who talks to whom, or where messages begin. Ground
 * truth never reaches an observer: the lab turns it into `Labels` (labels.ts), which
 * `score` receives only to label the cases it scores; the scorer MUST NOT use them to
 * compute a score.
 *
 * Observers never import a shaper (the adversary does not know the defense's code),
 * nor anything of the lab but its pure core (`sim/core`): worker pools for pair scoring
 * come in through `ObserverContext.pairPools`.
 *
 * Taps see each direction of each endpoint in time order; the two directions of one
 * endpoint, and different endpoints, may interleave out of order.
 */
import type { z } from "zod";
import type { Rng, Seed } from "../sim/core/rng.ts";
import type { Micros } from "../sim/core/time.ts";
import type { Direction } from "../sim/core/kinds.ts";
import type { Labels } from "./labels.ts";
import type { PairPoolFactory } from "./pair-pool.ts";
import type { MetaTap } from "./meta-record.ts";

/**
 * Where an observer sits. With a `topology` in the experiment (sim/world/topology.ts) an
 * observer use may name a `scope` and then sees only that scope's users; without one a
 * vantage covers every instance of its kind at once (all access networks, all ISPs,
 * colluding: the attacker-favouring reading).
 * - `local`: an access network (home or office Wi-Fi, a hotspot, a carrier cell): the
 *   access links of the users on it;
 * - `isp`: one ISP: the access links of its subscribers, one hop further;
 * - `vpn-provider`: the VPN provider: each of its users' inner traffic after
 *   decapsulation, and their outer addresses (only on VPN paths);
 * - `vpn-exit`: the upstream of one VPN exit server: the exit's mixed outer flows to the
 *   messaging server, shared by every user of that exit (only on VPN paths);
 * - `server`: what reaches the messaging server (and, for metadata, the media and call
 *   services it runs);
 * - `global`: every access link and every server link at once.
 */
export const VANTAGES = ["local", "isp", "vpn-provider", "vpn-exit", "server", "global"] as const;
export type VantageName = (typeof VANTAGES)[number];

/**
 * What an observer tries to learn. Traffic tasks: `link`, `group-link` (who talks to
 * whom), `activity` (real activity vs cover), `burst` (which conversation a burst
 * belongs to), `content` (what a burst carried). Network-metadata tasks (issue 13):
 * `service` (does this device use the messaging service at all?) and `flow-link` (do
 * these two flows, e.g. one to the messaging service and one to its media store, come
 * from the same device?).
 */
export const TASKS = ["link", "group-link", "activity", "burst", "content", "service", "flow-link"] as const;
export type TaskName = (typeof TASKS)[number];

/** Streaming feature extraction: one call per packet seen. MUST be O(1) and allocation-free. */
export interface Tap {
  packet(endpoint: number, time: Micros, size: number, dir: Direction): void;
}

/**
 * What a scorer returns: a score per case, higher meaning "more likely positive", split
 * by the ground-truth label. The lab (not the observer) turns scores into ROC, TPR at
 * FPR, AUC and their confidence intervals.
 */
export interface TaskScores {
  readonly task: TaskName;
  readonly positives: Float64Array;
  readonly negatives: Float64Array;
  /**
   * For identification metrics (top-k among N), per positive case: how many wrong
   * candidates scored strictly above the true answer (its rank, 0 = ranked first), how
   * many tied with it, and how many scored strictly below it; `candidates` is N, the
   * nominal number of candidates per case. Ties share the credit (`topKAccuracy`), and a
   * reversed score swaps `ranks` and `rankBelow`. Optional; the three come together.
   */
  readonly ranks?: Int32Array;
  readonly rankTies?: Int32Array;
  readonly rankBelow?: Int32Array;
  readonly candidates?: number;
  /**
   * The users each case belongs to, `usersPerCase` ids per case, case after case: both
   * ends {u, v} of a pair for the link tasks (2), the user of a window or the sender of
   * a message for per-user tasks (1). The lab's bootstrap resamples users, so that a
   * pair moves with both its ends (observers/metrics/user-weights.ts).
   */
  readonly usersPerCase: 1 | 2;
  readonly positiveUsers: Int32Array;
  readonly negativeUsers: Int32Array;
  /**
   * For per-user cases over time (a window, a burst): when each case happened, µs. The
   * bootstrap then also resamples blocks of time, since one event (a group post, a
   * conversation) touches several users at once (observers/metrics/time-weights.ts).
   */
  readonly positiveTimes?: Float64Array;
  readonly negativeTimes?: Float64Array;
}

/**
 * Partner identification (the long-term attacks' own figure: Danezis 2003, Mathewson &
 * Dingledine 2004 count the rounds until the attacker names a target's partner): per
 * target, a user with at least one labelled partner, the credit for naming a partner
 * first among its candidates (1 a hit, 0 a miss; a tie for first among k candidates of
 * which h are partners counts h/k). The lab turns it into a rate with intervals by
 * resampling the targets' users.
 */
export interface IdentificationScores {
  /** The targets' user ids, ascending. */
  readonly targets: Int32Array;
  /** Per target, its credit in [0, 1]. */
  readonly hits: Float64Array;
  /** Candidates per target, nominal (N − 1: chance is about 1 / candidates). */
  readonly candidates: number;
}

export interface ObserverContext {
  readonly users: number;
  readonly start: Micros;
  readonly end: Micros;
  readonly rng: Rng;
  /** Pools for pair scoring, injected by the lab. Without them an observer scores in the calling thread (the same scores). */
  readonly pairPools?: PairPoolFactory;
}

/** Labelled feature rows from a training run (learned observers). */
export interface TrainingData {
  readonly featureNames: readonly string[];
  readonly features: readonly (readonly number[])[];
  readonly labels: readonly number[];
  /** The seed of the run the rows come from: it MUST differ from the test run's. */
  readonly seed: Seed;
}

export interface Observer {
  readonly tap: Tap;
  /**
   * Network-metadata observers only: receives, after the traffic, every metadata record
   * (DNS queries, flows with addresses, ports, SNI) the experiment's `policy` leaves
   * visible at this observer's vantage and scope, in time order (meta-record.ts).
   */
  readonly meta?: MetaTap;
  /** Scores the task. Labels are read only to label cases. */
  score(labels: Labels): TaskScores;
  /**
   * The same scores, possibly computed on a worker pool (`ObserverContext.pairPools`).
   * The runner calls this when an observer has it; it MUST return exactly what `score`
   * returns.
   */
  scoreAsync?(labels: Labels): Promise<TaskScores>;
  /**
   * Long-term observers only (those that keep per-round aggregates: the disclosure and
   * intersection attacks): the scores the same attack gives having watched only until
   * `until` (µs), read off the aggregates of the rounds that ended by then, without
   * re-running anything. `labels` are the caller's, restricted to what happened by
   * `until` (sim/experiment/truth-until.ts); `scoreUntil(labels, end)` MUST equal
   * `score(labels)`. The runner scores these at each observation horizon
   * (sim/experiment/run-arm.ts) and reports the curve against observation time.
   */
  scoreUntil?(labels: Labels, until: Micros): TaskScores;
  /**
   * With `scoreUntil`: partner identification after watching until `until`. With
   * `orientation` −1 the attacker names the lowest-scored candidate (an observer read
   * flipped; attacker favouring, as for every other figure).
   */
  identificationUntil?(labels: Labels, until: Micros, orientation?: 1 | -1): IdentificationScores;
  /** With `scoreUntil`: how many observation rounds the attack has seen by `until`, and the round width (µs). */
  roundsUntil?(until: Micros): { rounds: number; width: Micros };
  /**
   * Learned observers only. After a *training* run (its own seed and population, the same
   * defense and vantage: the adaptive adversary), returns labelled rows from that run,
   * labelled with that run's labels.
   */
  trainingSet?(labels: Labels): TrainingData;
  /** Learned observers only: fits on rows from a training run, before this run is scored. */
  train?(features: TrainingData["features"], labels: TrainingData["labels"], from?: Pick<TrainingData, "seed" | "featureNames">): void;
}

export interface ObserverDefinition<P extends Record<string, unknown> = Record<string, unknown>> {
  readonly name: string;
  readonly summary: string;
  readonly citation: string;
  /** The task it answers; a pair observer's `task` parameter can ask for "group-link" instead (its scores say which). */
  readonly task: TaskName;
  /** The vantage this observer sits at unless the experiment says otherwise. */
  readonly vantage: VantageName;
  readonly vantages: readonly VantageName[];
  /** What it sees, and what it cannot see, in plain words (shown in `chaff observers` and reports). */
  readonly sees: string;
  readonly cannotSee: string;
  readonly schema: z.ZodType<P>;
  /** True for learned observers: the runner trains them on a separate run first (`trainingSet`, `train`). */
  readonly learns?: boolean;
  create(params: P, ctx: ObserverContext): Observer;
}
