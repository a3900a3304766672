import { describe, expect, it } from "vitest";
import { validateObserverParams } from "../../sim/experiment/registries.ts";
import { UNSEEN_SCORE, definition } from "../../observers/size-content.ts";
import { stream } from "../../sim/core/rng.ts";
import { ms, seconds } from "../../sim/core/time.ts";
import { UP } from "../../sim/core/kinds.ts";
import { TYPE_CODE, Truth } from "../../sim/world/truth.ts";
import { labelsFromTruth } from "../../sim/experiment/labels.ts";
import { auc, run, synthetic } from "./synthetic.ts";

describe("size-content", () => {
  it("scores each sent message by the log-size distance of its burst to the target's centre", () => {
    const obs = definition.create(validateObserverParams(definition, { target: "photo" }), { users: 2, start: 0, end: seconds(100), rng: stream(1, "c") });
    for (let k = 0; k < 60; k++) obs.tap.packet(0, seconds(10) + ms(2 * k), 1400, UP); // 84 KB burst
    obs.tap.packet(0, seconds(30), 300, UP); // one small packet
    const t = new Truth();
    t.messages.add(0, 1, TYPE_CODE.photo, 80_000, 0, 0, seconds(10));
    t.messages.add(0, 1, TYPE_CODE.text, 200, 0, 0, seconds(29.5));
    t.messages.add(0, 1, TYPE_CODE.text, 200, 0, 0, seconds(60)); // no burst follows
    t.messages.add(0, -1, TYPE_CODE.keepalive, 50, -1, 0, seconds(30)); // not a content case
    const s = obs.score(labelsFromTruth(t, 2));
    expect(s.task).toBe("content");
    expect(s.positives[0]).toBeCloseTo(-Math.abs(Math.log(84_000) - Math.log(88_000)), 9);
    expect(s.negatives[0]).toBeCloseTo(-Math.abs(Math.log(300) - Math.log(88_000)), 9);
    expect(s.negatives[1]).toBe(UNSEEN_SCORE);
    expect(s.negatives.length).toBe(2);
  });

  it("tells photos from texts far above chance; constant-rate traffic hides them", () => {
    const plain = run(definition, { target: "photo" }, synthetic({ users: 30, pairs: 10, seconds: 1200, seed: 17, messageMean: 60 }));
    expect(plain.positives.length).toBeGreaterThan(20);
    expect(auc(plain.positives, plain.negatives)).toBeGreaterThan(0.95);
    const text = run(definition, { target: "text" }, synthetic({ users: 30, pairs: 10, seconds: 1200, seed: 17, messageMean: 60 }));
    expect(auc(text.positives, text.negatives)).toBeGreaterThan(0.95);
    const cbr = run(definition, { target: "photo" }, synthetic({ users: 30, pairs: 10, seconds: 1200, seed: 17, messageMean: 60, constantRate: { intervalMs: 100, size: 600 } }));
    expect(Math.abs(auc(cbr.positives, cbr.negatives) - 0.5)).toBeLessThan(0.02);
  });

  it("says what it sees and cannot see; rejects bad parameters", () => {
    expect(definition.sees.length).toBeGreaterThan(10);
    expect(definition.cannotSee.length).toBeGreaterThan(10);
    expect(() => validateObserverParams(definition, { target: "gif" })).toThrow(/observer "size-content" parameter target = "gif"/);
    expect(() => validateObserverParams(definition, { centres: { photo: -1 } })).toThrow(/centres.photo = -1/);
  });
});
