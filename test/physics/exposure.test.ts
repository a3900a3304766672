/**
 * Issue 13's "Done when", measured on the exposure runs at the CI size (48 users, 20
 * simulated minutes on the built-in topology: sim/exposure/population.ts), the size of
 * the committed baselines:
 * - with plain DNS (no-protection), the local-network observer of the café's hotspot
 *   identifies the messaging service near-certainly (AUC ≥ 0.95);
 * - with encrypted DNS + ECH + an always-on VPN (vpn), service identification at the
 *   hotspot and at the ISP is at chance within its interval (it holds 0.5), while the
 *   ISPs' timing correlation still links who talks to whom (AUC lower bound > 0.6) — and
 *   the verdicts say so in plain words;
 * - adding a shaper to the VPN policy (vpn-shaping) lowers the strongest timing observer
 *   on the network path: a paired difference against the unshaped arm whose interval
 *   lies below 0, in AUC or TPR@1e-3, and the verdicts name what it cost;
 * - `chaff exposure --baseline` exits 1 for a policy that exposes more than the baseline
 *   (no-protection judged against the vpn policy's committed baseline), naming the
 *   vantage × observer that rose, and 0 for the policy against its own baseline.
 *
 * Each policy runs once: the no-protection and vpn figures are read off the run
 * directories those two `chaff exposure --baseline` commands write (the same experiment
 * the in-process runner would run: policy-experiment.ts at CI size, whose results do not
 * depend on the process or the workers), and the vpn-shaping summary is computed from the
 * run's metrics as report.html shows it (exposureView), without drawing the run's other
 * figures, which nothing here reads.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { experimentFrom } from "../../sim/cli/load-experiment.ts";
import { runExperiment } from "../../sim/experiment/run.ts";
import { parsePolicyFile } from "../../sim/exposure/policy-file.ts";
import { policyExperiment } from "../../sim/exposure/policy-experiment.ts";
import { CI } from "../../sim/exposure/population.ts";
import type { ExposureCell, ExposureSummary } from "../../sim/exposure/summary.ts";
import { NETWORK_VANTAGES } from "../../sim/exposure/verdicts.ts";
import { exposureView } from "../../sim/exposure/outputs.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const run = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), "chaff-exposure-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The policy run in process: its exposure summary, from the run's metrics. */
async function exposure(name: string): Promise<ExposureSummary> {
  const p = await parsePolicyFile(JSON.parse(readFileSync(join(ROOT, "sim/exposure/policies", `${name}.json`), "utf8")));
  const exp = await experimentFrom(await policyExperiment(p, CI));
  return exposureView((await runExperiment(exp)).metrics).summary;
}

interface CliRun {
  code: number;
  out: string;
  /** The exposure.json of the run directory the command wrote (the first line it prints with --quiet). */
  summary: ExposureSummary;
}

/** `chaff exposure POLICY --size ci --quiet --baseline FILE` in a child process, and what it wrote. */
async function cliExposure(policy: string, baseline: string): Promise<CliRun> {
  const args = [join(ROOT, "bin/chaff.js"), "exposure", policy, "--size", "ci", "--workers", "1", "--quiet", "--out", scratch, "--baseline", baseline];
  const { code, out, err } = await run(process.execPath, args, { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }).then(
    (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
  );
  if (code !== 0 && code !== 1) throw new Error(`chaff exposure ${policy} exited ${code}:\n${err}`);
  const dir = out.split("\n")[0];
  return { code, out, summary: JSON.parse(readFileSync(join(dir, "exposure.json"), "utf8")) as ExposureSummary };
}

const cell = (s: ExposureSummary, defense: string, where: string, observer: string): ExposureCell => {
  const c = s.arms.find((a) => a.defense === defense)?.cells.find((x) => x.where === where && x.observer === observer);
  if (!c) throw new Error(`no cell ${defense} / ${where} / ${observer}`);
  return c;
};

describe("exposure: what each vantage learns under each policy (CI size)", () => {
  let worse: CliRun;
  let same: CliRun;
  let shaping: ExposureSummary;
  beforeAll(async () => {
    [worse, same, shaping] = await Promise.all([
      cliExposure("no-protection", "results/baselines/exposure-vpn.json"),
      cliExposure("vpn", "results/baselines/exposure-vpn.json"),
      exposure("vpn-shaping"),
    ]);
  }, 900_000);

  it("plain DNS: the hotspot's local observer identifies the messaging service near-certainly", () => {
    const s = worse.summary;
    const c = cell(s, "none", "local[cafe-hotspot]", "service-identification");
    expect(c.auc.resolvable).toBe(true);
    expect(c.auc.estimate!).toBeGreaterThanOrEqual(0.95);
    expect(s.verdicts.some((v) => v.startsWith("The local-network observer of cafe-hotspot identifies the messaging service near-certainly"))).toBe(true);
  });

  it("encrypted DNS + ECH + VPN: service identification at chance at the hotspot and the ISP, while the ISPs' timing correlation still links", () => {
    const s = same.summary;
    for (const where of ["local[cafe-hotspot]", "isp[fiber-co]", "isp"]) {
      const c = cell(s, "none", where, "service-identification");
      expect(c.auc.lo!, where).toBeLessThanOrEqual(0.5);
      expect(c.auc.hi!, where).toBeGreaterThanOrEqual(0.5);
    }
    const timing = ["event-matching", "volume-correlation"].map((o) => cell(s, "none", "isp", o));
    expect(Math.max(...timing.map((c) => c.auc.lo ?? 0))).toBeGreaterThan(0.6);
    expect(s.verdicts.some((v) => v.startsWith("The local-network observer of cafe-hotspot cannot tell who uses the messaging service (at chance"))).toBe(true);
    expect(s.verdicts.some((v) => v.startsWith("The ISP (every instance at once, colluding) links who talks to whom") && v.includes("this policy adds no shaper"))).toBe(true);
  });

  it("VPN + shaper: the strongest timing observer on the network path is lower by a paired difference excluding 0, and the cost is stated", () => {
    const s = shaping;
    const [base, shaped] = s.arms;
    expect(shaped.device).not.toBe("none");
    let lowered = false;
    for (const task of ["link", "activity"]) {
      const cells = base.cells.filter((c) => c.task === task && NETWORK_VANTAGES.has(c.vantage) && c.auc.resolvable);
      const best = cells.reduce((a, b) => ((b.auc.estimate ?? 0) > (a.auc.estimate ?? 0) ? b : a));
      const d = shaped.cells[base.cells.indexOf(best)].versusUnshaped ?? {};
      for (const m of ["auc", "tpr@1e-3"]) if (d[m] && d[m].difference.hi !== null && d[m].difference.hi < 0) lowered = true;
    }
    expect(lowered).toBe(true);
    expect(s.verdicts.some((v) => /^The shaper \(shaped: .*\) costs .*% more bandwidth/.test(v))).toBe(true);
    expect(s.verdicts.some((v) => v.startsWith("The strongest timing observer on the network path") && v.includes("(lower)"))).toBe(true);
  });

  it("--baseline exits 1 for a policy that exposes more (no-protection against the vpn baseline), naming what rose; 0 against its own", () => {
    expect(worse.code).toBe(1);
    expect(worse.out).toMatch(/none\s+local\[cafe-hotspot\] service-identification\s+auc\s+.*WORSE/);
    expect(same.out).toContain("No vantage × observer exposes more than the baseline.");
    expect(same.code).toBe(0);
  });
});
