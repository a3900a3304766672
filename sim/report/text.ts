/**
 * Turns a run's metrics into words and tables: the console table `chaff run` prints and
 * the `report.md` a person (or a CI summary) reads. Every figure is printed with its
 * confidence interval; a figure the data cannot support is printed as "not resolvable"
 * with the number of negatives it would need. The findings are computed, not written by
 * hand: "far above chance" means the AUC interval lies above 0.5, "barely changes" means
 * the interval overlaps the undefended one.
 */
import type { ArmResult, ObserverResult, RunMetrics } from "../runs/metrics.ts";
import type { Interval } from "../runs/metrics.ts";

export function fmtNum(x: number | null, digits = 3): string {
  if (x === null) return "–";
  if (x !== 0 && Math.abs(x) < 10 ** -digits) return x.toExponential(1);
  return x.toFixed(digits);
}

export function fmtInterval(i: Interval | null | undefined, digits = 3, scale = 1, unit = ""): string {
  if (!i || i.estimate === null) return "not resolvable";
  const s = (v: number | null) => (v === null ? "–" : fmtNum(v * scale, digits));
  return `${s(i.estimate)}${unit} [${s(i.lo)}, ${s(i.hi)}]`;
}

function pct(i: Interval): string {
  return fmtInterval(i, 1, 100, "%");
}

/** The strongest observer of an arm on the link task: highest TPR at 1e-3, then AUC. */
export function strongest(arm: ArmResult, task = "link"): ObserverResult | null {
  let best: ObserverResult | null = null;
  const key = (o: ObserverResult) => [o.summary.tprAt["1e-3"]?.estimate ?? -1, o.summary.auc.estimate ?? -1];
  for (const o of arm.observers) {
    if (o.task !== task) continue;
    if (!best) best = o;
    else {
      const [a1, a2] = key(o);
      const [b1, b2] = key(best);
      if (a1 > b1 || (a1 === b1 && a2 > b2)) best = o;
    }
  }
  return best;
}

function tpr(o: ObserverResult, fpr = "1e-3"): string {
  const t = o.summary.tprAt[fpr];
  if (!t) return "–";
  if (!t.resolvable) return `not resolvable (${t.negatives} negatives, needs ${t.negativesNeeded})`;
  return fmtInterval(t);
}

function overlaps(a: Interval, b: Interval): boolean {
  if (a.lo === null || a.hi === null || b.lo === null || b.hi === null) return true;
  return a.lo <= b.hi && b.lo <= a.hi;
}

function isBaseline(arm: ArmResult): boolean {
  return arm.device.shaper === "none" && arm.server.shaper === "none";
}

/** One row per defense: privacy and cost side by side. */
export function summaryTable(m: RunMetrics): string[][] {
  const rows = [["defense", "strongest observer", "AUC [95% CI]", "TPR@1e-3", "bandwidth", "added p50 ms", "added p99 ms", "energy J/h", "wake-ups/h"]];
  for (const arm of m.arms) {
    const o = strongest(arm);
    const c = arm.cost;
    rows.push([
      arm.defense,
      o ? `${o.observer}@${o.vantage}` : "–",
      o ? fmtInterval(o.summary.auc) : "–",
      o ? tpr(o) : "–",
      pct(c.bandwidthOverhead.total),
      fmtInterval(c.addedLatencyMs.p50, 1),
      fmtInterval(c.addedLatencyMs.p99, 1),
      fmtInterval(c.energy.joulesPerHour, 0),
      fmtInterval(c.energy.wakeupsPerHour, 1),
    ]);
  }
  return rows;
}

export function textTable(rows: string[][]): string {
  const widths = rows[0].map((_, j) => Math.max(...rows.map((r) => r[j].length)));
  return rows.map((r, i) => {
    const line = r.map((c, j) => c.padEnd(widths[j])).join("  ").trimEnd();
    return i === 0 ? `${line}\n${widths.map((w) => "-".repeat(w)).join("  ")}` : line;
  }).join("\n");
}

export function markdownTable(rows: string[][]): string {
  const esc = (s: string) => s.replace(/\|/g, "\\|");
  const [head, ...body] = rows;
  return [`| ${head.map(esc).join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...body.map((r) => `| ${r.map(esc).join(" | ")} |`)].join("\n");
}

function baselineOf(m: RunMetrics): ArmResult | undefined {
  return m.arms.find(isBaseline);
}

function matching(arm: ArmResult, o: ObserverResult): ObserverResult | undefined {
  return arm.observers.find((x) => x.observer === o.observer && x.vantage === o.vantage);
}

/** "0.971 → 0.394" with the verdict of the intervals. */
function move(before: Interval, after: Interval): "lower" | "higher" | "same" {
  if (overlaps(before, after) || before.estimate === null || after.estimate === null) return "same";
  return after.estimate < before.estimate ? "lower" : "higher";
}

/**
 * Findings in plain words, each computed from the intervals: for the undefended arm, how
 * well each observer does against chance; for every defense, its strongest link
 * observer, which observers it significantly weakens or strengthens (non-overlapping
 * intervals), what it does to the activity detector's TPR at FPR 1e-2 (the claim that
 * extra traffic is no proof of activity), its cost, and whether it hit its budget.
 */
export function findings(m: RunMetrics): string[] {
  const out: string[] = [];
  const base = baselineOf(m);
  if (base) {
    for (const o of base.observers) {
      const auc = o.summary.auc;
      if (auc.lo === null) continue;
      const verdict = auc.lo > 0.5 ? (auc.lo > 0.75 ? "far above chance" : "above chance") : "no better than chance";
      out.push(
        `Undefended (\`${base.defense}\`), the ${o.observer} observer at the ${o.vantage} vantage performs the ${o.task} task ${verdict}: ` +
          `AUC ${fmtInterval(auc)} (chance is 0.5), TPR at FPR 1e-3 ${tpr(o)}.`,
      );
    }
  }
  for (const arm of m.arms) {
    if (arm === base) continue;
    const parts: string[] = [];
    const top = strongest(arm);
    if (top) parts.push(`its strongest link observer is ${top.observer} at ${top.vantage}: AUC ${fmtInterval(top.summary.auc)}, TPR at FPR 1e-3 ${tpr(top)}`);
    const lower: string[] = [];
    const higher: string[] = [];
    const same: string[] = [];
    for (const o of arm.observers) {
      const b = base && matching(base, o);
      if (!b) continue;
      const mv = move(b.summary.auc, o.summary.auc);
      const text = `${o.observer} ${fmtNum(b.summary.auc.estimate)} → ${fmtNum(o.summary.auc.estimate)}`;
      (mv === "lower" ? lower : mv === "higher" ? higher : same).push(text);
    }
    if (lower.length) parts.push(`it significantly lowers the AUC of ${lower.join(", ")}`);
    if (higher.length) parts.push(`it significantly raises the AUC of ${higher.join(", ")} (the defense itself leaks)`);
    if (same.length) parts.push(`it leaves ${same.join(", ")} within their undefended intervals`);
    const act = arm.observers.find((o) => o.task === "activity");
    const actBase = act && base && matching(base, act);
    const t = act?.summary.tprAt["1e-2"];
    const tb = actBase?.summary.tprAt["1e-2"];
    if (t && tb && t.resolvable && tb.resolvable && t.estimate !== null && tb.estimate !== null) {
      parts.push(
        `the activity detector's TPR at FPR 1e-2 goes from ${fmtInterval(tb)} to ${fmtInterval(t)} (${t.estimate <= tb.estimate ? "down" : "up"} ${fmtNum(Math.abs(tb.estimate - t.estimate))})`,
      );
    }
    parts.push(
      `it costs ${pct(arm.cost.bandwidthOverhead.total)} bandwidth, ${fmtInterval(arm.cost.addedLatencyMs.p99, 1)} ms added latency at p99 and ${fmtInterval(arm.cost.energy.joulesPerHour, 0)} J per device-hour` +
        (base ? ` (undefended ${fmtInterval(base.cost.energy.joulesPerHour, 0)})` : ""),
    );
    const caps = arm.cost.budget;
    if (caps.refusedPadding > 0 || caps.forcedReleases > 0) {
      parts.push(`it hit its budget: the engine refused ${caps.refusedPadding} padding packets and forced ${caps.forcedReleases} held packets out`);
    }
    out.push(`\`${arm.defense}\`: ${parts.join("; ")}.`);
  }
  return out;
}

export function reportMarkdown(m: RunMetrics): string {
  const lines = [
    `# ${m.experiment}`,
    "",
    m.purpose,
    "",
    `${m.users} users, ${m.durationSeconds} s simulated, seed ${m.seed}. Intervals are seeded bootstrap 95% intervals.`,
    "",
    "## Privacy and cost per defense",
    "",
    markdownTable(summaryTable(m)),
    "",
    "## Findings",
    "",
    ...findings(m).map((f) => `- ${f}`),
    "",
    "## Observers",
    "",
  ];
  const seen = new Set<string>();
  for (const arm of m.arms) {
    for (const o of arm.observers) {
      const k = `${o.observer}@${o.vantage}`;
      if (seen.has(k)) continue;
      seen.add(k);
      lines.push(`- **${o.observer}** at **${o.vantage}** (${o.task}): sees ${o.sees}; cannot see ${o.cannotSee}.`);
    }
  }
  lines.push(
    "",
    "## Traffic",
    "",
    markdownTable([
      ["defense", "messages", "delivered", "conversations", "packets"],
      ...m.arms.map((a) => [a.defense, String(a.traffic.messages), String(a.traffic.delivered), String(a.traffic.conversations), String(a.traffic.packets)]),
    ]),
    "",
    "Advanced analysis may remain possible: these figures bound only the observers listed above.",
    "",
  );
  return lines.join("\n");
}
