/**
 * A run with a `policy` feeds the metadata observers through the runner's own path
 * (`runDefense`: the world, then the metadata world projected per observer, labels that
 * know the bystanders and each observer's flow handles; `scoreRun`: the bootstrap over
 * devices). Known answers: with plain DNS and no VPN, service identification at the
 * access networks scores every bystander 0 and the users who used the messenger above
 * 0; with encrypted DNS, ECH and an always-on VPN every device it sees scores 0 (AUC
 * exactly ½). Flow linking at the server is scored on owners of its own handles, and
 * nothing the run's scoring reports is NaN.
 */
import { describe, expect, it } from "vitest";
import { SECOND } from "../../../sim/core/time.ts";
import { parseExperiment } from "../../../sim/experiment/parse.ts";
import { runDefense } from "../../../sim/experiment/run-arm.ts";
import { scoreRun } from "../../../sim/experiment/score-run.ts";
import { metadataDevices } from "../../../sim/experiment/devices.ts";
import type { PolicyInput } from "../../../sim/world/policy.ts";

// at least 10 cases from 10 devices on each side, so the AUC is resolvable
const USERS = 12;
const BYSTANDERS = 12;

async function experiment(policy: PolicyInput, vpn: boolean) {
  return parseExperiment({
    name: "metadata-run",
    purpose: "test",
    seed: 11,
    durationSeconds: 600,
    population: { users: USERS },
    // busy users, so most use the messenger within ten minutes
    conversations: [{ model: "messaging", params: { conversationsPerHour: 30 } }],
    transport: vpn ? { vpn: {} } : {},
    topology: {
      isps: ["fiber", "cable"],
      networks: [
        { name: "home", kind: "home-wifi", isp: "fiber", weight: 1, bystanders: BYSTANDERS / 2 },
        { name: "cafe", kind: "hotspot", isp: "cable", weight: 1, bystanders: BYSTANDERS / 2 },
      ],
      ...(vpn ? { vpn: { exits: 2 } } : {}),
    },
    policy,
    defenses: [{ name: "none" }],
    observers: [
      { observer: "service-identification", vantage: "local" },
      { observer: "flow-linking", vantage: "server" },
    ],
    metrics: { resamples: 50 },
  });
}

describe("a run with a policy", () => {
  it("feeds service identification its vantage's records: plain DNS names the users, bystanders score 0", async () => {
    const exp = await experiment({}, false);
    expect(metadataDevices(exp)).toBe(USERS + BYSTANDERS);
    const arm = await runDefense(exp, exp.defenses[0], exp.durationSeconds * SECOND);
    const service = arm.scores.find((s) => s.scores.task === "service")!.scores;
    expect(service.negatives.length).toBe(BYSTANDERS);
    for (const x of service.negatives) expect(x).toBe(0);
    expect(service.positives.length).toBeGreaterThan(0);
    expect(Math.max(...service.positives)).toBeGreaterThan(0);
    for (const d of service.negativeUsers) expect(d).toBeGreaterThanOrEqual(USERS);
    for (const d of service.positiveUsers) expect(d).toBeLessThan(USERS);

    const link = arm.scores.find((s) => s.scores.task === "flow-link")!.scores;
    expect(link.usersPerCase).toBe(2);
    expect(link.positives.length + link.negatives.length).toBeGreaterThan(0);

    const scored = await scoreRun(exp, [arm]);
    // every figure of the metadata observers is a number (JSON would turn a NaN into null)
    for (const o of scored.arms[0].observers.filter((x) => x.task === "service" || x.task === "flow-link")) {
      for (const x of [o.summary.auc.estimate, o.summary.auc.lo, o.summary.auc.hi]) expect(Number.isFinite(x)).toBe(true);
    }
    const tasks = scored.arms[0].observers.map((o) => o.task);
    expect(tasks).toContain("service");
    expect(tasks).toContain("flow-link");
    expect(scored.arms[0].strongest.map((s) => s.task)).toContain("service");
  }, 120_000);

  it("with encrypted DNS, ECH and an always-on VPN, service identification at the access networks sees nothing that names the service", async () => {
    const exp = await experiment({ dns: { mode: "doh", resolver: "public" }, sni: "ech", vpn: { mode: "always-on" } }, true);
    const arm = await runDefense(exp, exp.defenses[0], exp.durationSeconds * SECOND);
    const service = arm.scores.find((s) => s.scores.task === "service")!.scores;
    expect(service.positives.length + service.negatives.length).toBe(USERS + BYSTANDERS);
    for (const x of [...service.positives, ...service.negatives]) expect(x).toBe(0);
    const scored = await scoreRun(exp, [arm]);
    const obs = scored.arms[0].observers.find((o) => o.task === "service")!;
    expect(obs.summary.auc.estimate).toBe(0.5);
    expect(obs.summary.auc.resolvable).toBe(true);
  }, 120_000);
});
