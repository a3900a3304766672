/**
 * Physics of the attacker who looks both ways (issue 11), split off
 * test/physics/long-term.test.ts so the two run on two cores at once (they share nothing):
 * on sim/experiment/builtin/one-sided.json (reduced to its first hour of 12), an ideal
 * constant rate on the device side only leaves pairs linkable by the long-term attacks:
 * the strongest observer's AUC lower bound is above 0.6 (the disclosure attacks looking at
 * every direction pairing; one hour already holds it: strongest lower bound 0.70, measured
 * 2026-12-07, 7 CPU seconds instead of minutes for the 12 hours).
 * The world of the device-only arm is built and run (sim/experiment/build-arm.ts) and each
 * observer scored by the helper the full-scale study uses too (bench/studies/long-term.ts
 * `oneSidedAucs`), so both scales measure the same thing.
 *
 * Full scale: one-sided.json's 12 hours are measured by `npm run study -- long-term`,
 * which writes its figures to results/studies/long-term.json for the README.
 * test/physics/one-sided-link.test.ts asks the same of the traffic link observers.
 */
import { describe, expect, it } from "vitest";
import { oneSidedAucs, oneSidedExperiment } from "../../bench/studies/long-term.ts";

describe("the attacker who looks both ways (one-sided.json, first hour of 12)", () => {
  it("a device-only ideal constant-rate defense leaves pairs linkable (AUC lower bound above 0.6)", async () => {
    // The first of the file's 12 hours (the full 12 hours: `npm run study -- long-term`).
    const { rows, strongestLo } = await oneSidedAucs(oneSidedExperiment(1));
    console.log(rows.map((r) => `${r.observer} ${JSON.stringify(r.pairing ?? "")}: AUC ${JSON.stringify(r.auc)}`).join("\n"));
    // The strongest observer's lower bound (the runner's own strongest-observer rule would maximise inside each replicate).
    expect(strongestLo).toBeGreaterThan(0.6);
  }, 900_000);
});
