/**
 * Feasibility, checked before anything runs: an experiment that passes the schema can
 * still crash, hang or run for days (a keepalive every 10⁻⁹ s rounds to 0 µs and loops
 * forever at one instant; 1 µs bins over an hour need billions of cells; 20,000 users for
 * 30 days is tens of billions of events). `feasibilityProblems` finds these up front and
 * returns one line per problem, naming the field, the value and what was expected, like
 * every other validation line (the CLI exits 2):
 *
 * 1. **Floors** that keep each run's event count bounded and its arithmetic exact:
 *    `durationSeconds` ≥ 1 s (also each tune rung); observer bin widths
 *    (`binSeconds`, activity windows ÷ sub-bins) ≥ 1 ms; keepalive periods ≥ 1 ms;
 *    cover rates either 0 or ≥ 10⁻⁶ per second (a gap of at most ~11.6 days); FPRs ≥
 *    10⁻⁹ (resolving a lower one takes 10¹⁰ negatives).
 * 2. **Per-observer memory caps**: a users × bins grid larger than 2²⁶ cells per
 *    direction (the cap `observers/binned-volume.ts` enforces mid-run) is refused here;
 *    the long-term observers' users × rounds matrices (`roundSeconds`) count as such a
 *    grid, and their memory (two Float32 matrices held, the lagged Float64 transpose and
 *    N × N score matrices while scoring one horizon) goes into the estimate.
 * 3. **An estimate of events, memory and time per defense** (`estimateRun`): packets per
 *    user-hour from the conversation models' rates (messages × packets per message,
 *    call time × packet rate, keepalives, pushes; about 2,700 for the default mix,
 *    against 2,675 measured before the world emitted ACKs), plus the TCP pure ACKs when
 *    `transport.acks.enabled` (one per `segmentsPerAck` data segments of a record, at least
 *    one per record: a receipt, a keepalive or a text draws one; calls are UDP), plus what each shaper adds (cover rates, timer-driven cells
 *    while active, FRONT/RegulaTor padding budgets), times users × hours. The heaviest
 *    defense is refused when its estimate exceeds `limits.maxEvents` (the engine's own
 *    per-run cap, which would otherwise stop the run part way), and the run when its
 *    estimated peak memory exceeds `limits.maxMemoryBytes` (when the schema has it;
 *    16 GiB otherwise). The line carries the estimate. Time is reported at ~1 M events
 *    per second per core, plus the bootstrap over scored pairs.
 * 4. The learned classifier needs linked pairs to learn from: an experiment whose
 *    conversation models start no 1:1 conversations (or fewer than about 3 in the whole
 *    run) is refused instead of failing after the other observers ran.
 *
 * Estimates are deliberately simple (means, no tails); they exist to refuse what is out
 * of reach by orders of magnitude, not to predict a run's length to the second.
 *
 * @example
 * feasibilityProblems(exp)
 * // => ['durationSeconds × population.users: estimated 2.6e10 events for defense "none" (…); expected at most limits.maxEvents (2000000000) …']
 */
import { DEFAULT_MAX_CELLS } from "../../observers/binned-volume.ts";
import type { Experiment } from "./schema.ts";
import { tuneRungs } from "./tune-section.ts";
import { observationHorizons } from "./truth-until.ts";

export const MIN_DURATION_SECONDS = 1;
export const MIN_BIN_SECONDS = 0.001;
export const MIN_KEEPALIVE_SECONDS = 0.001;
export const MIN_RATE_PER_SECOND = 1e-6;
export const MIN_FPR = 1e-9;
/** Cells per direction a users × bins grid may hold (the cap `observers/binned-volume.ts` enforces mid-run). */
export const MAX_CELLS = DEFAULT_MAX_CELLS;
export const DEFAULT_MAX_MEMORY_BYTES = 16 * 1024 ** 3;
/** Engine throughput used for the time estimate, events per second on one core. */
export const EVENTS_PER_SECOND = 1e6;

type Params = Record<string, unknown>;

const num = (p: Params | undefined, key: string, fallback: number): number => {
  const v = p?.[key];
  return typeof v === "number" && Number.isFinite(v) ? v : fallback;
};
const bool = (p: Params | undefined, key: string, fallback: boolean): boolean => {
  const v = p?.[key];
  return typeof v === "boolean" ? v : fallback;
};

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Math.abs(x) >= 1e6) return x.toExponential(1).replace("e+", "e");
  if (Math.abs(x) >= 100) return String(Math.round(x));
  return String(Math.round(x * 100) / 100);
}

function bytes(b: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let i = 0;
  while (b >= 1024 && i < units.length - 1) {
    b /= 1024;
    i++;
  }
  return `${b >= 100 ? Math.round(b) : b.toFixed(1)} ${units[i]}`;
}

function duration(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} days`;
}

/** Mean of a log-normal with the given median and sigma. */
const lognormalMean = (median: number, sigma: number) => median * Math.exp((sigma * sigma) / 2);

/** Mean message size of a model's message mix, bytes. */
function meanMessageBytes(p: Params | undefined): number {
  const mid = (a: string, b: string, da: number, db: number) => (num(p, a, da) + num(p, b, db)) / 2;
  const voice = (num(p, "voiceNoteKbps", 32) * 1000 * lognormalMean(num(p, "voiceNoteMedianSeconds", 10), num(p, "voiceNoteSigma", 0.8))) / 8;
  return (
    num(p, "shareText", 0.8) * mid("textBytesMin", "textBytesMax", 4, 978) +
    num(p, "sharePhoto", 0.12) * mid("photoBytesMin", "photoBytesMax", 37_000, 210_000) +
    num(p, "shareVideo", 0.03) * mid("videoBytesMin", "videoBytesMax", 700_000, 7_800_000) +
    num(p, "shareVoiceNote", 0.04) * Math.min(voice, (num(p, "voiceNoteKbps", 32) * 1000 * num(p, "voiceNoteMaxSeconds", 900)) / 8) +
    num(p, "shareFile", 0.01) * mid("fileBytesMin", "fileBytesMax", 10_000, 5_000_000)
  );
}

/** Packets one message of the mix puts on the wire, both ends counted, with receipts and typing. */
function packetsPerMessage(p: Params | undefined, mtu: number): number {
  const data = 2 * Math.max(1, meanMessageBytes(p) / (mtu - 80));
  const receipts = (bool(p, "deliveryReceipts", true) ? 2 : 0) + (bool(p, "readReceipts", true) ? 2 : 0);
  const typing = bool(p, "typingIndicators", true) ? 2 * num(p, "shareText", 0.8) * Math.max(1, 60 / num(p, "typingRefreshSeconds", 10) / 6) : 0;
  return data + receipts + typing;
}

/** Packets per user-hour that one conversation model makes (both directions, both ends). */
export function modelPacketsPerUserHour(model: string, p: Params | undefined, mtu: number, groupSize: number): number {
  switch (model) {
    case "messaging":
      return num(p, "conversationsPerHour", 0.5) * num(p, "turnsMean", 4) * num(p, "burstMean", 2) * packetsPerMessage(p, mtu);
    case "group": {
      const posts = num(p, "postsPerHour", 0.2) * (1 + num(p, "repliesPerPost", 0.6));
      // A post goes up once and down to every other member; receipts come back from each.
      const receipts = (bool(p, "deliveryReceipts", true) ? 1 : 0) + (bool(p, "readReceipts", true) ? 1 : 0);
      return posts * (packetsPerMessage(p, mtu) / 2) * groupSize + posts * receipts * 2 * groupSize;
    }
    case "voice-call":
    case "video-call": {
      const calls = num(p, "callsPerHour", model === "voice-call" ? 0.05 : 0.02);
      const seconds = lognormalMean(num(p, "durationMedianSeconds", 90), num(p, "durationSigma", 1)) + num(p, "ringSeconds", 6);
      let pps = 1000 / num(p, "ptimeMs", 20);
      if (model === "video-call") pps += num(p, "fps", 30) * Math.max(1, (num(p, "videoKbps", 800) * 1000) / 8 / num(p, "fps", 30) / (mtu - 80));
      // Each call has two parties; each sends and receives the stream.
      return calls * 2 * seconds * pps * 2;
    }
    case "background": {
      const keep = 3600 / Math.max(MIN_KEEPALIVE_SECONDS, Math.min(num(p, "keepaliveSeconds", 30), num(p, "keepaliveBackgroundSeconds", 60)));
      return keep + num(p, "pushesPerHour", 2);
    }
    default:
      return 1000;
  }
}

/** The TCP acknowledgement rule the estimate counts (transport.acks; sim/world/transport.ts). */
export interface AckRule {
  readonly enabled: boolean;
  readonly segmentsPerAck: number;
}

/**
 * Pure ACKs for one TCP record (a message, a receipt, a keepalive) of `segments` data
 * segments: one per `k` segments, the last partial group after the delayed-ACK timeout,
 * so a one-segment record costs one ACK (ceil(n/k), taken as n/k + (k − 1)/k: exact for
 * one segment, an upper bound by under one ACK for more). Piggybacking is ignored: an
 * estimate that errs high.
 */
function acksPerRecord(segments: number, k: number): number {
  return segments / k + (k - 1) / k;
}

/** Pure ACKs one message of the mix draws, both hops (sender → server, server → recipient), with its receipts and typing (one-segment records). */
function acksPerMessage(p: Params | undefined, mtu: number, k: number): number {
  const segments = Math.max(1, meanMessageBytes(p) / (mtu - 80));
  const data = 2 * acksPerRecord(segments, k);
  // every receipt and typing packet is a one-segment record of its own: one ACK each
  const small = packetsPerMessage(p, mtu) - 2 * segments;
  return data + small * acksPerRecord(1, k);
}

/**
 * Pure ACK packets per user-hour that one conversation model draws (sim/world/transport.ts:
 * the receiver of TCP data answers with a pure ACK per `segmentsPerAck` segments or after
 * the delayed-ACK timeout). TCP models only: messaging and group messages with their
 * receipts and typing, keepalives and pushes (one segment, one ACK each); calls are UDP
 * and draw none. Shapers' padding and cover are not counted (a shaper's own packets are
 * not TCP data of the app). 0 when `acks.enabled` is false.
 */
export function modelAcksPerUserHour(model: string, p: Params | undefined, mtu: number, groupSize: number, acks: AckRule): number {
  if (!acks.enabled) return 0;
  const k = Math.max(1, acks.segmentsPerAck);
  switch (model) {
    case "messaging":
      return num(p, "conversationsPerHour", 0.5) * num(p, "turnsMean", 4) * num(p, "burstMean", 2) * acksPerMessage(p, mtu, k);
    case "group": {
      // each copy (the upload and every download) is acknowledged like a 1:1 message's hop
      const packets = modelPacketsPerUserHour(model, p, mtu, groupSize);
      return packets * (acksPerMessage(p, mtu, k) / packetsPerMessage(p, mtu));
    }
    case "background": {
      const keep = 3600 / Math.max(MIN_KEEPALIVE_SECONDS, Math.min(num(p, "keepaliveSeconds", 30), num(p, "keepaliveBackgroundSeconds", 60)));
      return (keep + num(p, "pushesPerHour", 2)) * acksPerRecord(1, k);
    }
    default:
      return 0;
  }
}

/** The ACK rule of an experiment's transport section (defaults as sim/world/transport.ts: on, one per 2 segments). */
export function ackRule(exp: Experiment): AckRule {
  const a = (exp.transport as Params | undefined)?.acks as Params | undefined;
  return { enabled: bool(a, "enabled", true), segmentsPerAck: num(a, "segmentsPerAck", 2) };
}

/** Packets per user-hour a shaper on one side adds to `base` (the side's share of the real packets). */
export function shaperPacketsPerUserHour(shaper: string, p: Params | undefined, base: number): number {
  const interval = (key: string, d: number) => 3600 / Math.max(1e-6, num(p, key, d));
  switch (shaper) {
    case "none":
    case "padme":
    case "pad-to-mtu":
    case "power-of-two":
    case "fixed-bucket":
    case "signal-padding":
    case "jitter":
    case "batching":
      return 0;
    case "background-cover":
      return num(p, "ratePerSecond", 1) * 3600;
    case "poisson-cover":
      return (num(p, "coverRate", 1 / 3) + num(p, "payloadRate", 0)) * 3600;
    case "constant-rate":
      return bool(p, "alwaysOn", false) ? interval("intervalSeconds", 0.02) : 0.15 * interval("intervalSeconds", 0.02);
    case "tamaraw":
      return 0.05 * Math.max(interval("intervalOutSeconds", 0.02), interval("intervalInSeconds", 0.006));
    case "cs-buflo":
      return 0.05 * interval("minRhoSeconds", 2 ** -4);
    case "front":
      return 2 * num(p, "maxPadding", 1700);
    case "regulator":
      return 2 * num(p, "maxPadding", 3550) + base * num(p, "uploadRatio", 3.95) * 0.1;
    case "walkie-talkie":
      return 0.5 * base;
    default:
      // adaptive padding, Maybenot machines, anything new: padding on the order of the traffic
      return 2 * base;
  }
}

export interface RunEstimate {
  users: number;
  hours: number;
  /** Real packets per user-hour from the conversation models, TCP ACKs included when `transport.acks.enabled`. */
  basePerUserHour: number;
  arms: { defense: string; events: number }[];
  /** The heaviest defense's events. */
  maxEvents: number;
  maxDefense: string;
  /** Peak memory of one defense's run, bytes. */
  memoryBytes: number;
  /** CPU time of the whole run (all defenses, simulation and bootstrap), seconds. */
  cpuSeconds: number;
}

function observerCells(o: { observer: string; params: Params }, users: number, seconds: number): { cells: number; field: string; bin: number } | null {
  const p = o.params;
  switch (o.observer) {
    case "statistical-disclosure":
    case "intersection":
      return { cells: users * Math.ceil(seconds / Math.max(1e-9, num(p, "roundSeconds", 20))), field: "roundSeconds", bin: num(p, "roundSeconds", 20) };
    case "volume-correlation":
      return { cells: users * Math.ceil(seconds / Math.max(1e-9, num(p, "binSeconds", 10))), field: "binSeconds", bin: num(p, "binSeconds", 10) };
    case "lagged-correlation":
      return { cells: users * Math.ceil(seconds / Math.max(1e-9, num(p, "binSeconds", 1))), field: "binSeconds", bin: num(p, "binSeconds", 1) };
    case "learned-classifier":
      return { cells: users * Math.ceil(seconds / Math.max(1e-9, num(p, "binSeconds", 10))), field: "binSeconds", bin: num(p, "binSeconds", 10) };
    case "activity-detector": {
      const bin = num(p, "windowSeconds", 60) / Math.max(1, num(p, "subBins", 12));
      return { cells: users * Math.ceil(seconds / Math.max(1e-9, bin)), field: "windowSeconds", bin };
    }
    default:
      return null;
  }
}

/**
 * Bytes a long-term (rounds) observer holds: its two users × rounds Float32 matrices
 * (sent, received: observers/rounds.ts), and while it scores, per direction pairing
 * (four with `pairing: "all"`), the lagged rounds × users Float64 transpose, a users ×
 * rounds byte indicator and the N × N Float64 score matrices (the pairing's, the running
 * maximum, the cached one and the cross-product). One horizon is scored at a time
 * (the runner's curve against observation time keeps no more than this).
 */
export function roundsObserverBytes(p: Params | undefined, users: number, seconds: number): number {
  const rounds = Math.max(1, Math.ceil(seconds / Math.max(1e-9, num(p, "roundSeconds", 20))));
  const cells = users * rounds;
  const held = cells * 2 * 4;
  const scoring = cells * 8 + cells + 4 * users * users * 8;
  return held + scoring + 4 * users * 8;
}

/** Bytes an observer holds while it watches and scores. */
function observerBytes(o: { observer: string; params: Params }, users: number, seconds: number): number {
  const p = o.params;
  const rounds = o.observer === "statistical-disclosure" || o.observer === "intersection";
  const cells = rounds ? null : observerCells(o, users, seconds);
  let b = cells ? cells.cells * 2 * 4 * 3 : 0;
  if (rounds) b += roundsObserverBytes(p, users, seconds);
  if (o.observer === "event-matching" || o.observer === "size-content" || o.observer === "learned-classifier") b += users * num(p, "maxEvents", 512) * 2 * 16;
  if (o.observer === "ipd-correlation") b += users * num(p, "packets", 300) * 2 * 8;
  if (o.observer === "size-histogram" || o.observer === "learned-classifier") b += users * num(p, "histBins", num(p, "bins", 32)) * 2 * 8;
  // Scored pairs: every user pair, negatives capped.
  const pairs = Math.min((users * (users - 1)) / 2, num(p, "maxNegatives", 2_000_000) + users * 10);
  b += pairs * 24;
  return b;
}

/** The estimate behind the feasibility check (see the header). */
export function estimateRun(exp: Experiment): RunEstimate {
  const users = num(exp.population as Params, "users", 200);
  const seconds = exp.durationSeconds;
  const hours = seconds / 3600;
  const mtu = num(exp.transport as Params, "mtu", 1500);
  const pop = exp.population as Params;
  const groupSize = (num(pop, "groupSizeMin", 3) + num(pop, "groupSizeMax", 30)) / 2;
  const acks = ackRule(exp);
  const base = exp.conversations.reduce((s, c) => s + modelPacketsPerUserHour(c.model, c.params, mtu, groupSize) + modelAcksPerUserHour(c.model, c.params, mtu, groupSize, acks), 0);
  const arms = exp.defenses.map((d) => {
    const extra = shaperPacketsPerUserHour(d.device.shaper, d.device.params, base / 2) + shaperPacketsPerUserHour(d.server.shaper, d.server.params, base / 2);
    return { defense: d.name, events: users * hours * (base + extra) };
  });
  const heaviest = arms.reduce((a, b) => (b.events > a.events ? b : a), arms[0] ?? { defense: "", events: 0 });
  const observerMem = exp.observers.reduce((s, o) => s + observerBytes(o as { observer: string; params: Params }, users, seconds), 0);
  const traced = exp.traceUsers.length * (heaviest.events / Math.max(1, users)) * 32;
  const engine = users * 4096 + heaviest.events * 0.05 * 64;
  const memoryBytes = engine + traced + observerMem;
  const resamples = exp.metrics.resamples;
  const pairs = Math.min((users * (users - 1)) / 2, 2_000_000);
  // the long-term observers are also scored at every observation horizon (truth-until.ts): one more bootstrap each
  const horizons = observationHorizons(Math.max(1, seconds)).length;
  const longTerm = exp.observers.filter((o) => o.observer === "statistical-disclosure" || o.observer === "intersection").length;
  const bootstrap = (exp.observers.length + longTerm * (horizons - 1)) * pairs * resamples * 2e-8;
  const cpuSeconds = arms.reduce((s, a) => s + a.events / EVENTS_PER_SECOND + bootstrap, 0);
  return { users, hours, basePerUserHour: base, arms, maxEvents: heaviest.events, maxDefense: heaviest.defense, memoryBytes, cpuSeconds };
}

/**
 * Every reason `exp` cannot run to completion within its limits, one line each (empty
 * when it can). Call after the schema and the components' parameters have been parsed.
 */
export function feasibilityProblems(exp: Experiment): string[] {
  const problems: string[] = [];
  if (!(exp.durationSeconds >= MIN_DURATION_SECONDS)) {
    problems.push(`durationSeconds = ${exp.durationSeconds}: expected at least ${MIN_DURATION_SECONDS} s (a shorter run has no traffic to observe)`);
  }
  if (exp.tune) {
    try {
      tuneRungs(exp).forEach((r, i) => {
        if (!(r.durationSeconds >= MIN_DURATION_SECONDS)) {
          problems.push(`tune.rungs[${i}].durationSeconds = ${fmt(r.durationSeconds)}: expected at least ${MIN_DURATION_SECONDS} s (raise durationSeconds or lower tune.eta)`);
        }
      });
    } catch {
      // a malformed tune section is reported by its own checks
    }
  }
  exp.metrics.fprs.forEach((f, i) => {
    if (!(f >= MIN_FPR)) problems.push(`metrics.fprs[${i}] = ${f}: expected at least ${MIN_FPR} (resolving it would take ${fmt(10 / f)} negative pairs)`);
  });

  const users = num(exp.population as Params, "users", 200);
  exp.observers.forEach((o, i) => {
    const p = o.params as Params;
    for (const key of ["binSeconds"]) {
      if (key in p && !(num(p, key, 1) >= MIN_BIN_SECONDS)) problems.push(`observers[${i}].params.${key} = ${p[key]}: expected at least ${MIN_BIN_SECONDS} s (observer "${o.observer}")`);
    }
    if (o.observer === "activity-detector") {
      const bin = num(p, "windowSeconds", 60) / Math.max(1, num(p, "subBins", 12));
      if (!(bin >= MIN_BIN_SECONDS)) {
        problems.push(`observers[${i}].params.windowSeconds = ${p.windowSeconds}: expected windowSeconds / subBins (${fmt(bin)} s) to be at least ${MIN_BIN_SECONDS} s`);
      }
    }
  });

  exp.conversations.forEach((c, i) => {
    const p = c.params as Params;
    if (c.model === "background") {
      for (const key of ["keepaliveSeconds", "keepaliveBackgroundSeconds"]) {
        if (key in p && !(num(p, key, 30) >= MIN_KEEPALIVE_SECONDS)) {
          problems.push(`conversations[${i}].params.${key} = ${p[key]}: expected at least ${MIN_KEEPALIVE_SECONDS} s (shorter periods round to 0 µs and never advance time)`);
        }
      }
    }
  });

  exp.defenses.forEach((d, i) => {
    for (const side of ["device", "server"] as const) {
      const s = d[side];
      const p = s.params as Params;
      const rates = s.shaper === "background-cover" ? ["ratePerSecond"] : s.shaper === "poisson-cover" ? ["coverRate", "payloadRate"] : [];
      for (const key of rates) {
        const v = num(p, key, 1);
        if (key in p && v !== 0 && !(v >= MIN_RATE_PER_SECOND)) {
          problems.push(`defenses[${i}].${side}.params.${key} = ${p[key]}: expected ${s.shaper === "background-cover" ? "" : "0 or "}at least ${MIN_RATE_PER_SECOND} per second (shaper "${s.shaper}")`);
        }
      }
    }
  });

  // Below a floor the estimates mean nothing: report the floors alone.
  if (problems.length > 0) return problems;

  exp.observers.forEach((o, i) => {
    const p = o.params as Params;
    const cells = observerCells(o as { observer: string; params: Params }, users, exp.durationSeconds);
    if (cells && cells.cells > MAX_CELLS) {
      problems.push(
        `observers[${i}].params.${cells.field} = ${p[cells.field] ?? "default"}: ${users} users × ${fmt(cells.cells / users)} bins = ${fmt(cells.cells)} cells per direction, more than the ${MAX_CELLS} observer "${o.observer}" can hold; use wider bins, fewer users or a shorter run`,
      );
    }
  });

  const est = estimateRun(exp);
  const cpu = `about ${duration(est.cpuSeconds)} of CPU for the whole run at ~${fmt(EVENTS_PER_SECOND)} events/s`;
  if (est.maxEvents > exp.limits.maxEvents) {
    problems.push(
      `durationSeconds = ${exp.durationSeconds}, population.users = ${users}: estimated ${fmt(est.maxEvents)} events for defense ${JSON.stringify(est.maxDefense)} (${users} users × ${fmt(est.hours)} h × ${fmt(est.maxEvents / Math.max(1e-9, users * est.hours))} per user-hour; ${cpu}); expected at most limits.maxEvents (${exp.limits.maxEvents}): use fewer users, a shorter run, or raise the limit`,
    );
  }
  const maxMemory = num(exp.limits as unknown as Params, "maxMemoryBytes", DEFAULT_MAX_MEMORY_BYTES);
  if (est.memoryBytes > maxMemory) {
    problems.push(
      `population.users = ${users}, durationSeconds = ${exp.durationSeconds}: estimated peak memory ${bytes(est.memoryBytes)} per defense (${fmt(est.maxEvents)} events; ${cpu}); expected at most ${bytes(maxMemory)} (limits.maxMemoryBytes): use fewer users, wider bins or a shorter run`,
    );
  }
  const maxCpu = num(exp.limits as unknown as Params, "maxCpuSeconds", Infinity);
  if (est.cpuSeconds > maxCpu) {
    problems.push(`population.users = ${users}, durationSeconds = ${exp.durationSeconds}: estimated ${cpu}; expected at most limits.maxCpuSeconds (${maxCpu} s)`);
  }

  const learned = exp.observers.findIndex((o) => o.observer === "learned-classifier");
  if (learned >= 0) {
    const rate = exp.conversations.reduce((s, c) => {
      const p = c.params as Params;
      if (c.model === "messaging") return s + num(p, "conversationsPerHour", 0.5);
      if (c.model === "voice-call") return s + num(p, "callsPerHour", 0.05);
      if (c.model === "video-call") return s + num(p, "callsPerHour", 0.02);
      return s;
    }, 0);
    const expected = users * est.hours * rate;
    if (expected < 3) {
      problems.push(
        `observers[${learned}].observer = "learned-classifier": needs linked pairs to learn from, but the conversation models start about ${fmt(expected)} 1:1 conversations in the run (messaging, voice and video calls); add one of them, raise its rate, or run longer`,
      );
    }
  }
  return problems;
}
