/**
 * Every built-in policy runs end to end at a small scale (24 users, 5 simulated minutes)
 * through the normal runner, and its exposure files are well formed: one cell per
 * observer use and arm, every number finite (no NaN anywhere), the heat map drawn, and
 * the report page carrying the exposure section. The "Done when" figures need more
 * people and time: test/physics/exposure.test.ts.
 */
import { describe, expect, it } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { experimentFrom } from "../../../sim/cli/load-experiment.ts";
import { runExperiment } from "../../../sim/experiment/run.ts";
import { parsePolicyFile } from "../../../sim/exposure/policy-file.ts";
import { policyExperiment } from "../../../sim/exposure/policy-experiment.ts";
import { CI } from "../../../sim/exposure/population.ts";
import type { ExposureSummary } from "../../../sim/exposure/summary.ts";
import { reportFiles } from "../../../sim/report/html.ts";

const DIR = join(import.meta.dirname, "../../../sim/exposure/policies");
const SMALL = { ...CI, users: 24, durationSeconds: 300, resamples: 100 };

/** Every number in a JSON value, with its path. */
function numbers(v: unknown, path = "$"): [string, number][] {
  if (typeof v === "number") return [[path, v]];
  if (Array.isArray(v)) return v.flatMap((x, i) => numbers(x, `${path}[${i}]`));
  if (v && typeof v === "object") return Object.entries(v).flatMap(([k, x]) => numbers(x, `${path}.${k}`));
  return [];
}

describe("every built-in policy at small scale", () => {
  for (const name of readdirSync(DIR).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5)).sort()) {
    it(`${name}: a well-formed exposure.json, heat map and report section`, async () => {
      const p = await parsePolicyFile(JSON.parse(readFileSync(join(DIR, `${name}.json`), "utf8")));
      const exp = await experimentFrom(await policyExperiment(p, SMALL));
      const result = await runExperiment(exp);
      const files = reportFiles(result);
      const text = files["exposure.json"] as string;
      expect(text).not.toMatch(/NaN|Infinity/);
      const s = JSON.parse(text) as ExposureSummary;
      expect(s.kind).toBe("chaff-exposure");
      expect(s.policy).toBe(name);
      expect(s.arms.map((a) => a.defense)).toEqual(exp.defenses.map((d) => d.name));
      for (const a of s.arms) {
        expect(a.cells).toHaveLength(exp.observers.length);
        expect(a.cells.map((c) => c.scope ?? undefined)).toEqual(exp.observers.map((o) => o.scope));
      }
      for (const [path, x] of numbers(s)) expect(Number.isFinite(x), path).toBe(true);
      expect(s.verdicts.length).toBeGreaterThan(0);
      expect(files["figures/exposure-heatmap.svg"]).toMatch(/^<svg /);
      expect(files["report.html"]).toContain('<h2 id="exposure">What each vantage learns</h2>');
      expect(files["exposure.md"]).toContain(`# Exposure: ${name}`);
    }, 300_000);
  }
});
