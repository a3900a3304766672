/**
 * The run's bootstrap with a metadata world (score-run.ts): with a `policy` it resamples
 * every device — users, then the topology's bystanders — so `service` cases of
 * bystanders (ids ≥ users) and `flow-link` pairs of device ids are weighted like users'
 * cases. Constructed scores with known answers: a perfect separation has AUC 1 in every
 * replicate (interval [1, 1]); all-equal scores have AUC exactly ½; nothing is NaN.
 */
import { describe, expect, it } from "vitest";
import type { TaskScores } from "../../../observers/observer.ts";
import type { ArmRun } from "../../../sim/experiment/run-arm.ts";
import { experimentSchema, type Experiment } from "../../../sim/experiment/schema.ts";
import { scoreRun } from "../../../sim/experiment/score-run.ts";
import { metadataDevices } from "../../../sim/experiment/devices.ts";

const USERS = 20;
const BYSTANDERS = 30;

function experiment(policy: boolean): Experiment {
  return experimentSchema.parse({
    name: "devices",
    purpose: "bootstrap over devices",
    seed: 3,
    population: { users: USERS },
    topology: {
      isps: ["a"],
      networks: [
        { name: "n1", kind: "hotspot", isp: "a", bystanders: BYSTANDERS / 2 },
        { name: "n2", kind: "home-wifi", isp: "a", bystanders: BYSTANDERS / 2 },
      ],
    },
    ...(policy ? { policy: {} } : {}),
    defenses: [{ name: "none" }],
    observers: [
      { observer: "service-identification", vantage: "local" },
      { observer: "service-identification", vantage: "isp" },
      { observer: "flow-linking", vantage: "server" },
    ],
    metrics: { resamples: 200 },
  });
}

/** One case per device: users positive, bystanders negative, scored `user` and `bystander`. */
function service(user: number, bystander: number): TaskScores {
  const devices = USERS + BYSTANDERS;
  return {
    task: "service",
    positives: new Float64Array(USERS).fill(user),
    negatives: new Float64Array(BYSTANDERS).fill(bystander),
    usersPerCase: 1,
    positiveUsers: Int32Array.from({ length: USERS }, (_, d) => d),
    negativeUsers: Int32Array.from({ length: devices - USERS }, (_, k) => USERS + k),
  };
}

/** Two flows per device: the pair of one device's flows positive (score 1), pairs of two devices' flows negative (score 0). */
function flowLink(): TaskScores {
  const devices = USERS + BYSTANDERS;
  const pu: number[] = [];
  const nu: number[] = [];
  for (let d = 0; d < devices; d++) pu.push(d, d);
  for (let d = 0; d < devices; d++) for (let e = d + 1; e < devices; e++) nu.push(d, e);
  return {
    task: "flow-link",
    positives: new Float64Array(pu.length / 2).fill(1),
    negatives: new Float64Array(nu.length / 2).fill(0),
    usersPerCase: 2,
    positiveUsers: Int32Array.from(pu),
    negativeUsers: Int32Array.from(nu),
  };
}

function arm(scores: TaskScores[]): ArmRun {
  return {
    arm: {
      defense: "none",
      device: { shaper: "none", params: {} },
      server: { shaper: "none", params: {} },
      traffic: { messages: 0, delivered: 0, conversations: 0, packets: 0 },
      cost: {} as ArmRun["arm"]["cost"],
    },
    scores: scores.map((s, index) => ({ index, scores: s, orientation: 1, trainingAuc: null })),
    extra: { defense: "none", events: 0, packets: 0, timelines: [], roc: [], addedLatencyMs: new Float64Array(0), joulesPerHour: new Float64Array(0) },
  };
}

describe("the bootstrap over devices", () => {
  it("counts the bystanders as resampling units only when the experiment has a policy", () => {
    expect(metadataDevices(experiment(true))).toBe(USERS + BYSTANDERS);
    expect(metadataDevices(experiment(false))).toBe(USERS);
  });

  it("weights bystanders' service cases and device pairs' flow-link cases: known AUCs, finite intervals, strongest per task", async () => {
    const scored = await scoreRun(experiment(true), [arm([service(1, 0), service(0, 0), flowLink()])]);
    const [perfect, blind, link] = scored.arms[0].observers;
    expect(perfect.summary.auc).toMatchObject({ estimate: 1, lo: 1, hi: 1, resolvable: true });
    expect(blind.summary.auc).toMatchObject({ estimate: 0.5, lo: 0.5, hi: 0.5, resolvable: true });
    expect(link.summary.auc).toMatchObject({ estimate: 1, lo: 1, hi: 1, resolvable: true });
    expect(perfect.summary.negativeUsers).toBe(BYSTANDERS);
    const strongest = scored.arms[0].strongest;
    expect(strongest.map((s) => s.task).sort()).toEqual(["flow-link", "service"]);
    expect(strongest.find((s) => s.task === "service")!.auc.estimate).toBe(1);
    for (const o of scored.arms[0].observers) {
      for (const x of [o.summary.auc.estimate, o.summary.auc.lo, o.summary.auc.hi]) expect(Number.isFinite(x)).toBe(true);
    }
  });

  it("without a policy, bystander ids are outside the users' draw and are refused, not silently dropped", async () => {
    await expect(scoreRun(experiment(false), [arm([service(1, 0)])])).rejects.toThrow(/users/);
  });
});
