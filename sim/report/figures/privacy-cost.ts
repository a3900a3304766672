/**
 * Privacy and cost side by side, one flat row per (defense × observer): the table the
 * Pareto figure, the sweep notebook and a sweep's `summary.json` are built from.
 *
 * Privacy is what the observer achieves (lower is better for the defense): AUC and the
 * TPR at the largest FPR the run reports (normally 1e-2), each with its bootstrap
 * interval; a figure the data cannot support is null, never 0. Cost is what the defense
 * spends: bandwidth overhead (a fraction: 0.25 = 25 % more bytes on the wire), added
 * latency p50 and p99 in ms, radio energy in J per device-hour and wake-ups per hour.
 * Flat numbers (no nesting) so Plot and d3 read the rows as they are. Pure and
 * dependency-free (type imports only), so the notebooks import it too.
 *
 * The sweep notebook reads `{ kind: "chaff-sweep-summary", version: 1, name, rows }`,
 * built either from runs (`sweepSummary`: one row per run × defense × observer) or from
 * the `summary.json` that `chaff collect` writes in a sweep directory
 * (`rowsFromCollected`: one row per setting × defense × observer, each figure the mean
 * over seeds and its interval the range over seeds, `run` naming the setting and
 * `params` holding its swept values).
 *
 * @example
 * privacyCostRows(metrics, "default-s1")
 * // => [{ run: "default-s1", defense: "none", device: "none", server: "none",
 * //       observer: "volume-correlation", vantage: "isp", task: "link", auc: 0.97, aucLo: 0.96, aucHi: 0.98,
 * //       tprFpr: 0.01, tpr: 0.81, tprLo: 0.76, tprHi: 0.86, bandwidth: 0, …, joulesPerHour: 412.3, … }, …]
 */
import { observerKey, type ArmResult, type Interval, type ObserverResult, type RunMetrics } from "../../runs/metrics.ts";

export interface PrivacyCostRow {
  run: string;
  experiment: string;
  /** The run's seed; null for a sweep setting summarised over seeds. */
  seed: number | null;
  /** Swept parameter values of a sweep setting (path → value). */
  params?: Record<string, unknown>;
  defense: string;
  device: string;
  server: string;
  baseline: boolean;
  observer: string;
  vantage: string;
  task: string;
  /**
   * True for the row of the strongest observer of this task against this defense (the
   * run's one definition: highest oriented AUC); its figures are the maximum over the
   * task's observers inside each bootstrap replicate.
   */
  strongest: boolean;
  positives: number;
  negatives: number;
  auc: number | null;
  aucLo: number | null;
  aucHi: number | null;
  /** The FPR `tpr` is read at (the largest the run reports), or null if none. */
  tprFpr: number | null;
  tpr: number | null;
  tprLo: number | null;
  tprHi: number | null;
  bandwidth: number | null;
  bandwidthLo: number | null;
  bandwidthHi: number | null;
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
  latencyP99MsLo: number | null;
  latencyP99MsHi: number | null;
  joulesPerHour: number | null;
  joulesPerHourLo: number | null;
  joulesPerHourHi: number | null;
  wakeupsPerHour: number | null;
}

export interface SweepSummary {
  kind: "chaff-sweep-summary";
  version: 1;
  name: string;
  rows: PrivacyCostRow[];
}

/** A defense with no shaper on either side: the "before" of every comparison. */
export function isBaselineArm(arm: Pick<ArmResult, "device" | "server">): boolean {
  return arm.device.shaper === "none" && arm.server.shaper === "none";
}

/** One row per defense × observer of a run. */
export function privacyCostRows(m: RunMetrics, run = `${m.experiment}-s${m.seed}`): PrivacyCostRow[] {
  const rows: PrivacyCostRow[] = [];
  for (const arm of m.arms) {
    for (const o of arm.observers) rows.push(row(m, run, arm, o));
    for (const st of arm.strongest ?? []) {
      const base = arm.observers.find((o) => observerKey(o) === st.observer);
      if (!base) continue;
      rows.push({ ...row(m, run, arm, base), ...figures(st.auc, st.tprAt), strongest: true });
    }
  }
  return rows;
}

/**
 * The row of the strongest observer per defense on `task`, as the run defined it (the
 * rows marked `strongest`); for rows without that mark (older summaries), the highest
 * AUC, ties broken by TPR. Falls back to all tasks when no observer has that task.
 */
export function strongestRows(rows: readonly PrivacyCostRow[], task = "link"): PrivacyCostRow[] {
  const pool = rows.some((r) => r.task === task) ? rows.filter((r) => r.task === task) : rows;
  const marked = pool.filter((r) => r.strongest);
  const best = new Map<string, PrivacyCostRow>();
  for (const r of marked.length > 0 ? marked : pool) {
    const key = `${r.run}\u0000${r.defense}`;
    const b = best.get(key);
    if (!b || score(r) > score(b)) best.set(key, r);
  }
  return [...best.values()];
}

function score(r: PrivacyCostRow): number {
  return (r.auc ?? -1) * 2 + (r.tpr ?? -1) * 1e-3;
}

/** The privacy columns of a row from an AUC and TPR-at-FPR figures (the largest FPR reported). */
function figures(auc: Interval, tprAt: Record<string, Interval & { resolvable: boolean }>): Pick<PrivacyCostRow, "auc" | "aucLo" | "aucHi" | "tprFpr" | "tpr" | "tprLo" | "tprHi"> {
  const keys = Object.keys(tprAt).sort((a, b) => Number(b) - Number(a));
  const key = keys[0];
  const t = key === undefined ? null : tprAt[key];
  return {
    auc: auc.estimate,
    aucLo: auc.lo,
    aucHi: auc.hi,
    tprFpr: key === undefined ? null : Number(key),
    tpr: t && t.resolvable ? t.estimate : null,
    tprLo: t && t.resolvable ? t.lo : null,
    tprHi: t && t.resolvable ? t.hi : null,
  };
}

function row(m: RunMetrics, run: string, arm: ArmResult, o: ObserverResult): PrivacyCostRow {
  const c = arm.cost;
  return {
    run,
    experiment: m.experiment,
    seed: m.seed,
    defense: arm.defense,
    device: arm.device.shaper,
    server: arm.server.shaper,
    baseline: isBaselineArm(arm),
    observer: o.observer,
    vantage: o.vantage,
    task: o.task,
    strongest: false,
    positives: o.summary.positives,
    negatives: o.summary.negatives,
    ...figures(o.summary.auc, o.summary.tprAt),
    bandwidth: c.bandwidthOverhead.total.estimate,
    bandwidthLo: c.bandwidthOverhead.total.lo,
    bandwidthHi: c.bandwidthOverhead.total.hi,
    latencyP50Ms: c.addedLatencyMs.p50.estimate,
    latencyP99Ms: c.addedLatencyMs.p99.estimate,
    latencyP99MsLo: c.addedLatencyMs.p99.lo,
    latencyP99MsHi: c.addedLatencyMs.p99.hi,
    joulesPerHour: c.energy.joulesPerHour.estimate,
    joulesPerHourLo: c.energy.joulesPerHour.lo,
    joulesPerHourHi: c.energy.joulesPerHour.hi,
    wakeupsPerHour: c.energy.wakeupsPerHour.estimate,
  };
}

/** A sweep summary over several runs' metrics (what `chaff collect` may write as `summary.json`). */
export function sweepSummary(name: string, runs: readonly { run: string; metrics: RunMetrics }[]): SweepSummary {
  return { kind: "chaff-sweep-summary", version: 1, name, rows: runs.flatMap((r) => privacyCostRows(r.metrics, r.run)) };
}

/** The `summary.json` that `chaff collect` writes (see `sim/sweep/collect.ts`), as far as it is read here. */
export interface CollectedSummary {
  experiment: string;
  figures: {
    config: string;
    params: Record<string, unknown>;
    defense: string;
    /** `"<observer>@<vantage>"`, or null for a cost figure. */
    observer: string | null;
    metric: string;
    mean: number | null;
    min: number | null;
    max: number | null;
  }[];
}

/**
 * Rows from a collected sweep summary: per setting × defense × observer, each figure the
 * mean over seeds with the range over seeds as its interval. `shapers` names each
 * defense's shapers (from the sweep's experiment). The task of an observer is not in the
 * summary (""), except for the rows of each task's strongest observer (`strongest:<task>`
 * in the summary): those are marked `strongest`, with observer "strongest" and their task,
 * so `strongestRows` picks them as it does for a run.
 */
export function rowsFromCollected(summary: CollectedSummary, shapers: Record<string, { device: string; server: string }>): PrivacyCostRow[] {
  const groups = new Map<string, { config: string; params: Record<string, unknown>; defense: string; cost: Map<string, Stat>; observers: Map<string, Map<string, Stat>> }>();
  for (const f of summary.figures) {
    const key = `${f.config}\u0000${f.defense}`;
    let g = groups.get(key);
    if (!g) {
      g = { config: f.config, params: f.params, defense: f.defense, cost: new Map(), observers: new Map() };
      groups.set(key, g);
    }
    const stat = { mean: f.mean, min: f.min, max: f.max };
    if (f.observer === null) g.cost.set(f.metric, stat);
    else {
      if (!g.observers.has(f.observer)) g.observers.set(f.observer, new Map());
      g.observers.get(f.observer)!.set(f.metric, stat);
    }
  }
  const rows: PrivacyCostRow[] = [];
  for (const g of groups.values()) {
    const sh = shapers[g.defense] ?? { device: "?", server: "?" };
    const cost = (m: string) => g.cost.get(m) ?? NO_STAT;
    for (const [name, figs] of g.observers) {
      const at = name.lastIndexOf("@");
      const strongestTask = name.startsWith("strongest:") ? name.slice("strongest:".length) : null;
      const tprKey = [...figs.keys()].filter((k) => k.startsWith("tpr@")).sort((a, b) => Number(b.slice(4)) - Number(a.slice(4)))[0];
      const auc = figs.get("auc") ?? NO_STAT;
      const tpr = (tprKey && figs.get(tprKey)) || NO_STAT;
      rows.push({
        run: g.config,
        experiment: summary.experiment,
        seed: null,
        params: g.params,
        defense: g.defense,
        device: sh.device,
        server: sh.server,
        baseline: sh.device === "none" && sh.server === "none",
        // "strongest:<task>" rows are the run's strongest observer of that task (metric-rows.ts)
        observer: strongestTask !== null ? "strongest" : at < 0 ? name : name.slice(0, at),
        vantage: strongestTask !== null || at < 0 ? "" : name.slice(at + 1),
        task: strongestTask ?? "",
        strongest: strongestTask !== null,
        positives: 0,
        negatives: 0,
        auc: auc.mean,
        aucLo: auc.min,
        aucHi: auc.max,
        tprFpr: tprKey ? Number(tprKey.slice(4)) : null,
        tpr: tpr.mean,
        tprLo: tpr.min,
        tprHi: tpr.max,
        bandwidth: cost("bandwidth").mean,
        bandwidthLo: cost("bandwidth").min,
        bandwidthHi: cost("bandwidth").max,
        latencyP50Ms: cost("latency.p50").mean,
        latencyP99Ms: cost("latency.p99").mean,
        latencyP99MsLo: cost("latency.p99").min,
        latencyP99MsHi: cost("latency.p99").max,
        joulesPerHour: cost("energy").mean,
        joulesPerHourLo: cost("energy").min,
        joulesPerHourHi: cost("energy").max,
        wakeupsPerHour: cost("wakeups").mean,
      });
    }
  }
  return rows;
}

interface Stat {
  mean: number | null;
  min: number | null;
  max: number | null;
}

const NO_STAT: Stat = { mean: null, min: null, max: null };
