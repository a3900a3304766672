/**
 * The exposure summary in plain words: one sentence per vantage instance and task, read
 * off the strongest observer of that task at that instance in the unshaped arm, and, when
 * the policy has a shaper, what the shaper changed (the paired difference against the
 * unshaped arm: a defense earns credit only when its interval excludes 0).
 *
 * How an oriented AUC interval reads:
 * - its lower bound above 0.5: the observer learns it — "near-certainly" with an estimate
 *   of 0.95 or more, "clearly" from 0.75, otherwise "weakly, better than chance";
 * - an interval holding 0.5: "cannot tell (at chance: …)";
 * - an upper bound below 0.5: the direction learned in training did not carry over to
 *   this run: also "cannot tell" (the observer has no usable reading here);
 * - not resolvable: too few cases to say (the figure's own reasons are in metrics.json).
 * Timing tasks (`link`, `group-link`, `activity`) say whether the correlation remains with
 * the shaper, or "remains until a shaper is added": only when the observer's paired AUC
 * difference is `lower` (credit only through a paired difference whose interval excludes
 * 0). Every credit reads the summary's verdicts (summary.ts): a comparison the attacker
 * would read flipped (below chance) carries `reversed` there, said here as no credit.
 *
 * @example
 * verdicts(summary)[0] // => "The local-network observer of cafe-hotspot identifies the messaging service near-certainly (service-identification: AUC 1.00 [1.00, 1.00])." (illustrative)
 */
import type { Figure } from "../runs/metrics.ts";
import type { ExposureArm, ExposureCell, ExposureSummary, ExposureVerdict } from "./summary-types.ts";
import { formatMs } from "../report/figures/units.ts";

const TIMING = new Set(["link", "group-link", "activity"]);

/** Who sits at a vantage instance, as the start of a sentence. */
export function who(vantage: string, scope: string | null): string {
  const all = " (every instance at once, colluding)";
  switch (vantage) {
    case "local":
      return scope ? `The local-network observer of ${scope}` : `The local-network observer${all}`;
    case "isp":
      return scope ? `The ISP ${scope}` : `The ISP${all}`;
    case "vpn-provider":
      return "The VPN provider";
    case "vpn-exit":
      return scope ? `The upstream of VPN exit ${scope}` : `The upstream of the VPN exits${all}`;
    case "server":
      return "The messaging server";
    case "global":
      return "The global observer";
    default:
      return `The ${vantage} observer${scope ? ` of ${scope}` : ""}`;
  }
}

const DOES: Record<string, [string, string]> = {
  service: ["identifies the messaging service", "cannot tell who uses the messaging service"],
  link: ["links who talks to whom", "cannot link who talks to whom"],
  "group-link": ["links group co-members", "cannot link group co-members"],
  "flow-link": ["ties one device's flows together", "cannot tie one device's flows together"],
  activity: ["tells when a user is active", "cannot tell when a user is active"],
};

function does(task: string): [string, string] {
  return DOES[task] ?? [`scores the ${task} task`, `cannot score the ${task} task`];
}

export function num(x: number | null): string {
  return x === null ? "–" : x.toFixed(2);
}

/** `0.93 [0.90, 0.96]`, or the estimate alone without an interval. */
export function withInterval(i: { estimate: number | null; lo: number | null; hi: number | null }): string {
  if (i.estimate === null) return "not resolvable";
  return i.lo === null || i.hi === null ? num(i.estimate) : `${num(i.estimate)} [${num(i.lo)}, ${num(i.hi)}]`;
}

/** What a paired verdict says, in words: `reversed` says why it earns no credit. */
export function verdictWords(v: ExposureVerdict): string {
  return v === "reversed" ? "reversed: a fall through chance, which the attacker reads flipped; no credit" : v;
}

export type Reading = "near-certain" | "clear" | "weak" | "chance" | "below-chance" | "not resolvable";

/** How an oriented AUC reads (see the header). */
export function reading(auc: Figure): Reading {
  if (!auc.resolvable || auc.estimate === null || auc.lo === null || auc.hi === null) return "not resolvable";
  if (auc.lo > 0.5) return auc.estimate >= 0.95 ? "near-certain" : auc.estimate >= 0.75 ? "clear" : "weak";
  if (auc.hi < 0.5) return "below-chance";
  return "chance";
}

/** The cell of the highest resolvable AUC estimate, or the first when none is resolvable. */
function strongestCell(cells: readonly ExposureCell[]): ExposureCell {
  let best = cells[0];
  for (const c of cells) {
    if (!c.auc.resolvable || c.auc.estimate === null) continue;
    if (!best.auc.resolvable || best.auc.estimate === null || c.auc.estimate > best.auc.estimate) best = c;
  }
  return best;
}

function phrase(c: ExposureCell): string {
  const [yes, no] = does(c.task);
  const fig = `${c.observer}: AUC ${withInterval(c.auc)}`;
  switch (reading(c.auc)) {
    case "near-certain":
      return `${yes} near-certainly (${fig})`;
    case "clear":
      return `${yes} clearly (${fig})`;
    case "weak":
      return `${yes} weakly, better than chance (${fig})`;
    case "chance":
      return `${no} (at chance: ${fig})`;
    case "below-chance":
      return `${no} (below chance: the direction learned in training did not carry over; ${fig})`;
    default:
      return `${no} that this run can show (too few cases to resolve: ${c.observer}, ${c.positives} positives, ${c.negatives} negatives)`;
  }
}

const learns = (r: Reading) => r === "near-certain" || r === "clear" || r === "weak";

/** The vantages that carry traffic between the ends, where a shaper can hide it: all but the server and the VPN provider, which terminate the shaping. */
export const NETWORK_VANTAGES = new Set(["local", "isp", "vpn-exit", "global"]);

/**
 * Per timing task, the network observer (NETWORK_VANTAGES) with the highest unshaped AUC,
 * and what the shaper did to it, paired: the strongest timing observer on the path.
 */
function networkStrongest(base: ExposureArm, arm: ExposureArm): string | null {
  const parts: string[] = [];
  for (const task of ["link", "activity"]) {
    const cells = base.cells.filter((c) => c.task === task && NETWORK_VANTAGES.has(c.vantage) && c.auc.resolvable && c.auc.estimate !== null);
    if (cells.length === 0) continue;
    const c = strongestCell(cells);
    const i = base.cells.indexOf(c);
    const d = arm.cells[i];
    if (!d || d.where !== c.where || d.observer !== c.observer) continue;
    const diffs = ["auc", "tpr@1e-3"].flatMap((m) => {
      const v = d.versusUnshaped?.[m];
      return v && v.verdict !== "not resolvable" ? [`${m === "auc" ? "AUC" : "TPR@1e-3"} ${withInterval(v.difference)} (${verdictWords(v.verdict)})`] : [];
    });
    parts.push(`for ${task}, ${c.observer} at ${c.where} (AUC ${withInterval(c.auc)} without the shaper, ${withInterval(d.auc)} with it${diffs.length ? `; paired difference ${diffs.join(", ")}` : ""})`);
  }
  return parts.length ? `The strongest timing observer on the network path (every vantage but the server and the VPN provider, which terminate the shaping): ${parts.join("; ")}.` : null;
}

/** Groups cells by vantage instance and task, in first-seen order. */
function groups(arm: ExposureArm): Map<string, ExposureCell[]> {
  const g = new Map<string, ExposureCell[]>();
  for (const c of arm.cells) {
    const key = `${c.where}\u0000${c.task}`;
    const list = g.get(key);
    if (list) list.push(c);
    else g.set(key, [c]);
  }
  return g;
}

/** One sentence per vantage instance and task (see the header). */
export function verdicts(s: ExposureSummary): string[] {
  const base = s.arms.find((a) => a.device === "none" && a.server === "none") ?? s.arms[0];
  if (!base) return [];
  const shaped = s.arms.filter((a) => a !== base);
  const out: string[] = [];
  for (const cells of groups(base).values()) {
    const c = strongestCell(cells);
    let sentence = `${who(c.vantage, c.scope)} ${phrase(c)}`;
    if (TIMING.has(c.task) && learns(reading(c.auc))) {
      if (shaped.length === 0) sentence += "; timing correlation remains: this policy adds no shaper";
      for (const arm of shaped) {
        const same = arm.cells.filter((x) => x.where === c.where && x.task === c.task);
        if (same.length === 0) continue;
        const d = strongestCell(same);
        const own = same.find((x) => x.observer === c.observer);
        const diff = own?.versusUnshaped?.auc;
        const paired = diff ? `; paired difference in ${c.observer}'s AUC ${withInterval(diff.difference)}: ${verdictWords(diff.verdict)}` : "";
        // observers whose comparison reads flipped (summary.ts): a reversed signal, not a hidden one
        const reversed = same.filter((x) => x.versusUnshaped?.auc?.verdict === "reversed");
        const leak = reversed.length
          ? `; ${reversed.map((x) => `${x.observer} reads AUC ${withInterval(x.auc)} with the shaper`).join(", ")}, below chance with or without it: the direction learned on the training population did not hold, a reversed signal rather than a hidden one, so the defense earns no credit there`
          : "";
        const r = reading(d.auc);
        sentence += learns(r)
          ? `; it remains with the shaper (${arm.defense}: ${d.observer} AUC ${withInterval(d.auc)}${paired})`
          : reversed.length
            ? `; with the shaper (${arm.defense})${paired}${leak}`
            : diff?.verdict === "lower"
              ? `; timing correlation remains until a shaper is added: with the shaper (${arm.defense}) the strongest reads ${withInterval(d.auc)} (${d.observer}${paired})`
              : `; with the shaper (${arm.defense}) the strongest reads ${withInterval(d.auc)} (${d.observer}${paired}), not shown lower by a paired difference: no credit`;
      }
    }
    out.push(`${sentence}.`);
  }
  for (const arm of shaped) {
    const pct = arm.cost.bandwidthOverhead.estimate === null ? null : arm.cost.bandwidthOverhead.estimate * 100;
    const moves = (arm.strongestVersusUnshaped ?? []).map((d) => `the strongest ${d.observer.replace("strongest:", "")} observer's ${d.metric === "auc" ? "AUC" : d.metric.replace("tpr", "TPR")} ${d.verdict === "not resolvable" ? "cannot be compared (not resolvable)" : `moves by ${withInterval(d.difference)} (${verdictWords(d.verdict)})`}`);
    out.push(`The shaper (${arm.defense}: ${arm.device} / ${arm.server}) costs ${num(pct)}% more bandwidth, ${arm.cost.latencyP50Ms.estimate === null ? "an unmeasured" : formatMs(arm.cost.latencyP50Ms.estimate)} added latency at p50 and ${arm.cost.latencyP99Ms.estimate === null ? "an unmeasured one" : formatMs(arm.cost.latencyP99Ms.estimate)} at p99, and ${num(arm.cost.joulesPerHour.estimate)} J per device-hour${moves.length ? `; paired against no shaper, over every vantage, ${moves.join(", ")}` : ""}.`);
    const net = networkStrongest(base, arm);
    if (net) out.push(net);
  }
  return out;
}
