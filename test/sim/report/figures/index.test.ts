import { describe, expect, it } from "vitest";
import { prettyJson } from "../../../../sim/core/canonical-json.ts";
import { dataFiles, FIGURES, figureFiles, renderFigures } from "../../../../sim/report/figures/index.ts";
import { syntheticRun } from "./synthetic.ts";

describe("figureFiles", () => {
  const a = figureFiles(syntheticRun());

  it("writes an SVG and a PNG per figure", () => {
    expect(Object.keys(a).sort()).toEqual(FIGURES.flatMap((n) => [`figures/${n}.png`, `figures/${n}.svg`]).sort());
    for (const n of FIGURES) {
      expect(typeof a[`figures/${n}.svg`]).toBe("string");
      expect(a[`figures/${n}.png`]).toBeInstanceOf(Uint8Array);
    }
  });

  it("renders the same input to byte-identical SVG and PNG", () => {
    const b = figureFiles(syntheticRun());
    for (const [name, content] of Object.entries(a)) {
      const other = b[name];
      if (typeof content === "string") expect(other).toBe(content);
      else expect(Buffer.from(content).equals(Buffer.from(other as Uint8Array))).toBe(true);
    }
  });

  it("draws from the files exactly what it drew in memory (chaff report redraws from disk)", () => {
    const output = syntheticRun();
    const files = dataFiles(output);
    const fromDisk = renderFigures(JSON.parse(prettyJson(output.metrics)), {
      roc: JSON.parse(files["roc.json"]),
      timeline: JSON.parse(files["timeline.json"]),
      latency: JSON.parse(files["latency.json"]),
      energy: JSON.parse(files["energy.json"]),
    });
    for (const n of FIGURES) expect(fromDisk[n]).toBe(a[`figures/${n}.svg`]);
  });

  it("leaves out a figure whose data is missing, never the Pareto figure", () => {
    const only = renderFigures(syntheticRun().metrics, {});
    // pareto and over-time are drawn from metrics.json alone
    expect(Object.keys(only)).toEqual(["pareto", "over-time"]);
  });
});
