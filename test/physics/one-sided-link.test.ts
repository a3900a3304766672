/**
 * Physics of the attacker who looks both ways (issue 11 item 1), on the repository's
 * sim/experiment/builtin/one-sided.json run through the public runner
 * (`runExperiment`), not tuned to pass: an ideal constant rate on the device side only
 * (every uplink a 1500 B cell every 50 ms, always on; the downlinks bare) leaves pairs
 * linkable by a *traffic* link observer — the strongest of them has an AUC lower bound
 * above 0.6 — because two conversing users both receive in the same minutes, which the
 * observers' default `strongest` direction pairing (observers/direction-pairing.ts)
 * compares, while the classic uplink-against-downlink pairing sees nothing (every uplink
 * is the same constant series: AUC 0.5 exactly).
 *
 * Shrunk in memory, and why: only the device-only arm (the undefended one is not what is
 * asked), the traffic link observers instead of the experiment's long-term ones (the
 * disclosure attacks are held to this in test/physics/long-term.test.ts; here the
 * question is whether the traffic observers are), and 3 of the 12 hours, so the run (a
 * training run and the arm, an always-on uplink of 20 cells a second for 100 users) stays
 * within about a minute or two of CPU. Users, ties, traffic models, the defense and the
 * seed are the file's.
 */
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { parseExperiment } from "../../sim/experiment/parse.ts";
import { runExperiment } from "../../sim/experiment/run.ts";
import type { ArmResult } from "../../sim/runs/metrics.ts";

const ARM = "ideal-constant-rate-device-only";
const HOURS = 3;

let arm: ArmResult;

beforeAll(async () => {
  const raw = JSON.parse(readFileSync(new URL("../../sim/experiment/builtin/one-sided.json", import.meta.url), "utf8"));
  const exp = await parseExperiment({
    ...raw,
    durationSeconds: HOURS * 3600,
    defenses: raw.defenses.filter((d: { name: string }) => d.name === ARM),
    observers: [
      { observer: "volume-correlation" },
      { observer: "volume-correlation", params: { pairing: "up-down" } },
      { observer: "lagged-correlation", params: { binSeconds: 2, maxLagBins: 5 } },
      { observer: "event-matching" },
    ],
  });
  arm = (await runExperiment(exp)).metrics.arms.find((a) => a.defense === ARM)!;
}, 900_000);

describe("the attacker who looks both ways (one-sided.json, traffic link observers)", () => {
  it("a device-only ideal constant-rate defense leaves pairs linkable: the strongest traffic link observer's AUC lower bound is above 0.6", () => {
    const rows = arm.observers.map((o) => `${o.observer} ${JSON.stringify(o.summary.auc)}`);
    console.log(rows.join("\n"));
    const strongest = arm.strongest.find((s) => s.task === "link")!;
    console.log(`strongest link observer: ${strongest.observer} AUC ${JSON.stringify(strongest.auc)}`);
    expect(strongest.auc.lo!).toBeGreaterThan(0.6);
  });

  it("the classic pairing alone (A's uplink against B's downlink) sees nothing: every uplink is the same constant series", () => {
    const classic = arm.observers.filter((o) => o.task === "link")[1];
    expect(classic.summary.auc.estimate).toBe(0.5);
  });
});
