/**
 * A built-in policy runs end to end at a small scale (24 users, 5 simulated minutes)
 * through the normal runner, and its exposure files are well formed (./well-formed.ts):
 * one cell per observer use and arm, every number finite (no NaN anywhere), the heat map
 * drawn, and the report page carrying the exposure section. The policy is vpn-shaping,
 * the one with a shaped arm beside the unshaped one (so two arms and the paired figures).
 * Every built-in policy is checked the same way at the CI size on the posture check's runs
 * (test/sim/exposure/posture.test.ts, slow project), and the "Done when" figures are
 * test/physics/exposure.test.ts.
 *
 * The exposure files are the ones `reportFiles` adds for an exposure run
 * (sim/exposure/outputs.ts `exposureOutputs`, and `reportHtml` with that exposure
 * section), taken first without drawing the run's other figures; the last test checks, on
 * the same run, that `reportFiles` (what `chaff run` and `chaff exposure` write) carries
 * exactly those files next to the rest.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { experimentFrom } from "../../../sim/cli/load-experiment.ts";
import { runExperiment } from "../../../sim/experiment/run.ts";
import { exposureOutputs } from "../../../sim/exposure/outputs.ts";
import { parsePolicyFile } from "../../../sim/exposure/policy-file.ts";
import { policyExperiment } from "../../../sim/exposure/policy-experiment.ts";
import { CI } from "../../../sim/exposure/population.ts";
import { reportFiles, reportHtml } from "../../../sim/report/html.ts";
import { expectWellFormedExposure } from "./well-formed.ts";

const DIR = join(import.meta.dirname, "../../../sim/exposure/policies");
const SMALL = { ...CI, users: 24, durationSeconds: 300, resamples: 100 };

/** The policy `name` run at the small scale through the normal runner. */
async function runPolicy(name: string) {
  const p = await parsePolicyFile(JSON.parse(readFileSync(join(DIR, `${name}.json`), "utf8")));
  const exp = await experimentFrom(await policyExperiment(p, SMALL));
  return { exp, result: await runExperiment(exp) };
}

const POLICY = "vpn-shaping";
let ran: ReturnType<typeof runPolicy> | undefined;
/** The policy's run, made once for both tests. */
const policyRun = () => (ran ??= runPolicy(POLICY));

describe("a built-in policy at small scale", () => {
  it(`${POLICY}: a well-formed exposure.json, heat map and report section`, async () => {
    const { exp, result } = await policyRun();
    const exposure = exposureOutputs(result.metrics);
    const files: Record<string, string | Uint8Array> = { ...exposure.files, "report.html": reportHtml({ metrics: result.metrics, figures: {}, exposure }) };
    const s = expectWellFormedExposure(POLICY, exp, files);
    expect(s.arms).toHaveLength(2);
  }, 300_000);

  it("reportFiles writes those exposure files and that report section with the run's other files", async () => {
    const { result } = await policyRun();
    const exposure = exposureOutputs(result.metrics);
    const files = reportFiles(result);
    for (const [path, content] of Object.entries(exposure.files)) expect(files[path], path).toEqual(content);
    expect(files["report.html"]).toContain('<h2 id="exposure">What each vantage learns</h2>');
    expect(files["figures/roc.svg"]).toMatch(/^<svg /);
  }, 300_000);
});
