/**
 * The population: who the users are, whom they talk to and how much, how active they
 * are, when they have the app open and when they sleep.
 *
 * - **Contacts**: an undirected graph stored as CSR (`contactOffsets`, `contactTargets`),
 *   built as a uniform random graph G(n, m) with m = round(n·contactsPerUser/2) distinct
 *   edges, then every isolated user is joined to one random other user, so each user has
 *   someone to talk to. Uniform wiring is an assumption: no fitted degree distribution for
 *   private messaging contacts was found (traffic-and-adversaries.md §4).
 * - **Tie strength**: every edge carries a weight (`tieWeights`, parallel to
 *   `contactTargets`, the same from both ends), and a user picks whom to talk to with
 *   probability proportional to it (`pickContact`): a few strong ties carry most of a
 *   user's conversations, so pairs talk again and again. Onnela et al., "Structure and
 *   tie strengths in mobile communication networks", PNAS 104 (2007), measured broad,
 *   heavy-tailed tie weights over 18 weeks of calls among millions of users [P abstract];
 *   their fit P(w) = a·(w0 + w)^(−γ)·exp(−w/wc), with γ ≈ 1.9, w0 ≈ 280 and wc ≈ 3.45·10^5
 *   (aggregate call seconds), is quoted from memory [M]: the form and the three numbers
 *   are parameters (`tieExponent`, `tieOffset`, `tieCutoff`) and an assumption for
 *   messaging until checked against the paper. Only the ratios w0 : wc matter. Weights are
 *   drawn i.i.d. per edge (assumption: Onnela et al. also find strong ties inside dense
 *   clusters, which a G(n, m) graph does not have). Saramäki et al., "Persistence of
 *   social signatures in human communication", PNAS 111 (2014): each person concentrates
 *   a high proportion of communication on a few alters, and keeps that shape over time
 *   [P abstract]. `tieStrength: "equal"` restores uniform choice among contacts.
 * - **Groups**: sizes log-uniform on the integers [groupSizeMin, groupSizeMax] (assumption),
 *   each group seeded by a founder and filled from the founder's contacts first, then from
 *   random users, so groups overlap the contact graph. The group count is set so each user
 *   is in `groupsPerUser` groups on average.
 * - **Activity**: a per-user relative weight whose *distribution* has mean 1, drawn for
 *   each user independently of how many users there are (user u's weight is the same at
 *   50 and at 400 users: the u-th draw of one stream). Caetano et al. (WhatsApp political
 *   groups, arXiv 1804.00397: 270K messages, ~7K users) report Zipf-like per-user message
 *   counts [P abstract]; a Zipf rank law with exponent s is what i.i.d. draws from a
 *   Pareto law of tail index 1/s give, so each weight is Pareto(1/s) truncated to
 *   [L, activityCap], with L solved so the distribution's mean is 1 (s = 1, the classic
 *   Zipf law, and the cap of 50 are assumptions). (Before, weights were the ranks of a
 *   random permutation normalised over the population, so the most active user was 11×
 *   the mean at 50 users and 50× at 400: a sweep over users changed everyone's activity.)
 * - **Diurnal rhythm**: `diurnal(t)` multiplies base rates; it interpolates 24 hourly
 *   weights (knots at the middle of each hour) normalised to mean 1 over a day, with
 *   simulated time 0 at `startHour`. The default profile is an assumption shaped after the
 *   WhatsApp presence study summarised at onlinestatusmonitor.com (Buchenscheit et al.,
 *   1,000 users, 9 months): use starts around 6 a.m., plateaus from noon into the evening,
 *   and is lowest in the small hours [S].
 * - **Sessions**: foreground app sessions, an alternating on/off process per user. Session
 *   starts are a non-homogeneous Poisson process with rate sessionsPerDay/day × diurnal(t)
 *   (drawn by thinning); each session lasts a log-normal time with mean
 *   `sessionMeanSeconds`. Defaults from the same presence study: the app is opened about 23
 *   times a day for 35.15 min in total [S], so a mean session of 35.15·60/23 ≈ 92 s [D];
 *   the log-normal shape (σ = 1) is an assumption, consistent with Böhmer et al. (MobileHCI
 *   2011: an average app session lasts under a minute [P abstract]) and with Falaki et al.
 *   (MobiSys 2010: most sessions short, a few very long [P]). Sessions are generated lazily
 *   per user from that user's own stream, so a query never shifts anyone's numbers.
 * - **Sleep** (opt-in, `sleep: {…}`, for runs of days): each user sleeps every night,
 *   from a personal bedtime (normal around `bedtimeHour`, 23:30) for a personal duration
 *   (normal around `durationHours`, 7.5 h), each night shifted by a nightly jitter.
 *   Walch, Cochran & Forger, "A global quantification of 'normal' sleep schedules using
 *   smartphone data", Science Advances 2 (2016): bedtime varies between people and
 *   countries and sets the duration, wake time much less so [P abstract]; the numbers are
 *   assumptions. While asleep a user opens no session and starts nothing (`nextArrival`
 *   skips sleep), reads nothing until waking, and the phone dozes: the app's websocket is
 *   closed (no keepalives), and what arrives for it waits at the server for the wake-up,
 *   delivered after a push (the world's part: `sim/world/server-relay.ts`).
 *
 * @example
 * const pop = buildPopulation({ users: 200 }, stream(1, "population"));
 * pop.contacts(0);                 // Int32Array view of user 0's contacts
 * pop.pickContact(0, rng);         // a contact of user 0, drawn by tie strength
 * pop.diurnal(0);                  // multiplier at the start hour (18:00 by default)
 * pop.sessions.isOnline(3, 60e6);  // is user 3 in the app one minute in?
 */
import { z } from "zod";
import { parseWith } from "../core/validation.ts";
import type { Rng } from "../core/rng.ts";
import { HOUR, MINUTE, SECOND, type Micros } from "../core/time.ts";

const DAY: Micros = 24 * HOUR;

/** Default hourly weights (00:00 … 23:00), before normalisation. Assumption, see the header. */
export const DEFAULT_DIURNAL_PROFILE: readonly number[] = [
  0.55, 0.35, 0.22, 0.18, 0.18, 0.25, 0.45, 0.75, 1.0, 1.15, 1.2, 1.25, 1.3, 1.3, 1.25, 1.25, 1.25, 1.3, 1.35, 1.4, 1.45, 1.4, 1.2, 0.85,
];

export const populationSchema = z
  .object({
    users: z.number().int().min(2).max(1_000_000).default(200).describe("number of users"),
    contactsPerUser: z.number().min(1).default(8).describe("mean number of 1:1 contacts (assumption)"),
    groupsPerUser: z.number().min(0).max(100).default(2).describe("mean number of groups a user is in (assumption)"),
    groupSizeMin: z.number().int().min(3).default(3).describe("smallest group (assumption)"),
    groupSizeMax: z.number().int().min(3).default(30).describe("largest group (assumption)"),
    activityZipfExponent: z.number().min(0).max(3).default(1).describe("Zipf exponent of per-user activity (Caetano et al.: Zipf-like; value assumed)"),
    activityCap: z.number().min(1).max(1e6).default(50).describe("largest activity weight, as a multiple of the mean (assumption)"),
    tieStrength: z
      .enum(["heavy-tailed", "equal"])
      .default("heavy-tailed")
      .describe("how a user picks whom to talk to: by heavy-tailed tie weights (Onnela et al. 2007) or uniformly among contacts"),
    tieExponent: z.number().min(1.05).max(5).default(1.9).describe("exponent γ of the tie-weight law (w0 + w)^−γ·exp(−w/wc) (Onnela et al. 2007 [M], assumption)"),
    tieOffset: z.number().positive().default(280).describe("offset w0 of the tie-weight law (Onnela et al. 2007 [M], assumption)"),
    tieCutoff: z.number().positive().default(345_000).describe("cutoff wc of the tie-weight law (Onnela et al. 2007 [M], assumption)"),
    startHour: z.number().min(0).lt(24).default(18).describe("local hour of day at simulated time 0"),
    diurnalProfile: z.array(z.number().min(0).finite()).length(24).default([...DEFAULT_DIURNAL_PROFILE]).describe("24 hourly relative weights"),
    sessionsPerDay: z.number().positive().max(10_000).default(23).describe("foreground app sessions per user per day"),
    sessionMeanSeconds: z.number().positive().default(92).describe("mean foreground session length, s"),
    sessionSigma: z.number().min(0).max(4).default(1).describe("log-normal sigma of session length (assumption)"),
    sleep: z
      .object({
        bedtimeHour: z.number().min(12).max(36).default(23.5).describe("mean bedtime, hours after the midnight before it (23.5 = 23:30; 25 = 01:00) (assumption)"),
        bedtimeSigmaHours: z.number().min(0).max(6).default(1).describe("spread of personal bedtimes between users, h (assumption)"),
        durationHours: z.number().min(1).max(16).default(7.5).describe("mean sleep duration, h (assumption)"),
        durationSigmaHours: z.number().min(0).max(4).default(0.75).describe("spread of personal sleep durations between users, h (assumption)"),
        nightlySigmaHours: z.number().min(0).max(3).default(0.5).describe("night-to-night jitter of a user's bedtime and wake time, h (assumption)"),
      })
      .strict()
      .optional()
      .describe("users sleep at night (Walch et al. 2016): no sessions, starts, reads or keepalives while asleep; absent = nobody sleeps"),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.contactsPerUser > p.users - 1) {
      ctx.addIssue({ code: "custom", path: ["contactsPerUser"], params: { value: p.contactsPerUser }, message: `expected at most users − 1 = ${p.users - 1}` });
    }
    if (p.groupSizeMax < p.groupSizeMin) {
      ctx.addIssue({ code: "custom", path: ["groupSizeMax"], params: { value: p.groupSizeMax }, message: `expected at least groupSizeMin = ${p.groupSizeMin}` });
    }
    if (p.groupsPerUser > 0 && p.groupSizeMin > p.users) {
      ctx.addIssue({ code: "custom", path: ["groupSizeMin"], params: { value: p.groupSizeMin }, message: `expected at most users = ${p.users}` });
    }
    if (p.diurnalProfile.every((w) => w === 0)) {
      ctx.addIssue({ code: "custom", path: ["diurnalProfile"], message: "expected at least one positive weight" });
    }
  });

export type PopulationParams = z.output<typeof populationSchema>;
export type PopulationInput = z.input<typeof populationSchema>;

/**
 * Validates population parameters; errors name the parameter, the value and what was
 * expected, one line per problem.
 */
export function parsePopulationParams(raw: unknown): PopulationParams {
  return parseWith(populationSchema, raw ?? {}, "population parameter ");
}

/** Foreground app sessions of every user, generated lazily and deterministically. */
export interface Sessions {
  /** Is user `u` in a foreground session at time `t`? */
  isOnline(u: number, t: Micros): boolean;
  /** `t` if `u` is online at `t`, otherwise the start of u's next session. */
  nextOnline(u: number, t: Micros): Micros;
  /** u's sessions that start before `until`, as [start0, end0, start1, end1, …] (a copy). */
  sessionsOf(u: number, until: Micros): Float64Array;
}

/** Every user's nights of sleep (population parameter `sleep`), generated lazily and deterministically. */
export interface Sleep {
  /** Is user `u` asleep at time `t`? */
  isAsleep(u: number, t: Micros): boolean;
  /** `t` if `u` is awake at `t`, otherwise the end of the night u is sleeping through. */
  nextWake(u: number, t: Micros): Micros;
  /** `t` if `u` is asleep at `t`, otherwise the start of u's next night. */
  nextBedtime(u: number, t: Micros): Micros;
  /** u's nights that start before `until`, as [start0, end0, start1, end1, …] (a copy), from before the run. */
  nightsOf(u: number, until: Micros): Float64Array;
}

export interface Population {
  /** Number of users; users are 0 … size−1. */
  readonly size: number;
  /** CSR storage of the symmetric contact graph: u's contacts are targets[offsets[u] … offsets[u+1]). */
  readonly contactOffsets: Int32Array;
  readonly contactTargets: Int32Array;
  /** Tie weight of each entry of `contactTargets` (an edge has the same weight from both ends). */
  readonly tieWeights: Float64Array;
  /** A view (no copy) of u's contacts, sorted ascending. */
  contacts(u: number): Int32Array;
  /**
   * A contact of u drawn with probability proportional to tie strength (uniformly with
   * `tieStrength: "equal"`), from one draw of `rng`; −1 if u has no contact.
   */
  pickContact(u: number, rng: Rng): number;
  /** The probability that `pickContact(u, ·)` returns v (0 if v is not a contact). */
  tieShare(u: number, v: number): number;
  /** u's contact with the largest tie share (the lowest id among equals), −1 if none. */
  strongestContact(u: number): number;
  /** Member lists, sorted ascending. */
  readonly groups: readonly (readonly number[])[];
  /** CSR storage of each user's groups. */
  readonly groupOffsets: Int32Array;
  readonly groupTargets: Int32Array;
  /** A view of the groups u is in, sorted ascending. */
  groupsOf(u: number): Int32Array;
  /** Relative activity weight per user, drawn from a distribution of mean 1 (the same draw for user u at any population size). */
  readonly activity: Float64Array;
  /** Multiplier of base rates at simulated time t; mean 1 over a day. */
  diurnal(t: Micros): number;
  /** An upper bound of diurnal(t) over all t (for thinning). */
  readonly diurnalMax: number;
  readonly sessions: Sessions;
  /** Nights of sleep, or null when nobody sleeps (no `sleep` parameter). */
  readonly sleep: Sleep | null;
  readonly params: PopulationParams;
}

/**
 * CSR from an edge list given as parallel arrays; each list sorted ascending by target,
 * `values[i]` (when given) following entry i.
 */
function csr(
  n: number,
  from: Int32Array,
  to: Int32Array,
  count: number,
  values?: Float64Array,
): { offsets: Int32Array; targets: Int32Array; values: Float64Array } {
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < count; i++) offsets[from[i] + 1]++;
  for (let u = 0; u < n; u++) offsets[u + 1] += offsets[u];
  const fill = offsets.slice(0, n);
  const targets = new Int32Array(count);
  const out = new Float64Array(values ? count : 0);
  if (!values) {
    for (let i = 0; i < count; i++) targets[fill[from[i]]++] = to[i];
    for (let u = 0; u < n; u++) targets.subarray(offsets[u], offsets[u + 1]).sort();
    return { offsets, targets, values: out };
  }
  // Sort (target, entry) keys so each value follows its target; targets are distinct per user.
  const keys = new Float64Array(count);
  for (let i = 0; i < count; i++) keys[fill[from[i]]++] = to[i] * count + i;
  for (let u = 0; u < n; u++) keys.subarray(offsets[u], offsets[u + 1]).sort();
  for (let k = 0; k < count; k++) {
    const i = keys[k] % count;
    targets[k] = to[i];
    out[k] = values[i];
  }
  return { offsets, targets, values: out };
}

/**
 * One tie weight from the law ∝ (w0 + w)^(−γ)·exp(−w/wc) on w ≥ 0: a Lomax draw (the
 * power law with offset, by inversion) kept with probability exp(−w/wc) (rejection).
 */
export function drawTieWeight(rng: Rng, exponent: number, offset: number, cutoff: number): number {
  for (;;) {
    const w = offset * (Math.pow(1 - rng.next(), -1 / (exponent - 1)) - 1);
    if (rng.next() < Math.exp(-w / cutoff)) return w;
  }
}

interface Contacts {
  offsets: Int32Array;
  targets: Int32Array;
  weights: Float64Array;
}

function buildContacts(p: PopulationParams, rng: Rng, tieRng: Rng): Contacts {
  const n = p.users;
  const maxEdges = (n * (n - 1)) / 2;
  const m = Math.min(maxEdges, Math.round((n * p.contactsPerUser) / 2));
  const seen = new Set<number>();
  const a: number[] = [];
  const b: number[] = [];
  const addEdge = (x: number, y: number): boolean => {
    const lo = x < y ? x : y;
    const hi = x < y ? y : x;
    const key = lo * n + hi;
    if (x === y || seen.has(key)) return false;
    seen.add(key);
    a.push(lo);
    b.push(hi);
    return true;
  };
  while (a.length < m) addEdge(rng.int(0, n), rng.int(0, n));
  const degree = new Int32Array(n);
  for (let i = 0; i < a.length; i++) {
    degree[a[i]]++;
    degree[b[i]]++;
  }
  for (let u = 0; u < n; u++) {
    if (degree[u] > 0) continue;
    let v = rng.int(0, n - 1);
    if (v >= u) v++;
    addEdge(u, v);
    degree[u]++;
    degree[v]++;
  }
  const count = a.length * 2;
  const from = new Int32Array(count);
  const to = new Int32Array(count);
  const w = new Float64Array(count);
  for (let i = 0; i < a.length; i++) {
    // Edges in the order they were made; a weight per edge from its own stream.
    const weight = p.tieStrength === "equal" ? 1 : drawTieWeight(tieRng, p.tieExponent, p.tieOffset, p.tieCutoff);
    from[2 * i] = a[i];
    to[2 * i] = b[i];
    from[2 * i + 1] = b[i];
    to[2 * i + 1] = a[i];
    w[2 * i] = weight;
    w[2 * i + 1] = weight;
  }
  const c = csr(n, from, to, count, w);
  return { offsets: c.offsets, targets: c.targets, weights: c.values };
}

/** Per entry of `targets`: the cumulative share of u's choices up to and including it (1 at u's last contact). */
function choiceCumulative(n: number, offsets: Int32Array, weights: Float64Array): Float64Array {
  const cum = new Float64Array(weights.length);
  for (let u = 0; u < n; u++) {
    const lo = offsets[u];
    const hi = offsets[u + 1];
    let total = 0;
    for (let k = lo; k < hi; k++) total += weights[k];
    let acc = 0;
    for (let k = lo; k < hi; k++) {
      // All-zero weights (possible in principle: w = 0 is in the law's support) fall back to equal shares.
      acc += total > 0 ? weights[k] / total : 1 / (hi - lo);
      cum[k] = acc;
    }
    if (hi > lo) cum[hi - 1] = 1;
  }
  return cum;
}

function buildGroups(p: PopulationParams, contactOffsets: Int32Array, contactTargets: Int32Array, rng: Rng): number[][] {
  const n = p.users;
  if (p.groupsPerUser === 0) return [];
  const lo = p.groupSizeMin;
  const hi = Math.min(p.groupSizeMax, n);
  // Mean of floor(logUniform(lo, hi + 1)), computed exactly over the integers.
  let meanSize = 0;
  for (let k = lo; k <= hi; k++) meanSize += k * (Math.log(k + 1) - Math.log(k));
  meanSize /= Math.log(hi + 1) - Math.log(lo);
  const count = Math.max(1, Math.round((n * p.groupsPerUser) / meanSize));
  const groups: number[][] = [];
  const mark = new Int32Array(n).fill(-1);
  for (let g = 0; g < count; g++) {
    const size = Math.min(hi, Math.floor(rng.logUniform(lo, hi + 1)));
    const founder = rng.int(0, n);
    const members = [founder];
    mark[founder] = g;
    // The founder's contacts, in a random order (partial Fisher–Yates on a copy).
    const own = contactTargets.slice(contactOffsets[founder], contactOffsets[founder + 1]);
    for (let i = 0; i < own.length && members.length < size; i++) {
      const j = rng.int(i, own.length);
      const t = own[i];
      own[i] = own[j];
      own[j] = t;
      if (mark[own[i]] !== g) {
        mark[own[i]] = g;
        members.push(own[i]);
      }
    }
    while (members.length < size) {
      const v = rng.int(0, n);
      if (mark[v] === g) continue;
      mark[v] = g;
      members.push(v);
    }
    members.sort((x, y) => x - y);
    groups.push(members);
  }
  return groups;
}


/**
 * The lower bound L of a Pareto law of tail index a truncated to [L, H] whose mean is 1
 * (bisection; the mean grows with L). H ≤ 1 gives 1: every weight is 1.
 */
export function activityFloor(a: number, H: number): number {
  if (!(H > 1) || !(a > 0) || !Number.isFinite(a)) return 1;
  const mean = (L: number): number => {
    if (Math.abs(a - 1) < 1e-9) return (Math.log(H) - Math.log(L)) / (1 / L - 1 / H);
    return ((a / (1 - a)) * (Math.pow(H, 1 - a) - Math.pow(L, 1 - a))) / (Math.pow(L, -a) - Math.pow(H, -a));
  };
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (mid <= 0) break;
    if (mean(mid) < 1) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Per-user activity: user u gets the u-th draw of `rng`, a Pareto law of tail index
 * 1/s (s = activityZipfExponent) truncated to [L, activityCap] with mean 1, by inversion;
 * so u's weight does not depend on how many users there are. s = 0 gives 1 for all.
 */
function buildActivity(p: PopulationParams, rng: Rng): Float64Array {
  const n = p.users;
  const w = new Float64Array(n);
  const s = p.activityZipfExponent;
  const H = p.activityCap;
  if (s === 0 || H <= 1) {
    w.fill(1);
    return w;
  }
  const a = 1 / s;
  const L = activityFloor(a, H);
  const La = Math.pow(L, -a);
  const span = La - Math.pow(H, -a);
  for (let u = 0; u < n; u++) {
    const x = Math.pow(La - rng.next() * span, -1 / a);
    w[u] = Math.min(H, Math.max(L, x));
  }
  return w;
}

/** The CDF of one user's activity weight (for tests: the law every user's weight follows). */
export function activityCdf(p: Pick<PopulationParams, "activityZipfExponent" | "activityCap">, x: number): number {
  const s = p.activityZipfExponent;
  const H = p.activityCap;
  if (s === 0 || H <= 1) return x >= 1 ? 1 : 0;
  const a = 1 / s;
  const L = activityFloor(a, H);
  if (x < L) return 0;
  if (x >= H) return 1;
  return (Math.pow(L, -a) - Math.pow(x, -a)) / (Math.pow(L, -a) - Math.pow(H, -a));
}

/** Piecewise-linear periodic interpolation of 24 hourly weights, normalised to mean 1. */
class Diurnal {
  private readonly knots: Float64Array;
  private readonly offset: Micros;
  readonly max: number;

  constructor(profile: readonly number[], startHour: number) {
    let sum = 0;
    for (const w of profile) sum += w;
    this.knots = new Float64Array(profile.map((w) => (w * 24) / sum));
    this.max = Math.max(...this.knots);
    this.offset = Math.round(startHour * HOUR);
  }

  at(t: Micros): number {
    let x = (t + this.offset) % DAY;
    if (x < 0) x += DAY;
    // Knot h sits at h:30; find the two knots around x.
    const pos = x / HOUR - 0.5;
    const i = Math.floor(pos);
    const f = pos - i;
    const k = this.knots;
    const left = k[(i + 24) % 24];
    const right = k[(i + 25) % 24];
    return left + f * (right - left);
  }
}


type SleepParams = NonNullable<PopulationParams["sleep"]>;

/** Nights are numbered from this one (day 0 is the day the run starts in), so the run starts well after the first. */
const FIRST_NIGHT = -2;

class LazySleep implements Sleep {
  /** Personal bedtime (hours after the midnight before it) and sleep duration (hours). */
  private readonly bed: Float64Array;
  private readonly hours: Float64Array;
  private readonly nights: Float64Array[];
  private readonly counts: Int32Array;
  private readonly rngs: (Rng | undefined)[];
  /** Local midnight at the start of day 0, in simulated time. */
  private readonly midnight0: Micros;

  constructor(
    private readonly n: number,
    private readonly p: SleepParams,
    startHour: number,
    private readonly rng: Rng,
  ) {
    this.midnight0 = -Math.round(startHour * HOUR);
    this.bed = new Float64Array(n);
    this.hours = new Float64Array(n);
    // Chronotypes: user u's are the u-th draws of one stream, so they do not depend on n.
    const chrono = rng.child("chronotype");
    for (let u = 0; u < n; u++) {
      this.bed[u] = Math.min(36, Math.max(12, chrono.normal(p.bedtimeHour, p.bedtimeSigmaHours)));
      this.hours[u] = Math.min(16, Math.max(1, chrono.normal(p.durationHours, p.durationSigmaHours)));
    }
    this.nights = new Array<Float64Array>(n);
    this.counts = new Int32Array(n);
    this.rngs = new Array<Rng | undefined>(n);
  }

  private check(u: number): void {
    if (!(u >= 0 && u < this.n && Number.isInteger(u))) throw new RangeError(`sleep: user ${u} out of range 0..${this.n - 1}`);
  }

  /** Generates u's nights until one starts after `t`. */
  private extend(u: number, t: Micros): void {
    let b = this.nights[u];
    if (b === undefined) {
      b = this.nights[u] = new Float64Array(16);
      this.rngs[u] = this.rng.child("nights").child(u);
    }
    const r = this.rngs[u]!;
    const jitter = this.p.nightlySigmaHours * HOUR;
    let c = this.counts[u];
    while (c === 0 || b[2 * c - 2] <= t) {
      const nominal = this.midnight0 + (FIRST_NIGHT + c) * DAY + this.bed[u] * HOUR;
      let start = Math.round(nominal + r.normal(0, jitter));
      let end = Math.round(nominal + this.hours[u] * HOUR + r.normal(0, jitter));
      if (c > 0) start = Math.max(start, b[2 * c - 1] + MINUTE);
      end = Math.max(end, start + 30 * MINUTE);
      if (2 * c + 2 > b.length) {
        const g = new Float64Array(b.length * 2);
        g.set(b);
        b = this.nights[u] = g;
      }
      b[2 * c] = start;
      b[2 * c + 1] = end;
      c++;
    }
    this.counts[u] = c;
  }

  /** Index of u's last night starting at or before t, or −1. */
  private find(u: number, t: Micros): number {
    this.extend(u, t);
    const b = this.nights[u];
    if (b[0] > t) return -1;
    let lo = 0;
    let hi = this.counts[u] - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (b[2 * mid] <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  isAsleep(u: number, t: Micros): boolean {
    this.check(u);
    const i = this.find(u, t);
    return i >= 0 && t < this.nights[u][2 * i + 1];
  }

  nextWake(u: number, t: Micros): Micros {
    this.check(u);
    const i = this.find(u, t);
    const b = this.nights[u];
    return i >= 0 && t < b[2 * i + 1] ? b[2 * i + 1] : t;
  }

  nextBedtime(u: number, t: Micros): Micros {
    this.check(u);
    const i = this.find(u, t);
    const b = this.nights[u];
    if (i >= 0 && t < b[2 * i + 1]) return t;
    return b[2 * (i + 1)];
  }

  nightsOf(u: number, until: Micros): Float64Array {
    this.check(u);
    this.extend(u, until);
    const b = this.nights[u];
    let c = this.counts[u];
    while (c > 0 && b[2 * c - 2] >= until) c--;
    return b.slice(0, 2 * c);
  }
}

/** Session generation starts this long before time 0, so the process is stationary by then. */
const WARMUP: Micros = HOUR;

class LazySessions implements Sessions {
  private readonly bounds: Float64Array[];
  private readonly counts: Int32Array;
  /** Where generation continues for each user (end of its last session). */
  private readonly cursor: Float64Array;
  private readonly rngs: (Rng | undefined)[];
  private readonly meanGap: number;
  private readonly mu: number;

  constructor(
    private readonly n: number,
    private readonly p: PopulationParams,
    private readonly diurnal: Diurnal,
    private readonly sleep: Sleep | null,
    private readonly rng: Rng,
  ) {
    this.bounds = new Array<Float64Array>(n);
    this.counts = new Int32Array(n);
    this.cursor = new Float64Array(n).fill(-WARMUP);
    this.rngs = new Array<Rng | undefined>(n);
    // Candidate gaps at the peak rate; thinning accepts with diurnal(t)/max.
    this.meanGap = DAY / (p.sessionsPerDay * diurnal.max);
    this.mu = Math.log(p.sessionMeanSeconds * SECOND) - (p.sessionSigma * p.sessionSigma) / 2;
  }

  private check(u: number): void {
    if (!(u >= 0 && u < this.n && Number.isInteger(u))) throw new RangeError(`sessions: user ${u} out of range 0..${this.n - 1}`);
  }

  /** Generates u's sessions until one starts after `t`. Asleep, nobody opens the app; a session ends at bedtime. */
  private extend(u: number, t: Micros): void {
    let b = this.bounds[u];
    if (b === undefined) {
      b = this.bounds[u] = new Float64Array(16);
      this.rngs[u] = this.rng.child(u);
    }
    const r = this.rngs[u]!;
    const sleep = this.sleep;
    let c = this.counts[u];
    while (c === 0 || b[2 * c - 2] <= t) {
      let s = this.cursor[u];
      do s += r.exponential(this.meanGap);
      while (r.next() * this.diurnal.max >= this.diurnal.at(s) || (sleep !== null && sleep.isAsleep(u, Math.round(s))));
      const start = Math.round(s);
      let end = start + Math.max(1, Math.round(r.lognormal(this.mu, this.p.sessionSigma)));
      if (sleep !== null) end = Math.max(start + 1, Math.min(end, sleep.nextBedtime(u, start + 1)));
      if (2 * c + 2 > b.length) {
        const g = new Float64Array(b.length * 2);
        g.set(b);
        b = this.bounds[u] = g;
      }
      b[2 * c] = start;
      b[2 * c + 1] = end;
      c++;
      this.cursor[u] = end;
    }
    this.counts[u] = c;
  }

  /** Index of the last session starting at or before t, or −1. */
  private find(u: number, t: Micros): number {
    this.extend(u, t);
    const b = this.bounds[u];
    let lo = 0;
    let hi = this.counts[u] - 1;
    if (b[0] > t) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (b[2 * mid] <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  isOnline(u: number, t: Micros): boolean {
    this.check(u);
    const i = this.find(u, t);
    return i >= 0 && t < this.bounds[u][2 * i + 1];
  }

  nextOnline(u: number, t: Micros): Micros {
    this.check(u);
    const i = this.find(u, t);
    const b = this.bounds[u];
    if (i >= 0 && t < b[2 * i + 1]) return t;
    return b[2 * (i + 1)];
  }

  sessionsOf(u: number, until: Micros): Float64Array {
    this.check(u);
    this.extend(u, until);
    const b = this.bounds[u];
    let c = this.counts[u];
    while (c > 0 && b[2 * c - 2] >= until) c--;
    return b.slice(0, 2 * c);
  }
}

/**
 * The first event after `t` of user u's non-homogeneous Poisson process with rate
 * `ratePerHour` × activity[u] × diurnal(t), and 0 while u sleeps, drawn by thinning
 * (Lewis & Shedler 1979: candidates at the peak rate, each kept with probability
 * rate(t)/peak). Integer µs; Infinity when the rate is zero.
 *
 * @example
 * nextArrival(pop, 4, now, 0.5, rng) // user 4's next conversation start, 0.5/h at mean activity
 */
export function nextArrival(pop: Population, u: number, t: Micros, ratePerHour: number, rng: Rng): Micros {
  const peak = (ratePerHour * pop.activity[u] * pop.diurnalMax) / HOUR;
  if (!(peak > 0)) return Infinity;
  const meanGap = 1 / peak;
  const sleep = pop.sleep;
  let s = t;
  do s += rng.exponential(meanGap);
  while (rng.next() * pop.diurnalMax >= pop.diurnal(s) || (sleep !== null && sleep.isAsleep(u, Math.round(s))));
  return Math.round(s);
}

/**
 * Builds the population deterministically from `rng` (each part from its own child
 * stream). Accepts raw or parsed parameters; throws a RangeError naming every bad one.
 */
export function buildPopulation(input: PopulationInput | PopulationParams, rng: Rng): Population {
  const p = parsePopulationParams(input);
  const n = p.users;
  const contacts = buildContacts(p, rng.child("contacts"), rng.child("ties"));
  const cumulative = choiceCumulative(n, contacts.offsets, contacts.weights);
  const groups = buildGroups(p, contacts.offsets, contacts.targets, rng.child("groups"));
  let memberships = 0;
  for (const g of groups) memberships += g.length;
  const gFrom = new Int32Array(memberships);
  const gTo = new Int32Array(memberships);
  let k = 0;
  groups.forEach((members, g) => {
    for (const u of members) {
      gFrom[k] = u;
      gTo[k++] = g;
    }
  });
  const byUser = csr(n, gFrom, gTo, memberships);
  const activity = buildActivity(p, rng.child("activity"));
  const diurnal = new Diurnal(p.diurnalProfile, p.startHour);
  const sleep = p.sleep ? new LazySleep(n, p.sleep, p.startHour, rng.child("sleep")) : null;
  const sessions = new LazySessions(n, p, diurnal, sleep, rng.child("sessions"));
  const frozenGroups: readonly (readonly number[])[] = Object.freeze(groups.map((g) => Object.freeze(g)));
  const { offsets, targets } = contacts;
  const equal = p.tieStrength === "equal";
  const entry = (u: number, v: number): number => {
    let lo = offsets[u];
    let hi = offsets[u + 1];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (targets[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    return lo < offsets[u + 1] && targets[lo] === v ? lo : -1;
  };
  const share = (k: number, lo: number): number => cumulative[k] - (k > lo ? cumulative[k - 1] : 0);
  return {
    size: n,
    contactOffsets: offsets,
    contactTargets: targets,
    tieWeights: contacts.weights,
    contacts: (u) => targets.subarray(offsets[u], offsets[u + 1]),
    pickContact: (u, r) => {
      const lo = offsets[u];
      const hi = offsets[u + 1];
      if (hi === lo) return -1;
      const x = r.next();
      // Equal ties: exactly `r.int(0, degree)`, the draw the models made before tie strength.
      if (equal) return targets[lo + Math.floor((hi - lo) * x)];
      let a = lo;
      let b = hi - 1;
      while (a < b) {
        const mid = (a + b) >> 1;
        if (cumulative[mid] > x) b = mid;
        else a = mid + 1;
      }
      return targets[a];
    },
    tieShare: (u, v) => {
      const k = entry(u, v);
      return k < 0 ? 0 : share(k, offsets[u]);
    },
    strongestContact: (u) => {
      const lo = offsets[u];
      let best = -1;
      let bestShare = -1;
      for (let k = lo; k < offsets[u + 1]; k++) {
        const s = share(k, lo);
        if (s > bestShare) {
          bestShare = s;
          best = targets[k];
        }
      }
      return best;
    },
    groups: frozenGroups,
    groupOffsets: byUser.offsets,
    groupTargets: byUser.targets,
    groupsOf: (u) => byUser.targets.subarray(byUser.offsets[u], byUser.offsets[u + 1]),
    activity,
    diurnal: (t) => diurnal.at(t),
    diurnalMax: diurnal.max,
    sessions,
    sleep,
    params: p,
  };
}
