import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadBaseline } from "../../../sim/cli/commands/exposure.ts";
import { InputError } from "../../../sim/core/validation.ts";

const dir = mkdtempSync(join(tmpdir(), "chaff-baseline-"));
const file = (name: string, body: unknown) => {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(body));
  return p;
};

describe("loadBaseline", () => {
  it("reads the committed baselines", () => {
    const s = loadBaseline(join(import.meta.dirname, "../../../results/baselines/exposure-vpn-shaping.json"));
    expect(s.arms.length).toBe(2);
  });

  it("refuses a baseline whose arms lack what the posture check reads, as one input line rather than a TypeError later", () => {
    for (const [name, arms] of [
      ["no-cells", [{ defense: "none", strongest: [] }]],
      ["bad-cell", [{ defense: "none", cells: [{ auc: {} }], strongest: [] }]],
      ["no-replicates", [{ defense: "none", cells: [], strongest: [{ auc: {}, tprAt: {} }] }]],
      ["null-arm", [null]],
    ] as const) {
      expect(() => loadBaseline(file(`${name}.json`, { kind: "chaff-exposure", arms }))).toThrow(InputError);
    }
  });
});
