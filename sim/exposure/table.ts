/**
 * The exposure summary as tables and Markdown: what `chaff exposure` prints and writes as
 * `exposure.md`. One table per defense arm (vantage instance × observer: task, oriented
 * AUC, TPR at 1e-2 and 1e-3, anonymity-set size, each with its interval; in a shaped arm
 * also the paired AUC difference against no shaper), the policy's cost per arm, and the
 * verdicts in plain words.
 *
 * @example
 * process.stdout.write(exposureMarkdown(summary));
 */
import type { ExposureArm, ExposureSummary } from "./summary-types.ts";
import { num, verdictWords, withInterval } from "./verdicts.ts";
import { formatMsInterval } from "../report/figures/units.ts";
import { code, markdownTable, mdText, noHtml, textTable } from "../report/text.ts";

/** The rows (header first) of one arm's vantage × observer table. */
export function exposureRows(arm: ExposureArm): string[][] {
  const shaped = arm.cells.some((c) => c.versusUnshaped !== null);
  const head = ["vantage", "observer", "task", "AUC [95% CI]", "TPR@1e-2", "TPR@1e-3", "anonymity set", ...(shaped ? ["ΔAUC vs no shaper"] : [])];
  const rows = [head];
  for (const c of arm.cells) {
    const tpr = (k: string) => (c.tprAt[k]?.resolvable ? withInterval(c.tprAt[k]) : "not resolvable");
    const set = c.anonymitySet ? `${withInterval(c.anonymitySet)} of ${num(c.anonymitySet.crowd + 1)}` : "–";
    const row = [c.where, c.observer, c.task, c.auc.resolvable ? withInterval(c.auc) : "not resolvable", tpr("1e-2"), tpr("1e-3"), set];
    if (shaped) {
      const d = c.versusUnshaped?.auc;
      // the summary's verdict (summary.ts): `reversed` where the attacker reads a figure flipped, never "lower"
      row.push(d ? `${withInterval(d.difference)} ${verdictWords(d.verdict)}` : "–");
    }
    rows.push(row);
  }
  return rows;
}

/** The cost rows (header first): one per arm. */
export function costRows(s: ExposureSummary): string[][] {
  const pct = (i: { estimate: number | null; lo: number | null; hi: number | null }) => withInterval({ estimate: i.estimate === null ? null : i.estimate * 100, lo: i.lo === null ? null : i.lo * 100, hi: i.hi === null ? null : i.hi * 100 });
  return [
    ["defense", "shaper (device / server)", "bandwidth overhead %", "added latency p50", "added latency p99", "energy J per device-hour"],
    ...s.arms.map((a) => [a.defense, `${a.device} / ${a.server}`, pct(a.cost.bandwidthOverhead), formatMsInterval(a.cost.latencyP50Ms), formatMsInterval(a.cost.latencyP99Ms), withInterval(a.cost.joulesPerHour)]),
  ];
}


/** `exposure.md`. Its names and purpose come from metrics.json (a file: possibly hostile), so none reaches the Markdown as raw HTML. */
export function exposureMarkdown(s: ExposureSummary): string {
  const lines = [
    `# Exposure: ${mdText(s.policy)}`,
    "",
    mdText(s.purpose),
    "",
    `${s.users} users on the built-in topology, ${s.durationSeconds} s simulated, seed ${s.seed} (experiment \`${code(s.experiment)}\`). Figures are oriented (attacker-favouring) with 95% user-bootstrap intervals; an observer without a scope sees every instance of its vantage at once (colluding).`,
    "",
    "## What each vantage learns",
    "",
    ...s.verdicts.map((v) => `- ${noHtml(v)}`),
    "",
    "## Cost",
    "",
    markdownTable(costRows(s)),
    "",
  ];
  for (const a of s.arms) {
    lines.push(`## Vantage × observer: ${mdText(`${a.defense} (${a.device} / ${a.server})`)}`, "", markdownTable(exposureRows(a)), "");
  }
  lines.push(`Anonymity set: ${noHtml(s.anonymitySetDefinition)}`, "");
  return lines.join("\n");
}

/** What `chaff exposure` prints. */
export function exposureText(s: ExposureSummary): string {
  const parts = [`exposure of ${s.policy}: ${s.users} users, ${s.durationSeconds} s simulated, seed ${s.seed}`, ""];
  for (const a of s.arms) parts.push(`${a.defense} (${a.device} / ${a.server})`, textTable(exposureRows(a), { rule: false }), "");
  parts.push("cost", textTable(costRows(s), { rule: false }), "", ...s.verdicts.map((v) => `- ${v}`), "");
  return parts.join("\n");
}
