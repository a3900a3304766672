import { errorFunction } from "simple-statistics";
import { describe, expect, it } from "vitest";
import { SPEEX_VBR_KBPS, definition, schema, speexAlphabet } from "../../../../sim/world/conversations/voice-call.ts";
import { HOUR, MILLISECOND } from "../../../../sim/core/time.ts";
import { CONVERSATION_KINDS, TYPE_CODE } from "../../../../sim/world/truth.ts";
import { type FakeContext, ksCritical, ksStatistic, runModel } from "./fake-context.ts";

/** Frames of each (conversation, sender) stream, in time order. */
function streams(ctx: FakeContext): Map<string, { t: number[]; bytes: number[]; from: number; to: number; conv: number }> {
  const out = new Map<string, { t: number[]; bytes: number[]; from: number; to: number; conv: number }>();
  for (let i = 0; i < ctx.frames; i++) {
    const key = `${ctx.frameConv[i]}/${ctx.frameFrom[i]}`;
    let s = out.get(key);
    if (!s) out.set(key, (s = { t: [], bytes: [], from: ctx.frameFrom[i], to: ctx.frameTo[i], conv: ctx.frameConv[i] }));
    s.t.push(ctx.frameT[i]);
    s.bytes.push(ctx.frameBytes[i]);
  }
  return out;
}

const test = { callsPerHour: 3, durationMedianSeconds: 20, durationSigma: 0.5 };

describe("voice-call parameters", () => {
  it("parses every default (RingRTC: Opus CBR, 20 ms, 32 kbit/s)", () => {
    const p = schema.parse({});
    expect(p.mode).toBe("cbr");
    expect(p.ptimeMs).toBe(20);
    expect(p.bitrateKbps).toBe(32);
    expect(definition.name).toBe("voice-call");
  });

  it("rejects bad values naming the parameter", () => {
    const issues = (raw: unknown) => schema.safeParse(raw).error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") ?? "";
    expect(issues({ mode: "abr" })).toMatch(/mode/);
    expect(issues({ callsPerHour: -1 })).toMatch(/callsPerHour: .*>=0/);
    expect(issues({ bitrateKbps: 1 })).toMatch(/bitrateKbps: .*>=6/);
    expect(issues({ vbrModeWeights: [0, 0, 0, 0, 0, 0, 0, 0] })).toMatch(/vbrModeWeights: expected at least one positive/);
    expect(issues({ durationMedianSeconds: Number.NaN })).toMatch(/durationMedianSeconds/);
  });

  it("turns the Speex VBR rates into 1–62 B payloads at 20 ms", () => {
    expect(SPEEX_VBR_KBPS).toHaveLength(9);
    expect(speexAlphabet(20)).toEqual([1, 6, 10, 15, 20, 28, 38, 46, 62]);
  });
});

describe("voice call, CBR", () => {
  const ctx = runModel(definition, test, { seed: 21, end: HOUR, populationParams: { users: 200 } });
  const all = streams(ctx);
  const rows = ctx.messages();

  it("sends one constant-size frame every 20 ms in each direction", () => {
    expect(all.size).toBeGreaterThan(400);
    const spacings = new Set<number>();
    const sizes = new Set<number>();
    for (const s of all.values()) {
      for (let i = 1; i < s.t.length; i++) spacings.add(s.t[i] - s.t[i - 1]);
      for (const b of s.bytes) sizes.add(b);
    }
    expect([...spacings]).toEqual([20 * MILLISECOND]);
    expect([...sizes]).toEqual([80]);
  });

  it("lasts a log-normal time from the answer", () => {
    const logs: number[] = [];
    for (const s of all.values()) {
      const conv = s.conv;
      if (s.from !== ctx.truth.conversations.b[conv]) continue; // callee → caller starts at the answer
      const hangup = rows.find((r) => r.conv === conv && r.type === TYPE_CODE.call && r.from === ctx.truth.conversations.a[conv] && r.created > s.t[0]);
      if (!hangup) continue; // still running at the end
      logs.push(Math.log((s.t.length * 20 - 10) / 1000));
    }
    expect(logs.length).toBeGreaterThan(300);
    const mu = Math.log(20);
    const cdf = (x: number) => 0.5 * (1 + errorFunction((x - mu) / (0.5 * Math.SQRT2)));
    expect(ksStatistic(logs, cdf)).toBeLessThan(ksCritical(logs.length));
    const wrong = (x: number) => 0.5 * (1 + errorFunction((x - Math.log(30)) / (0.5 * Math.SQRT2)));
    expect(ksStatistic(logs, wrong)).toBeGreaterThan(ksCritical(logs.length));
  });

  it("starts media only after the offer, then the answer, were delivered; stops at the hang-up", () => {
    const conv = ctx.truth.conversations;
    let checked = 0;
    for (const s of all.values()) {
      const c = s.conv;
      expect(CONVERSATION_KINDS[conv.kind[c]]).toBe("voice-call");
      const signals = rows.filter((r) => r.conv === c && r.type === TYPE_CODE.call);
      const [offer, answer, hangup] = signals;
      expect(offer.from).toBe(conv.a[c]);
      expect(answer.from).toBe(conv.b[c]);
      expect(offer.delivered).toBeLessThanOrEqual(answer.created);
      if (s.from === conv.b[c]) expect(s.t[0]).toBe(answer.created);
      else expect(s.t[0]).toBe(answer.delivered);
      if (hangup) {
        expect(s.t[s.t.length - 1]).toBeLessThan(hangup.created);
        expect(hangup.created - s.t[s.t.length - 1]).toBeLessThanOrEqual(20 * MILLISECOND);
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(400);
  });

  it("never puts a user in two calls at once", () => {
    const conv = ctx.truth.conversations;
    // A caller is free when it sends the hang-up, a callee when the hang-up arrives.
    const hangups = new Map<number, { created: number; delivered: number }>();
    const seen = new Map<number, number>();
    for (const r of rows) {
      if (r.type !== TYPE_CODE.call) continue;
      const k = (seen.get(r.conv) ?? 0) + 1;
      seen.set(r.conv, k);
      if (k === 3) hangups.set(r.conv, r);
    }
    const spans = new Map<number, [number, number][]>();
    for (let c = 0; c < conv.length; c++) {
      const h = hangups.get(c);
      const ends = [h ? h.created : Infinity, h && h.delivered >= 0 ? h.delivered : Infinity];
      [conv.a[c], conv.b[c]].forEach((u, i) => {
        if (!spans.has(u)) spans.set(u, []);
        spans.get(u)!.push([conv.start[c], ends[i]]);
      });
    }
    let pairs = 0;
    const overlaps: string[] = [];
    for (const [u, list] of spans) {
      list.sort((x, y) => x[0] - y[0]);
      for (let i = 1; i < list.length; i++) {
        pairs++;
        if (list[i][0] < list[i - 1][1]) overlaps.push(`user ${u}: call at ${list[i][0]} before ${list[i - 1][1]}`);
      }
    }
    expect(pairs).toBeGreaterThan(100);
    expect(overlaps).toEqual([]);
  });

  it("is deterministic in the seed", () => {
    const opts = { end: HOUR / 4, populationParams: { users: 60 } };
    const a = runModel(definition, test, { seed: 2, ...opts }).fingerprint();
    expect(a.length).toBeGreaterThan(1000);
    expect(runModel(definition, test, { seed: 2, ...opts }).fingerprint()).toBe(a);
    expect(runModel(definition, test, { seed: 3, ...opts }).fingerprint()).not.toBe(a);
  });
});

describe("voice call, VBR", () => {
  const ctx = runModel(definition, { ...test, mode: "vbr" }, { seed: 22, end: HOUR / 2, populationParams: { users: 200 } });
  const alphabet = speexAlphabet(20);

  it("draws every payload from the Speex alphabet, silence in the P.59 share, talk in the configured weights", () => {
    const counts = new Map<number, number>();
    for (let i = 0; i < ctx.frames; i++) counts.set(ctx.frameBytes[i], (counts.get(ctx.frameBytes[i]) ?? 0) + 1);
    for (const b of counts.keys()) expect(alphabet).toContain(b);
    const n = ctx.frames;
    expect(n).toBeGreaterThan(100_000);
    const silence = (counts.get(1) ?? 0) / n;
    expect(Math.abs(silence - 1.587 / (1.004 + 1.587))).toBeLessThan(0.03);
    const weights = schema.parse({}).vbrModeWeights;
    const talk = n - (counts.get(1) ?? 0);
    weights.forEach((w, i) => expect(Math.abs((counts.get(alphabet[i + 1]) ?? 0) / talk - w)).toBeLessThan(0.015));
  });

  it("keeps the 20 ms clock while the size varies", () => {
    const spacings = new Set<number>();
    for (const s of streams(ctx).values()) for (let i = 1; i < s.t.length; i++) spacings.add(s.t[i] - s.t[i - 1]);
    expect([...spacings]).toEqual([20 * MILLISECOND]);
    expect(ctx.frameT[ctx.frames - 1]).toBeLessThanOrEqual(HOUR / 2);
  });
});
