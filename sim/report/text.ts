/**
 * Turns a run's metrics into words and tables: the console table `chaff run` prints and
 * the `report.md` a person (or a CI summary) reads. Every figure is printed with its
 * confidence interval; a figure the data cannot support is printed as "not resolvable"
 * with the number of negatives it would need. The findings are computed, not written by
 * hand: "far above chance" means the AUC interval lies above 0.75; a defense "lowers" or
 * "raises" a figure only when the paired difference's interval excludes 0.
 */
import { FIGURE_CAPTIONS, FIGURE_TITLES, FIGURES } from "./figures/captions.ts";
import { formatMsInterval } from "./figures/units.ts";
import { fallSurvivesFlip } from "../runs/flipped-difference.ts";
import { observerKey, type ArmResult, type Figure, type HorizonPoint, type PairedDifference, type RunMetrics, type Strongest } from "../runs/metrics.ts";

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

/**
 * The strongest observer of an arm for a task, as the run defined it once for every
 * consumer (`sim/experiment/score-run.ts`): the highest oriented AUC, ties broken by TPR
 * at 1e-3; its figures are the maximum over the task's observers inside each bootstrap
 * replicate.
 */
export function strongest(arm: ArmResult, task = "link"): Strongest | null {
  return arm.strongest?.find((s) => s.task === task) ?? null;
}

function tpr(t: (Interval & { resolvable: boolean; negatives?: number; negativesNeeded?: number }) | undefined): string {
  if (!t) return "–";
  if (!t.resolvable) return t.negatives !== undefined ? `not resolvable (${t.negatives} negatives, needs ${t.negativesNeeded})` : "not resolvable";
  return fmtInterval(t);
}

function isBaseline(arm: ArmResult): boolean {
  return arm.device.shaper === "none" && arm.server.shaper === "none";
}

/** One row per defense: privacy and cost side by side. */
export function summaryTable(m: RunMetrics): string[][] {
  const rows = [["defense", "strongest observer", "AUC [95% CI]", "TPR@1e-3", "bandwidth", "added p50 ms", "added p99 ms", "energy J/h", "wake-ups/h"]];
  for (const arm of m.arms) {
    // the link task's strongest observer; in a run without link observers, the first task's (named)
    const o = strongest(arm) ?? arm.strongest?.[0] ?? null;
    const c = arm.cost;
    rows.push([
      arm.defense,
      o ? (o.task === "link" ? o.observer : `${o.observer} (${o.task})`) : "none resolvable",
      o ? fmtInterval(o.auc) : "not resolvable",
      o ? tpr(o.tprAt["1e-3"]) : "not resolvable",
      pct(c.bandwidthOverhead.total),
      fmtInterval(c.addedLatencyMs.p50, 1),
      fmtInterval(c.addedLatencyMs.p99, 1),
      fmtInterval(c.energy.joulesPerHour, 0),
      fmtInterval(c.energy.wakeupsPerHour, 1),
    ]);
  }
  return rows;
}

/**
 * Text safe for a terminal: control characters (C0, DEL, C1: an escape sequence could
 * move the cursor, rewrite earlier lines or retitle the window) are shown as `\u{1b}`.
 * Names in a results file may be hostile, and every table chaff prints or writes passes
 * its cells through this.
 *
 * @example
 * terminalText("none\u001b[2J") // "none\\u{1b}[2J"
 */
export function terminalText(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`);
}

/**
 * A plain text table for the terminal: every cell made terminal-safe (`terminalText`),
 * columns padded to their widest cell in code points (so "×" or an astral character counts
 * once), two spaces between columns, trailing spaces trimmed; under the header a rule of
 * dashes unless `rule: false`. The one table writer of the command line (run, compare's
 * notes, exposure and the posture check).
 *
 * @example
 * textTable([["a", "bb"], ["ccc", "d"]]) // => "a    bb\n---  --\nccc  d"
 * textTable([["a", "bb"], ["ccc", "d"]], { rule: false }) // => "a    bb\nccc  d"
 */
export function textTable(rows: string[][], opts: { rule?: boolean } = {}): string {
  const cells = rows.map((r) => r.map(terminalText));
  const width = (c: string) => [...c].length;
  const widths = cells[0].map((_, j) => Math.max(...cells.map((r) => width(r[j]))));
  const lines = cells.map((r) => r.map((c, j) => c + " ".repeat(widths[j] - width(c))).join("  ").trimEnd());
  if (opts.rule !== false) lines.splice(1, 0, widths.map((w) => "-".repeat(w)).join("  "));
  return lines.join("\n");
}

export function markdownTable(rows: string[][]): string {
  const esc = (s: string) => terminalText(s).replace(/[|<>&]/g, (c) => (c === "|" ? "\\|" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : "&amp;"));
  const [head, ...body] = rows;
  return [`| ${head.map(esc).join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...body.map((r) => `| ${r.map(esc).join(" | ")} |`)].join("\n");
}

function baselineOf(m: RunMetrics): ArmResult | undefined {
  return m.arms.find(isBaseline);
}

/** Text for Markdown with no raw HTML in it (names in a results file may be hostile). */
export function noHtml(s: string): string {
  return s.replace(/[<>&]/g, (c) => (c === "<" ? "&lt;" : c === ">" ? "&gt;" : "&amp;"));
}

/** A name from a results file, safe inside a Markdown code span (no backtick can close it). */
export function code(s: string): string {
  return s.replace(/`/g, "'");
}

function fmtDiff(d: PairedDifference, digits = 3): string {
  return `${fmtNum(d.undefended, digits)} → ${fmtNum(d.defended, digits)}, difference ${fmtInterval(d.difference, digits)}`;
}

/**
 * A "lower" AUC that is a fall through chance to a reversed signal, not a hidden one: read
 * flipped, as an adversary who knows the defense reads an observer below 0.5, the paired
 * difference no longer lies below 0 (sim/runs/flipped-difference.ts; the exposure summary
 * applies the same rule). Such a fall earns the defense no credit; a fall to chance keeps it.
 */
function reversedFall(d: PairedDifference): boolean {
  return d.metric === "auc" && d.verdict === "lower" && !fallSurvivesFlip(d);
}
const REVERSED = "a fall through chance: read flipped, as an adversary who knows the defense reads it, the signal is reversed, not removed, so no credit";

/**
 * Findings in plain words, each computed, none written by hand: for the undefended arm,
 * how well each observer does against chance; for every defense, its strongest link
 * observer, the observers it lowers or raises — judged only on the paired difference
 * with the undefended arm (the same users resampled in both), never on overlapping
 * intervals — the observers it inverts (an adversary who knows the defense flips its
 * decision, so no figure below chance is ever counted as a gain), the activity
 * detector at FPR 1e-2, its cost, and whether it hit its budget.
 */
export function findings(m: RunMetrics): string[] {
  const out: string[] = [];
  const base = baselineOf(m);
  if (base) {
    for (const o of base.observers) {
      const auc = o.summary.auc;
      if (auc.lo === null) continue;
      const verdict = auc.lo > 0.5 ? (auc.lo > 0.75 ? "far above chance" : "above chance") : "not detectably above chance";
      // identification tasks (a burst's conversation, a flow's partner): top-1 against its own chance, 1 / candidates
      const top1 = o.summary.top1;
      const n = o.summary.candidates;
      const ident = top1 && top1.resolvable && n !== null ? `, top-1 ${fmtInterval(top1)} (chance ${fmtNum(1 / n)})` : "";
      out.push(
        `Undefended (\`${code(base.defense)}\`), the ${o.observer} observer at the ${o.vantage} vantage performs the ${o.task} task ${verdict}: ` +
          `AUC ${fmtInterval(auc)} (chance is 0.5), TPR at FPR 1e-3 ${tpr(o.summary.tprAt["1e-3"])}${ident}.`,
      );
    }
  } else {
    out.push("This experiment has no undefended arm (no shaper on either side), so no defense is compared with anything: no finding below credits a defense.");
  }
  for (const arm of m.arms) {
    if (arm === base) continue;
    const parts: string[] = [];
    const top = strongest(arm);
    if (top) parts.push(`its strongest link observer is ${top.observer} (best of ${top.observers}): AUC ${fmtInterval(top.auc)}, TPR at FPR 1e-3 ${tpr(top.tprAt["1e-3"])}`);
    const diffs = arm.versusUndefended ?? [];
    const auc = diffs.filter((d) => d.metric === "auc");
    const strongestLink = auc.find((d) => d.observer === "strongest:link");
    if (strongestLink && strongestLink.verdict !== "not resolvable") {
      const said = reversedFall(strongestLink) ? REVERSED : strongestLink.verdict === "no detectable change" ? "not detectably changed" : strongestLink.verdict;
      parts.push(`against the undefended arm the strongest link AUC is ${said} (${fmtDiff(strongestLink)})`);
    }
    const per = auc.filter((d) => !d.observer.startsWith("strongest:"));
    // a fall through chance is not credited: the signal is reversed, not removed
    const reversed = per.filter(reversedFall);
    if (reversed.length) parts.push(`it pushes ${reversed.map((d) => `${d.observer} (${fmtDiff(d)})`).join(", ")} below chance, ${REVERSED}`);
    const lower = per.filter((d) => d.verdict === "lower" && !reversedFall(d));
    const higher = per.filter((d) => d.verdict === "higher");
    const same = per.filter((d) => d.verdict === "no detectable change");
    if (lower.length) parts.push(`it lowers the AUC of ${lower.map((d) => `${d.observer} (${fmtDiff(d)})`).join(", ")}`);
    if (higher.length) parts.push(`it RAISES the AUC of ${higher.map((d) => `${d.observer} (${fmtDiff(d)})`).join(", ")}: the defense itself leaks to these observers`);
    if (same.length) parts.push(`no detectable change for ${same.map((d) => `${d.observer} (${fmtDiff(d)})`).join(", ")}`);
    const top1 = diffs.filter((d) => d.metric === "top1" && !d.observer.startsWith("strongest:") && d.task !== "link" && d.task !== "group-link");
    const topLower = top1.filter((d) => d.verdict === "lower");
    const topHigher = top1.filter((d) => d.verdict === "higher");
    if (topLower.length) parts.push(`it lowers the top-1 accuracy of ${topLower.map((d) => `${d.observer} on the ${d.task} task (${fmtDiff(d)})`).join(", ")}`);
    if (topHigher.length) parts.push(`it RAISES the top-1 accuracy of ${topHigher.map((d) => `${d.observer} on the ${d.task} task (${fmtDiff(d)})`).join(", ")}`);
    const inverted = arm.observers.filter((o) => o.orientation === -1);
    if (inverted.length) {
      parts.push(
        `it inverts ${inverted.map((o) => `${observerKey(o)} (training AUC ${fmtNum(o.trainingAuc)})`).join(", ")}: the defense itself leaks, since an adversary who knows the defense flips its decision — these observers are scored flipped, and their figures above are the flipped ones`,
      );
    }
    const act = diffs.find((d) => d.task === "activity" && !d.observer.startsWith("strongest:") && d.metric === "tpr@1e-2");
    if (act && act.verdict !== "not resolvable") {
      parts.push(`the activity detector's TPR at FPR 1e-2 is ${act.verdict === "no detectable change" ? "not detectably changed" : act.verdict} (${fmtDiff(act)})`);
    }
    parts.push(
      `it costs ${pct(arm.cost.bandwidthOverhead.total)} bandwidth, ${formatMsInterval(arm.cost.addedLatencyMs.p99)} added latency at p99 and ${fmtInterval(arm.cost.energy.joulesPerHour, 0)} J per device-hour` +
        (base ? ` (undefended ${fmtInterval(base.cost.energy.joulesPerHour, 0)})` : ""),
    );
    const caps = arm.cost.budget;
    if (caps.refusedPadding > 0 || caps.forcedReleases > 0) {
      parts.push(`it hit its budget: the engine refused ${caps.refusedPadding} padding packets and forced ${caps.forcedReleases} held packets out`);
    }
    out.push(`\`${code(arm.defense)}\`: ${parts.join("; ")}.`);
  }
  return out;
}

/**
 * The "advanced analysis may remain possible" sentence, computed: the strongest link
 * observer against the defense that suppresses it most, with its interval.
 */
export function advancedAnalysis(m: RunMetrics): string {
  let best: { arm: ArmResult; s: Strongest } | null = null;
  for (const arm of m.arms) {
    const s = strongest(arm);
    if (!s || s.auc.estimate === null) continue;
    if (!best || s.auc.estimate < (best.s.auc.estimate as number)) best = { arm, s };
  }
  if (!best) return "Advanced analysis may remain possible: no link observer could be scored in this run, so it says nothing about linking.";
  const lo = best.s.auc.lo;
  const still = lo !== null && lo > 0.5;
  return (
    `Advanced analysis may remain possible: against the defense that suppresses linking most (\`${code(best.arm.defense)}\`), the strongest of ${best.s.observers} link observers (${best.s.observer}) ` +
    (still ? `still links above chance, AUC ${fmtInterval(best.s.auc)}` : `is not detectably above chance, AUC ${fmtInterval(best.s.auc)}`) +
    `. These figures bound only the observers listed here; a stronger adversary may do better.`
  );
}

/** A horizon in words: "10 min", "6 h", "2 d". */
export function horizonWords(seconds: number): string {
  if (seconds >= 86_400) return `${+(seconds / 86_400).toFixed(2)} d`;
  if (seconds >= 3600) return `${+(seconds / 3600).toFixed(2)} h`;
  if (seconds >= 60) return `${+(seconds / 60).toFixed(1)} min`;
  return `${+seconds.toFixed(1)} s`;
}

/** Does any arm of the run carry long-term observers' figures against observation time? */
export function hasOverTime(m: RunMetrics): boolean {
  return m.arms.some((a) => a.overTime !== undefined);
}

function fig(f: Figure | undefined): string {
  return f && f.resolvable ? fmtInterval(f) : "not resolvable";
}

/** The TPR key the over-time table shows: 1e-3 when the run computed it, else the closest. */
function overTimeFpr(m: RunMetrics): string | null {
  const keys = [...new Set(m.arms.flatMap((a) => (a.overTime ? Object.keys(a.overTime.strongest.points[0]?.tprAt ?? {}) : [])))];
  if (keys.length === 0) return null;
  return keys.sort((a, b) => Math.abs(Math.log10(Number(a)) + 3) - Math.abs(Math.log10(Number(b)) + 3))[0];
}

/**
 * The strongest long-term observer against observation time, one row per defense and
 * horizon: rounds seen, partner-identification rate, TPR at FPR 1e-3 and AUC with their
 * intervals, and the cases behind them (pairs that had talked by then, targets).
 */
export function overTimeTable(m: RunMetrics): string[][] {
  const key = overTimeFpr(m);
  const rows = [["defense", "observed", "rounds", "identification [95% CI]", `TPR@${key ?? "–"}`, "AUC", "contacts / targets"]];
  for (const arm of m.arms) {
    const o = arm.overTime;
    if (!o) continue;
    for (const p of o.strongest.points) {
      rows.push([arm.defense, horizonWords(p.seconds), p.rounds === null ? "–" : String(p.rounds), fig(p.identification), key ? fig(p.tprAt[key]) : "–", fig(p.auc), `${p.positives} / ${p.targets}`]);
    }
  }
  return rows;
}

/**
 * "Days bought", one line per defense and level: the first observation horizon from which
 * the strongest long-term attack stays at or above the level (identification rate ≥ 0.5, TPR at
 * 1e-3 ≥ 0.1), against the undefended arm's, and how many rounds and how much time the
 * defense adds (or that it is not reached within the run). Computed in score-run.ts.
 */
export function daysBought(m: RunMetrics): string[] {
  return m.arms.flatMap((a) => a.overTime?.reach.map((r) => r.statement) ?? []);
}

/** The over-time section's first paragraph: what the curve is and how it was scored. */
export function overTimeIntro(m: RunMetrics): string {
  const arm = m.arms.find((a) => a.overTime);
  const o = arm?.overTime;
  const width = o?.strongest.roundSeconds;
  const names = o ? [...new Set(o.observers.map((c) => c.observer))].join(", ") : "";
  return (
    `The attacker who waits: the long-term observers (${names}) scored after watching only the run's first ${o ? o.horizonsSeconds.map(horizonWords).join(", ") : ""}` +
    `${width ? ` (rounds of ${width} s)` : ""}, each time on the pairs that had talked by then. Each figure is the strongest of them, the maximum taken inside every bootstrap replicate; ` +
    "identification is the share of targets (users with a contact by then) whose top-scored candidate is a contact. Intervals resample users, as every other figure."
  );
}

/** Points of one curve as "horizon: estimate [lo, hi]" (for findings and tests). */
export function curveWords(points: readonly HorizonPoint[], pick: (p: HorizonPoint) => Figure | undefined): string {
  return points.map((p) => `${horizonWords(p.seconds)} ${fig(pick(p))}`).join("; ");
}

/** Free text from an experiment file, safe inside Markdown: no raw HTML, no Markdown control characters. */
export function mdText(s: string): string {
  return s.replace(/[\\`*_[\]#|<>&]/g, (c) => (c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === "&" ? "&amp;" : `\\${c}`)).replace(/\r?\n/g, " ");
}

/**
 * Every observer against every defense: oriented AUC and TPR at each FPR with intervals,
 * and the cases behind them — positives and negatives, each with the number of distinct
 * users they come from — so a reader sees what a figure rests on.
 */
export function observerTable(m: RunMetrics): string[][] {
  const fprs = [...new Set(m.arms.flatMap((a) => a.observers.flatMap((o) => Object.keys(o.summary.tprAt))))].sort((a, b) => Number(b) - Number(a));
  const rows = [["defense", "observer", "task", "read", "AUC [95% CI]", ...fprs.map((f) => `TPR@${f}`), "positives (users)", "negatives (users)"]];
  for (const arm of m.arms) {
    for (const o of arm.observers) {
      const s = o.summary;
      rows.push([
        arm.defense,
        observerKey(o),
        o.task,
        o.orientation === -1 ? "flipped" : "as scored",
        s.auc.resolvable ? fmtInterval(s.auc) : "not resolvable",
        ...fprs.map((f) => (s.tprAt[f]?.resolvable ? fmtInterval(s.tprAt[f]) : "not resolvable")),
        `${s.positives} (${s.positiveUsers ?? "–"})`,
        `${s.negatives} (${s.negativeUsers ?? "–"})`,
      ]);
    }
  }
  return rows;
}

/** Who each vantage is, what it sees and what it cannot see, one sentence each (for the vantages this run used). */
export const VANTAGE_MEANING: Record<string, string> = {
  local:
    "local — someone on one access network (a home or office Wi-Fi operator, a device on the same hotspot, a carrier cell): sees the timing, sizes and direction of the packets of the users on that network (unscoped: every access network at once); cannot see contents, users on other networks, or what happens beyond the first hop",
  isp: "isp — one Internet service provider: sees the timing, sizes and direction of its subscribers' packets to and from the messaging service (or the VPN), one hop beyond the access network (unscoped: every ISP at once); cannot see contents, padding as such, other ISPs' subscribers, or who a message is for",
  "vpn-provider":
    "vpn-provider — the VPN provider, which terminates every user's tunnel: sees each of its users' inner traffic after decapsulation (timing, inner sizes, direction, per user) and their outer addresses; cannot see contents inside TLS, or users who do not use the VPN",
  "vpn-exit":
    "vpn-exit — the upstream of one VPN exit server (toward the messaging server): sees the exit's outer flows mixed together, shared by every user of that exit (granted which exit each user uses, not which flow is whose; unscoped: every exit at once); cannot see which user owns a packet, nor contents",
  server: "server — the messaging service itself: sees each account's connection, message sizes and times as they reach it; the lab gives it no account-to-account routing table, so it links only by traffic",
  global: "global — an adversary on every access link and every server link at once: sees all of the above together; cannot see contents",
};

/** The threat model in one paragraph: the vantages this run placed observers at. */
export function threatModel(m: RunMetrics): string {
  const used = [...new Set(m.arms.flatMap((a) => a.observers.map((o) => o.vantage)))];
  const scopes = [...new Set(m.arms.flatMap((a) => a.observers.map(scopeSentence)).filter((s): s is string => s !== null))];
  const scoped = scopes.length > 0 ? ` Scopes: ${scopes.join("; ")}.` : "";
  return `Threat model. Each observer sits at one vantage and sees only the packets there (time, size, direction), never contents, padding marks or ground truth: ${used.map((v) => VANTAGE_MEANING[v] ?? v).join("; ")}.${scoped}`;
}

/** What the vantages with instances cover, by name: one scope, or every instance at once (colluding: the attacker-favouring reading). */
const ALL_INSTANCES: Partial<Record<string, string>> = {
  local: "all access networks at once (colluding)",
  isp: "all ISPs at once (colluding)",
  "vpn-exit": "all VPN exits at once (colluding)",
};

/** The scope of one observer at a vantage that has instances (local, isp, vpn-exit), or null at the others. */
function scopeSentence(o: { observer: string; vantage: string; scope?: string }): string | null {
  const all = ALL_INSTANCES[o.vantage];
  if (all === undefined) return null;
  const where = o.scope === undefined ? all : o.vantage === "local" ? `access network "${o.scope}" only` : o.vantage === "isp" ? `ISP "${o.scope}" only` : `exit "${o.scope}" only`;
  return `${o.observer} at ${o.vantage} sees ${where}`;
}

/** How the adaptive adversary was trained and how scores were oriented. */
export const TRAINING_NOTE =
  "How the adversary was trained. For each defense the lab first simulates a separate training population (a different seed: different people and traffic) running the same defense, with every observer at its vantage. Learned observers fit on labelled pairs from that run (the adaptive adversary: it has seen the defense, never the test population). Every observer's score direction is fixed there too: if the defense pushed it below chance on the training population, it is read flipped on the test population.";

/** What the traffic counts mean. */
export const COUNTS_NOTE =
  "What the counts mean. messages: every application message the conversation models sent (texts, media, receipts, typing indicators, keepalives, pushes, call media); delivered: those that reached their recipient before the run ended (the rest were still in flight or held); conversations: conversations started (direct, group, calls, background); packets: packets on the wire, real, padding and cover, both directions, all users.";

export function reportMarkdown(m: RunMetrics): string {
  const lines = [
    `# ${mdText(m.experiment)}`,
    "",
    mdText(m.purpose),
    "",
    `${m.users} users, ${m.durationSeconds} s simulated, seed ${m.seed}. Intervals are seeded bootstrap 95% intervals.`,
    "",
    "## Privacy and cost per defense",
    "",
    markdownTable(summaryTable(m)),
    "",
    "## Findings",
    "",
    ...findings(m).map((f) => `- ${noHtml(f)}`),
    "",
    ...(m.notes?.length ? ["## What this run cannot say", "", ...m.notes.map((n) => `- ${noHtml(n)}`), ""] : []),
    ...(hasOverTime(m)
      ? ["## Against observation time", "", noHtml(overTimeIntro(m)), "", markdownTable(overTimeTable(m)), "", "Days bought (first horizon from which the attack stays at or above the level):", "", ...daysBought(m).map((d) => `- ${noHtml(d)}`), ""]
      : []),
    "## Every observer",
    "",
    "Figures are oriented: an observer whose training AUC was below 0.5 is read flipped (\"flipped\"), as an adversary who knows the defense would read it. A figure is \"not resolvable\" with fewer than 10 positives from 10 users, or fewer than about 10/FPR negatives from 10 users. Intervals resample users, so both ends of a pair move together.",
    "",
    markdownTable(observerTable(m)),
    "",
    "## Figures",
    "",
    ...FIGURES.map((f) => `- [${FIGURE_TITLES[f]}](figures/${f}.svg) ([PNG](figures/${f}.png)): ${FIGURE_CAPTIONS[f]}`),
    "",
    "## Threat model and method",
    "",
    threatModel(m),
    "",
    TRAINING_NOTE,
    "",
    COUNTS_NOTE,
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
    noHtml(advancedAnalysis(m)),
    "",
  );
  return lines.join("\n");
}
