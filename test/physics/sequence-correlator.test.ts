/**
 * Physics of the learned sequence correlator (observers/sequence-correlator.ts, after
 * DeepCoFFEA, Oh et al., IEEE S&P 2022) on the repository's
 * sim/experiment/builtin/sequence-correlator.json, through the public runner
 * (`runExperiment`), not tuned to pass. For each arm the lab trains the correlator on a
 * separate population running the same defense, then scores every pair of the test
 * population:
 * - undefended, it links who talks to whom above chance (AUC lower bound above ½);
 * - under the ideal two-sided defense (every uplink and every downlink a 1500 B cell
 *   every 100 ms, always on), every user's every window is the same sequence, so there
 *   is nothing to learn and nothing to score: its AUC interval contains ½.
 * The file is used as written: 60 users, 30 minutes, both arms.
 */
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { parseExperiment } from "../../sim/experiment/parse.ts";
import { runExperiment } from "../../sim/experiment/run.ts";
import type { ArmResult } from "../../sim/runs/metrics.ts";

let arms: ArmResult[];

const correlator = (arm: string) => arms.find((a) => a.defense === arm)!.observers.find((o) => o.observer === "sequence-correlator")!;

beforeAll(async () => {
  const raw = JSON.parse(readFileSync(new URL("../../sim/experiment/builtin/sequence-correlator.json", import.meta.url), "utf8"));
  arms = (await runExperiment(await parseExperiment(raw))).metrics.arms;
}, 1_800_000);

describe("the learned sequence correlator (sequence-correlator.json)", () => {
  it("links who talks to whom above chance undefended", () => {
    const auc = correlator("none").summary.auc;
    console.log(`undefended: sequence-correlator AUC ${JSON.stringify(auc)}`);
    expect(auc.lo!).toBeGreaterThan(0.5);
  });

  it("is at chance under the ideal two-sided defense (constant rate on every uplink and downlink)", () => {
    const auc = correlator("ideal-constant-rate").summary.auc;
    console.log(`ideal constant rate: sequence-correlator AUC ${JSON.stringify(auc)}`);
    expect(auc.lo!).toBeLessThanOrEqual(0.5);
    expect(auc.hi!).toBeGreaterThanOrEqual(0.5);
  });
});
