/**
 * A run's figures as flat rows: one `(defense, observer, metric) → estimate [lo, hi]`
 * per figure, the shape sweeps store, `collect` writes to Parquet, `compare` judges and
 * `tune` optimizes. Every metric here reads "higher is worse": for privacy a higher AUC,
 * TPR or top-k accuracy means the observer does better; for cost more bandwidth, latency
 * or energy means the defense costs more. Traffic counts are not figures of merit and
 * are left out.
 *
 * Names: observer figures are `auc`, `tpr@1e-2` (one per FPR key of the run), `top1`,
 * `top5`, with `observer` = `"<observer>@<vantage>"`, and the same figures of each task's
 * strongest observer with `observer` = `"strongest:<task>"`; the long-term attacks
 * against observation time (`ArmResult.overTime`) as `identification@<s>s`, `auc@<s>s`,
 * `tpr@1e-3@<s>s` with `observer` = `"strongest:long-term"`, one per horizon of <s>
 * seconds; cost figures have `observer` null:
 * `bandwidth` (total overhead, a fraction), `bandwidth.device`, `bandwidth.server`,
 * `latency.p50|p95|p99` (added ms), `e2e.p50|p95|p99` (end-to-end ms), `energy` (J per
 * device-hour), `wakeups` (radio wake-ups per device-hour). A figure the data cannot
 * support is null.
 *
 * @example
 * metricRows(metrics).find((r) => r.defense === "none" && r.metric === "auc")
 * // => { defense: "none", observer: "volume-correlation@isp", metric: "auc", estimate: 0.93, lo: 0.9, hi: 0.95 } (illustrative)
 */
import { observerKey, type ArmResult, type RunMetrics } from "./metrics.ts";

export interface MetricRow {
  defense: string;
  /** `"<observer>@<vantage>"` for privacy figures, null for cost figures. */
  observer: string | null;
  metric: string;
  estimate: number | null;
  lo: number | null;
  hi: number | null;
}

interface IntervalLike {
  estimate: number | null;
  lo: number | null;
  hi: number | null;
}

/** What a cost name passed to `--minimize` means. */
export const COST_METRICS = { bandwidth: "bandwidth", latency: "latency.p99", energy: "energy" } as const;
export type CostName = keyof typeof COST_METRICS;

function row(defense: string, observer: string | null, metric: string, i: IntervalLike | null | undefined): MetricRow {
  return { defense, observer, metric, estimate: i?.estimate ?? null, lo: i?.lo ?? null, hi: i?.hi ?? null };
}

/** The flat rows of one defense arm, in a fixed order (cost first, then observers as run). */
export function armRows(arm: ArmResult): MetricRow[] {
  const d = arm.defense;
  const c = arm.cost;
  const rows: MetricRow[] = [
    row(d, null, "bandwidth", c.bandwidthOverhead.total),
    row(d, null, "bandwidth.device", c.bandwidthOverhead.device),
    row(d, null, "bandwidth.server", c.bandwidthOverhead.server),
    row(d, null, "latency.p50", c.addedLatencyMs.p50),
    row(d, null, "latency.p95", c.addedLatencyMs.p95),
    row(d, null, "latency.p99", c.addedLatencyMs.p99),
    row(d, null, "e2e.p50", c.endToEndLatencyMs.p50),
    row(d, null, "e2e.p95", c.endToEndLatencyMs.p95),
    row(d, null, "e2e.p99", c.endToEndLatencyMs.p99),
    row(d, null, "energy", c.energy.joulesPerHour),
    row(d, null, "wakeups", c.energy.wakeupsPerHour),
  ];
  for (const o of arm.observers) {
    const who = observerKey(o);
    const s = o.summary;
    rows.push(row(d, who, "auc", s.auc));
    for (const key of Object.keys(s.tprAt)) {
      const t = s.tprAt[key];
      rows.push(row(d, who, `tpr@${key}`, t.resolvable ? t : null));
    }
    if (s.top1) rows.push(row(d, who, "top1", s.top1));
    if (s.top5) rows.push(row(d, who, "top5", s.top5));
  }
  for (const st of arm.strongest ?? []) {
    const who = `strongest:${st.task}`;
    rows.push(row(d, who, "auc", st.auc.resolvable ? st.auc : null));
    for (const key of Object.keys(st.tprAt)) rows.push(row(d, who, `tpr@${key}`, st.tprAt[key].resolvable ? st.tprAt[key] : null));
    if (st.top1) rows.push(row(d, who, "top1", st.top1));
    if (st.top5) rows.push(row(d, who, "top5", st.top5));
  }
  // The long-term attacks against observation time: the strongest's figures at each horizon.
  const ot = arm.overTime;
  if (ot) {
    for (const p of ot.strongest.points) {
      const at = `@${p.seconds}s`;
      rows.push(row(d, ot.strongest.observer, `identification${at}`, p.identification.resolvable ? p.identification : null));
      rows.push(row(d, ot.strongest.observer, `auc${at}`, p.auc.resolvable ? p.auc : null));
      for (const key of Object.keys(p.tprAt)) rows.push(row(d, ot.strongest.observer, `tpr@${key}${at}`, p.tprAt[key].resolvable ? p.tprAt[key] : null));
    }
  }
  return rows;
}

/** The flat rows of a run, arm by arm. */
export function metricRows(m: RunMetrics): MetricRow[] {
  return m.arms.flatMap(armRows);
}

/** A row's key for matching across runs: `defense / observer / metric`. */
export function rowKey(r: Pick<MetricRow, "defense" | "observer" | "metric">): string {
  return `${r.defense} / ${r.observer ?? "cost"} / ${r.metric}`;
}

/** Is this a privacy figure (an observer's), as opposed to a cost? */
export function isPrivacy(r: MetricRow): boolean {
  return r.observer !== null;
}

/**
 * The strongest observer's figure for `metric` in one arm, as the run defined it once
 * (`sim/experiment/score-run.ts`: the observer of `task` with the highest oriented AUC;
 * each figure the maximum over the task's observers inside every bootstrap replicate).
 * Null when the figure is not resolvable.
 */
export function strongestRow(rows: readonly MetricRow[], defense: string, metric: string, task = "link"): MetricRow | null {
  const r = rows.find((x) => x.defense === defense && x.observer === `strongest:${task}` && x.metric === metric);
  return r && r.estimate !== null ? r : null;
}

/** The cost row named `metric` of one arm, or null. */
export function costRow(rows: readonly MetricRow[], defense: string, metric: string): MetricRow | null {
  return rows.find((r) => r.defense === defense && r.observer === null && r.metric === metric) ?? null;
}
