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
 * Each policy runs once per `vitest run`: the figures are read off the run directories of
 * the posture check (`chaff exposure POLICY --size ci --workers 1 --quiet --baseline
 * results/baselines/exposure-POLICY.json`, made by the slow project's global setup,
 * test/setup/e2e-runs.ts, and judged by test/sim/exposure/posture.test.ts). The "exits 1"
 * claim judges the no-protection run against the vpn policy's baseline with the posture
 * check the command runs (`judgePosture`) and the text it prints (`postureText`); that the
 * command turns a regression into exit 1 is test/sim/exposure/cli-baseline.test.ts.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { loadBaseline } from "../../sim/cli/commands/exposure.ts";
import { judgePosture, postureText, type Posture } from "../../sim/exposure/posture.ts";
import type { ExposureCell, ExposureSummary } from "../../sim/exposure/summary.ts";
import { NETWORK_VANTAGES } from "../../sim/exposure/verdicts.ts";

const ROOT = resolve(import.meta.dirname, "../..");

/** The exposure summary a posture run wrote (its run directory's exposure.json). */
function summaryOf(policy: string): ExposureSummary {
  const r = inject("postureRuns")![policy];
  if (r.status !== 0 || r.dir === null) throw new Error(`chaff exposure ${policy} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(readFileSync(join(r.dir, "exposure.json"), "utf8")) as ExposureSummary;
}

const cell = (s: ExposureSummary, defense: string, where: string, observer: string): ExposureCell => {
  const c = s.arms.find((a) => a.defense === defense)?.cells.find((x) => x.where === where && x.observer === observer);
  if (!c) throw new Error(`no cell ${defense} / ${where} / ${observer}`);
  return c;
};

describe("exposure: what each vantage learns under each policy (CI size)", () => {
  let plain: ExposureSummary;
  let vpn: ExposureSummary;
  let shaping: ExposureSummary;
  /** The no-protection run judged against the vpn policy's baseline, and the vpn run against its own. */
  let worse: Posture;
  let same: Posture;
  beforeAll(() => {
    [plain, vpn, shaping] = ["no-protection", "vpn", "vpn-shaping"].map(summaryOf);
    const vpnBaseline = loadBaseline(join(ROOT, "results/baselines/exposure-vpn.json"));
    worse = judgePosture(vpnBaseline, plain);
    same = judgePosture(vpnBaseline, vpn);
  });

  it("plain DNS: the hotspot's local observer identifies the messaging service near-certainly", () => {
    const s = plain;
    const c = cell(s, "none", "local[cafe-hotspot]", "service-identification");
    expect(c.auc.resolvable).toBe(true);
    expect(c.auc.estimate!).toBeGreaterThanOrEqual(0.95);
    expect(s.verdicts.some((v) => v.startsWith("The local-network observer of cafe-hotspot identifies the messaging service near-certainly"))).toBe(true);
  });

  it("encrypted DNS + ECH + VPN: service identification at chance at the hotspot and the ISP, while the ISPs' timing correlation still links", () => {
    const s = vpn;
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
    expect(worse.regressions).toBeGreaterThan(0);
    const text = postureText(worse, { policy: "no-protection", baseline: "results/baselines/exposure-vpn.json" });
    expect(text).toMatch(/none\s+local\[cafe-hotspot\] service-identification\s+auc\s+.*WORSE/);
    expect(text).toMatch(/\d+ figure\(s\) rose beyond their intervals/);
    expect(same.regressions).toBe(0);
    expect(postureText(same, { policy: "vpn", baseline: "results/baselines/exposure-vpn.json" })).toContain("No vantage × observer exposes more than the baseline.");
  });
});
