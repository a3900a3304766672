/**
 * dns-activity on constructed lookups whose answer is known: two users over five 60 s
 * windows, each resolving the messenger's names in the windows it is active and another
 * site's names now and then, seen with names visible (plain DNS) and hidden (DoH).
 */
import { describe, expect, it } from "vitest";
import { definition } from "../../observers/dns-activity.ts";
import type { MetaRecord } from "../../observers/meta-record.ts";
import { rocAuc } from "../../observers/metrics.ts";
import { SECOND } from "../../sim/core/time.ts";
import { getObserver, validateObserverParams } from "../../sim/experiment/registries.ts";
import { allScores, feedMeta, metaLabels, rec } from "./meta-fixtures.ts";

const USERS = 2;
const W = 5;
const END = W * 60 * SECOND;
/** User 0 is active in windows 1 and 3, user 1 in window 2. */
const ACTIVE = Uint8Array.from([0, 1, 0, 1, 0, 0, 0, 1, 0, 0]);

/** [device, window, name] of each lookup, 10 s into its window. */
const LOOKUPS: [number, number, string][] = [
  [0, 1, "chat.messenger.example"],
  [0, 3, "chat.messenger.example"],
  [0, 3, "media.messenger.example"],
  [1, 2, "chat.messenger.example"],
  ...[0, 1, 2, 3, 4].map((w): [number, number, string] => [0, w, "news.example"]),
  [1, 0, "news.example"],
  [1, 4, "mail.example"],
  [1, 2, "mail.example"],
];

function records(names: "plain" | "doh"): MetaRecord[] {
  return LOOKUPS.map(([d, w, name], k) => {
    const t = (60 * w + 10) * SECOND + k * 1000;
    return rec({ kind: "dns", device: d, time: t, end: t + 20_000, flow: k, name: names === "plain" ? name : null, src: `10.0.0.${d + 2}`, dst: "192.0.2.53", port: names === "plain" ? 53 : 443 });
  });
}

const labels = metaLabels({ users: USERS, devices: 3, active: ACTIVE });
const run = (recs: MetaRecord[], params: Record<string, unknown> = {}) => feedMeta(definition, params, recs, USERS, 0, END).score(labels);
const L = Math.log1p;

describe("dns-activity", () => {
  it("with plain DNS counts only the messenger's lookups: user 0 [0, 1, 0, 2, 0], user 1 [0, 0, 1, 0, 0] lookups, medians 0: AUC 1", () => {
    const s = run(records("plain"));
    expect(s.task).toBe("activity");
    expect(Array.from(s.positives)).toEqual([L(1), L(2), L(1)]);
    expect(Array.from(s.negatives)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect([Array.from(s.positiveUsers), Array.from(s.positiveTimes!)]).toEqual([
      [0, 0, 1],
      [60 * SECOND, 180 * SECOND, 120 * SECOND],
    ]);
    expect(rocAuc(s.positives, s.negatives)).toBe(1);
  });

  it("with names hidden counts every lookup against the user's usual level: other apps' lookups blur it", () => {
    // user 0: [1, 2, 1, 3, 1] lookups, median 1; user 1: [1, 0, 2, 0, 1], median 1
    const s = run(records("doh"));
    expect(Array.from(s.positives)).toEqual([L(2) - L(1), L(3) - L(1), L(2) - L(1)]);
    expect(Array.from(s.negatives)).toEqual([0, 0, 0, 0, -L(1), -L(1), 0]);
    expect(rocAuc(s.positives, s.negatives)).toBe(1);
    // a busy news app in user 1's idle window 3 outranks its active window
    const noisy = [...records("doh"), ...[0, 1, 2].map((k) => rec({ kind: "dns", device: 1, time: 190 * SECOND + k, name: null }))];
    const n = run(noisy);
    expect(n.negatives[5]).toBeCloseTo(L(3) - L(1), 12);
    expect(rocAuc(n.positives, n.negatives)).toBeCloseTo(18.5 / 21, 12); // two positives below it, one tied
  });

  it("counts a flow to the DNS-over-TLS port as a lookup, and nothing else that is not a lookup", () => {
    const dot = records("doh").map((r) => ({ ...r, kind: "flow" as const, port: 853 }));
    expect(allScores(run(dot))).toEqual(allScores(run(records("doh"))));
    const web = records("doh").map((r) => ({ ...r, kind: "flow" as const, port: 443 }));
    expect(allScores(run(web))).toEqual(new Array(10).fill(0));
  });

  it("ignores bystanders, records it cannot attribute (device −1) and records outside the run", () => {
    const extra = [rec({ kind: "dns", device: 2, time: 70 * SECOND, name: null }), rec({ kind: "dns", device: -1, time: 70 * SECOND, name: null }), rec({ kind: "dns", device: 0, time: END + SECOND, name: null })];
    expect(allScores(run([...records("doh"), ...extra]))).toEqual(allScores(run(records("doh"))));
  });

  it("takes from the labels only which case is positive: other labels move the same scores between the sides", () => {
    const a = run(records("plain"));
    const b = feedMeta(definition, {}, records("plain"), USERS, 0, END).score(metaLabels({ users: USERS, devices: 3, active: Uint8Array.from([1, 0, 1, 0, 1, 0, 1, 0, 1, 0]) }));
    expect(allScores(b)).toEqual(allScores(a));
    expect(rocAuc(b.positives, b.negatives)).toBeLessThan(0.5);
  });

  it("is registered at the vantages that see lookups (not the messaging server), and rejects a bad parameter naming it", async () => {
    expect(await getObserver("dns-activity")).toBe(definition);
    expect(definition.vantages).toContain(definition.vantage);
    expect(definition.vantages).not.toContain("server");
    expect(validateObserverParams(definition, {}).windowSeconds).toBe(60);
    expect(() => validateObserverParams(definition, { windowSeconds: 0 })).toThrow(/observer "dns-activity" parameter windowSeconds = 0/);
  });
});
