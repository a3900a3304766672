/**
 * The long-term observers against observation time, on constructed rounds whose answer
 * at each horizon is known: twelve targets each send to a decoy (not a contact) until a
 * switch round and to their contact from then on, the contact labelled from the start.
 * A target's top candidate is the decoy until the contact's messages outnumber the
 * decoy's, then the contact: identification 0 before, 1 after. Through the runner's own
 * path: `scoreHorizons` (truth cut at each horizon, `scoreUntil`, `identificationUntil`),
 * then `scoreRun` (user-bootstrap intervals, the strongest curve, paired differences,
 * "days bought") and the report's lines.
 */
import { describe, expect, it } from "vitest";
import type { Observer } from "../../../observers/observer.ts";
import { definition, schema } from "../../../observers/statistical-disclosure.ts";
import { DOWN, UP } from "../../../sim/core/kinds.ts";
import { stream } from "../../../sim/core/rng.ts";
import { SECOND } from "../../../sim/core/time.ts";
import { labelsFromTruth } from "../../../sim/experiment/labels.ts";
import { scoreHorizons, type ArmRun, type ObserverScores } from "../../../sim/experiment/run-arm.ts";
import { experimentSchema } from "../../../sim/experiment/schema.ts";
import { scoreRun } from "../../../sim/experiment/score-run.ts";
import { observationHorizons, truthUntil } from "../../../sim/experiment/truth-until.ts";
import { overTimeFigure } from "../../../sim/report/figures/over-time.ts";
import { daysBought, overTimeTable } from "../../../sim/report/text.ts";
import type { RunMetrics } from "../../../sim/runs/metrics.ts";
import { metricRows } from "../../../sim/runs/metric-rows.ts";
import { Truth } from "../../../sim/world/truth.ts";

const USERS = 60;
const ROUND_S = 60;
const ROUNDS = 1000;
const DURATION_S = ROUNDS * ROUND_S; // 16.7 h: horizons 10 min, 1 h, 6 h, 12 h, the run
const PAIRS = 12;
/** Target i is user i, its contact 20 + i, its decoy 40 + i. */
const target = (i: number) => i;
const contact = (i: number) => 20 + i;
const decoy = (i: number) => 40 + i;

/** The truth: each target and its contact had a direct conversation at the start. */
function truth(): Truth {
  const t = new Truth();
  for (let i = 0; i < PAIRS; i++) t.conversations.add("direct", target(i), contact(i), 0);
  return t;
}

/** A disclosure observer fed rounds in which target i sends (p = 1/2 a round) to its decoy before round `switchRound` and to its contact from it on. */
function observed(switchRound: number, seed: number): Observer {
  const obs = definition.create(schema.parse({ roundSeconds: ROUND_S, lagRounds: 0, minEventBytes: 0 }), {
    users: USERS,
    start: 0,
    end: DURATION_S * SECOND,
    rng: stream(seed, "observer"),
  });
  const r = stream(seed, "rounds");
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < PAIRS; i++) {
      if (!r.bernoulli(0.5)) continue;
      const t = round * ROUND_S * SECOND + i * 2 * SECOND + 10_000;
      obs.tap.packet(target(i), t, 1000, UP);
      obs.tap.packet(round < switchRound ? decoy(i) : contact(i), t + 5_000, 1000, DOWN);
    }
  }
  return obs;
}

function horizonsOf(switchRound: number, seed: number): ObserverScores {
  const obs = observed(switchRound, seed);
  const tr = truth();
  const labels = labelsFromTruth(tr, USERS);
  const entry: ObserverScores = { index: 0, scores: obs.score(labels), orientation: 1, trainingAuc: null };
  scoreHorizons([{ index: 0, observer: obs }], [entry], tr, USERS, DURATION_S * SECOND, DURATION_S, labels);
  return entry;
}

function arm(name: string, scores: ObserverScores): ArmRun {
  return {
    arm: {
      defense: name,
      device: { shaper: name === "none" ? "none" : "padme", params: {} },
      server: { shaper: name === "none" ? "none" : "padme", params: {} },
      traffic: { messages: 0, delivered: 0, conversations: 0, packets: 0 },
      cost: {} as ArmRun["arm"]["cost"],
    },
    scores: [scores],
    extra: { defense: name, events: 0, packets: 0, timelines: [], roc: [], addedLatencyMs: new Float64Array(0), joulesPerHour: new Float64Array(0) },
  };
}

/** Every number in a JSON-able value, recursively (NaN would not survive JSON). */
function numbers(x: unknown, out: number[] = []): number[] {
  if (typeof x === "number") out.push(x);
  else if (Array.isArray(x)) for (const v of x) numbers(v, out);
  else if (x && typeof x === "object") for (const v of Object.values(x)) numbers(v, out);
  return out;
}

describe("truth until a time", () => {
  it("keeps only what had started by then, and derives the horizons from the duration", () => {
    const t = new Truth();
    t.conversations.add("direct", 1, 2, 10 * SECOND);
    t.conversations.add("direct", 3, 4, 100 * SECOND);
    const m = t.messages.add(1, 2, 0, 100, 0, 0, 10 * SECOND);
    t.messages.atServer[m] = 11 * SECOND;
    t.messages.delivered[m] = 60 * SECOND;
    const cut = truthUntil(t, 50 * SECOND);
    expect(cut.conversations.length).toBe(1);
    expect(cut.messages.length).toBe(1);
    expect(cut.messages.atServer[0]).toBe(11 * SECOND);
    expect(Number.isNaN(cut.messages.delivered[0])).toBe(true);
    expect(labelsFromTruth(cut, 5).pairs("link").initiator.length).toBe(1);
    expect(labelsFromTruth(t, 5).pairs("link").initiator.length).toBe(2);
    expect(observationHorizons(DURATION_S)).toEqual([600, 3600, 21_600, 43_200, DURATION_S]);
    expect(observationHorizons(7 * 86_400)).toEqual([600, 3600, 21_600, 43_200, 86_400, 172_800, 259_200, 345_600, 432_000, 518_400, 604_800]);
    expect(observationHorizons(300)).toEqual([300]);
  });
});

describe("the long-term observers against observation time (constructed rounds)", () => {
  it("identification is 0 for every target until its contact's messages outnumber its decoy's, then 1", () => {
    const h = horizonsOf(200, 1).horizons!;
    expect(h.map((x) => x.seconds)).toEqual([600, 3600, 21_600, 43_200, DURATION_S]);
    expect(h.map((x) => x.rounds)).toEqual([10, 60, 360, 720, 1000]);
    const hitsOfTargets = (k: number) => {
      const id = h[k].identification!;
      return Array.from({ length: PAIRS }, (_, i) => id.hits[Array.from(id.targets).indexOf(target(i))]);
    };
    // Before the switch (10 and 60 rounds) every target's top candidate is its decoy.
    expect(hitsOfTargets(0)).toEqual(new Array(PAIRS).fill(0));
    expect(hitsOfTargets(1)).toEqual(new Array(PAIRS).fill(0));
    // After 720 rounds (520 of them to the contact against 200 to the decoy) it is the contact.
    expect(hitsOfTargets(3)).toEqual(new Array(PAIRS).fill(1));
    expect(hitsOfTargets(4)).toEqual(new Array(PAIRS).fill(1));
    // The whole-run horizon is the run's own scores.
    const all = horizonsOf(200, 1);
    expect(all.horizons![4].scores).toBe(all.scores);
  });

  it("scores each horizon with intervals, the strongest curve, paired differences and the time a later switch buys", async () => {
    const exp = experimentSchema.parse({
      name: "over-time",
      purpose: "constructed",
      seed: 3,
      durationSeconds: DURATION_S,
      population: { users: USERS },
      defenses: [{ name: "none" }, { name: "late", device: { shaper: "padme" }, server: { shaper: "padme" } }],
      observers: [{ observer: "statistical-disclosure" }],
      metrics: { resamples: 200, fprs: [1e-2] },
    });
    // Undefended: contacts from the first round. "late": the switch at round 400 (after the 6 h horizon, 360 rounds; by 12 h, 720 rounds, 160 sends to the contact against 200 to the decoy on average).
    const scored = await scoreRun(exp, [arm("none", horizonsOf(0, 1)), arm("late", horizonsOf(400, 1))]);
    const [none, late] = scored.arms.map((a) => a.overTime!);
    expect(none.horizonsSeconds).toEqual([600, 3600, 21_600, 43_200, DURATION_S]);
    for (const o of [none, late]) {
      const secs = o.strongest.points.map((p) => p.seconds);
      expect(secs).toEqual([...secs].sort((a, b) => a - b));
      for (const p of o.strongest.points) {
        expect(p.identification.resolvable).toBe(true);
        expect(p.identification.lo).not.toBeNull();
        expect(p.identification.lo!).toBeLessThanOrEqual(p.identification.estimate!);
        expect(p.identification.hi!).toBeGreaterThanOrEqual(p.identification.estimate!);
      }
      expect(numbers(o).every(Number.isFinite)).toBe(true);
    }
    const idOf = (o: typeof none) => o.strongest.points.map((p) => p.identification.estimate!);
    // Targets are named from the first horizon undefended; under "late" not before the switch (contacts' own rows tie: about 1/59 credit).
    expect(Math.min(...idOf(none))).toBeGreaterThan(0.9);
    expect(idOf(late)[0]).toBeLessThan(0.05);
    expect(idOf(late)[1]).toBeLessThan(0.05);
    expect(idOf(late)[2]).toBeLessThan(0.05);
    expect(idOf(late)[4]).toBeGreaterThan(0.95);
    const reach = late.reach.find((r) => r.metric === "identification")!;
    expect(reach).toMatchObject({ level: 0.5, seconds: 43_200, rounds: 720, undefendedSeconds: 600, undefendedRounds: 10, addedSeconds: 42_600, addedRounds: 710 });
    const d = late.versusUndefended!.find((x) => x.seconds === 600 && x.metric === "identification")!;
    expect(d.verdict).toBe("lower");
    const m = { experiment: "over-time", purpose: "", seed: 3, durationSeconds: DURATION_S, users: USERS, arms: scored.arms } as RunMetrics;
    const lines = daysBought(m);
    expect(lines.some((l) => l.startsWith("late: identification ≥ 0.5 (and stays) by 12 h (720 rounds); undefended by 10 min: the defense buys 11.83 h (+710 rounds)"))).toBe(true);
    const table = overTimeTable(m);
    expect(table.length).toBe(1 + 2 * 5);
    expect(table[1][0]).toBe("none");
    // The flat rows carry every horizon of the strongest curve (what compare and collect read).
    const none0 = { estimate: 0, lo: 0, hi: 0 };
    const cost = {
      bandwidthOverhead: { total: none0, device: none0, server: none0 },
      addedLatencyMs: { p50: none0, p95: none0, p99: none0, messages: 0 },
      endToEndLatencyMs: { p50: none0, p95: none0, p99: none0 },
      energy: { radio: "lte", joulesPerHour: none0, wakeupsPerHour: none0 },
      budget: { refusedPadding: 0, forcedReleases: 0 },
    };
    const row = metricRows({ ...m, arms: m.arms.map((a) => ({ ...a, cost })) }).find((r) => r.defense === "late" && r.observer === "strongest:long-term" && r.metric === `identification@${DURATION_S}s`)!;
    expect(row.estimate).toBe(late.strongest.points[4].identification.estimate);
    // The figure draws both defenses and states the time bought under its caption.
    const svg = overTimeFigure(m);
    expect(svg).toContain("late: identification ≥ 0.5 (and stays) by 12 h (720 rounds)");
    expect(svg).toContain(">none<");
    expect(overTimeFigure({ ...m, arms: m.arms.map(({ overTime: _, ...a }) => a) })).toContain("No long-term observer");
  });
});
