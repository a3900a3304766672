/**
 * What a well-formed set of exposure files is (test helper, shared by the fast small-size
 * run test and the slow posture check on the CI-size runs): `exposure.json` names the
 * policy and has one arm per defense and one cell per observer use (with its scope), every
 * number in it finite (no NaN or Infinity anywhere) and at least one verdict; the heat map
 * is an SVG; `exposure.md` and `report.html` carry the exposure heading and section.
 */
import { expect } from "vitest";
import type { ExposureSummary } from "../../../sim/exposure/summary.ts";

/** Every number in a JSON value, with its path. */
function numbers(v: unknown, path = "$"): [string, number][] {
  if (typeof v === "number") return [[path, v]];
  if (Array.isArray(v)) return v.flatMap((x, i) => numbers(x, `${path}[${i}]`));
  if (v && typeof v === "object") return Object.entries(v).flatMap(([k, x]) => numbers(x, `${path}.${k}`));
  return [];
}

/** The parts of an experiment the exposure files must mirror. */
interface ExperimentShape {
  defenses: readonly { name: string }[];
  observers: readonly { scope?: string }[];
}

export function expectWellFormedExposure(policy: string, exp: ExperimentShape, files: Record<string, string | Uint8Array>): ExposureSummary {
  const text = files["exposure.json"] as string;
  expect(text).not.toMatch(/NaN|Infinity/);
  const s = JSON.parse(text) as ExposureSummary;
  expect(s.kind).toBe("chaff-exposure");
  expect(s.policy).toBe(policy);
  expect(s.arms.map((a) => a.defense)).toEqual(exp.defenses.map((d) => d.name));
  for (const a of s.arms) {
    expect(a.cells).toHaveLength(exp.observers.length);
    expect(a.cells.map((c) => c.scope ?? undefined)).toEqual(exp.observers.map((o) => o.scope));
  }
  for (const [path, x] of numbers(s)) expect(Number.isFinite(x), path).toBe(true);
  expect(s.verdicts.length).toBeGreaterThan(0);
  expect(files["figures/exposure-heatmap.svg"]).toMatch(/^<svg /);
  expect(files["report.html"]).toContain('<h2 id="exposure">What each vantage learns</h2>');
  expect(files["exposure.md"]).toContain(`# Exposure: ${policy}`);
  return s;
}
