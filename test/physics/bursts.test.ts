/**
 * Physics of the burst task (issue 12 item 1), on the built-in experiment
 * sim/experiment/builtin/bursts.json run by the lab end to end (training run, scoring on
 * shared user-and-time bootstrap replicates), not tuned to pass:
 * - users really are in several conversations at once: a good share of their messages go
 *   out while another of their conversations is live;
 * - undefended, the ISP's burst-attribution observer names the right counterpart of a
 *   burst far above chance (top-1 lower bound above one half and above ten times chance;
 *   chance is a few percent: 1 in 99 for a 1:1 burst, more for a group's);
 * - FRONT and constant-rate cells on both sides (constant-rate, Tamaraw) each lower its
 *   top-1 accuracy: the paired difference with the undefended arm has an interval below 0.
 */
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { buildArm } from "../../sim/experiment/build-arm.ts";
import { concurrentShare } from "../../sim/experiment/labels.ts";
import { parseExperiment } from "../../sim/experiment/parse.ts";
import { runExperiment } from "../../sim/experiment/run.ts";
import type { Experiment } from "../../sim/experiment/schema.ts";
import type { RunMetrics } from "../../sim/runs/metrics.ts";
import { SECOND } from "../../sim/core/time.ts";

const OBSERVER = "burst-attribution@isp";

describe("the burst task (bursts.json)", () => {
  let exp: Experiment;
  let metrics: RunMetrics;
  beforeAll(async () => {
    exp = await parseExperiment(JSON.parse(readFileSync(new URL("../../sim/experiment/builtin/bursts.json", import.meta.url), "utf8")));
    metrics = (await runExperiment(exp)).metrics;
  }, 600_000);

  it("has users in concurrent conversations: over a quarter of their messages go out while another of theirs is live", async () => {
    const arm = await buildArm(exp, exp.defenses[0], exp.durationSeconds * SECOND, { radio: false });
    const c = concurrentShare(arm.world.run().truth, exp.population.users);
    console.log(`concurrent share ${c.concurrent}/${c.messages} = ${c.share.toFixed(3)}`);
    expect(c.messages).toBeGreaterThan(200);
    expect(c.share).toBeGreaterThan(0.25);
  }, 600_000);

  it("undefended, names the right counterpart of a burst far above chance", () => {
    const none = metrics.arms.find((a) => a.defense === "none")!;
    const o = none.observers.find((x) => `${x.observer}@${x.vantage}` === OBSERVER)!;
    const s = o.summary;
    console.log(`none: top-1 ${JSON.stringify(s.top1)} over ${s.positives} bursts of ${s.positiveUsers} users, chance 1/${s.candidates}; AUC ${JSON.stringify(s.auc)}`);
    expect(o.task).toBe("burst");
    expect(s.positives).toBeGreaterThan(100);
    // chance (1 / candidates) is the mean over the bursts of R / 99 for R right counterparts (group bursts raise it)
    expect(s.top1!.lo!).toBeGreaterThan(0.5);
    expect(s.top1!.lo!).toBeGreaterThan(10 / s.candidates!);
    expect(s.auc.lo!).toBeGreaterThan(0.9);
    // the strongest observer of the burst task is this one
    expect(none.strongest.find((x) => x.task === "burst")!.observer).toBe(OBSERVER);
  });

  for (const defense of ["front", "constant-rate", "tamaraw"]) {
    it(`${defense} lowers its top-1 accuracy (paired difference with the undefended arm below 0)`, () => {
      const arm = metrics.arms.find((a) => a.defense === defense)!;
      const d = arm.versusUndefended!.find((x) => x.observer === OBSERVER && x.metric === "top1")!;
      console.log(`${defense}: top-1 ${d.undefended} -> ${d.defended}, difference ${JSON.stringify(d.difference)}`);
      expect(d.verdict).toBe("lower");
      expect(d.difference.hi!).toBeLessThan(0);
      const strongest = arm.versusUndefended!.find((x) => x.observer === "strongest:burst" && x.metric === "top1")!;
      expect(strongest.verdict).toBe("lower");
    });
  }
});
