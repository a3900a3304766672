import { describe, expect, it } from "vitest";
import { validateObserverParams } from "../../sim/experiment/registries.ts";
import { definition } from "../../observers/size-content.ts";
import { stream } from "../../sim/core/rng.ts";
import { ms, seconds } from "../../sim/core/time.ts";
import { UP } from "../../sim/core/kinds.ts";
import { TYPE_CODE, Truth } from "../../sim/world/truth.ts";
import { labelsFromTruth } from "../../sim/experiment/labels.ts";
import { auc, run, synthetic } from "./synthetic.ts";

describe("size-content", () => {
  it("scores each uplink burst that carried a real message by the log-size distance to the target's centre", () => {
    const obs = definition.create(validateObserverParams(definition, { target: "photo" }), { users: 2, start: 0, end: seconds(100), rng: stream(1, "c") });
    for (let k = 0; k < 60; k++) obs.tap.packet(0, seconds(10) + ms(2 * k), 1400, UP); // 84 KB burst
    obs.tap.packet(0, seconds(30), 300, UP); // one small packet
    obs.tap.packet(0, seconds(45), 500, UP); // a burst that carried nothing real (cover)
    const t = new Truth();
    t.messages.add(0, 1, TYPE_CODE.photo, 80_000, 0, 0, seconds(10));
    const text = t.messages.add(0, 1, TYPE_CODE.text, 200, 0, 0, seconds(29.5)); // queued until the burst at 30 s
    t.messages.atServer[text] = seconds(30.05);
    t.messages.add(0, 1, TYPE_CODE.text, 200, 0, 0, seconds(60)); // no burst carries it: no case
    t.messages.add(0, -1, TYPE_CODE.keepalive, 50, -1, 0, seconds(45)); // not content
    const s = obs.score(labelsFromTruth(t, 2));
    expect(s.task).toBe("content");
    expect(Array.from(s.positives)).toEqual([-Math.abs(Math.log(84_000) - Math.log(88_000))]);
    expect(Array.from(s.negatives)).toEqual([-Math.abs(Math.log(300) - Math.log(88_000))]);
    expect(Array.from(s.positiveUsers)).toEqual([0]);
  });

  it("never reads when a message was created: moving creation times within the burst changes nothing", () => {
    const feed = () => {
      const obs = definition.create(validateObserverParams(definition, { target: "photo" }), { users: 1, start: 0, end: seconds(100), rng: stream(1, "c") });
      for (let k = 0; k < 60; k++) obs.tap.packet(0, seconds(10) + ms(2 * k), 1400, UP);
      return obs;
    };
    const at = (created: number) => {
      const t = new Truth();
      const id = t.messages.add(0, -1, TYPE_CODE.photo, 80_000, 0, 0, created);
      t.messages.atServer[id] = seconds(10.2);
      return feed().score(labelsFromTruth(t, 1));
    };
    expect(at(seconds(9))).toEqual(at(seconds(10.1)));
  });

  it("tells photos from texts far above chance; constant-rate traffic hides them", () => {
    const plain = run(definition, { target: "photo" }, synthetic({ users: 30, pairs: 10, seconds: 1200, seed: 17, messageMean: 60 }));
    expect(plain.positives.length).toBeGreaterThan(20);
    expect(auc(plain.positives, plain.negatives)).toBeGreaterThan(0.95);
    const text = run(definition, { target: "text" }, synthetic({ users: 30, pairs: 10, seconds: 1200, seed: 17, messageMean: 60 }));
    expect(auc(text.positives, text.negatives)).toBeGreaterThan(0.95);
    const cbrWorld = synthetic({ users: 30, pairs: 10, seconds: 1200, seed: 17, messageMean: 60, constantRate: { intervalMs: 100, size: 600 } });
    // Constant rate: one endless burst per user, carrying every type: nothing to tell apart.
    const one = run(definition, { target: "photo" }, cbrWorld);
    expect(one.positives.length).toBeLessThanOrEqual(30);
    expect(one.negatives.length).toBe(0);
    // Cut at every packet instead: each burst is one 600 B packet, all tied, AUC exactly ½.
    const cbr = run(definition, { target: "photo", gapSeconds: 0.05 }, cbrWorld);
    expect(cbr.positives.length).toBeGreaterThan(100);
    expect(cbr.negatives.length).toBeGreaterThan(20);
    expect(auc(cbr.positives, cbr.negatives)).toBe(0.5);
  });

  it("says what it sees and cannot see; rejects bad parameters", () => {
    expect(definition.sees.length).toBeGreaterThan(10);
    expect(definition.cannotSee.length).toBeGreaterThan(10);
    expect(() => validateObserverParams(definition, { target: "gif" })).toThrow(/observer "size-content" parameter target = "gif"/);
    expect(() => validateObserverParams(definition, { centres: { photo: -1 } })).toThrow(/centres.photo = -1/);
  });
});
