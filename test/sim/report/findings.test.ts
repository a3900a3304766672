/**
 * The report's findings credit a defense only for what it hides: an observer pushed
 * through chance (AUC under 0.5 after the training run's orientation) still carries the
 * signal, reversed, and an adversary who knows the defense reads it flipped. A "lower"
 * that read flipped no longer lies below 0 is named as reversed with no credit; a fall
 * that stays above chance, or lands at chance, keeps its credit. Checked on the committed gate baseline's metrics (a real run's shape), with one
 * arm's paired differences set to known values.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadMetrics } from "../../../sim/runs/compare.ts";
import type { PairedDifference, RunMetrics } from "../../../sim/runs/metrics.ts";
import { findings } from "../../../sim/report/text.ts";

const ROOT = join(import.meta.dirname, "../../..");

function diff(observer: string, defended: number, undefended: number): PairedDifference {
  const d = defended - undefended;
  return { observer, task: "link", metric: "auc", defended, undefended, difference: { estimate: d, lo: d - 0.05, hi: d + 0.05 }, verdict: "lower" };
}

/** The gate's metrics with its second arm's AUC differences replaced by `diffs`; that arm's findings line. */
function findingFor(diffs: PairedDifference[]): string {
  const m: RunMetrics = structuredClone(loadMetrics(join(ROOT, "results/baselines/gate.json")));
  const arm = m.arms[1];
  arm.versusUndefended = diffs;
  const line = findings(m).find((f) => f.includes(`\`${arm.defense}\``) && !f.startsWith("Undefended"));
  expect(line, `a findings line for ${arm.defense}`).toBeDefined();
  return line!;
}

describe("findings: no credit below chance", () => {
  it("names an observer pushed below chance as reversed, not lowered", () => {
    // 0.8 → 0.2 reads 0.8 → 0.8 flipped: no fall at all
    const line = findingFor([diff("volume-correlation@isp", 0.2, 0.8), diff("event-matching@isp", 0.6, 0.8)]);
    expect(line).toContain("it pushes volume-correlation@isp");
    expect(line).toContain("below chance, a fall through chance: read flipped, as an adversary who knows the defense reads it, the signal is reversed, not removed, so no credit");
    expect(line).toMatch(/it lowers the AUC of event-matching@isp \(/);
    expect(line).not.toMatch(/lowers the AUC of [^;.]*volume-correlation@isp/);
  });

  it("gives no credit where the undefended figure was already below chance", () => {
    // 0.35 → 0.2 reads 0.65 → 0.8 flipped: a rise
    const line = findingFor([diff("volume-correlation@isp", 0.2, 0.35)]);
    expect(line).not.toContain("lowers the AUC");
    expect(line).toContain("it pushes volume-correlation@isp");
  });

  it("keeps the credit of a fall to chance: 0.94 → 0.495 reads 0.94 → 0.505 flipped", () => {
    const line = findingFor([diff("event-matching@isp", 0.495, 0.944)]);
    expect(line).toMatch(/it lowers the AUC of event-matching@isp \(/);
    expect(line).not.toContain("it pushes");
  });

  it("says the strongest link observer is reversed when it falls through chance (0.9 → 0.15 reads 0.9 → 0.85)", () => {
    const line = findingFor([{ ...diff("strongest:link", 0.15, 0.9) }]);
    expect(line).toMatch(/the strongest link AUC is a fall through chance: read flipped/);
    expect(line).not.toMatch(/strongest link AUC is lower/);
  });
});
