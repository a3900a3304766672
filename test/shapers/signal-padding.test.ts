import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { definition, signalAttachmentLength, signalContentLength } from "../../shapers/signal-padding.ts";
import { build, run } from "./run.ts";

describe("signal-padding", () => {
  it("content padding matches defenses.md §7 anchor 2 (B = 80 and B = 160)", () => {
    expect(signalContentLength(0, 80)).toBe(79);
    expect(signalContentLength(78, 80)).toBe(79);
    expect(signalContentLength(79, 80)).toBe(159);
    expect(signalContentLength(1000, 80)).toBe(1039);
    expect(signalContentLength(158, 160)).toBe(159);
    expect(signalContentLength(159, 160)).toBe(319);
    expect(signalContentLength(1000, 160)).toBe(1119);
    // the older PushTransportDetailsTest ranges (B = 160)
    for (let l = 0; l <= 158; l++) expect(signalContentLength(l, 160)).toBe(159);
    for (let l = 159; l <= 318; l++) expect(signalContentLength(l, 160)).toBe(319);
    for (let l = 319; l <= 478; l++) expect(signalContentLength(l, 160)).toBe(479);
  });

  it("content padding leaves room for the terminator and is one short of a block", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 1, max: 4096 }), (l, b) => {
        const p = signalContentLength(l, b);
        return p >= l + 1 && (p + 1) % b === 0 && p + 1 - (l + 2) < b;
      }),
    );
  });

  it("attachment padding matches defenses.md §7 anchor 3 and §2.3 examples", () => {
    expect(signalAttachmentLength(0)).toBe(541);
    expect(signalAttachmentLength(1)).toBe(541);
    expect(signalAttachmentLength(542)).toBe(568);
    expect(signalAttachmentLength(1000)).toBe(1020);
    expect(signalAttachmentLength(4096)).toBe(4201);
    expect(signalAttachmentLength(65_536)).toBe(67_789);
    expect(signalAttachmentLength(1_000_000)).toBe(1_041_743);
    expect(signalAttachmentLength(10_000_000)).toBe(10_319_484);
  });

  it("attachment padding never shrinks and stays under 5% above 541 B", () => {
    for (let n = 0; n < 300_000; n++) {
      const p = signalAttachmentLength(n);
      if (p < n) throw new Error(`padded(${n}) = ${p} < ${n}`);
    }
    fc.assert(
      fc.property(fc.integer({ min: 542, max: 2 ** 45 }), (n) => {
        const p = signalAttachmentLength(n);
        return p >= n && (p - n) / n < 0.05;
      }),
    );
  });

  it("has 249 attachment bucket sizes up to 10^8 bytes", () => {
    let buckets = 0;
    for (let p = signalAttachmentLength(1); p <= 1e8; p = signalAttachmentLength(p + 1)) buckets++;
    expect(buckets).toBe(249);
  });

  it("as a shaper: content mode by default (B = 80), B = 160 and attachment mode by parameter", () => {
    expect(build(definition).padRecord?.(79)).toBe(159);
    expect(build(definition, { blockBytes: 160 }).padRecord?.(159)).toBe(319);
    expect(build(definition, { mode: "attachment" }).padRecord?.(1000)).toBe(1020);
    expect(run(definition, {}, "0 s100, 1ms r80").text).toBe("0 s100, 1ms r80");
  });
});
