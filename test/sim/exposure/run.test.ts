/**
 * Every built-in policy runs end to end at a small scale (24 users, 5 simulated minutes)
 * through the normal runner, and its exposure files are well formed: one cell per
 * observer use and arm, every number finite (no NaN anywhere), the heat map drawn, and
 * the report page carrying the exposure section. The "Done when" figures need more
 * people and time: test/physics/exposure.test.ts.
 *
 * Each policy's exposure files are the ones `reportFiles` adds for an exposure run
 * (sim/exposure/outputs.ts `exposureOutputs`, and `reportHtml` with that exposure
 * section), taken without drawing the run's other figures and their PNGs, which none of
 * these checks reads and which cost most of the time; the last test checks, on one
 * policy, that `reportFiles` (what `chaff run` and `chaff exposure` write) carries exactly
 * those files next to the rest.
 */
import { describe, expect, it } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { experimentFrom } from "../../../sim/cli/load-experiment.ts";
import { runExperiment } from "../../../sim/experiment/run.ts";
import { exposureOutputs } from "../../../sim/exposure/outputs.ts";
import { parsePolicyFile } from "../../../sim/exposure/policy-file.ts";
import { policyExperiment } from "../../../sim/exposure/policy-experiment.ts";
import { CI } from "../../../sim/exposure/population.ts";
import type { ExposureSummary } from "../../../sim/exposure/summary.ts";
import { reportFiles, reportHtml } from "../../../sim/report/html.ts";

const DIR = join(import.meta.dirname, "../../../sim/exposure/policies");
const SMALL = { ...CI, users: 24, durationSeconds: 300, resamples: 100 };

/** Every number in a JSON value, with its path. */
function numbers(v: unknown, path = "$"): [string, number][] {
  if (typeof v === "number") return [[path, v]];
  if (Array.isArray(v)) return v.flatMap((x, i) => numbers(x, `${path}[${i}]`));
  if (v && typeof v === "object") return Object.entries(v).flatMap(([k, x]) => numbers(x, `${path}.${k}`));
  return [];
}

/** The policy `name` run at the small scale through the normal runner. */
async function runPolicy(name: string) {
  const p = await parsePolicyFile(JSON.parse(readFileSync(join(DIR, `${name}.json`), "utf8")));
  const exp = await experimentFrom(await policyExperiment(p, SMALL));
  return { exp, result: await runExperiment(exp) };
}

describe("every built-in policy at small scale", () => {
  for (const name of readdirSync(DIR).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5)).sort()) {
    it(`${name}: a well-formed exposure.json, heat map and report section`, async () => {
      const { exp, result } = await runPolicy(name);
      const exposure = exposureOutputs(result.metrics);
      const files: Record<string, string | Uint8Array> = { ...exposure.files, "report.html": reportHtml({ metrics: result.metrics, figures: {}, exposure }) };
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

  it("reportFiles writes those exposure files and that report section with the run's other files", async () => {
    const { result } = await runPolicy("no-protection");
    const exposure = exposureOutputs(result.metrics);
    const files = reportFiles(result);
    for (const [path, content] of Object.entries(exposure.files)) expect(files[path], path).toEqual(content);
    expect(files["report.html"]).toContain('<h2 id="exposure">What each vantage learns</h2>');
    expect(files["figures/roc.svg"]).toMatch(/^<svg /);
  }, 300_000);
});
