import { errorFunction } from "simple-statistics";
import { describe, expect, it } from "vitest";
import { definition, schema } from "../../../../sim/world/conversations/messaging.ts";
import { MIX_TYPES } from "../../../../sim/world/conversations/message-mix.ts";
import { HOUR, SECOND } from "../../../../sim/core/time.ts";
import { CONVERSATION_KINDS, TYPE_CODE } from "../../../../sim/world/truth.ts";
import { type FakeContext, ksCritical, ksStatistic, runModel } from "./fake-context.ts";
import { concurrentShare } from "../../../../sim/experiment/labels.ts";

const CONTENT = new Set(MIX_TYPES);
type Row = ReturnType<FakeContext["messages"]>[number];

function byConversation(rows: Row[]): Map<number, Row[]> {
  const out = new Map<number, Row[]>();
  for (const r of rows) {
    if (!out.has(r.conv)) out.set(r.conv, []);
    out.get(r.conv)!.push(r);
  }
  return out;
}

const params = { conversationsPerHour: 3 };
const busy = runModel(definition, params, { seed: 11, end: HOUR, populationParams: { users: 200 } });
const rows = busy.messages();
const content = rows.filter((r) => CONTENT.has(r.type));

describe("messaging parameters", () => {
  it("parses every default", () => {
    const p = schema.parse({});
    expect(p.gapScaleSeconds).toBe(5);
    expect(p.gapShape).toBe(0.93);
    expect(p.shareText).toBe(0.8);
    expect(definition.name).toBe("messaging");
  });

  it("rejects out-of-range values naming the parameter and the range", () => {
    const bad = (raw: unknown) => {
      const r = schema.safeParse(raw);
      expect(r.success).toBe(false);
      return r.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    };
    expect(bad({ conversationsPerHour: -1 })).toMatch(/conversationsPerHour: .*>=0/);
    expect(bad({ shareText: 1.5 })).toMatch(/shareText: .*<=1/);
    expect(bad({ gapShape: Number.NaN })).toMatch(/gapShape/);
    expect(bad({ gapScaleSeconds: 40 })).toMatch(/gapCapSeconds: expected at least gapScaleSeconds = 40/);
    expect(bad({ textBytesMin: 500, textBytesMax: 100 })).toMatch(/textBytesMax: expected at least textBytesMin/);
    expect(bad({ typo: 1 })).toMatch(/typo|Unrecognized/);
  });
});

describe("messaging output", () => {
  it("records direct conversations between contacts, touched by their traffic", () => {
    const t = busy.truth.conversations;
    expect(t.length).toBeGreaterThan(100);
    const problems: string[] = [];
    for (let c = 0; c < t.length; c++) {
      if (CONVERSATION_KINDS[t.kind[c]] !== "direct") problems.push(`conversation ${c} is ${CONVERSATION_KINDS[t.kind[c]]}`);
      if (!busy.population.contacts(t.a[c]).includes(t.b[c])) problems.push(`conversation ${c}: ${t.a[c]} and ${t.b[c]} are not contacts`);
    }
    for (const r of rows) {
      if (t.end[r.conv] < r.created) problems.push(`message ${r.id} after its conversation's end`);
      const pair = [t.a[r.conv], t.b[r.conv]];
      if (!pair.includes(r.from) || !pair.includes(r.to) || r.from === r.to) problems.push(`message ${r.id} is not between the two parties`);
    }
    expect(problems).toEqual([]);
  });

  it("starts conversations at rate × activity × diurnal", () => {
    let integral = 0;
    for (let i = 0; i < 3600; i++) integral += busy.population.diurnal(i * SECOND + SECOND / 2) / 3600;
    // Activity weights have mean 1 in law, not exactly in the sample: the expectation is their sum.
    const activity = busy.population.activity.reduce((a, w) => a + w, 0);
    const expected = 3 * activity * integral;
    expect(Math.abs(busy.truth.conversations.length - expected)).toBeLessThan(4 * Math.sqrt(expected));
  });

  it("spaces the messages of a burst by Pareto(5 s, 0.93) gaps capped at 30 s", () => {
    const gaps: number[] = [];
    for (const list of byConversation(content).values()) {
      for (let i = 1; i < list.length; i++) if (list[i].from === list[i - 1].from) gaps.push((list[i].created - list[i - 1].created) / SECOND);
    }
    expect(gaps.length).toBeGreaterThan(500);
    const cap = 30;
    const clipped = gaps.filter((g) => g >= cap - 1e-6);
    for (const g of gaps) {
      expect(g).toBeGreaterThanOrEqual(5 - 1e-6);
      expect(g).toBeLessThanOrEqual(cap + 1e-6);
    }
    const pClip = Math.pow(5 / cap, 0.93);
    expect(Math.abs(clipped.length / gaps.length - pClip)).toBeLessThan(4 * Math.sqrt((pClip * (1 - pClip)) / gaps.length));
    const inside = gaps.filter((g) => g < cap - 1e-6);
    const cdf = (x: number) => (1 - Math.pow(5 / x, 0.93)) / (1 - pClip);
    expect(ksStatistic(inside, cdf)).toBeLessThan(ksCritical(inside.length));
    // And the statistic does see a wrong shape.
    const wrong = (x: number) => (1 - Math.pow(5 / x, 2)) / (1 - Math.pow(5 / cap, 2));
    expect(ksStatistic(inside, wrong)).toBeGreaterThan(ksCritical(inside.length));
  });

  it("mixes types in the configured shares", () => {
    const p = schema.parse(params);
    const shares = [p.shareText, p.sharePhoto, p.shareVideo, p.shareVoiceNote, p.shareFile];
    MIX_TYPES.forEach((type, i) => {
      const n = content.length;
      const got = content.filter((r) => r.type === type).length / n;
      expect(Math.abs(got - shares[i])).toBeLessThan(4 * Math.sqrt((shares[i] * (1 - shares[i])) / n) + 1e-3);
    });
  });

  it("draws sizes from the per-type laws", () => {
    const logUniformCheck = (type: number, lo: number, hi: number) => {
      const xs = content.filter((r) => r.type === type).map((r) => Math.log(r.bytes));
      expect(xs.length).toBeGreaterThan(50);
      const cdf = (x: number) => Math.min(1, Math.max(0, (x - Math.log(lo)) / (Math.log(hi) - Math.log(lo))));
      expect(ksStatistic(xs, cdf)).toBeLessThan(ksCritical(xs.length));
    };
    logUniformCheck(TYPE_CODE.photo, 37_000, 210_000);
    logUniformCheck(TYPE_CODE.video, 700_000, 7_800_000);
    for (const r of content.filter((x) => x.type === TYPE_CODE.text)) {
      expect(r.bytes).toBeGreaterThanOrEqual(4);
      expect(r.bytes).toBeLessThanOrEqual(978);
    }
    // Voice notes: 32 kbit/s × a log-normal duration (median 10 s, sigma 0.8).
    const secs = content.filter((r) => r.type === TYPE_CODE["voice-note"]).map((r) => Math.log(r.bytes / 4000));
    expect(secs.length).toBeGreaterThan(50);
    const cdf = (x: number) => 0.5 * (1 + errorFunction((x - Math.log(10)) / (0.8 * Math.SQRT2)));
    expect(ksStatistic(secs, cdf)).toBeLessThan(ksCritical(secs.length));
  });
});

describe("messaging causality", () => {
  it("answers only after delivery, and a receipt only for a delivered message", () => {
    let replies = 0;
    for (const list of byConversation(rows).values()) {
      const own = list.filter((r) => CONTENT.has(r.type));
      for (let i = 1; i < own.length; i++) {
        if (own[i].from === own[i - 1].from) continue;
        replies++;
        expect(own[i - 1].delivered).toBeLessThanOrEqual(own[i].created);
      }
      for (const r of list.filter((x) => x.type === TYPE_CODE.receipt)) {
        const delivered = own.filter((m) => m.from === r.to && m.to === r.from && m.delivered <= r.created).length;
        const receiptsSoFar = list.filter((x) => x.type === TYPE_CODE.receipt && x.from === r.from && x.created <= r.created).length;
        expect(receiptsSoFar).toBeLessThanOrEqual(2 * delivered);
      }
    }
    expect(replies).toBeGreaterThan(100);
  });

  it("sends a delivery receipt exactly at each delivery, and typing only before the author's message", () => {
    const receipts = new Set(rows.filter((r) => r.type === TYPE_CODE.receipt).map((r) => `${r.conv}/${r.from}/${r.created}`));
    for (const m of content) if (m.delivered <= busy.end) expect(receipts.has(`${m.conv}/${m.to}/${m.delivered}`)).toBe(true);
    const conv = byConversation(rows);
    const typing = rows.filter((r) => r.type === TYPE_CODE.typing);
    expect(typing.length).toBeGreaterThan(100);
    for (const t of typing) {
      const next = conv.get(t.conv)!.find((m) => CONTENT.has(m.type) && m.created > t.created);
      if (!next) continue; // cut by the end of the run
      expect(next.from).toBe(t.from);
      expect(next.type).toBe(TYPE_CODE.text);
      expect(next.created - t.created).toBeLessThanOrEqual((978 / 3.02) * SECOND + 1);
    }
  });

  it("propagates a delivery delay into every reply", () => {
    const delay = 20 * SECOND;
    const slow = runModel(definition, params, { seed: 11, end: HOUR, populationParams: { users: 200 }, delay });
    let replies = 0;
    for (const list of byConversation(slow.messages().filter((r) => CONTENT.has(r.type))).values()) {
      for (let i = 1; i < list.length; i++) {
        if (list[i].from === list[i - 1].from) continue;
        replies++;
        expect(list[i].created - list[i - 1].created).toBeGreaterThanOrEqual(delay);
      }
    }
    expect(replies).toBeGreaterThan(50);
  });

  it("honours the switches for receipts and typing indicators", () => {
    const quiet = runModel(definition, { ...params, deliveryReceipts: false, readReceipts: false, typingIndicators: false }, { seed: 11, end: HOUR / 4, populationParams: { users: 100 } });
    const types = new Set(quiet.messages().map((r) => r.type));
    expect(types.has(TYPE_CODE.receipt)).toBe(false);
    expect(types.has(TYPE_CODE.typing)).toBe(false);
    expect(types.has(TYPE_CODE.text)).toBe(true);
  });
});

describe("messaging sessions", () => {
  it("starts conversations only inside the initiator's sessions when asked to", () => {
    const ctx = runModel(definition, { ...params, startsInSessionsOnly: true }, { seed: 12, end: HOUR, populationParams: { users: 200 } });
    const t = ctx.truth.conversations;
    expect(t.length).toBeGreaterThan(100);
    let outside = 0;
    for (let c = 0; c < t.length; c++) if (!ctx.population.sessions.isOnline(t.a[c], t.start[c])) outside++;
    expect(outside).toBe(0);
    // Without the switch most starts fall outside sessions (users are in the app ~2.5% of the time).
    const t2 = busy.truth.conversations;
    let outside2 = 0;
    for (let c = 0; c < t2.length; c++) if (!busy.population.sessions.isOnline(t2.a[c], t2.start[c])) outside2++;
    expect(outside2 / t2.length).toBeGreaterThan(0.8);
  });
});

describe("messaging determinism", () => {
  it("gives identical sends for the same seed and different ones for another", () => {
    const opts = { end: HOUR / 2, populationParams: { users: 100 } };
    const a = runModel(definition, params, { seed: 4, ...opts }).fingerprint();
    const b = runModel(definition, params, { seed: 4, ...opts }).fingerprint();
    const c = runModel(definition, params, { seed: 5, ...opts }).fingerprint();
    expect(a.length).toBeGreaterThan(1000);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });
});

describe("messaging concurrency", () => {
  it("lets a user hold several conversations at once: messages to two partners interleave", () => {
    // conversations of one user are independent processes, so a new one can start while another is live
    const share = concurrentShare(busy.truth, busy.population.size);
    expect(share.messages).toBe(content.filter((r) => r.from >= 0).length);
    expect(share.share).toBeGreaterThan(0.2);
    // some user sends to B, then to C, then to B again within one conversation with B
    const sent = new Map<number, Row[]>();
    for (const r of content) (sent.get(r.from) ?? sent.set(r.from, []).get(r.from)!).push(r);
    let interleaved = 0;
    for (const list of sent.values()) {
      list.sort((a, b) => a.created - b.created);
      for (let i = 0; i + 2 < list.length; i++) if (list[i].conv === list[i + 2].conv && list[i + 1].conv !== list[i].conv) interleaved++;
    }
    expect(interleaved).toBeGreaterThan(0);
  });
});
