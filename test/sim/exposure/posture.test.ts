/**
 * CI's policy posture check (issue 13): every built-in network policy, run at the CI size
 * (48 users, 20 simulated minutes: `--size ci`, the size of the committed baselines),
 * exposes no more than its committed baseline `results/baselines/exposure-<policy>.json`.
 * The command is the one a maintainer runs by hand:
 *
 *   node bin/chaff.js exposure POLICY --size ci --workers 1 --quiet --baseline results/baselines/exposure-POLICY.json
 *
 * It exits 1, with a table naming each vantage × observer whose AUC or TPR rose (the
 * strongest observers judged on the paired difference, every other figure by interval
 * overlap: sim/exposure/posture.ts), when the policy exposes more; results are
 * deterministic, so an unchanged tree passes exactly. The runs are made once per `vitest
 * run` by the slow project's global setup (test/setup/e2e-runs.ts) and shared with the
 * exposure physics (test/physics/exposure.test.ts).
 *
 * Each run directory is also checked for well-formed exposure files, as the command
 * writes them: one cell per observer use and arm, every number finite (no NaN anywhere),
 * the heat map drawn, the report page carrying the exposure section. (The fast project
 * checks the same on one policy at a small size: test/sim/exposure/run.test.ts.)
 *
 * Regenerate a baseline (deliberately, after a change meant to move it) with:
 *
 *   node bin/chaff.js exposure POLICY --size ci --workers 1 --quiet --out "$(mktemp -d)" --write-baseline results/baselines/exposure-POLICY.json
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import type { ExposureSummary } from "../../../sim/exposure/summary.ts";
import { POSTURE_POLICIES } from "../../setup/e2e-runs.ts";
import { expectWellFormedExposure } from "./well-formed.ts";

const runs = inject("postureRuns");

describe("policy posture: no built-in policy exposes more than its committed baseline (CI size)", () => {
  it("covers every built-in policy", () => {
    expect(POSTURE_POLICIES).toEqual(["encrypted-dns", "encrypted-dns-ech", "no-protection", "vpn", "vpn-proxy-shaping", "vpn-shaping"]);
    expect(Object.keys(runs!).sort()).toEqual(POSTURE_POLICIES);
  });

  for (const policy of POSTURE_POLICIES) {
    it(`${policy}: exit 0, nothing rose`, () => {
      const r = runs![policy];
      // on failure the message is the command's own output: the table of what rose
      expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
      expect(r.dir, r.stderr).not.toBeNull();
      expect(r.stdout.split("\n")[0]).toBe(r.dir);
      expect(r.stdout).toContain(`## chaff exposure ${policy} against `);
      expect(r.stdout).toContain("No vantage × observer exposes more than the baseline.");
      expect(r.stdout).toMatch(/\nNo regression\.\n/);
    });

    it(`${policy}: well-formed exposure files in its run directory`, () => {
      const dir = runs![policy].dir!;
      const read = (f: string) => readFileSync(join(dir, f), "utf8");
      const experiment = JSON.parse(read("manifest.json")).experiment;
      expectWellFormedExposure(policy, experiment, {
        "exposure.json": read("exposure.json"),
        "exposure.md": read("exposure.md"),
        "figures/exposure-heatmap.svg": read("figures/exposure-heatmap.svg"),
        "report.html": read("report.html"),
      });
      expect((JSON.parse(read("exposure.json")) as ExposureSummary).users).toBe(48);
    });
  }
});
