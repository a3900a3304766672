/**
 * Physics of the attacker who waits (issue 11), split off test/physics/long-term.test.ts
 * so the two cores run them at once (they share nothing): the report states how many
 * rounds (and days) each defense adds before the attack names partners, through the
 * runner (run-arm scores the long-term observers at every observation horizon, score-run
 * gives intervals and "days bought"), on long-term.json reduced in memory: 75 users for
 * one day, undefended and constant rate, the long-term observers only, 200 resamples.
 * Why that scale (measured 2026-12-07, CPU seconds of the same script on a loaded
 * machine): 100 users with every observer, 61 CPU-s; without the volume correlation,
 * 50 CPU-s and the same identification curves and days bought to the digit (it has no
 * curve against time: the runner scores only observers with `scoreUntil` at each
 * horizon, so nothing here reads it); 75 users, 41 CPU-s, every assertion below holds
 * (undefended reaches identification 0.5 by 10 min, constant rate by 1 d, "buys 23.83 h
 * (+4290 rounds)"; constant rate lower at 1 h and 6 h, differences −0.29 [−0.48, −0.08]
 * and −0.43 [−0.56, −0.31]); 50 users do not hold it: at 10 minutes too few targets have
 * a partner for an interval. One day already stated what two did (constant rate reached
 * by 1 d against 1 h undefended, "buys 23 h (+4140 rounds)" on 100 users).
 *
 * Full scale: `chaff run sim/experiment/builtin/long-term.json` (200 users, the week,
 * every defense and observer: about an hour of CPU per arm pair).
 */
import { describe, expect, it } from "vitest";
import { parseExperiment } from "../../sim/experiment/parse.ts";
import { longTermExperiment } from "../../bench/studies/long-term.ts";

describe("how many rounds each defense buys (long-term.json through the runner, reduced)", () => {
  // The runner's own path (runExperiment → scoreHorizons → scoreRun → report), on
  // long-term.json reduced in memory to keep this test under a CPU minute: 75 users for
  // one day (instead of 200 for a week: the full run is about an hour of CPU, `chaff run
  // sim/experiment/builtin/long-term.json`), the undefended arm and the constant-rate arm,
  // the long-term observers (the ones scored against time), 200 resamples. Everything else
  // (ties, rhythm, sleep, the long-term observers' parameters, seed) is the file's.
  it("the report states, per defense, the rounds and days it adds before the disclosure attack names partners", async () => {
    const { runExperiment } = await import("../../sim/experiment/run.ts");
    const { daysBought, reportMarkdown } = await import("../../sim/report/text.ts");
    const raw = longTermExperiment(75, 1);
    raw.defenses = raw.defenses.filter((d: { name: string }) => d.name === "none" || d.name === "constant-rate");
    raw.observers = (raw.observers as { observer: string }[]).filter((o) => o.observer === "statistical-disclosure" || o.observer === "intersection");
    raw.metrics = { ...raw.metrics, resamples: 200 };
    const small = await parseExperiment(raw);
    const { metrics } = await runExperiment(small, { workers: 1 });
    const [none, cr] = metrics.arms.map((a) => a.overTime!);
    expect(none.horizonsSeconds).toEqual([600, 3600, 21_600, 43_200, 86_400]);
    const id = (o: typeof none) => o.strongest.points.map((p) => p.identification);
    console.log(
      metrics.arms
        .map((a) => `${a.defense}: identification ${a.overTime!.strongest.points.map((p) => `${+(p.seconds / 3600).toFixed(2)} h ${p.identification.estimate?.toFixed(2)} [${p.identification.lo?.toFixed(2)}, ${p.identification.hi?.toFixed(2)}]`).join("; ")}`)
        .join("\n") + `\n${daysBought(metrics).join("\n")}`,
    );
    // Every point of every curve has an interval around its estimate, horizons ascend, no NaN anywhere.
    for (const o of [none, cr]) {
      for (const f of id(o)) {
        expect(f.resolvable).toBe(true);
        expect(f.lo!).toBeLessThanOrEqual(f.estimate!);
        expect(f.hi!).toBeGreaterThanOrEqual(f.estimate!);
      }
    }
    expect(JSON.stringify(metrics)).not.toMatch(/NaN/);
    // Undefended, the attack names a partner for most targets within the run.
    const reachNone = none.reach.find((r) => r.metric === "identification")!;
    expect(reachNone.seconds).not.toBeNull();
    // Constant rate on both sides: the report states when it is reached (and held) against undefended, in rounds and time, or that it is not within the run.
    const reachCr = cr.reach.find((r) => r.metric === "identification")!;
    const md = reportMarkdown(metrics);
    expect(md).toContain("## Against observation time");
    expect(md).toContain(reachCr.statement);
    if (reachCr.seconds === null) {
      expect(reachCr.statement).toMatch(/not within the run .*the defense buys more than/);
    } else {
      // Whatever the physics gives (more, none or less), the line states it in rounds and time.
      expect(reachCr.addedRounds).toBe(reachCr.rounds! - reachNone.rounds!);
      expect(reachCr.addedSeconds).toBe(reachCr.seconds! - reachNone.seconds!);
      if (reachCr.addedRounds! > 0) expect(reachCr.statement).toContain(`buys`);
      if (reachCr.addedRounds! > 0) expect(reachCr.statement).toContain(`(+${reachCr.addedRounds} rounds)`);
      if (reachCr.addedRounds === 0) expect(reachCr.statement).toContain("as undefended");
    }
    // At the first horizons, constant rate detectably lowers identification against the same users undefended.
    const early = cr.versusUndefended!.filter((d) => d.metric === "identification" && d.seconds <= 21_600);
    expect(early.some((d) => d.verdict === "lower")).toBe(true);
  }, 1_800_000);
});
