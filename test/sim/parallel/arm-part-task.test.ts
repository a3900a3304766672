import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { prettyJson } from "../../../sim/core/canonical-json.ts";
import { parseExperiment } from "../../../sim/experiment/parse.ts";
import { runExperiment } from "../../../sim/experiment/run.ts";
import { computeTraining, provideTraining, trainingRun } from "../../../sim/experiment/training.ts";
import { FIGURES_EXPERIMENT } from "../../fixtures/tiny-run.ts";
import { SECOND } from "../../../sim/core/time.ts";

async function tiny() {
  const raw = JSON.parse(readFileSync(FIGURES_EXPERIMENT, "utf8"));
  // Learned observers too, so the training run hands rows over, not only score directions.
  raw.observers = [...raw.observers, { observer: "learned-classifier", params: { trees: 5 } }, { observer: "adaptive-activity-detector", params: { epochs: 2 } }];
  raw.durationSeconds = 300;
  return parseExperiment(raw);
}

describe("arms split into training and test tasks (issue 18 item 4)", () => {
  it("a handed-over training run is used once, for exactly its arguments", async () => {
    const exp = await tiny();
    const d = exp.durationSeconds * SECOND;
    const marker = { data: new Map(), orientation: [], trainingAuc: [] };
    provideTraining(exp, exp.defenses[0], d, marker);
    expect(await trainingRun({ ...exp, seed: exp.seed + 1 }, exp.defenses[0], d)).not.toBe(marker);
    expect(await trainingRun(exp, exp.defenses[1], d)).not.toBe(marker);
    expect(await trainingRun(exp, exp.defenses[0], d)).toBe(marker);
    const again = await trainingRun(exp, exp.defenses[0], d);
    expect(again).not.toBe(marker);
    expect(again).toEqual(await computeTraining(exp, exp.defenses[0], d));
  });

  it("gives the same metrics.json on one thread and on two workers", async () => {
    const exp = await tiny();
    const one = await runExperiment(exp, { workers: 1 });
    const two = await runExperiment(exp, { workers: 2 });
    expect(prettyJson(two.metrics)).toBe(prettyJson(one.metrics));
  });
});
