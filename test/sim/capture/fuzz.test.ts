import { describe, expect, it } from "vitest";
import { fuzzCaptureReaders } from "../../../bench/fuzz/capture.ts";

describe("capture reader fuzz (the full run is bench/fuzz/capture.ts, 10^5 cases)", () => {
  it("random and mutated captures either read or throw CaptureError, nothing else", () => {
    const r = fuzzCaptureReaders(3000, 20261207);
    expect(r.failure).toBeNull();
    expect(r.cases).toBe(3000);
    expect(r.read + r.cleanErrors).toBe(3000);
    // the mutations reach past the headers: some files still read, most fail cleanly
    expect(r.read).toBeGreaterThan(100);
    expect(r.cleanErrors).toBeGreaterThan(1000);
  });
});
