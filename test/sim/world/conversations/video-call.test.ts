import { describe, expect, it } from "vitest";
import { definition, schema } from "../../../../sim/world/conversations/video-call.ts";
import { HOUR, MILLISECOND } from "../../../../sim/core/time.ts";
import { CONVERSATION_KINDS } from "../../../../sim/world/truth.ts";
import { runModel } from "./fake-context.ts";

const test = { callsPerHour: 1, durationMedianSeconds: 60, durationSigma: 0.3 };

describe("video-call parameters", () => {
  it("parses every default", () => {
    const p = schema.parse({});
    expect(p.fps).toBe(30);
    expect(p.videoKbps).toBe(800);
    expect(p.ptimeMs).toBe(20);
    expect(definition.name).toBe("video-call");
  });

  it("rejects bad values naming the parameter", () => {
    const issues = (raw: unknown) => schema.safeParse(raw).error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") ?? "";
    expect(issues({ fps: 0 })).toMatch(/fps: .*>=1/);
    expect(issues({ keyframeRatio: 0.5 })).toMatch(/keyframeRatio/);
    expect(issues({ videoKbps: -5 })).toMatch(/videoKbps/);
    expect(issues({ extra: true })).toMatch(/extra|Unrecognized/);
  });
});

describe("video call output", () => {
  const ctx = runModel(definition, test, { seed: 31, end: HOUR / 2, populationParams: { users: 100 } });
  // Audio frames are the 80 B CBR frames; everything else is video.
  const video = new Map<string, { t: number[]; bytes: number[] }>();
  const audio = new Map<string, number[]>();
  for (let i = 0; i < ctx.frames; i++) {
    const key = `${ctx.frameConv[i]}/${ctx.frameFrom[i]}`;
    if (ctx.frameBytes[i] === 80) {
      if (!audio.has(key)) audio.set(key, []);
      audio.get(key)!.push(ctx.frameT[i]);
    } else {
      if (!video.has(key)) video.set(key, { t: [], bytes: [] });
      video.get(key)!.t.push(ctx.frameT[i]);
      video.get(key)!.bytes.push(ctx.frameBytes[i]);
    }
  }

  it("runs video beside 20 ms audio, in video-call conversations", () => {
    expect(video.size).toBeGreaterThan(20);
    expect([...video.keys()].sort()).toEqual([...audio.keys()].sort());
    for (const key of video.keys()) expect(CONVERSATION_KINDS[ctx.truth.conversations.kind[Number(key.split("/")[0])]]).toBe("video-call");
    const spacing = new Set<number>();
    for (const t of audio.values()) for (let i = 1; i < t.length; i++) spacing.add(t[i] - t[i - 1]);
    expect([...spacing]).toEqual([20 * MILLISECOND]);
  });

  it("sends 30 frames per second on the exact frame clock", () => {
    const spacing = new Set<number>();
    for (const { t } of video.values()) {
      for (let i = 1; i < t.length; i++) spacing.add(t[i] - t[i - 1]);
      // Frame k at t0 + round(k·10^6/30).
      for (let k = 0; k < t.length; k++) if (t[k] !== t[0] + Math.round((k * 1e6) / 30)) throw new Error(`frame ${k} off the clock`);
    }
    expect([...spacing].sort()).toEqual([33_333, 33_334]);
  });

  it("meets the target bitrate, with key frames keyframeRatio times larger every 300 frames", () => {
    let bytes = 0;
    let frames = 0;
    const key: number[] = [];
    const delta: number[] = [];
    for (const s of video.values()) {
      s.bytes.forEach((b, k) => {
        bytes += b;
        frames++;
        (k % 300 === 0 ? key : delta).push(b);
      });
    }
    const kbps = (bytes * 8 * 30) / frames / 1000;
    expect(Math.abs(kbps / 800 - 1)).toBeLessThan(0.03);
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(key.length).toBeGreaterThan(100);
    expect(mean(key) / mean(delta)).toBeGreaterThan(8 * 0.9);
    expect(mean(key) / mean(delta)).toBeLessThan(8 * 1.1);
  });

  it("is deterministic in the seed", () => {
    const opts = { end: HOUR / 6, populationParams: { users: 40 } };
    const a = runModel(definition, test, { seed: 5, ...opts }).fingerprint();
    expect(a.length).toBeGreaterThan(1000);
    expect(runModel(definition, test, { seed: 5, ...opts }).fingerprint()).toBe(a);
    expect(runModel(definition, test, { seed: 6, ...opts }).fingerprint()).not.toBe(a);
  });
});
