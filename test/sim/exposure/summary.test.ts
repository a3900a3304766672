import { describe, expect, it } from "vitest";
import { anonymitySet } from "../../../sim/exposure/anonymity-set.ts";
import { judgePosture, postureRows } from "../../../sim/exposure/posture.ts";
import { exposureSummary } from "../../../sim/exposure/summary.ts";
import { exposureMarkdown, exposureRows } from "../../../sim/exposure/table.ts";
import { reading } from "../../../sim/exposure/verdicts.ts";
import { NEWLY_RESOLVABLE, NO_LONGER_RESOLVABLE } from "../../../sim/runs/compare.ts";
import type { ArmResult, Figure, ObserverResult, PairedDifference, RunMetrics, Strongest } from "../../../sim/runs/metrics.ts";

const fig = (estimate: number, lo: number, hi: number): Figure => ({ estimate, lo, hi, resolvable: true });
const NONE: Figure = { estimate: null, lo: null, hi: null, resolvable: false };

function observer(name: string, vantage: ObserverResult["vantage"], task: ObserverResult["task"], auc: Figure, counts = { positives: 40, negatives: 40, candidates: null as number | null }): ObserverResult {
  return {
    observer: name,
    vantage,
    task,
    sees: "",
    cannotSee: "",
    orientation: 1,
    trainingAuc: null,
    summary: {
      ...counts,
      positiveUsers: 20,
      negativeUsers: 20,
      resamples: 100,
      level: 0.95,
      auc,
      tprAt: { "1e-2": { ...auc, negatives: counts.negatives, negativesNeeded: 1000 }, "1e-3": { ...NONE, negatives: counts.negatives, negativesNeeded: 10000 } },
      bdr: { baseRate: null, at: {} },
      top1: null,
      top5: null,
      notResolvable: [],
    },
  };
}

function arm(defense: string, shaper: string, observers: ObserverResult[], versus: ArmResult["versusUndefended"] = null, strongest: Strongest[] = []): ArmResult {
  const i = { estimate: 0, lo: 0, hi: 0 };
  return {
    defense,
    device: { shaper, params: {} },
    server: { shaper, params: {} },
    traffic: { messages: 1, delivered: 1, conversations: 1, packets: 1 },
    cost: { bandwidthOverhead: { total: i, device: i, server: i }, addedLatencyMs: { p50: i, p95: i, p99: i, messages: 1 }, endToEndLatencyMs: { p50: i, p95: i, p99: i }, energy: { radio: "lte", joulesPerHour: i, wakeupsPerHour: i }, budget: { refusedPadding: 0, forcedReleases: 0 } },
    observers,
    strongest,
    versusUndefended: versus,
  };
}

/** Two scopes of one observer at local (a hotspot that names the service, a home that cannot) and an ISP timing observer a shaper lowers. */
function run(ispShaped: Figure): RunMetrics {
  const base = [
    observer("service-identification", "local", "service", fig(1, 1, 1)),
    observer("service-identification", "local", "service", fig(0.5, 0.45, 0.55)),
    observer("event-matching", "isp", "link", fig(0.9, 0.8, 0.95), { positives: 20, negatives: 400, candidates: 41 }),
  ];
  const shaped = [base[0], base[1], { ...base[2], summary: { ...base[2].summary, auc: ispShaped } }];
  const d = (observer: string, task: "service" | "link", est: number, lo: number, hi: number, verdict: "lower" | "no detectable change") => ({ observer, task, metric: "auc", defended: null, undefended: null, difference: { estimate: est, lo, hi }, verdict });
  const versus = [d("service-identification@local", "service", 0, 0, 0, "no detectable change"), d("service-identification@local", "service", 0, -0.01, 0.01, "no detectable change"), d("event-matching@isp", "link", -0.3, -0.4, -0.2, "lower")];
  return { experiment: "exposure-test", purpose: "a constructed run", seed: 1, durationSeconds: 60, users: 40, arms: [arm("none", "none", base), arm("shaped", "constant-rate", shaped, versus)] };
}

const diff = (observer: string, task: PairedDifference["task"], est: number, lo: number, hi: number, verdict: PairedDifference["verdict"]): PairedDifference => ({ observer, task, metric: "auc", defended: null, undefended: null, difference: { estimate: est, lo, hi }, verdict });

/** `run` with each arm's strongest link observer (the ISP one) and its paired difference, as the runner records them. */
function linkRun(ispShaped: Figure): RunMetrics {
  const m = run(ispShaped);
  const strongest = (auc: Figure): Strongest => ({ task: "link", observer: "event-matching@isp", observers: 1, auc, tprAt: {}, top1: null, top5: null, replicates: {} });
  m.arms[0].strongest = [strongest(fig(0.9, 0.8, 0.95))];
  m.arms[1].strongest = [strongest(ispShaped)];
  m.arms[1].versusUndefended!.push(diff("strongest:link", "link", -0.3, -0.4, -0.2, "lower"));
  return m;
}

describe("anonymity set", () => {
  it("is 1 + (1 − AUC)·M: the truth plus the wrong candidates expected at or above it", () => {
    const set = anonymitySet("service", { estimate: 0.9, lo: 0.85, hi: 0.95 }, { positives: 24, negatives: 40, candidates: null })!;
    expect(set.crowd).toBe(40);
    expect(set.estimate).toBeCloseTo(5, 10);
    // the AUC's upper bound gives the set's lower bound
    expect(set.lo).toBeCloseTo(3, 10);
    expect(set.hi).toBeCloseTo(7, 10);
    // a link target competes with candidates − 1 wrong ones; at chance half of them rank above the truth
    expect(anonymitySet("link", { estimate: 0.5, lo: 0.5, hi: 0.5 }, { positives: 10, negatives: 900, candidates: 41 })?.estimate).toBe(21);
    expect(anonymitySet("activity", { estimate: 0.9, lo: 0.8, hi: 1 }, { positives: 10, negatives: 10, candidates: null })).toBeNull();
  });
});

describe("exposureSummary", () => {
  const s = exposureSummary(run(fig(0.6, 0.52, 0.7)), { scopes: ["cafe", "home", undefined] });

  it("keeps each scope of one observer apart, with its own figures and paired difference", () => {
    const [hot, home] = s.arms[1].cells;
    expect([hot.where, home.where]).toEqual(["local[cafe]", "local[home]"]);
    expect(hot.auc.estimate).toBe(1);
    expect(home.versusUnshaped?.auc.difference).toEqual({ estimate: 0, lo: -0.01, hi: 0.01 });
    expect(s.arms[1].cells[2].versusUnshaped?.auc.verdict).toBe("lower");
    expect(s.arms[0].cells[2].anonymitySet?.estimate).toBeCloseTo(1 + 0.1 * 40, 10);
  });

  it("matches paired differences by the scoped name when the runner records scopes", () => {
    const m = run(fig(0.6, 0.52, 0.7));
    for (const a of m.arms) {
      a.observers[0] = { ...a.observers[0], scope: "cafe" };
      a.observers[1] = { ...a.observers[1], scope: "home" };
    }
    const v = m.arms[1].versusUndefended!;
    // the runner's names carry the scope; listed in the opposite order to the observers
    m.arms[1].versusUndefended = [{ ...v[1], observer: "service-identification@local:home" }, { ...v[0], observer: "service-identification@local:cafe" }, v[2]];
    const r = exposureSummary(m);
    expect(r.arms[1].cells.map((c) => c.where)).toEqual(["local[cafe]", "local[home]", "isp"]);
    expect(r.arms[1].cells[1].versusUnshaped?.auc.difference).toEqual({ estimate: 0, lo: -0.01, hi: 0.01 });
    expect(r.arms[1].cells[0].versusUnshaped?.auc.difference).toEqual({ estimate: 0, lo: 0, hi: 0 });
  });

  it("says in plain words who learns what, and that the shaper lowered the timing correlation", () => {
    expect(s.verdicts).toContain("The local-network observer of cafe identifies the messaging service near-certainly (service-identification: AUC 1.00 [1.00, 1.00]).");
    expect(s.verdicts).toContain("The local-network observer of home cannot tell who uses the messaging service (at chance: service-identification: AUC 0.50 [0.45, 0.55]).");
    const isp = s.verdicts.find((v) => v.startsWith("The ISP (every instance at once, colluding) links who talks to whom clearly"));
    expect(isp).toMatch(/paired difference in event-matching's AUC -0\.30 \[-0\.40, -0\.20\]: lower/);
    expect(exposureMarkdown(s)).toContain("| local[cafe] | service-identification | service | 1.00 [1.00, 1.00] |");
  });

  it("never credits a shaper that pushes an observer below chance: a reversed signal is not a hidden one", () => {
    // the shaped ISP observer reads 0.16 [0.08, 0.27]: the runner's paired difference says
    // "lower" (interval excluding 0), yet an attacker reads it flipped (0.84): no output credits it
    const r = exposureSummary(linkRun(fig(0.16, 0.08, 0.27)), { scopes: ["cafe", "home", undefined] });
    const cell = r.arms[1].cells[2];
    expect(cell.versusUnshaped?.auc.verdict).toBe("reversed");
    expect(cell.versusUnshaped?.auc.difference).toEqual({ estimate: -0.3, lo: -0.4, hi: -0.2 });
    expect(r.arms[1].strongestVersusUnshaped?.map((d) => [d.observer, d.verdict])).toEqual([["strongest:link", "reversed"]]);
    // the table cell
    const row = exposureRows(r.arms[1]).find((x) => x[0] === "isp")!;
    expect(row.at(-1)).toMatch(/^-0\.30 \[-0\.40, -0\.20\] reversed: .*no credit$/);
    // the verdict sentence
    const isp = r.verdicts.find((v) => v.startsWith("The ISP (every instance at once, colluding) links who talks to whom clearly"))!;
    expect(isp).toMatch(/event-matching's AUC -0\.30 \[-0\.40, -0\.20\]: reversed: a fall through chance, which the attacker reads flipped; no credit/);
    expect(isp).toMatch(/event-matching reads AUC 0\.16 \[0\.08, 0\.27\] with the shaper, below chance with or without it: .*a reversed signal rather than a hidden one, so the defense earns no credit there/);
    expect(isp).not.toMatch(/until a shaper is added/);
    // the cost sentence: the strongest link observer's fall is reversed, not lower
    const cost = r.verdicts.find((v) => v.startsWith("The shaper (shaped"))!;
    expect(cost).toMatch(/the strongest link observer's AUC moves by -0\.30 \[-0\.40, -0\.20\] \(reversed: .*no credit\)/);
    // nowhere (verdicts, table, Markdown) is the fall called "lower"
    for (const text of [...r.verdicts, exposureMarkdown(r)]) expect(text).not.toMatch(/\blower\b/);
  });

  it("keeps the credit of a fall that stays above chance (paired interval excluding 0)", () => {
    const r = exposureSummary(linkRun(fig(0.6, 0.52, 0.7)), { scopes: ["cafe", "home", undefined] });
    expect(r.arms[1].cells[2].versusUnshaped?.auc.verdict).toBe("lower");
    expect(r.arms[1].strongestVersusUnshaped?.map((d) => d.verdict)).toEqual(["lower"]);
    expect(exposureRows(r.arms[1]).find((x) => x[0] === "isp")!.at(-1)).toBe("-0.30 [-0.40, -0.20] lower");
    expect(r.verdicts.find((v) => v.startsWith("The ISP (every instance at once"))).toMatch(/event-matching's AUC -0\.30 \[-0\.40, -0\.20\]: lower\)/);
    expect(r.verdicts.find((v) => v.startsWith("The shaper (shaped"))).toMatch(/AUC moves by -0\.30 \[-0\.40, -0\.20\] \(lower\)/);
    expect(r.verdicts.join("\n")).not.toMatch(/reversed/);
  });

  it("keeps the credit of a fall to chance: 0.9 → 0.48 reads 0.9 → 0.52 flipped, still lower by its interval", () => {
    const m = linkRun(fig(0.48, 0.4, 0.56));
    m.arms[1].versusUndefended![2] = diff("event-matching@isp", "link", -0.42, -0.5, -0.34, "lower");
    const r = exposureSummary(m, { scopes: ["cafe", "home", undefined] });
    expect(r.arms[1].cells[2].versusUnshaped?.auc.verdict).toBe("lower");
    expect(exposureRows(r.arms[1]).find((x) => x[0] === "isp")!.at(-1)).toBe("-0.42 [-0.50, -0.34] lower");
  });

  it("gives no credit to a fall below chance in the unshaped arm either, nor to a strongest that a flipped observer beats", () => {
    // unshaped 0.3, shaped 0.2: "lower" unflipped, yet the attacker reads 0.7 → 0.8, a rise
    const m = linkRun(fig(0.2, 0.1, 0.3));
    m.arms[0].observers[2] = { ...m.arms[0].observers[2], summary: { ...m.arms[0].observers[2].summary, auc: fig(0.3, 0.2, 0.4) } };
    m.arms[1].versusUndefended![2] = diff("event-matching@isp", "link", -0.1, -0.15, -0.05, "lower");
    expect(exposureSummary(m).arms[1].cells[2].versusUnshaped?.auc.verdict).toBe("reversed");
    // the strongest link observer reads 0.6 with the shaper, but a second link observer
    // there reads 0.1 (0.9 read flipped): the strongest's fall earns no credit
    const k = linkRun(fig(0.6, 0.52, 0.7));
    const second = (auc: Figure): ObserverResult => ({ ...k.arms[0].observers[2], observer: "volume-correlation", summary: { ...k.arms[0].observers[2].summary, auc } });
    k.arms[0].observers.push(second(fig(0.55, 0.5, 0.6)));
    k.arms[1].observers.push(second(fig(0.1, 0.05, 0.15)));
    k.arms[1].versusUndefended!.push(diff("volume-correlation@isp", "link", -0.45, -0.5, -0.4, "lower"));
    const r = exposureSummary(k);
    expect(r.arms[1].cells[2].versusUnshaped?.auc.verdict).toBe("lower");
    expect(r.arms[1].cells[3].versusUnshaped?.auc.verdict).toBe("reversed");
    expect(r.arms[1].strongestVersusUnshaped?.map((d) => d.verdict)).toEqual(["reversed"]);
  });

  it("reads intervals as the header says", () => {
    expect(reading(fig(0.97, 0.9, 1))).toBe("near-certain");
    expect(reading(fig(0.6, 0.49, 0.7))).toBe("chance");
    expect(reading(fig(0.4, 0.3, 0.45))).toBe("below-chance");
    expect(reading(NONE)).toBe("not resolvable");
  });
});

describe("posture against a baseline", () => {
  const scopes = ["cafe", "home", undefined];
  const baseline = exposureSummary(run(fig(0.6, 0.52, 0.7)), { scopes });

  it("passes the same run and fails one whose ISP observer rose beyond its interval, naming it", () => {
    expect(judgePosture(baseline, exposureSummary(run(fig(0.6, 0.52, 0.7)), { scopes })).regressions).toBe(0);
    const worse = judgePosture(baseline, exposureSummary(run(fig(0.9, 0.8, 0.95)), { scopes }));
    expect(worse.regressions).toBeGreaterThan(0);
    const rows = postureRows(worse);
    expect(rows.slice(1).every((r) => r[0] === "shaped" && r[1] === "isp event-matching" && r[6] === "WORSE")).toBe(true);
    expect(rows.slice(1).map((r) => r[2])).toContain("auc");
  });

  it("with a tolerance, judges the rise of the estimate", () => {
    const run2 = exposureSummary(run(fig(0.65, 0.6, 0.75)), { scopes });
    expect(judgePosture(baseline, run2, { tolerance: 0.1 }).regressions).toBe(0);
    expect(judgePosture(baseline, run2, { tolerance: 0.01 }).regressions).toBeGreaterThan(0);
  });

  it("counts a vantage × observer missing from the run as a regression", () => {
    const fewer = run(fig(0.6, 0.52, 0.7));
    for (const a of fewer.arms) a.observers = a.observers.slice(0, 2);
    expect(judgePosture(baseline, exposureSummary(fewer, { scopes })).judgements.filter((j) => j.verdict === "missing").length).toBeGreaterThan(0);
  });

  it("fails a figure that becomes resolvable (exposure the baseline could not show) and one that stops being resolvable", () => {
    const hidden = exposureSummary(run(NONE), { scopes });
    const shown = exposureSummary(run(fig(0.6, 0.52, 0.7)), { scopes });
    const rose = judgePosture(hidden, shown).judgements.filter((j) => j.who.includes("event-matching") && j.metric === "auc" && j.defense === "shaped");
    expect(rose.map((j) => [j.verdict, j.rule])).toEqual([["WORSE", NEWLY_RESOLVABLE]]);
    expect(postureRows(judgePosture(hidden, shown)).some((r) => r[1] === "isp event-matching" && r[5] === NEWLY_RESOLVABLE && r[6] === "WORSE")).toBe(true);
    const fell = judgePosture(shown, hidden).judgements.filter((j) => j.who.includes("event-matching") && j.metric === "auc" && j.defense === "shaped");
    expect(fell.map((j) => [j.verdict, j.rule])).toEqual([["missing", NO_LONGER_RESOLVABLE]]);
    expect(judgePosture(shown, hidden).regressions).toBeGreaterThan(0);
  });
});
