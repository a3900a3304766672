import { describe, expect, it } from "vitest";
import { parseExperiment } from "../../../sim/experiment/parse.ts";
import { findings, reportMarkdown } from "../../../sim/report/text.ts";
import { runExperiment } from "../../../sim/experiment/run.ts";

describe("budgets", () => {
  it("are enforced by the engine, not trusted to the shaper, and the report says so", async () => {
    const buflo = { shaper: "constant-rate", params: { alwaysOn: true, intervalSeconds: 0.05 } };
    const jitter = { shaper: "jitter", params: { meanDelaySeconds: 2, maxDelaySeconds: 0 } };
    const exp = await parseExperiment({
      name: "budgets",
      purpose: "budget enforcement",
      seed: 5,
      durationSeconds: 600,
      population: { users: 20, contactsPerUser: 4 },
      conversations: [{ model: "messaging", params: { conversationsPerHour: 4 } }],
      // No TCP ACKs: each pure ACK is real and fills a whole cell the budget cannot refuse,
      // so with them the overhead would measure how many ACKs the traffic makes, not the cap.
      transport: { acks: { enabled: false } },
      defenses: [
        { name: "buflo-free", device: buflo, server: buflo },
        { name: "buflo-capped", device: { ...buflo, budget: { maxPaddingFraction: 0.5 } }, server: { ...buflo, budget: { maxPaddingFraction: 0.5 } } },
        { name: "jitter-capped", device: { ...jitter, budget: { maxAddedDelaySeconds: 0.5 } }, server: jitter },
      ],
      observers: [{ observer: "volume-correlation" }],
      metrics: { resamples: 100 },
      traceUsers: [],
    });
    const m = (await runExperiment(exp)).metrics;
    const [free, capped, jit] = m.arms;
    expect(free.cost.budget.refusedPadding).toBe(0);
    expect(capped.cost.budget.refusedPadding).toBeGreaterThan(0);
    // A 50% cap on padding bytes bounds pure padding to overhead wire/real - 1 <= 1; cells
    // that carry some real bytes are padded out too, and the engine cannot refuse those
    // without refusing real bytes, so the bound is approached, not exact.
    const cappedOverhead = capped.cost.bandwidthOverhead.total.estimate!;
    const freeOverhead = free.cost.bandwidthOverhead.total.estimate!;
    expect(cappedOverhead).toBeLessThan(1.25);
    expect(freeOverhead).toBeGreaterThan(4 * cappedOverhead);
    expect(jit.cost.budget.forcedReleases).toBeGreaterThan(0);
    const text = findings(m).join("\n");
    expect(text).toMatch(/`buflo-capped`.*hit its budget: the engine refused \d+ padding packets/);
    expect(text).toMatch(/`jitter-capped`.*forced \d+ held packets out/);
    expect(text).not.toMatch(/`buflo-free`.*hit its budget/);
    expect(reportMarkdown(m)).toContain("hit its budget");
  }, 60_000);
});
