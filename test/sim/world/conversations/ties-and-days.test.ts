/**
 * Conversation models on the population's tie strengths and nights (population.ts):
 * partners are picked by tie strength, so a user's conversations concentrate on its
 * strongest contacts and pairs talk again and again; nobody starts a conversation, calls,
 * reads or keeps a websocket alive while asleep.
 */
import { describe, expect, it } from "vitest";
import { definition as messaging } from "../../../../sim/world/conversations/messaging.ts";
import { definition as voiceCall } from "../../../../sim/world/conversations/voice-call.ts";
import { definition as background } from "../../../../sim/world/conversations/background.ts";
import { MessageMix, messageMixSchema } from "../../../../sim/world/conversations/message-mix.ts";
import { buildPopulation } from "../../../../sim/world/population.ts";
import { stream } from "../../../../sim/core/rng.ts";
import { HOUR, MINUTE } from "../../../../sim/core/time.ts";
import { TYPE_CODE } from "../../../../sim/world/truth.ts";
import { runModel } from "./fake-context.ts";

const DAY = 24 * HOUR;

/** Over initiators with 5 or more conversations: the share going to each one's top partner, and distinct partners per conversation. */
function concentration(a: Int32Array, b: Int32Array, count: number) {
  const byUser = new Map<number, Map<number, number>>();
  for (let c = 0; c < count; c++) {
    const m = byUser.get(a[c]) ?? new Map<number, number>();
    m.set(b[c], (m.get(b[c]) ?? 0) + 1);
    byUser.set(a[c], m);
  }
  let top = 0;
  let total = 0;
  let pairs = 0;
  for (const m of byUser.values()) {
    const counts = [...m.values()];
    const n = counts.reduce((s, x) => s + x, 0);
    if (n < 5) continue;
    top += Math.max(...counts);
    total += n;
    pairs += counts.length;
  }
  return { topShare: top / total, partnersPerConversation: pairs / total };
}

describe("partners by tie strength", () => {
  const params = { conversationsPerHour: 2, deliveryReceipts: false, readReceipts: false, typingIndicators: false };
  const heavy = runModel(messaging, params, { seed: 3, end: 6 * HOUR, populationParams: { users: 150, groupsPerUser: 0 } });
  const equal = runModel(messaging, params, { seed: 3, end: 6 * HOUR, populationParams: { users: 150, groupsPerUser: 0, tieStrength: "equal" } });

  it("sends most of a user's conversations to its strongest contacts, so pairs talk again and again", () => {
    const t = heavy.truth.conversations;
    const h = concentration(t.a, t.b, t.length);
    const e = concentration(equal.truth.conversations.a, equal.truth.conversations.b, equal.truth.conversations.length);
    // Equal ties over ~8 contacts give a top share near 1/8 + noise; heavy-tailed ties about half.
    expect(h.topShare).toBeGreaterThan(0.4);
    expect(e.topShare).toBeLessThan(0.3);
    // The same pairs again and again: fewer distinct partners for as many conversations.
    expect(h.partnersPerConversation).toBeLessThan(0.75 * e.partnersPerConversation);
  });

  it("opens each conversation with the partner the population's tie shares predict", () => {
    const pop = heavy.population;
    const t = heavy.truth.conversations;
    let strongest = 0;
    let expected = 0;
    for (let c = 0; c < t.length; c++) {
      const u = t.a[c];
      const s = pop.strongestContact(u);
      if (t.b[c] === s) strongest++;
      expected += pop.tieShare(u, s);
    }
    expect(Math.abs(strongest - expected)).toBeLessThan(4 * Math.sqrt(expected));
  });

  it("places calls by tie strength too", () => {
    const calls = runModel(voiceCall, { callsPerHour: 3, durationMedianSeconds: 10 }, { seed: 4, end: 4 * HOUR, populationParams: { users: 120, groupsPerUser: 0 } });
    const t = calls.truth.conversations;
    let strongest = 0;
    let expected = 0;
    for (let c = 0; c < t.length; c++) {
      if (t.b[c] === calls.population.strongestContact(t.a[c])) strongest++;
      expected += calls.population.tieShare(t.a[c], calls.population.strongestContact(t.a[c]));
    }
    expect(t.length).toBeGreaterThan(200);
    // Busy callees are skipped after the draw, so the strongest share can only be a little lower.
    expect(strongest).toBeGreaterThan(0.8 * expected - 4 * Math.sqrt(expected));
  });
});

describe("days and nights", () => {
  const populationParams = { users: 60, groupsPerUser: 0, sleep: {} };

  it("starts no conversation and places no call while the initiator sleeps, over two days", () => {
    const chat = runModel(messaging, { conversationsPerHour: 1 }, { seed: 5, end: 2 * DAY, populationParams });
    const sleep = chat.population.sleep!;
    const t = chat.truth.conversations;
    expect(t.length).toBeGreaterThan(500);
    for (let c = 0; c < t.length; c++) expect(sleep.isAsleep(t.a[c], t.start[c])).toBe(false);
    const calls = runModel(voiceCall, { callsPerHour: 1, durationMedianSeconds: 10 }, { seed: 5, end: 2 * DAY, populationParams });
    const ct = calls.truth.conversations;
    for (let c = 0; c < ct.length; c++) {
      expect(calls.population.sleep!.isAsleep(ct.a[c], ct.start[c])).toBe(false);
      expect(calls.population.sleep!.isAsleep(ct.b[c], ct.start[c])).toBe(false);
    }
  });

  it("reads nothing before the reader wakes up", () => {
    const pop = buildPopulation({ users: 50, groupsPerUser: 0, sleep: {} }, stream(6, "population"));
    const mix = new MessageMix(messageMixSchema.parse({}));
    const r = stream(6, "read");
    let checked = 0;
    for (let u = 0; u < 50; u++) {
      for (let t = 0; t < 2 * DAY; t += 37 * MINUTE) {
        if (!pop.sleep!.isAsleep(u, t)) continue;
        const delay = mix.readDelay(pop, u, t, -Infinity, r);
        expect(t + delay).toBeGreaterThanOrEqual(pop.sleep!.nextWake(u, t));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(500);
  });

  it("sends no keepalive while the phone dozes, and reconnects at the wake-up", () => {
    const bg = runModel(background, { pushesPerHour: 0 }, { seed: 7, end: 2 * DAY, populationParams });
    const sleep = bg.population.sleep!;
    const rows = bg.messages().filter((m) => m.type === TYPE_CODE.keepalive);
    for (const m of rows) expect(sleep.isAsleep(m.from, m.created)).toBe(false);
    // Every user's first keepalive of each morning is at its wake-up.
    for (let u = 0; u < 10; u++) {
      const nights = sleep.nightsOf(u, 2 * DAY);
      for (let i = 0; i < nights.length; i += 2) {
        const wake = nights[i + 1];
        if (wake <= 0 || wake >= 2 * DAY || nights[i] <= 0) continue;
        expect(rows.some((m) => m.from === u && m.created === wake)).toBe(true);
      }
    }
  });
});
