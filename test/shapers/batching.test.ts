import { describe, expect, it } from "vitest";
import { definition } from "../../shapers/batching.ts";
import { run } from "./run.ts";

describe("batching", () => {
  it("timed mix: flushes everything waiting on the grid k·t", () => {
    expect(run(definition, { intervalSeconds: 0.1 }, "10ms s100, 50ms s200, 120ms s300, 200ms s400, 450ms r80", { until: 1_000_000 }).text).toBe(
      "100ms s100, 100ms s200, 200ms s300, 200ms s400, 450ms r80",
    );
  });

  it("threshold mix: flushes when n packets wait, holds a short batch", () => {
    const out = run(definition, { intervalSeconds: null, threshold: 3 }, "0 s100, 1s s200, 2s s300, 3s s400", { until: 100_000_000 });
    expect(out.text).toBe("2s s100, 2s s200, 2s s300");
    expect(out.egress.queuedPackets).toBe(1);
  });

  it("both: whichever comes first, the grid keeping its phase", () => {
    const out = run(definition, { intervalSeconds: 1, threshold: 2 }, "100ms s100, 200ms s200, 300ms s300, 2500ms s400", { until: 10_000_000 });
    expect(out.text).toBe("200ms s100, 200ms s200, 1s s300, 3s s400");
  });

  it("rejects a mix with neither rule", () => {
    expect(() => run(definition, { intervalSeconds: null, threshold: null }, "")).toThrow(/shaper "batching" parameter intervalSeconds = null: expected intervalSeconds or threshold/);
  });
});
