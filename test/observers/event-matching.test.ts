import { describe, expect, it } from "vitest";
import { BurstExtractor } from "../../observers/bursts.ts";
import { definition, matchRatio, resolveEventParams } from "../../observers/event-matching.ts";
import { validateObserverParams } from "../../sim/experiment/registries.ts";
import { ms, seconds } from "../../sim/core/time.ts";
import { DOWN, UP } from "../../sim/core/kinds.ts";
import { auc, run, synthetic, top1 } from "./synthetic.ts";

/** One-packet events: user 0 uplink (channel side) and user 1 downlink (user side). */
function events(channel: [number, number][], user: [number, number][]): BurstExtractor {
  const e = new BurstExtractor({ users: 2, gap: ms(100), minPacket: 0, minBurst: 0, maxEvents: 16 });
  for (const [t, s] of channel) e.packet(0, seconds(t), s, UP);
  for (const [t, s] of user) e.packet(1, seconds(t), s, DOWN);
  e.finish();
  return e;
}

describe("event-matching", () => {
  const paper = resolveEventParams(validateObserverParams(definition, { preset: "paper" }));
  const code = resolveEventParams(validateObserverParams(definition, { preset: "code" }));

  it("presets carry the published parameters", () => {
    expect(paper).toMatchObject({ gap: ms(500), minBurst: 500, rule: { delta: seconds(3), gamma: 10_000, relative: false, exclusive: false, denominator: "channel" } });
    expect(code).toMatchObject({ gap: seconds(1), minPacket: 40, minBurst: 1500, rule: { delta: seconds(15), gamma: 0.25, relative: true, exclusive: true, denominator: "min" } });
    const over = resolveEventParams(validateObserverParams(definition, { preset: "code", deltaSeconds: 5 }));
    expect(over.rule.delta).toBe(seconds(5));
    expect(over.rule.gamma).toBe(0.25);
  });

  it("paper rule: within Δ = 3 s and 10 KB absolute, any number of channel events per user event", () => {
    const used = new Uint8Array(16);
    // 100 KB channel event matched by 95 KB 2 s later (|Δs| = 5 KB ≤ 10 KB); a second one too (shared).
    expect(matchRatio(events([[10, 100_000], [10.5, 100_000]], [[12, 95_000]]), 0, 1, paper.rule, used)).toBe(1);
    // 4 s late: outside Δ.
    expect(matchRatio(events([[10, 100_000]], [[14, 100_000]]), 0, 1, paper.rule, used)).toBe(0);
    // 20 KB apart: outside Γ.
    expect(matchRatio(events([[10, 100_000]], [[11, 80_000]]), 0, 1, paper.rule, used)).toBe(0);
  });

  it("code rule: Γ is 25% of the channel event, each user event matches once, ratio over the smaller count", () => {
    const used = new Uint8Array(16);
    // 100 KB vs 80 KB: 20% off, matches under the code rule but not the paper's 10 KB.
    expect(matchRatio(events([[10, 100_000]], [[20, 80_000]]), 0, 1, code.rule, used)).toBe(1);
    // Two channel events, one user event: only one match; denominator min(2, 1) = 1.
    expect(matchRatio(events([[10, 100_000], [10.5, 100_000]], [[12, 100_000]]), 0, 1, code.rule, used)).toBe(1);
    // Three channel events, two user events, one of them 40% off: 1 / min(3, 2).
    expect(matchRatio(events([[10, 1000], [30, 1000], [50, 1000]], [[11, 1000], [31, 1400]]), 0, 1, code.rule, used)).toBe(0.5);
    // The nearest user event is taken (the code searches Δ outward): the channel event at
    // 10 s takes 10.5 s, not 9 s, and the one at 25 s then finds nothing within 15 s.
    expect(matchRatio(events([[10, 1000], [25, 1000]], [[9, 1000], [10.5, 1000]]), 0, 1, code.rule, used)).toBe(0.5);
    // No events on one side: 0.
    expect(matchRatio(events([[10, 1000]], []), 0, 1, code.rule, used)).toBe(0);
  });

  it("links conversing pairs far above chance with both presets", () => {
    const syn = synthetic({ users: 40, pairs: 12, seconds: 1200, seed: 14 });
    for (const preset of ["paper", "code"]) {
      const s = run(definition, { preset }, syn);
      expect(auc(s.positives, s.negatives)).toBeGreaterThan(0.95);
      expect(top1(s)).toBeGreaterThan(0.8);
    }
  });

  it("is at chance against constant-rate traffic, and cover lowers it", () => {
    const cbr = synthetic({ users: 40, pairs: 12, seconds: 1200, seed: 14, constantRate: { intervalMs: 100, size: 600 } });
    const cover = synthetic({ users: 40, pairs: 12, seconds: 1200, seed: 14, coverRate: 3 });
    for (const preset of ["paper", "code"]) {
      const s = run(definition, { preset }, cbr);
      expect(Math.abs(auc(s.positives, s.negatives) - 0.5)).toBeLessThan(0.02);
      const c = run(definition, { preset }, cover);
      expect(auc(c.positives, c.negatives)).toBeLessThan(0.9);
    }
  });

  it("samples negatives for large populations", () => {
    const syn = synthetic({ users: 40, pairs: 12, seconds: 600, seed: 14 });
    const s = run(definition, { sampleNegatives: 200 }, syn);
    expect(s.negatives.length).toBe(200);
    expect(s.ranks).toBeUndefined();
    expect(auc(s.positives, s.negatives)).toBeGreaterThan(0.95);
  });

  it("says what it sees and cannot see; rejects bad parameters", () => {
    expect(definition.sees.length).toBeGreaterThan(10);
    expect(definition.cannotSee.length).toBeGreaterThan(10);
    expect(() => validateObserverParams(definition, { preset: "nope" })).toThrow(/observer "event-matching" parameter preset = "nope"/);
    expect(() => validateObserverParams(definition, { deltaSeconds: -3 })).toThrow(/deltaSeconds = -3/);
    expect(() => resolveEventParams(validateObserverParams(definition, { preset: "code", gamma: 25 }))).toThrow(/gamma = 25/);
  });
});
