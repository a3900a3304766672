/**
 * What each vantage × observer learns under one policy, read off a run's metrics.json:
 * the exposure summary `chaff exposure` writes as `exposure.json`, prints as a table,
 * draws as a heat map and judges against a baseline.
 *
 * One cell per defense arm × observer use (a vantage instance: the vantage and, at
 * local, isp and vpn-exit, its scope): the task, the oriented AUC and the TPR at FPR 1e-2
 * and 1e-3 with their intervals (as the run scored them: oriented on the training run,
 * attacker-favouring), the anonymity-set size (anonymity-set.ts) and, in a shaped arm,
 * the paired difference of AUC and TPR@1e-3 against the unshaped arm (same people,
 * same replicates). Per arm, the policy's cost: bandwidth overhead, added latency p50 and
 * p99, radio energy per device-hour. Then plain-words verdicts per vantage instance and
 * task (verdicts.ts).
 *
 * Below chance, once for every output: the runner orients each observer on its training
 * run, yet an AUC can still fall below 0.5 on the test population; an attacker who
 * knows the defense reads such a signal flipped. The runner's paired difference compares
 * the unflipped figures, so a "lower" there may be a fall through chance to a reversed
 * signal; such a verdict becomes `reversed` (no credit). For a cell: the AUC difference
 * read flipped (sim/runs/flipped-difference.ts: the paired interval shifted by what
 * flipping adds to each arm's estimate) no longer lies below 0; a fall to chance keeps its
 * credit, a fall through it does not. For a task's strongest observer: some observer of
 * the task, read flipped, beats it in either arm (1 − AUC above the strongest's AUC), an
 * open choice taken in the attacker's favour (its estimate decides, not its interval).
 * The AUC's reading decides the TPR@1e-3 comparison too (same scores, same direction).
 * Only "lower" is ever changed: a "higher" stays an alarm. The table, the verdicts, the
 * cost sentence and the report read the verdict and derive nothing again.
 *
 * Scopes come from the metrics (`ObserverResult.scope`, and the paired differences'
 * observer names `<observer>@<vantage>:<scope>`) or, for runs written before the runner
 * recorded them, from the experiment's observer list, whose order the arms keep.
 *
 * Pure: the same metrics give the same summary, byte for byte once serialised.
 *
 * @example
 * const s = exposureSummary(metrics, { policy: "vpn", scopes: exp.observers.map((o) => o.scope) });
 * s.arms[0].cells.find((c) => c.vantage === "local" && c.task === "service")?.auc // => { estimate: 1, lo: 1, hi: 1, resolvable: true } (illustrative)
 */
import { observerKey, type ArmResult, type Figure, type PairedDifference, type PairedVerdict, type RunMetrics } from "../runs/metrics.ts";
import { fallSurvivesFlip } from "../runs/flipped-difference.ts";
import { anonymitySet } from "./anonymity-set.ts";
import type { ExposureArm, ExposureCell, ExposureSummary, ExposureVerdict } from "./summary-types.ts";
import { verdicts } from "./verdicts.ts";

export type { ExposureArm, ExposureCell, ExposureCost, ExposureSummary, ExposureVerdict } from "./summary-types.ts";

/** The FPRs the summary reports TPR at (keys as in metrics.json). */
export const EXPOSURE_FPRS = ["1e-2", "1e-3"] as const;

export const ANONYMITY_SET_DEFINITION =
  "1 + (1 − AUC)·M: the expected number of candidates, the true one included, scored at least as high as a true one (ties half), where M is the devices that do not run the service (service), the wrong candidates per target (link, group-link: candidates − 1) or the wrong flows per true partner flow (flow-link: negatives per positive); none for activity, whose cases are windows, not people.";

export interface SummaryOptions {
  /** The policy's name (default: the experiment name without `exposure-`). */
  policy?: string;
  /** Per observer use, in experiment order, its scope (used when the metrics do not record scopes). */
  scopes?: readonly (string | undefined)[];
}

const COMPARED = ["auc", "tpr@1e-3"];

function pickTpr(tprAt: Record<string, Figure>): Record<string, Figure> {
  const out: Record<string, Figure> = {};
  for (const k of EXPOSURE_FPRS) {
    const t = tprAt[k];
    out[k] = t ? { estimate: t.estimate, lo: t.lo, hi: t.hi, resolvable: t.resolvable } : { estimate: null, lo: null, hi: null, resolvable: false };
  }
  return out;
}

/**
 * Would an attacker who knows the defense do better reading some observer flipped than
 * reading `compared` (a task's strongest observer) as it is? `estimates` are the AUC
 * estimates of every observer of the task. False when `compared` is not resolvable.
 */
export function readsFlipped(compared: Figure | null | undefined, estimates: readonly (number | null)[]): boolean {
  if (!compared || !compared.resolvable || compared.estimate === null) return false;
  const s = compared.estimate;
  return estimates.some((e) => e !== null && 1 - e > s);
}

/** The exposure verdict of a paired difference (see the header): the runner's, or `reversed` for a "lower" that reading flipped takes away. */
export function exposureVerdict(runner: PairedVerdict, flipped: boolean): ExposureVerdict {
  return runner === "lower" && flipped ? "reversed" : runner;
}

/** Per task, does some observer read flipped beat the arm's strongest? */
function strongestFlipped(arm: ArmResult | null, task: string): boolean {
  if (!arm) return false;
  const st = (arm.strongest ?? []).find((x) => x.task === task);
  const estimates = arm.observers.filter((o) => o.task === task && o.summary.auc.resolvable).map((o) => o.summary.auc.estimate);
  return st !== undefined && readsFlipped(st.auc, estimates);
}

/** `vantage` or `vantage[scope]`. */
export function whereName(vantage: string, scope: string | null | undefined): string {
  return scope ? `${vantage}[${scope}]` : vantage;
}

/** The exposure summary of a run (see the header). */
export function exposureSummary(m: RunMetrics, opts: SummaryOptions = {}): ExposureSummary {
  const policy = opts.policy ?? m.experiment.replace(/^exposure-/, "");
  // does the runner record scopes (ObserverResult.scope, and names with :<scope>)?
  const recorded = m.arms.some((a) => a.observers.some((o) => o.scope !== undefined));
  const unshaped = m.arms.find((a) => a.device.shaper === "none" && a.server.shaper === "none") ?? null;
  const arms: ExposureArm[] = m.arms.map((arm) => {
    const shaped = unshaped !== null && arm !== unshaped;
    // the paired differences are keyed by observer name, repeated once per scope: the k-th
    // observer of a name takes the k-th entry of that name and metric (the runner's order)
    const seen = new Map<string, number>();
    const cells: ExposureCell[] = arm.observers.map((o, i) => {
      const scope = o.scope ?? opts.scopes?.[i] ?? null;
      const name = `${o.observer}@${o.vantage}`;
      const k = seen.get(name) ?? 0;
      seen.set(name, k + 1);
      let versusUnshaped: ExposureCell["versusUnshaped"] = null;
      if (shaped && arm.versusUndefended) {
        versusUnshaped = {};
        const key = observerKey(o);
        const find = (metric: string) => {
          const same = (d: PairedDifference) => d.metric === metric && d.task === o.task;
          // by the observer's full name (with its scope, as the runner records it); for
          // runs written before scopes had names, by order among the same observer@vantage
          return recorded ? arm.versusUndefended!.find((d) => same(d) && d.observer === key) : arm.versusUndefended!.filter((d) => same(d) && d.observer.split("#")[0] === name)[k];
        };
        // the AUC's fall, read flipped, decides for both compared metrics; each arm's
        // estimate from the difference, or from the observer's own summary (the same
        // observer use in the unshaped arm: the runner keeps the experiment's order)
        const auc = find("auc");
        const u = unshaped.observers[i];
        const twin = u && u.observer === o.observer && u.vantage === o.vantage && u.task === o.task && u.scope === o.scope ? u : undefined;
        const flipped =
          auc !== undefined &&
          !fallSurvivesFlip({ defended: auc.defended ?? o.summary.auc.estimate, undefended: auc.undefended ?? twin?.summary.auc.estimate ?? null, difference: auc.difference });
        for (const metric of COMPARED) {
          const hit = find(metric);
          if (hit) versusUnshaped[metric] = { difference: hit.difference, verdict: exposureVerdict(hit.verdict, flipped) };
        }
      }
      const s = o.summary;
      return {
        where: whereName(o.vantage, scope),
        vantage: o.vantage,
        scope,
        observer: o.observer,
        task: o.task,
        positives: s.positives,
        negatives: s.negatives,
        auc: s.auc,
        tprAt: pickTpr(s.tprAt),
        anonymitySet: s.auc.resolvable ? anonymitySet(o.task, s.auc, s) : null,
        versusUnshaped,
      };
    });
    const c = arm.cost;
    return {
      defense: arm.defense,
      device: arm.device.shaper,
      server: arm.server.shaper,
      cost: { bandwidthOverhead: c.bandwidthOverhead.total, latencyP50Ms: c.addedLatencyMs.p50, latencyP99Ms: c.addedLatencyMs.p99, joulesPerHour: c.energy.joulesPerHour },
      cells,
      strongest: (arm.strongest ?? []).map((st) => ({ task: st.task, observer: st.observer, auc: st.auc, tprAt: pickTpr(st.tprAt), replicates: Object.fromEntries(Object.entries(st.replicates ?? {}).filter(([k]) => COMPARED.includes(k))) })),
      strongestVersusUnshaped:
        shaped && arm.versusUndefended
          ? arm.versusUndefended
              .filter((d) => d.observer.startsWith("strongest:") && COMPARED.includes(d.metric))
              .map((d) => ({ ...d, verdict: exposureVerdict(d.verdict, strongestFlipped(arm, d.task) || strongestFlipped(unshaped, d.task)) }))
          : null,
    };
  });
  const out: ExposureSummary = {
    kind: "chaff-exposure",
    version: 1,
    policy,
    purpose: m.purpose,
    experiment: m.experiment,
    seed: m.seed,
    users: m.users,
    durationSeconds: m.durationSeconds,
    anonymitySetDefinition: ANONYMITY_SET_DEFINITION,
    arms,
    verdicts: [],
  };
  out.verdicts = verdicts(out);
  return out;
}
