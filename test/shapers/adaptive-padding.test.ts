import { errorFunction, mean } from "simple-statistics";
import { describe, expect, it } from "vitest";
import { BIN_COUNT, BIN_EDGES_SECONDS, INF_BIN, NORMAL_RCV, definition, histogramTokens } from "../../shapers/adaptive-padding.ts";
import { Trace } from "../../sim/core/trace.ts";
import { PADDING, REAL, UP, DOWN } from "../../sim/core/kinds.ts";
import { rows, run } from "./run.ts";

const phi = (x: number, m: number, s: number) => 0.5 * (1 + errorFunction((x - m) / (s * Math.SQRT2)));

describe("adaptive-padding (WTF-PAD)", () => {
  it("uses the reference's exponential bins: 0, 10/2^29, …, 5, 10 s", () => {
    expect(BIN_EDGES_SECONDS.length).toBe(BIN_COUNT + 1);
    expect(BIN_EDGES_SECONDS[0]).toBe(0);
    expect(BIN_EDGES_SECONDS[BIN_COUNT]).toBe(10);
    expect(BIN_EDGES_SECONDS[BIN_COUNT - 1]).toBe(5);
    expect(BIN_EDGES_SECONDS[1]).toBeCloseTo(10 / 2 ** 29, 15);
  });

  it("fills histograms with the normal mass of 10,000 draws and sets the infinity bin by the reference rule", () => {
    const spec = NORMAL_RCV.client.sendGap; // N = 21
    const gap = histogramTokens("gap", spec);
    let other = 0;
    for (let k = 0; k < BIN_COUNT; k++) other += gap[k];
    const positiveMass = 10_000 * (phi(10, spec.mean, spec.sd) - phi(0, spec.mean, spec.sd));
    expect(Math.abs(other - positiveMass)).toBeLessThanOrEqual(BIN_COUNT / 2);
    expect(gap[INF_BIN]).toBe(Math.ceil(other / 20));
    const burst = histogramTokens("burst", NORMAL_RCV.client.sendBurst); // p = 9
    let otherB = 0;
    for (let k = 0; k < BIN_COUNT; k++) otherB += burst[k];
    expect(burst[INF_BIN]).toBe(Math.ceil(otherB / 9));
    // the mode of the send-gap histogram holds its mean (61 ms lies in [39 ms, 78 ms))
    let mode = 0;
    for (let k = 1; k < BIN_COUNT; k++) if (gap[k] > gap[mode]) mode = k;
    expect(BIN_EDGES_SECONDS[mode]).toBeLessThanOrEqual(spec.mean);
    expect(BIN_EDGES_SECONDS[mode + 1]).toBeGreaterThan(spec.mean);
  });

  it("adds no delay and no padding before any real traffic", () => {
    const idle = run(definition, {}, "", { until: 60_000_000 });
    expect(idle.trace.length).toBe(0);
    const out = run(definition, {}, "0 s100, 5ms s200, 7ms r300", { until: 60_000_000 });
    const real = rows(out.trace).filter((r) => r.kind === REAL && r.dir === UP);
    expect(real.map((r) => r.time)).toEqual([0, 5000]);
    expect(out.addedDelays).toEqual([0, 0]);
  });

  it("fake bursts last N packets on average after a BURST timeout (GAP infinity rule)", () => {
    // Isolated real packets 20 s apart: each one either draws infinity in BURST (≈ 1/10)
    // or starts a fake burst whose length is geometric with mean N = 21.
    const input = new Trace();
    const n = 400;
    for (let i = 0; i < n; i++) input.push(i * 20_000_000, 100, 100, UP, REAL, 0);
    const out = run(definition, { reactToReceived: false, removeTokens: false }, input, { until: n * 20_000_000 });
    const r = rows(out.trace);
    const perPacket: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = i * 20_000_000;
      perPacket.push(r.filter((x) => x.kind === PADDING && x.time >= t0 && x.time < t0 + 20_000_000).length);
    }
    const silent = perPacket.filter((c) => c === 0).length / n;
    // P(infinity in the client send-burst histogram) = ⌈other/9⌉ / (other + ⌈other/9⌉) ≈ 0.1
    expect(silent).toBeGreaterThan(0.05);
    expect(silent).toBeLessThan(0.16);
    const bursts = perPacket.filter((c) => c > 0);
    expect(Math.abs(mean(bursts) - 21)).toBeLessThan(3);
  });

  it("reacts to received packets only when it listens", () => {
    const input = "0 s100, 1ms r500, 2ms r500, 3ms r500";
    const listening = run(definition, {}, input, { until: 30_000_000, seed: 3 });
    const deaf = run(definition, { reactToReceived: false }, input, { until: 30_000_000, seed: 3 });
    expect(listening.shaper.declaration.listensToReceive).toBe(true);
    expect(deaf.shaper.declaration.listensToReceive).toBe(false);
    expect(listening.text).not.toBe(deaf.text);
  });

  it("pads from the server histograms on the server side", () => {
    const input = new Trace();
    for (let i = 0; i < 200; i++) input.push(i * 5_000_000, 100, 100, UP, REAL, 0);
    input.push(1_000_000_000, 80, 80, DOWN, REAL, 0);
    const device = run(definition, { reactToReceived: false }, input, { side: "device" });
    const server = run(definition, { reactToReceived: false }, input, { side: "server" });
    const pad = (t: Trace) => rows(t).filter((x) => x.kind === PADDING).length;
    // server gap N = 34 vs client N = 21: longer fake bursts on the server side
    expect(pad(server.trace)).toBeGreaterThan(pad(device.trace));
  });
});
