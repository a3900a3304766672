import { describe, expect, it } from "vitest";
import { componentNames } from "../../../sim/runs/run-dir.ts";

describe("componentNames (what the manifest hashes)", () => {
  it("names the shapers and observers of defenses, observer uses and sweep axes", () => {
    const names = componentNames({
      defenses: [{ name: "a", device: { shaper: "padme" } }],
      observers: [{ observer: "volume-correlation" }],
      sweep: { grid: [{ path: "defenses[0].server.shaper", values: ["front", "tamaraw"] }] },
    });
    expect([...names.shapers].sort()).toEqual(["front", "none", "padme", "tamaraw"]);
    expect([...names.observers]).toEqual(["volume-correlation"]);
  });

  it("follows every path of a tied axis, so a tied sweep over shaper names hashes those shapers", () => {
    const names = componentNames({
      defenses: [{ name: "a" }],
      observers: [],
      sweep: { grid: [{ path: ["defenses[0].device.shaper", "defenses[0].server.shaper"], values: ["constant-rate", "front"] }] },
    });
    expect([...names.shapers].sort()).toEqual(["constant-rate", "front", "none"]);
  });
});
