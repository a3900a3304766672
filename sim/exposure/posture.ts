/**
 * The policy posture check: does a run of a policy expose more than its committed
 * baseline? CI's question (`chaff exposure POLICY --baseline FILE`, `test/sim/exposure/posture.test.ts`).
 *
 * Both sides are exposure summaries (`exposure.json`, summary.ts). Every cell's oriented
 * AUC and TPR at 1e-2 and 1e-3 (defense × vantage instance × observer) and every
 * strongest observer's are judged "higher is worse" with sim/runs/compare.ts's `judge`:
 * - with a tolerance X: worse when the run's estimate exceeds the baseline's by more
 *   than X (absolute);
 * - without: worse when the run's whole interval lies above the baseline's (overlap);
 * - the strongest observer per task, when both runs are the same experiment, seed,
 *   population and duration and kept their replicates: on the paired difference, worse
 *   when its interval lies above 0 (as compare.ts does; unless a tolerance is given);
 * - a figure only one side resolves, by `judge`'s own rule: newly resolvable is worse
 *   (exposure the baseline could not show), no longer resolvable is `missing`.
 * A cell in the baseline that the run lacks is `missing` (the policy's observers
 * changed: regenerate the baseline deliberately). The check fails on `WORSE` or `missing`.
 *
 * @example
 * const p = judgePosture(baseline, summary, { tolerance: 0.02 });
 * p.regressions // => 0 when nothing rose beyond 0.02
 */
import { judgeFigure, pairedVerdict, type Verdict } from "../runs/compare.ts";
import type { MetricRow } from "../runs/metric-rows.ts";
import type { Figure } from "../runs/metrics.ts";
import type { ExposureSummary } from "./summary-types.ts";
import { withInterval } from "./verdicts.ts";
import { terminalText, textTable } from "../report/text.ts";

export interface PostureJudgement {
  defense: string;
  /** `vantage[scope] observer` or `strongest:<task>`. */
  who: string;
  metric: string;
  baseline: Figure | null;
  run: Figure | null;
  verdict: Verdict;
  rule: string;
}

export interface Posture {
  judgements: PostureJudgement[];
  regressions: number;
  notes: string[];
}

const METRICS = ["auc", "tpr@1e-2", "tpr@1e-3"] as const;

interface Entry {
  defense: string;
  who: string;
  metric: string;
  figure: Figure;
  replicates?: string;
}

function entries(s: ExposureSummary): Map<string, Entry> {
  const out = new Map<string, Entry>();
  const add = (e: Entry) => out.set(`${e.defense} / ${e.who} / ${e.metric}`, e);
  for (const a of s.arms) {
    for (const c of a.cells) {
      const who = `${c.where} ${c.observer}${c.task === "group-link" ? "#group-link" : ""}`;
      add({ defense: a.defense, who, metric: "auc", figure: c.auc });
      for (const k of ["1e-2", "1e-3"]) add({ defense: a.defense, who, metric: `tpr@${k}`, figure: c.tprAt[k] });
    }
    for (const st of a.strongest) {
      const who = `strongest:${st.task}`;
      add({ defense: a.defense, who, metric: "auc", figure: st.auc, replicates: st.replicates.auc });
      for (const k of ["1e-2", "1e-3"]) add({ defense: a.defense, who, metric: `tpr@${k}`, figure: st.tprAt[k], replicates: st.replicates[`tpr@${k}`] });
    }
  }
  return out;
}

function row(e: Entry): MetricRow {
  const f = e.figure;
  const ok = f && f.resolvable && f.estimate !== null;
  return { defense: e.defense, observer: e.who, metric: e.metric, estimate: ok ? f.estimate : null, lo: ok ? f.lo : null, hi: ok ? f.hi : null };
}

/** Judges `run` against `baseline` (see the header). */
export function judgePosture(baseline: ExposureSummary, run: ExposureSummary, opts: { tolerance?: number } = {}): Posture {
  const notes: string[] = [];
  for (const k of ["experiment", "seed", "users", "durationSeconds"] as const) {
    if (baseline[k] !== run[k]) notes.push(`the runs differ in ${k}: ${JSON.stringify(baseline[k])} (baseline) vs ${JSON.stringify(run[k])} (run); judged by ${opts.tolerance === undefined ? "interval overlap" : "tolerance"}, not paired`);
  }
  const sameDraws = notes.length === 0;
  const t = opts.tolerance === undefined ? { ci: true } : { abs: opts.tolerance };
  const rule = opts.tolerance === undefined ? "CI overlap" : `±${opts.tolerance}`;
  const b = entries(baseline);
  const r = entries(run);
  const judgements: PostureJudgement[] = [];
  for (const [key, x] of b) {
    const y = r.get(key);
    if (!y) {
      judgements.push({ defense: x.defense, who: x.who, metric: x.metric, baseline: x.figure, run: null, verdict: "missing", rule });
      continue;
    }
    const p = sameDraws && opts.tolerance === undefined ? pairedVerdict(x.replicates, y.replicates) : null;
    judgements.push({ defense: x.defense, who: x.who, metric: x.metric, baseline: x.figure, run: y.figure, ...(p ? { verdict: p, rule: "paired difference" } : judgeFigure(row(x), row(y), t)) });
  }
  for (const [key, y] of r) if (!b.has(key)) judgements.push({ defense: y.defense, who: y.who, metric: y.metric, baseline: null, run: y.figure, verdict: "new", rule });
  return { judgements, regressions: judgements.filter((j) => j.verdict === "WORSE" || j.verdict === "missing").length, notes };
}

/** The judgements that are not ok (header first): the table naming each vantage × observer that moved. */
export function postureRows(p: Posture, opts: { all?: boolean } = {}): string[][] {
  const rows = [["defense", "vantage / observer", "metric", "baseline", "run", "rule", "verdict"]];
  for (const j of p.judgements) {
    if (!opts.all && (j.verdict === "ok" || j.verdict === "not resolvable" || j.verdict === "new")) continue;
    const f = (x: Figure | null) => (x === null ? "–" : x.resolvable ? withInterval(x) : "not resolvable");
    rows.push([j.defense, j.who, j.metric, f(j.baseline), f(j.run), j.rule, j.verdict]);
  }
  return rows;
}

/**
 * What `chaff exposure POLICY --baseline FILE` prints after the run: a heading naming the
 * policy and the baseline, the judgement's notes, the table of what moved (or a line saying
 * nothing did) and the verdict line. The command exits 1 exactly when `p.regressions > 0`.
 *
 * @example
 * postureText(judgePosture(baseline, run), { policy: "vpn", baseline: "exposure-vpn.json" })
 * // => "\n## chaff exposure vpn against exposure-vpn.json\nNo vantage × observer exposes more than the baseline.\nNo regression.\n"
 */
export function postureText(p: Posture, opts: { policy: string; baseline: string; tolerance?: number }): string {
  const rows = postureRows(p);
  return [
    "",
    `## chaff exposure ${terminalText(opts.policy)} against ${terminalText(opts.baseline)}`,
    ...p.notes.map((n) => `note: ${terminalText(n)}`),
    rows.length > 1 ? textTable(rows, { rule: false }) : "No vantage × observer exposes more than the baseline.",
    p.regressions > 0 ? `${p.regressions} figure(s) rose beyond ${opts.tolerance === undefined ? "their intervals" : `+${opts.tolerance}`} (or went missing): the policy exposes more than its baseline.` : "No regression.",
    "",
  ].join("\n");
}

export { METRICS as POSTURE_METRICS };
