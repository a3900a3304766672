/**
 * Full scale of test/physics/long-term.test.ts and long-term-one-sided.test.ts (issue 11,
 * the attacker who waits), on sim/experiment/builtin/long-term.json as written (200
 * users, one simulated week) and sim/experiment/builtin/one-sided.json as written (100
 * users, 12 hours):
 * - how often the statistical disclosure attack (Mathewson & Dingledine, PET 2004) names
 *   each target's strongest partner first, with a Wilson interval;
 * - undefended TPR at FPR 1e-3 after one hour and after the week (user bootstrap);
 * - under an ideal device-only constant rate, each observer's AUC interval and the
 *   strongest lower bound.
 * The tests check the same properties on 2 of the week's days (test/physics/long-term.test.ts)
 * and the first of one-sided's 12 hours (test/physics/long-term-one-sided.test.ts).
 * "Days bought" per defense at full scale is `chaff run
 * sim/experiment/builtin/long-term.json` (about an hour of CPU per arm pair; reduced:
 * test/physics/long-term-rounds.test.ts).
 * The helpers below are the test's too, so both scales measure the same thing.
 */
import { readFileSync } from "node:fs";
import type { Labels } from "../../observers/labels.ts";
import { summarizeScores } from "../../observers/metrics/summarize-scores.ts";
import type { StatisticalDisclosureObserver } from "../../observers/statistical-disclosure.ts";
import { buildArm } from "../../sim/experiment/build-arm.ts";
import { CONTACT_KIND_CODES, pairLabels } from "../../sim/experiment/labels.ts";
import { parseExperiment } from "../../sim/experiment/parse.ts";
import { truthUntil } from "../../sim/experiment/truth-until.ts";
import { stream } from "../../sim/core/rng.ts";
import { HOUR, SECOND, type Micros } from "../../sim/core/time.ts";
import type { Truth } from "../../sim/world/truth.ts";
import type { Study } from "./study.ts";


/** long-term.json, optionally reduced to `users` users and `days` days; everything else (ties, rhythm, sleep, observers, seed) the file's. */
export function longTermExperiment(users?: number, days?: number): Record<string, unknown> & { defenses: { name: string }[]; metrics: Record<string, unknown> } {
  const raw = JSON.parse(readFileSync(new URL("../../sim/experiment/builtin/long-term.json", import.meta.url), "utf8"));
  if (days !== undefined) raw.durationSeconds = days * 86_400;
  if (users !== undefined) raw.population.users = users;
  return raw;
}

/** one-sided.json, optionally cut to its first `hours` hours. */
export function oneSidedExperiment(hours?: number): Record<string, unknown> {
  const raw = JSON.parse(readFileSync(new URL("../../sim/experiment/builtin/one-sided.json", import.meta.url), "utf8"));
  if (hours !== undefined) raw.durationSeconds = hours * 3600;
  return raw;
}

/**
 * The link labels of the run's first `until` µs: the runner's `link` labels (labels.ts:
 * pairs that had a direct conversation or a call, group co-members left out) on the
 * truth as it stood at `until`.
 */
export function labelsUntil(truth: Truth, users: number, until: Micros): Labels {
  const pairs = pairLabels(truthUntil(truth, until), users, "link");
  return {
    users,
    pairs: () => pairs,
    activeWindows: () => {
      throw new Error("link labels only");
    },
    carried: () => 0,
  };
}

/** Wilson score interval of k successes in n trials (95%). */
export function wilson(k: number, n: number): { lo: number; hi: number } {
  const z = 1.96;
  const p = k / n;
  const d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d;
  const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return { lo: c - h, hi: c + h };
}

/**
 * Targets whose strongest partner (most direct conversations and calls over the run, when
 * clear: ≥ 3 and more than any other) the attack names first, with a Wilson interval; and
 * the attack's own identification rate (a labelled partner first).
 */
export function strongestPartnerNamed(truth: Truth, sda: StatisticalDisclosureObserver, users: number, end: Micros) {
  const c = truth.conversations;
  const counts = new Map<number, Map<number, number>>();
  const add = (a: number, b: number) => {
    const m = counts.get(a) ?? new Map<number, number>();
    m.set(b, (m.get(b) ?? 0) + 1);
    counts.set(a, m);
  };
  for (let i = 0; i < c.length; i++) {
    if (!CONTACT_KIND_CODES.has(c.kind[i])) continue;
    add(c.a[i], c.b[i]);
    add(c.b[i], c.a[i]);
  }
  const id = sda.identification(labelsUntil(truth, users, end));
  let targets = 0;
  let named = 0;
  for (const [a, m] of counts) {
    const sorted = [...m.entries()].sort((x, y) => y[1] - x[1]);
    if (sorted[0][1] < 3 || (sorted.length > 1 && sorted[1][1] === sorted[0][1])) continue;
    targets++;
    if (id.best[a] === sorted[0][0]) named++;
  }
  return { targets, named, interval: wilson(named, targets), rate: id.rate, rateTargets: id.targetCount };
}

/**
 * The undefended arm of a long-term experiment: its world run and its first (default)
 * statistical disclosure observer. The world is built with that observer alone: the
 * others' taps are passive (they draw nothing from the world's streams, so the traffic
 * and the truth are the same with or without them) and nothing here reads them; each
 * would cost its tap's work on every packet and its memory. The observer's own stream
 * is named by its index (build-arm.ts): the same as in the file when it is the file's
 * first observer, as in long-term.json.
 */
export async function undefendedDisclosure(raw: Record<string, unknown>) {
  const exp = await parseExperiment(raw);
  const end = exp.durationSeconds * SECOND;
  const index = exp.observers.findIndex((o) => o.observer === "statistical-disclosure");
  // Alone, it is observer 0, so its stream is the file's only when it is the file's first observer.
  if (index !== 0) throw new Error(`undefendedDisclosure: statistical-disclosure must be the experiment's first observer (it is at ${index}), or its stream differs from the full run's`);
  const alone = { ...exp, observers: [exp.observers[index]] };
  const arm = await buildArm(alone, exp.defenses.find((d) => d.name === "none")!, end, { radio: false });
  const result = arm.world.run();
  const sda = arm.observers[0].observer as StatisticalDisclosureObserver;
  return { exp, end, result, sda, users: exp.population.users };
}

/** TPR at FPR 1e-3 (and AUC) of the attack after one hour and after the whole run, each on the pairs that had talked by then. */
export function growthFromHour(run: Awaited<ReturnType<typeof undefendedDisclosure>>, resamples = 400) {
  const at = (until: Micros) =>
    summarizeScores(run.sda.scoreUntil(labelsUntil(run.result.truth, run.users, until), until), stream(run.exp.seed, "physics/long-term"), { resamples });
  const hour = at(HOUR);
  const whole = at(run.end);
  return { hour: { tprAt1e3: hour.tprAt["1e-3"], auc: hour.auc }, whole: { tprAt1e3: whole.tprAt["1e-3"], auc: whole.auc } };
}

/** Every observer of one-sided.json on its device-only ideal constant-rate arm: AUC intervals, and the strongest lower bound. */
export async function oneSidedAucs(raw: Record<string, unknown>, resamples = 400) {
  const one = await parseExperiment(raw);
  const duration = one.durationSeconds * SECOND;
  const defense = one.defenses.find((d) => d.name === "ideal-constant-rate-device-only")!;
  const arm = await buildArm(one, defense, duration, { radio: false });
  const run = arm.world.run();
  const labels = labelsUntil(run.truth, one.population.users, duration);
  const rows = arm.observers.map((o) => {
    const summary = summarizeScores(o.observer.score(labels), stream(one.seed, `physics/one-sided/${o.index}`), { resamples });
    return { observer: one.observers[o.index].observer, pairing: one.observers[o.index].params.pairing ?? null, auc: summary.auc };
  });
  return { rows, strongestLo: Math.max(...rows.map((r) => r.auc.lo ?? -Infinity)) };
}

export const study: Study = {
  description: "the attacker who waits at full scale: long-term.json's week (200 users) undefended, one-sided.json's 12 hours",
  test: ["test/physics/long-term.test.ts", "test/physics/long-term-one-sided.test.ts"],
  async run(log) {
    const week = await undefendedDisclosure(longTermExperiment());
    const named = strongestPartnerNamed(week.result.truth, week.sda, week.users, week.end);
    log(`strongest partner named first for ${named.named} of ${named.targets} targets (${named.interval.lo.toFixed(2)}–${named.interval.hi.toFixed(2)})`);
    const growth = growthFromHour(week);
    log(`TPR@1e-3 after 1 h ${JSON.stringify(growth.hour.tprAt1e3)}; after the week ${JSON.stringify(growth.whole.tprAt1e3)}`);
    const oneSided = await oneSidedAucs(oneSidedExperiment());
    log(`one-sided, 12 h: strongest AUC lower bound ${oneSided.strongestLo.toFixed(3)}`);
    return {
      longTerm: { users: week.users, durationSeconds: week.exp.durationSeconds, strongestPartner: named, tprAt1e3: growth },
      oneSided: { durationSeconds: 43_200, ...oneSided },
    };
  },
};
