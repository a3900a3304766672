import { describe, expect, it } from "vitest";
import { definition } from "../../shapers/pad-to-mtu.ts";
import { run } from "./run.ts";

describe("pad-to-mtu", () => {
  it("grows every uplink packet to the MTU, keeps payload and timing", () => {
    expect(run(definition, {}, "0 s100#1, 1ms s1500#2, 2ms r80, 3ms s1#1").text).toBe(
      "0 s1500/100#1, 1ms s1500#2, 2ms r80, 3ms s1500/1#1",
    );
  });

  it("uses the link's MTU", () => {
    const out = run(definition, {}, "0 s100, 5ms s1280", { mtu: 1280 });
    expect(out.text).toBe("0 s1280/100, 5ms s1280");
    expect(out.egress.stats.paddingBytes).toBe(1180);
    expect(out.addedDelays).toEqual([0, 0]);
  });
});
