/**
 * A privacy target such as `tpr@1e-3<=0.05`: a privacy figure of the strongest observer
 * (the one doing best against the defense), a comparison and a bound. Figures: `auc`,
 * `tpr@<fpr>` (the FPR written as in the experiment's `metrics.fprs`, e.g. 1e-3 or
 * 0.001), `top1`, `top5`. Only upper bounds make sense for privacy, so the comparisons
 * are `<=` and `<`.
 *
 * @example
 * parseTarget("tpr@1e-3<=0.05") // => { metric: "tpr@1e-3", op: "<=", bound: 0.05, text: "tpr@1e-3<=0.05" }
 * meetsTarget(parseTarget("auc<0.6"), 0.58) // => true
 */
import { fprKey } from "../../observers/metrics.ts";

export interface Target {
  metric: string;
  op: "<=" | "<";
  bound: number;
  text: string;
}

/** Parses a target; throws an Error whose message names the value and what was expected. */
export function parseTarget(text: string): Target {
  const m = /^\s*(auc|top1|top5|tpr@([0-9.eE+-]+))\s*(<=|<)\s*([0-9.eE+-]+)\s*$/.exec(text);
  const expected = "expected <figure><=<bound> with figure auc, tpr@<fpr>, top1 or top5, e.g. tpr@1e-3<=0.05";
  if (!m) throw new Error(`--target = ${JSON.stringify(text)}: ${expected}`);
  let metric = m[1];
  if (m[2] !== undefined) {
    const fpr = Number(m[2]);
    if (!(fpr > 0 && fpr < 1)) throw new Error(`--target = ${JSON.stringify(text)}: expected an FPR in (0, 1) after tpr@, got ${m[2]}`);
    metric = `tpr@${fprKey(fpr)}`;
  }
  const bound = Number(m[4]);
  if (!Number.isFinite(bound) || bound < 0 || bound > 1) throw new Error(`--target = ${JSON.stringify(text)}: expected a bound from 0 to 1, got ${m[4]}`);
  return { metric, op: m[3] as Target["op"], bound, text: `${metric}${m[3]}${bound}` };
}

export function meetsTarget(t: Target, value: number | null): boolean {
  if (value === null) return false;
  return t.op === "<=" ? value <= t.bound : value < t.bound;
}
