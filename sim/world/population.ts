/**
 * The population: who the users are, whom they talk to, how active they are and when
 * they have the app open.
 *
 * - **Contacts**: an undirected graph stored as CSR (`contactOffsets`, `contactTargets`),
 *   built as a uniform random graph G(n, m) with m = round(n·contactsPerUser/2) distinct
 *   edges, then every isolated user is joined to one random other user, so each user has
 *   someone to talk to. Uniform wiring is an assumption: no fitted degree distribution for
 *   private messaging contacts was found (traffic-and-adversaries.md §4).
 * - **Groups**: sizes log-uniform on the integers [groupSizeMin, groupSizeMax] (assumption),
 *   each group seeded by a founder and filled from the founder's contacts first, then from
 *   random users, so groups overlap the contact graph. The group count is set so each user
 *   is in `groupsPerUser` groups on average.
 * - **Activity**: a per-user relative weight with mean 1. Caetano et al. (WhatsApp political
 *   groups, arXiv 1804.00397: 270K messages, ~7K users) report Zipf-like per-user message
 *   counts [P abstract]; here the user of rank r (a random permutation) gets weight ∝ r^−s
 *   with s = `activityZipfExponent` (1, the classic Zipf law, is an assumption: the exponent
 *   is not in the abstract), capped at `activityCap` × the mean (assumption: no human sends
 *   a thousand times the average, which an uncapped Zipf law gives at 10,000 users).
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
 *
 * @example
 * const pop = buildPopulation({ users: 200 }, stream(1, "population"));
 * pop.contacts(0);                 // Int32Array view of user 0's contacts
 * pop.diurnal(0);                  // multiplier at the start hour (18:00 by default)
 * pop.sessions.isOnline(3, 60e6);  // is user 3 in the app one minute in?
 */
import { z } from "zod";
import { parseWith } from "../core/validation.ts";
import type { Rng } from "../core/rng.ts";
import { HOUR, SECOND, type Micros } from "../core/time.ts";

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
    activityCap: z.number().min(1).default(50).describe("largest activity weight, as a multiple of the mean (assumption)"),
    startHour: z.number().min(0).lt(24).default(18).describe("local hour of day at simulated time 0"),
    diurnalProfile: z.array(z.number().min(0).finite()).length(24).default([...DEFAULT_DIURNAL_PROFILE]).describe("24 hourly relative weights"),
    sessionsPerDay: z.number().positive().max(10_000).default(23).describe("foreground app sessions per user per day"),
    sessionMeanSeconds: z.number().positive().default(92).describe("mean foreground session length, s"),
    sessionSigma: z.number().min(0).max(4).default(1).describe("log-normal sigma of session length (assumption)"),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.contactsPerUser > p.users - 1) {
      ctx.addIssue({ code: "custom", path: ["contactsPerUser"], message: `expected at most users − 1 = ${p.users - 1}` });
    }
    if (p.groupSizeMax < p.groupSizeMin) {
      ctx.addIssue({ code: "custom", path: ["groupSizeMax"], message: `expected at least groupSizeMin = ${p.groupSizeMin}` });
    }
    if (p.groupsPerUser > 0 && p.groupSizeMin > p.users) {
      ctx.addIssue({ code: "custom", path: ["groupSizeMin"], message: `expected at most users = ${p.users}` });
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

export interface Population {
  /** Number of users; users are 0 … size−1. */
  readonly size: number;
  /** CSR storage of the symmetric contact graph: u's contacts are targets[offsets[u] … offsets[u+1]). */
  readonly contactOffsets: Int32Array;
  readonly contactTargets: Int32Array;
  /** A view (no copy) of u's contacts, sorted ascending. */
  contacts(u: number): Int32Array;
  /** Member lists, sorted ascending. */
  readonly groups: readonly (readonly number[])[];
  /** CSR storage of each user's groups. */
  readonly groupOffsets: Int32Array;
  readonly groupTargets: Int32Array;
  /** A view of the groups u is in, sorted ascending. */
  groupsOf(u: number): Int32Array;
  /** Relative activity weight per user, mean 1. */
  readonly activity: Float64Array;
  /** Multiplier of base rates at simulated time t; mean 1 over a day. */
  diurnal(t: Micros): number;
  /** An upper bound of diurnal(t) over all t (for thinning). */
  readonly diurnalMax: number;
  readonly sessions: Sessions;
  readonly params: PopulationParams;
}

/** CSR from an edge list given as parallel arrays; each list sorted ascending. */
function csr(n: number, from: Int32Array, to: Int32Array, count: number): { offsets: Int32Array; targets: Int32Array } {
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < count; i++) offsets[from[i] + 1]++;
  for (let u = 0; u < n; u++) offsets[u + 1] += offsets[u];
  const fill = offsets.slice(0, n);
  const targets = new Int32Array(count);
  for (let i = 0; i < count; i++) targets[fill[from[i]]++] = to[i];
  for (let u = 0; u < n; u++) targets.subarray(offsets[u], offsets[u + 1]).sort();
  return { offsets, targets };
}

function buildContacts(n: number, mean: number, rng: Rng): { offsets: Int32Array; targets: Int32Array } {
  const maxEdges = (n * (n - 1)) / 2;
  const m = Math.min(maxEdges, Math.round((n * mean) / 2));
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
  for (let i = 0; i < a.length; i++) {
    from[2 * i] = a[i];
    to[2 * i] = b[i];
    from[2 * i + 1] = b[i];
    to[2 * i + 1] = a[i];
  }
  return csr(n, from, to, count);
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

function buildActivity(p: PopulationParams, rng: Rng): Float64Array {
  const n = p.users;
  // Random ranks: a Fisher–Yates permutation.
  const rank = new Int32Array(n);
  for (let i = 0; i < n; i++) rank[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i + 1);
    const t = rank[i];
    rank[i] = rank[j];
    rank[j] = t;
  }
  const w = new Float64Array(n);
  let sum = 0;
  for (let u = 0; u < n; u++) {
    w[u] = Math.pow(rank[u] + 1, -p.activityZipfExponent);
    sum += w[u];
  }
  for (let u = 0; u < n; u++) w[u] *= n / sum;
  // Water-filling: clamp at the cap, rescale the rest to keep the mean at 1, repeat.
  const cap = p.activityCap;
  const capped = new Uint8Array(n);
  for (let round = 0; round < 64; round++) {
    let over = false;
    let fixed = 0;
    let free = 0;
    for (let u = 0; u < n; u++) {
      if (!capped[u] && w[u] > cap) {
        capped[u] = 1;
        over = true;
      }
      if (capped[u]) {
        w[u] = cap;
        fixed += cap;
      } else free += w[u];
    }
    if (!over) break;
    const scale = free > 0 ? Math.max(0, n - fixed) / free : 0;
    for (let u = 0; u < n; u++) if (!capped[u]) w[u] *= scale;
  }
  return w;
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

  /** Generates u's sessions until one starts after `t`. */
  private extend(u: number, t: Micros): void {
    let b = this.bounds[u];
    if (b === undefined) {
      b = this.bounds[u] = new Float64Array(16);
      this.rngs[u] = this.rng.child(u);
    }
    const r = this.rngs[u]!;
    let c = this.counts[u];
    while (c === 0 || b[2 * c - 2] <= t) {
      let s = this.cursor[u];
      do s += r.exponential(this.meanGap);
      while (r.next() * this.diurnal.max >= this.diurnal.at(s));
      const start = Math.round(s);
      const end = start + Math.max(1, Math.round(r.lognormal(this.mu, this.p.sessionSigma)));
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
 * `ratePerHour` × activity[u] × diurnal(t), drawn by thinning (Lewis & Shedler 1979:
 * candidates at the peak rate, each kept with probability rate(t)/peak). Integer µs;
 * Infinity when the rate is zero.
 *
 * @example
 * nextArrival(pop, 4, now, 0.5, rng) // user 4's next conversation start, 0.5/h at mean activity
 */
export function nextArrival(pop: Population, u: number, t: Micros, ratePerHour: number, rng: Rng): Micros {
  const peak = (ratePerHour * pop.activity[u] * pop.diurnalMax) / HOUR;
  if (!(peak > 0)) return Infinity;
  const meanGap = 1 / peak;
  let s = t;
  do s += rng.exponential(meanGap);
  while (rng.next() * pop.diurnalMax >= pop.diurnal(s));
  return Math.round(s);
}

/**
 * Builds the population deterministically from `rng` (each part from its own child
 * stream). Accepts raw or parsed parameters; throws a RangeError naming every bad one.
 */
export function buildPopulation(input: PopulationInput | PopulationParams, rng: Rng): Population {
  const p = parsePopulationParams(input);
  const n = p.users;
  const contacts = buildContacts(n, p.contactsPerUser, rng.child("contacts"));
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
  const sessions = new LazySessions(n, p, diurnal, rng.child("sessions"));
  const frozenGroups: readonly (readonly number[])[] = Object.freeze(groups.map((g) => Object.freeze(g)));
  return {
    size: n,
    contactOffsets: contacts.offsets,
    contactTargets: contacts.targets,
    contacts: (u) => contacts.targets.subarray(contacts.offsets[u], contacts.offsets[u + 1]),
    groups: frozenGroups,
    groupOffsets: byUser.offsets,
    groupTargets: byUser.targets,
    groupsOf: (u) => byUser.targets.subarray(byUser.offsets[u], byUser.offsets[u + 1]),
    activity,
    diurnal: (t) => diurnal.at(t),
    diurnalMax: diurnal.max,
    sessions,
    params: p,
  };
}
