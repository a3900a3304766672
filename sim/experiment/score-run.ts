/**
 * Scores a whole run at once, after every arm has finished: each observer's oriented
 * figures, the strongest observer of each task, and each defense against the
 * undefended arm — all from one shared set of bootstrap replicates.
 *
 * Rules (the choices that favour the attacker are marked as such):
 * - **Resampling unit.** Replicate r is one draw of N users with replacement from the
 *   stream `metrics/users` of the experiment seed (`drawUserWeights`); a pair case
 *   weighs w_u·w_v, a per-user case w_u, so both ends of a pair move together (McCullagh
 *   2000; Owen 2007). Cases that carry a time (a user's window) are also weighted by a
 *   draw of one-minute blocks of time (`drawTimeWeights`, stream `metrics/time`), since one
 *   event makes several users active in the same window (Owen's pigeonhole bootstrap). Every arm shares the population, so replicate r is the same draw
 *   of people in every arm and for every observer. With a `policy` (the metadata world)
 *   the draw is over every device instead — the users, then the topology's bystanders
 *   (`metadataDevices`) — so a `service` case of a bystander, or a `flow-link` pair of
 *   two devices' flows, moves with its device like a user's case does; without one the
 *   draw is exactly the users' as before.
 * - **Orientation** comes from the training run (`training.ts`), never from the test
 *   population: an observer whose training AUC was below 0.5 is read flipped (attacker
 *   favouring: an adversary who knows the defense flips its decision).
 * - **Operating points** are tie-aware (the expected value under random tie-breaking).
 * - **Intervals** are percentile intervals of the replicates (`replicateInterval`).
 * - **The strongest observer** of a task is the one with the highest oriented AUC (ties:
 *   the higher TPR at the FPR closest to 1e-3). Its figures are the maximum over the
 *   task's observers taken inside each replicate (attacker favouring, and the interval
 *   pays for picking the best of several).
 * - **Paired comparisons.** A defense's figure minus the undefended arm's, replicate by
 *   replicate; `lower` or `higher` only when the interval of the difference excludes 0.
 * - **Resolvability.** A figure is reported only when `scoreResolvability` says the
 *   data can support it (enough positives from enough users; about 10/FPR negatives
 *   from enough users for TPR at that FPR); otherwise it is null with the reason.
 *
 * @example
 * const scored = scoreRun(exp, arms); // arms from runDefense, in experiment order
 * scored.arms[2].strongest[0] // => { task: "link", observer: "volume-correlation@isp", auc: {...}, ... }
 */
import { bayesianDetectionRate, fprKey, rocCurve } from "../../observers/metrics.ts";
import { replicateInterval } from "../../observers/metrics/replicate-interval.ts";
import { replicateScoreMetrics, type ReplicateScoreMetrics } from "../../observers/metrics/replicate-score-metrics.ts";
import { scoreResolvability, type ScoreResolvability } from "../../observers/metrics/score-resolvability.ts";
import { drawTimeWeights } from "../../observers/metrics/time-weights.ts";
import { drawUserWeights } from "../../observers/metrics/user-weights.ts";
import type { TaskName, TaskScores } from "../../observers/observer.ts";
import { stream } from "../core/rng.ts";
import { SECOND } from "../core/time.ts";
import {
  observerKey,
  type ArmResult,
  type Figure,
  type HorizonCurve,
  type HorizonDifference,
  type HorizonPoint,
  type Interval,
  type ObserverResult,
  type ObserverSummary,
  type OverTime,
  type PairedDifference,
  type PairedVerdict,
  type ReachLine,
  type Strongest,
} from "../runs/metrics.ts";
import type { IdentificationScores } from "../../observers/observer.ts";
import { MIN_USERS } from "../../observers/metrics/score-resolvability.ts";
import type { UserWeights } from "../../observers/metrics/user-weights.ts";
import type { TimeWeights } from "../../observers/metrics/time-weights.ts";
import { encodeUnitReplicates } from "../runs/replicates.ts";
import type { ArmExtras, ArmRun, ObserverScores } from "./run-arm.ts";
import { getObserver } from "./registries.ts";
import type { Experiment } from "./schema.ts";
import { metadataDevices } from "./devices.ts";

const KS = [1, 5] as const;

/** The reference FPR for ties in the strongest-observer rule: 1e-3, or the closest the experiment computes. */
function tieFprIndex(fprs: readonly number[]): number {
  let best = 0;
  fprs.forEach((f, i) => {
    if (Math.abs(Math.log10(f) + 3) < Math.abs(Math.log10(fprs[best]) + 3)) best = i;
  });
  return best;
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

function figure(values: ArrayLike<number>, estimate: number, resolvable: boolean, level: number): Figure {
  if (!resolvable || !Number.isFinite(estimate)) return { estimate: null, lo: null, hi: null, resolvable: false };
  const i = replicateInterval(values, estimate, { level });
  return { estimate, lo: i.lo, hi: i.hi, resolvable: true };
}

/** The undefended arm: no shaper on either side. */
export function undefendedArm(exp: Experiment): number {
  return exp.defenses.findIndex((d) => d.device.shaper === "none" && d.server.shaper === "none");
}

interface Scored {
  rep: ReplicateScoreMetrics;
  res: ScoreResolvability;
}

function orientedScores(s: TaskScores, orientation: 1 | -1): { pos: Float64Array; neg: Float64Array } {
  const pos = Float64Array.from(s.positives);
  const neg = Float64Array.from(s.negatives);
  if (orientation === -1) {
    for (let i = 0; i < pos.length; i++) pos[i] = -pos[i];
    for (let i = 0; i < neg.length; i++) neg[i] = -neg[i];
  }
  return { pos, neg };
}

function summary(sc: Scored, scores: TaskScores, fprs: readonly number[], resamples: number, level: number): ObserverSummary {
  const { rep, res } = sc;
  const candidates = scores.candidates ?? null;
  const n = res.positives;
  const m = res.negatives;
  const baseRate = candidates !== null ? 1 / candidates : n + m > 0 ? n / (n + m) : null;
  const tprAt: ObserverSummary["tprAt"] = {};
  const bdrAt: Record<string, Figure> = {};
  fprs.forEach((f, k) => {
    const key = fprKey(f);
    const fig = figure(rep.tprAt[k], rep.estimate.tprAt[k], res.tprAt[k], level);
    tprAt[key] = { ...fig, negatives: m, negativesNeeded: Math.ceil((10 / f) * (1 - 1e-12)) };
    const b = (x: number | null) => (x === null || baseRate === null ? null : finite(bayesianDetectionRate(x, f, baseRate)));
    bdrAt[key] = fig.resolvable && baseRate !== null ? { estimate: b(fig.estimate), lo: b(fig.lo), hi: b(fig.hi), resolvable: true } : { estimate: null, lo: null, hi: null, resolvable: false };
  });
  const top = (k: number) => (res.topK && rep.topK.length > k ? figure(rep.topK[k], rep.estimate.topK[k], true, level) : null);
  return {
    positives: n,
    negatives: m,
    positiveUsers: res.positiveUsers,
    negativeUsers: res.negativeUsers,
    resamples,
    level,
    auc: figure(rep.auc, rep.estimate.auc, res.auc, level),
    tprAt,
    bdr: { baseRate, at: bdrAt },
    candidates,
    top1: top(0),
    top5: top(1),
    notResolvable: res.reasons,
  };
}

/** Per replicate, the maximum over `members` of one metric; the estimate is the maximum of the estimates. */
function maxOver<S>(members: S[], pick: (s: S) => { values: Float64Array; estimate: number; ok: boolean }, R: number): { values: Float64Array; estimate: number; ok: boolean } {
  const values = new Float64Array(R).fill(-Infinity);
  let estimate = -Infinity;
  let any = false;
  for (const s of members) {
    const p = pick(s);
    if (!p.ok || !Number.isFinite(p.estimate)) continue;
    any = true;
    if (p.estimate > estimate) estimate = p.estimate;
    for (let r = 0; r < R; r++) {
      const v = p.values[r];
      // a replicate where one observer is undefined is undefined for the maximum
      values[r] = Number.isNaN(v) || Number.isNaN(values[r]) ? NaN : v > values[r] ? v : values[r];
    }
  }
  return { values, estimate, ok: any };
}

function paired(a: { values: Float64Array; estimate: number; ok: boolean }, b: { values: Float64Array; estimate: number; ok: boolean }, level: number): { difference: Interval; verdict: PairedVerdict } {
  if (!a.ok || !b.ok) return { difference: { estimate: null, lo: null, hi: null }, verdict: "not resolvable" };
  const d = new Float64Array(a.values.length);
  for (let r = 0; r < d.length; r++) d[r] = a.values[r] - b.values[r];
  const i = replicateInterval(d, a.estimate - b.estimate, { level });
  if (i.lo === null || i.hi === null) return { difference: { estimate: i.estimate, lo: null, hi: null }, verdict: "not resolvable" };
  const verdict: PairedVerdict = i.hi < 0 ? "lower" : i.lo > 0 ? "higher" : "no detectable change";
  return { difference: { estimate: i.estimate, lo: i.lo, hi: i.hi }, verdict };
}

/** The metrics a comparison covers: AUC, TPR at each FPR, top-1 and top-5, each as replicate values. */
function metricPicks(fprs: readonly number[]): { name: string; pick: (s: Scored) => { values: Float64Array; estimate: number; ok: boolean } }[] {
  return [
    { name: "auc", pick: (s) => ({ values: s.rep.auc, estimate: s.rep.estimate.auc, ok: s.res.auc }) },
    ...fprs.map((f, k) => ({ name: `tpr@${fprKey(f)}`, pick: (s: Scored) => ({ values: s.rep.tprAt[k], estimate: s.rep.estimate.tprAt[k], ok: s.res.tprAt[k] }) })),
    ...KS.map((kk, j) => ({ name: `top${kk}`, pick: (s: Scored) => ({ values: s.rep.topK[j] ?? new Float64Array(0), estimate: s.rep.estimate.topK[j] ?? NaN, ok: s.res.topK && s.rep.topK.length > j }) })),
  ];
}

export interface ScoredRun {
  arms: ArmResult[];
  roc: ArmExtras["roc"][];
}

/** Scores every arm of a run (`arms` in experiment order) on shared user-bootstrap replicates. */
export async function scoreRun(exp: Experiment, arms: ArmRun[]): Promise<ScoredRun> {
  const { resamples: R, level, fprs } = exp.metrics;
  const W = drawUserWeights(metadataDevices(exp), R, stream(exp.seed, "metrics/users"));
  // cases that carry a time (a user's window) also resample one-minute blocks of time: one event makes several users active at once
  const T = drawTimeWeights(0, exp.durationSeconds * SECOND, 60 * SECOND, R, stream(exp.seed, "metrics/time"));
  const defs = await Promise.all(exp.observers.map((o) => getObserver(o.observer)));
  const vantageOf = (i: number) => (exp.observers[i].vantage ?? defs[i].vantage) as string;
  const nameOf = (o: { index: number; scores: TaskScores }) =>
    observerKey({ observer: exp.observers[o.index].observer, vantage: vantageOf(o.index), scope: exp.observers[o.index].scope, task: o.scores.task });
  const tieK = tieFprIndex(fprs);
  const picks = metricPicks(fprs);

  const scored: Scored[][] = arms.map((a) =>
    a.scores.map((o) => ({ rep: replicateScoreMetrics(o.scores, o.orientation, W, { fprs, ks: KS, time: T }), res: scoreResolvability(o.scores, fprs) })),
  );

  /** Per arm and task: the strongest observer's index and its max-over-observers replicate values per metric. */
  const strongestOf = (a: number, task: TaskName) => {
    const members = arms[a].scores.map((o, j) => ({ o, j })).filter(({ o }) => o.scores.task === task);
    let best = -1;
    for (const { j } of members) {
      const s = scored[a][j];
      if (!s.res.auc) continue;
      if (best < 0) {
        best = j;
        continue;
      }
      const b = scored[a][best];
      const da = s.rep.estimate.auc - b.rep.estimate.auc;
      const tie = (s.res.tprAt[tieK] ? s.rep.estimate.tprAt[tieK] : -1) - (b.res.tprAt[tieK] ? b.rep.estimate.tprAt[tieK] : -1);
      if (da > 0 || (da === 0 && tie > 0)) best = j;
    }
    const group = members.map(({ j }) => scored[a][j]);
    return { best, count: members.length, metrics: picks.map((p) => ({ name: p.name, ...maxOver(group, p.pick, R) })) };
  };

  // an observer's task is what it scored (a pair observer may be asked the group-link question)
  const tasks = [...new Set(arms.flatMap((a) => a.scores.map((o) => o.scores.task)))];
  const base = undefendedArm(exp);
  const strongestByArm = arms.map((_, a) => tasks.map((task) => ({ task, ...strongestOf(a, task) })));

  const overTimes = scoreOverTime(exp, arms, nameOf, W, T, base);

  const results: ArmResult[] = arms.map((a, ai) => {
    const observers: ObserverResult[] = a.scores.map((o, j) => {
      const def = defs[o.index];
      return {
        observer: def.name,
        vantage: (exp.observers[o.index].vantage ?? def.vantage) as ObserverResult["vantage"],
        ...(exp.observers[o.index].scope !== undefined ? { scope: exp.observers[o.index].scope } : {}),
        task: o.scores.task,
        sees: def.sees,
        cannotSee: def.cannotSee,
        orientation: o.orientation,
        trainingAuc: o.trainingAuc === null ? null : finite(o.trainingAuc),
        summary: summary(scored[ai][j], o.scores, fprs, R, level),
      };
    });
    const strongest: Strongest[] = strongestByArm[ai]
      .filter((s) => s.best >= 0)
      .map((s) => {
        const fig = (name: string): Figure => {
          const m = s.metrics.find((x) => x.name === name)!;
          return figure(m.values, m.estimate, m.ok, level);
        };
        const tprAt: Record<string, Figure> = {};
        for (const f of fprs) tprAt[fprKey(f)] = fig(`tpr@${fprKey(f)}`);
        const top1 = fig("top1");
        const top5 = fig("top5");
        const replicates: Record<string, string> = {};
        for (const m of s.metrics) if (m.ok) replicates[m.name] = encodeUnitReplicates(m.values);
        return { task: s.task, observer: nameOf(a.scores[s.best]), observers: s.count, auc: fig("auc"), tprAt, top1: top1.resolvable ? top1 : null, top5: top5.resolvable ? top5 : null, replicates };
      });
    let versusUndefended: PairedDifference[] | null = null;
    if (base >= 0 && ai !== base) {
      versusUndefended = [];
      for (const [j, o] of a.scores.entries()) {
        const k = arms[base].scores.findIndex((x) => x.index === o.index);
        if (k < 0) continue;
        for (const p of picks) {
          const d = p.pick(scored[ai][j]);
          const u = p.pick(scored[base][k]);
          if (p.name.startsWith("top") && !d.ok && !u.ok) continue;
          versusUndefended.push({ observer: nameOf(o), task: o.scores.task, metric: p.name, defended: d.ok ? finite(d.estimate) : null, undefended: u.ok ? finite(u.estimate) : null, ...paired(d, u, level) });
        }
      }
      for (const [t, task] of tasks.entries()) {
        const d = strongestByArm[ai][t];
        const u = strongestByArm[base][t];
        d.metrics.forEach((dm, mi) => {
          const um = u.metrics[mi];
          if (dm.name.startsWith("top") && !dm.ok && !um.ok) return;
          versusUndefended!.push({ observer: `strongest:${task}`, task, metric: dm.name, defended: dm.ok ? finite(dm.estimate) : null, undefended: um.ok ? finite(um.estimate) : null, ...paired(dm, um, level) });
        });
      }
    }
    const overTime = overTimes[ai];
    return overTime ? { ...a.arm, observers, strongest, versusUndefended, overTime } : { ...a.arm, observers, strongest, versusUndefended };
  });

  const roc = arms.map((a) =>
    a.scores.flatMap((o) => {
      if (o.scores.positives.length === 0 || o.scores.negatives.length === 0) return [];
      const { pos, neg } = orientedScores(o.scores, o.orientation);
      const c = rocCurve(pos, neg);
      return [{ observer: defs[o.index].name, fpr: c.fpr, tpr: c.tpr }];
    }),
  );
  return { arms: results, roc };
}

/** One metric's replicate values at one horizon, with its estimate and whether the data support it. */
interface Pick {
  values: Float64Array;
  estimate: number;
  ok: boolean;
}

/** The levels "days bought" is stated at: the first horizon from which the strongest long-term observer's estimate stays at or above each to the end of the run. */
export const REACH_LEVELS: readonly { metric: string; level: number }[] = [
  { metric: "identification", level: 0.5 },
  { metric: "tpr@1e-3", level: 0.1 },
];

/**
 * Per user-bootstrap replicate, the partner-identification rate: Σ w_a·hit_a / Σ w_a over
 * the targets a (a target weighs its user's count in the replicate); NaN in a replicate
 * that drew no target. Resolvable with targets from at least MIN_USERS users.
 */
export function replicateIdentification(id: IdentificationScores, W: UserWeights): Pick {
  const R = W.replicates;
  const n = id.targets.length;
  const values = new Float64Array(R);
  for (let r = 0; r < R; r++) {
    const w = W.weights(r);
    let sw = 0;
    let sh = 0;
    for (let i = 0; i < n; i++) {
      const x = w[id.targets[i]];
      sw += x;
      sh += x * id.hits[i];
    }
    values[r] = sw > 0 ? sh / sw : NaN;
  }
  let sum = 0;
  for (let i = 0; i < n; i++) sum += id.hits[i];
  return { values, estimate: n > 0 ? sum / n : NaN, ok: n >= MIN_USERS };
}

const HORIZON_KS: number[] = [];

/**
 * The long-term observers against observation time, arm by arm (null for an arm without
 * any): each observer's curve (identification, AUC, TPR at each FPR per horizon), the
 * strongest's (per horizon and replicate the maximum over the long-term observers:
 * attacker favouring, as for `strongest`), its paired difference against the undefended
 * arm at each horizon, and the reach lines ("days bought": the first horizon from which
 * the estimate stays at or above the level to the end of the run). Same replicates W (and T)
 * as every other figure of the run; the link task's cases carry no time, so only users
 * are resampled.
 */
function scoreOverTime(
  exp: Experiment,
  arms: ArmRun[],
  nameOf: (o: ObserverScores) => string,
  W: UserWeights,
  T: TimeWeights,
  base: number,
): (OverTime | null)[] {
  const { level, fprs } = exp.metrics;
  const R = W.replicates;
  const metricNames = ["identification", "auc", ...fprs.map((f) => `tpr@${fprKey(f)}`)];
  interface ScoredHorizon {
    picks: Pick[];
    point: HorizonPoint;
  }
  const perArm = arms.map((a) =>
    a.scores
      .filter((o) => o.horizons && o.horizons.length > 0)
      .map((o) => {
        const horizons = o.horizons!;
        const scored: ScoredHorizon[] = horizons.map((h) => {
          const rep = replicateScoreMetrics(h.scores, o.orientation, W, { fprs, ks: HORIZON_KS, time: T });
          const res = scoreResolvability(h.scores, fprs);
          const id: Pick = h.identification ? replicateIdentification(h.identification, W) : { values: new Float64Array(R).fill(NaN), estimate: NaN, ok: false };
          const picks: Pick[] = [id, { values: rep.auc, estimate: rep.estimate.auc, ok: res.auc }, ...fprs.map((_, k) => ({ values: rep.tprAt[k], estimate: rep.estimate.tprAt[k], ok: res.tprAt[k] }))];
          const notResolvable = [...res.reasons];
          const targets = h.identification?.targets.length ?? 0;
          if (!id.ok) notResolvable.push(h.identification ? `identification: ${targets} targets; at least ${MIN_USERS} are needed` : "identification: the observer does not name partners");
          const tprAt: Record<string, Figure> = {};
          fprs.forEach((f, k) => (tprAt[fprKey(f)] = figure(picks[2 + k].values, picks[2 + k].estimate, picks[2 + k].ok, level)));
          const point: HorizonPoint = {
            seconds: h.seconds,
            rounds: h.rounds,
            positives: h.scores.positives.length,
            negatives: h.scores.negatives.length,
            targets,
            identification: figure(id.values, id.estimate, id.ok, level),
            auc: figure(rep.auc, rep.estimate.auc, res.auc, level),
            tprAt,
            notResolvable,
          };
          return { picks, point };
        });
        const widths = new Set(horizons.map((h) => h.roundSeconds));
        return { o, scored, roundSeconds: widths.size === 1 ? horizons[0].roundSeconds : null };
      }),
  );
  const horizonsSeconds = perArm.flatMap((list) => list.map((x) => x.o.horizons!.map((h) => h.seconds)))[0] ?? null;
  if (horizonsSeconds === null) return arms.map(() => null);

  /** Per arm: per horizon, per metric, the maximum over the arm's long-term observers inside each replicate. */
  const strongestPicks = perArm.map((list) =>
    horizonsSeconds.map((_, k) =>
      metricNames.map((_, mi) =>
        maxOver(
          list.map((x) => x.scored[k]),
          (s) => s.picks[mi],
          R,
        ),
      ),
    ),
  );
  const reachLevels = REACH_LEVELS.filter((l) => metricNames.includes(l.metric));

  // The first horizon from which the estimate is at or above the level at every later horizon too (a
  // point estimate that touches the level and falls back is noise of the targets present by then, not
  // an attack that has succeeded); -1 when the last horizon is below it.
  const firstReach = (ai: number, mi: number, lv: number): number => {
    const pts = strongestPicks[ai];
    let k = -1;
    for (let j = pts.length - 1; j >= 0; j--) {
      const p = pts[j][mi];
      if (p.ok && Number.isFinite(p.estimate) && p.estimate >= lv) k = j;
      else break;
    }
    return k;
  };

  return perArm.map((list, ai) => {
    if (list.length === 0) return null;
    const widths = new Set(list.map((x) => x.roundSeconds));
    const roundSeconds = widths.size === 1 ? list[0].roundSeconds : null;
    const observers: HorizonCurve[] = list.map((x) => ({ observer: nameOf(x.o), roundSeconds: x.roundSeconds, points: x.scored.map((s) => s.point) }));
    const strongest: HorizonCurve = {
      observer: "strongest:long-term",
      roundSeconds,
      points: horizonsSeconds.map((seconds, k) => {
        const p = strongestPicks[ai][k];
        const tprAt: Record<string, Figure> = {};
        fprs.forEach((f, j) => (tprAt[fprKey(f)] = figure(p[2 + j].values, p[2 + j].estimate, p[2 + j].ok, level)));
        const first = list[0].scored[k].point;
        const notResolvable = metricNames.filter((_, mi) => !p[mi].ok).map((m) => `${m}: not resolvable for any long-term observer at this horizon`);
        return {
          seconds,
          rounds: roundSeconds !== null ? first.rounds : null,
          positives: first.positives,
          negatives: first.negatives,
          targets: first.targets,
          identification: figure(p[0].values, p[0].estimate, p[0].ok, level),
          auc: figure(p[1].values, p[1].estimate, p[1].ok, level),
          tprAt,
          notResolvable,
        };
      }),
    };
    let versusUndefended: HorizonDifference[] | null = null;
    const hasBase = base >= 0 && strongestPicks[base] !== undefined && perArm[base].length > 0;
    if (hasBase && ai !== base) {
      versusUndefended = [];
      horizonsSeconds.forEach((seconds, k) => {
        metricNames.forEach((metric, mi) => {
          const d = strongestPicks[ai][k][mi];
          const u = strongestPicks[base][k][mi];
          versusUndefended!.push({ seconds, metric, defended: d.ok ? finite(d.estimate) : null, undefended: u.ok ? finite(u.estimate) : null, ...paired(d, u, level) });
        });
      });
    }
    const reach: ReachLine[] = reachLevels.map(({ metric, level: lv }) => {
      const mi = metricNames.indexOf(metric);
      const k = firstReach(ai, mi, lv);
      const ku = hasBase ? firstReach(base, mi, lv) : -1;
      const seconds = k >= 0 ? horizonsSeconds[k] : null;
      const undefendedSeconds = hasBase && ku >= 0 ? horizonsSeconds[ku] : null;
      const roundsAt = (kk: number) => (kk >= 0 && roundSeconds !== null ? strongest.points[kk].rounds : null);
      const rounds = roundsAt(k);
      const undefendedRounds = hasBase ? roundsAt(ku) : null;
      const addedSeconds = seconds !== null && undefendedSeconds !== null ? seconds - undefendedSeconds : null;
      const addedRounds = rounds !== null && undefendedRounds !== null ? rounds - undefendedRounds : null;
      const resolvable = strongestPicks[ai].some((p) => p[mi].ok);
      const statement = resolvable
        ? reachStatement(arms[ai].arm.defense, metric, lv, seconds, rounds, hasBase && ai !== base ? { seconds: undefendedSeconds, addedSeconds, addedRounds } : null, horizonsSeconds[horizonsSeconds.length - 1])
        : `${arms[ai].arm.defense}: ${metric} ≥ ${lv}: not resolvable at any horizon (too few cases), so no time can be stated`;
      return { metric, level: lv, seconds, rounds, undefendedSeconds, undefendedRounds, addedSeconds, addedRounds, statement };
    });
    return { horizonsSeconds, observers, strongest, versusUndefended, reach };
  });
}

/** A duration in words: seconds, minutes, hours or days. */
export function spanWords(seconds: number): string {
  const a = Math.abs(seconds);
  if (a >= 86_400) return `${+(seconds / 86_400).toFixed(2)} d`;
  if (a >= 3600) return `${+(seconds / 3600).toFixed(2)} h`;
  if (a >= 60) return `${+(seconds / 60).toFixed(1)} min`;
  return `${+seconds.toFixed(1)} s`;
}

function reachStatement(
  defense: string,
  metric: string,
  level: number,
  seconds: number | null,
  rounds: number | null,
  versus: { seconds: number | null; addedSeconds: number | null; addedRounds: number | null } | null,
  runSeconds: number,
): string {
  const what = `${metric} ≥ ${level} (and stays)`;
  const at = seconds !== null ? `by ${spanWords(seconds)}${rounds !== null ? ` (${rounds} rounds)` : ""}` : `not within the run (${spanWords(runSeconds)})`;
  if (versus === null) return `${defense}: the strongest long-term attack reaches ${what} ${at}`;
  if (versus.seconds === null) return `${defense}: ${what} ${at}; undefended does not reach it within the run either, so no days bought can be stated`;
  if (seconds === null) return `${defense}: ${what} ${at}; undefended by ${spanWords(versus.seconds)}: the defense buys more than ${spanWords(runSeconds - versus.seconds)}`;
  const added = versus.addedSeconds ?? 0;
  const rr = versus.addedRounds !== null ? ` (${versus.addedRounds >= 0 ? "+" : ""}${versus.addedRounds} rounds)` : "";
  if (added === 0) return `${defense}: ${what} ${at}, as undefended: the defense buys no observation time at this grid`;
  return `${defense}: ${what} ${at}; undefended by ${spanWords(versus.seconds)}: the defense ${added > 0 ? "buys" : "loses"} ${spanWords(Math.abs(added))}${rr}`;
}
