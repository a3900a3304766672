/**
 * Physics of scope (sim/world/topology.ts, sim/world/vantage-taps.ts), through the public
 * parser and the runner's arm (`runDefense`), on small constructed experiments:
 *
 * (a) a local observer on one hotspot sees only the hotspot's users, so it cannot link a
 *     pair with an end elsewhere: on what its tap saw (the arm's own observer, its scores
 *     on every pair as it returned them to the runner, before the runner keeps its
 *     scope's), volume-correlation's link AUC over pairs with at least one end off the
 *     hotspot is 0.5 within its interval (every such pair scores alike), while the same
 *     observer links pairs inside the hotspot well; and the runner scores a scoped
 *     observer on its own scope's pairs only (sim/experiment/scope-cases.ts), so those
 *     unseen pairs cannot pull its figures toward chance. One world: the runner's arm
 *     (this test once built and ran the same world a second time for the unrestricted
 *     scores; the runner's observer is now watched instead, which also ties both sides of
 *     the comparison to one observer);
 * (b) a VPN exit shared by more users hides more at the exit's upstream: the upstream
 *     sees the exit's flows mixed (fan-out: each user's stream is the exit's sum), so
 *     volume correlation's link AUC falls as users per exit grow (1, 4, 16 of 48 users).
 *     Every placement comes from the same `topology` stream and the population and
 *     conversations from their own streams, so the runs share people and traffic and the
 *     paired difference AUC(1 per exit) − AUC(16 per exit) is taken on the same user
 *     bootstrap replicates.
 */
import { describe, expect, it, vi } from "vitest";
import type { TaskScores } from "../../observers/observer.ts";
import { drawUserWeights } from "../../observers/metrics/user-weights.ts";
import { replicateScoreMetrics } from "../../observers/metrics/replicate-score-metrics.ts";
import { replicateInterval } from "../../observers/metrics/replicate-interval.ts";
import { stream } from "../../sim/core/rng.ts";
import { SECOND } from "../../sim/core/time.ts";
import { parseExperiment } from "../../sim/experiment/parse.ts";
import { runDefense } from "../../sim/experiment/run-arm.ts";
import { getObserver } from "../../sim/experiment/registries.ts";
import type { Labels } from "../../observers/labels.ts";
import { placeUsers } from "../../sim/world/topology.ts";

const USERS = 48;
const DURATION = 1200;
const RESAMPLES = 200;

function experiment(extra: Record<string, unknown>) {
  return parseExperiment({
    name: "vantage-scope",
    purpose: "physics test of scoped vantages",
    seed: 11,
    durationSeconds: DURATION,
    population: { users: USERS },
    conversations: [{ model: "messaging", params: { conversationsPerHour: 12 } }],
    defenses: [{ name: "none" }],
    metrics: { resamples: RESAMPLES },
    ...extra,
  });
}

/** The cases of `s` whose pair passes `keep`, as scores of their own. */
function pairsWhere(s: TaskScores, keep: (u: number, v: number) => boolean): TaskScores {
  const pick = (scores: Float64Array, users: Int32Array) => {
    const idx: number[] = [];
    for (let i = 0; i < scores.length; i++) if (keep(users[2 * i], users[2 * i + 1])) idx.push(i);
    return { scores: Float64Array.from(idx, (i) => scores[i]), users: Int32Array.from(idx.flatMap((i) => [users[2 * i], users[2 * i + 1]])) };
  };
  const pos = pick(s.positives, s.positiveUsers);
  const neg = pick(s.negatives, s.negativeUsers);
  return { task: s.task, positives: pos.scores, negatives: neg.scores, usersPerCase: 2, positiveUsers: pos.users, negativeUsers: neg.users };
}

const weights = () => drawUserWeights(USERS, RESAMPLES, stream(11, "test/vantage-scope/users"));

describe("scoped vantages", () => {
  it("a local observer on the hotspot links its own users and nobody else", async () => {
    const exp = await experiment({
      topology: {
        isps: ["isp-a"],
        networks: [
          { name: "home", kind: "home-wifi", isp: "isp-a", weight: 1 },
          { name: "hotspot", kind: "hotspot", isp: "isp-a", weight: 3 },
        ],
      },
      observers: [{ observer: "volume-correlation", vantage: "local", scope: "hotspot" }],
    });
    // What the tap saw, scored on every pair: each volume-correlation observer the runner
    // builds is watched, and its scores kept as it hands them to the runner (before the
    // runner keeps the scope's pairs). The runner builds two: the training run's (a
    // population of its own, for the score direction), then the arm's.
    const def = await getObserver("volume-correlation");
    const create = def.create;
    const handed: Promise<TaskScores>[] = [];
    const watch = vi.spyOn(def, "create").mockImplementation((params, ctx) => {
      const observer = create.call(def, params, ctx);
      const score = observer.scoreAsync ? observer.scoreAsync.bind(observer) : async (l: Labels) => observer.score(l);
      observer.scoreAsync = (labels) => {
        const s = score(labels);
        handed.push(s);
        return s;
      };
      return observer;
    });
    let run: Awaited<ReturnType<typeof runDefense>>;
    try {
      run = await runDefense(exp, exp.defenses[0], DURATION * SECOND);
    } finally {
      watch.mockRestore();
    }
    expect(handed).toHaveLength(2);
    const raw = await handed[1];
    // the placement the arm ran with: the experiment's `topology` stream, as buildArm draws it
    const placement = placeUsers(exp.topology, USERS, false, stream(exp.seed, "topology"));
    const on = (u: number) => placement.network[u] === 1;
    const o = run.scores[0];
    const w = weights();
    const inside = pairsWhere(raw, (u, v) => on(u) && on(v));
    const outside = pairsWhere(raw, (u, v) => !on(u) || !on(v));
    // the runner keeps exactly the pairs inside the scope
    expect(pairsWhere(o.scores, (u, v) => !on(u) || !on(v)).positives.length + pairsWhere(o.scores, (u, v) => !on(u) || !on(v)).negatives.length).toBe(0);
    expect(Array.from(o.scores.positives)).toEqual(Array.from(inside.positives));
    expect(Array.from(o.scores.negatives)).toEqual(Array.from(inside.negatives));
    expect(inside.positives.length).toBeGreaterThanOrEqual(5);
    expect(outside.positives.length).toBeGreaterThanOrEqual(5);
    const inM = replicateScoreMetrics(inside, o.orientation, w);
    const outM = replicateScoreMetrics(outside, o.orientation, w);
    const inI = replicateInterval(inM.auc, inM.estimate.auc);
    const outI = replicateInterval(outM.auc, outM.estimate.auc);
    console.log(`local@hotspot: inside pairs AUC ${JSON.stringify(inI)} (${inside.positives.length} positives), pairs with an end off it ${JSON.stringify(outI)} (${outside.positives.length} positives)`);
    expect(outI.lo!).toBeLessThanOrEqual(0.5);
    expect(outI.hi!).toBeGreaterThanOrEqual(0.5);
    expect(inI.lo!).toBeGreaterThan(0.6);
  }, 600_000);

  it("a VPN exit shared by more users links less at its upstream", async () => {
    const perExit = [1, 4, 16];
    const w = weights();
    const metrics = [];
    for (const k of perExit) {
      const exp = await experiment({
        transport: { vpn: {} },
        topology: { isps: ["isp-a"], networks: [{ name: "home", kind: "home-wifi", isp: "isp-a" }], vpn: { exits: USERS / k } },
        observers: [{ observer: "volume-correlation", vantage: "vpn-exit" }],
      });
      const run = await runDefense(exp, exp.defenses[0], DURATION * SECOND);
      const o = run.scores[0];
      const m = replicateScoreMetrics(o.scores, o.orientation, w);
      metrics.push(m);
      console.log(`vpn-exit, ${k} users per exit: link AUC ${JSON.stringify(replicateInterval(m.auc, m.estimate.auc))}`);
    }
    const [one, , sixteen] = metrics;
    const diff = Float64Array.from(one.auc, (a, r) => a - sixteen.auc[r]);
    const d = replicateInterval(diff, one.estimate.auc - sixteen.estimate.auc);
    console.log(`AUC(1 per exit) − AUC(16 per exit): ${JSON.stringify(d)}`);
    expect(one.estimate.auc).toBeGreaterThan(metrics[1].estimate.auc);
    expect(metrics[1].estimate.auc).toBeGreaterThan(sixteen.estimate.auc);
    expect(d.lo!).toBeGreaterThan(0);
  }, 900_000);
});
