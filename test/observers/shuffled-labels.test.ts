/**
 * No scorer reads ground truth except through its labels: fed the truth of a run with
 * its users shuffled (who talked to whom, who was active when, reassigned by a random
 * permutation of the users, while the traffic stays), every registered observer scores
 * at chance, its AUC interval (user bootstrap) containing ½, although the same observer
 * on the true labels is far above chance. A scorer that took anything else from the
 * truth (a message's creation time to find its burst, say) would keep its edge.
 *
 * A random relabelling of pairs turns the real links into negatives, and against a
 * scorer that gives almost every other pair the same score (a forest's vote share) those
 * few high-scoring negatives pull the AUC measurably below ½ with a narrow interval. So
 * for the pair tasks the real links are left out on both sides (they are neither
 * positive nor negative in the shuffled labels): the comparison is then between pairs
 * that are strangers in truth, some labelled linked at random.
 *
 * The content task labels the bursts an observer finds on a user's uplink by what that
 * user was sending; with users shuffled almost no burst lines up with another user's
 * messages, leaving no cases, so its truth is shuffled by permuting the message types
 * across all users' messages instead. The burst task likewise keeps its cases (the bursts
 * that carried a conversation) and renames the counterparts each case names by the same
 * permutation of the users, so its right answers are other users at random.
 *
 * Observers of network metadata (those with a `meta` tap: DNS names, flows, addresses)
 * are skipped here: this world has packets only, no metadata records. Their own tests
 * hold them to the same rule (other labels move the same scores between the sides).
 */
import { describe, expect, it } from "vitest";
import { summarizeScores } from "../../observers/metrics.ts";
import type { Labels, PairTask } from "../../observers/labels.ts";
import type { Observer, ObserverDefinition, TaskScores } from "../../observers/observer.ts";
import { labelsFromPairs, pairCode, type LinkLabels } from "../../observers/pair-labels.ts";
import { labelsFromTruth } from "../../sim/experiment/labels.ts";
import { loadObservers, validateObserverParams } from "../../sim/experiment/registries.ts";
import { stream } from "../../sim/core/rng.ts";
import { TYPE_CODE, Truth } from "../../sim/world/truth.ts";
import { synthetic, type Synthetic } from "./synthetic.ts";

/** A copy of `t` with every user u renamed perm[u] (the server, −1, stays). */
function permuteUsers(t: Truth, perm: Int32Array): Truth {
  const out = new Truth();
  const p = (u: number) => (u >= 0 ? perm[u] : u);
  const m = t.messages;
  for (let i = 0; i < m.length; i++) {
    const id = out.messages.add(p(m.from[i]), p(m.to[i]), m.type[i], m.bytes[i], m.conversation[i], m.model[i], m.created[i], m.origin[i]);
    out.messages.atServer[id] = m.atServer[i];
    out.messages.delivered[id] = m.delivered[i];
  }
  const c = t.conversations;
  for (let i = 0; i < c.length; i++) {
    const id = out.conversations.add("direct", p(c.a[i]), c.b[i] >= 0 ? p(c.b[i]) : c.b[i], c.start[i]);
    out.conversations.kind[id] = c.kind[i];
    out.conversations.touch(id, c.end[i]);
  }
  out.groups = t.groups.map((g) => g.map(p));
  return out;
}

/** A copy of `t` with the types of its content messages permuted among them. */
function permuteTypes(t: Truth, seed: number): Truth {
  const out = permuteUsers(t, Int32Array.from({ length: 1 + Math.max(0, ...t.messages.from.subarray(0, t.messages.length)) }, (_, u) => u));
  const content = new Set<number>([TYPE_CODE.text, TYPE_CODE.photo, TYPE_CODE.video, TYPE_CODE["voice-note"], TYPE_CODE.file]);
  const rows: number[] = [];
  for (let i = 0; i < out.messages.length; i++) if (content.has(out.messages.type[i])) rows.push(i);
  const types = rows.map((i) => out.messages.type[i]);
  shuffle(types, seed);
  rows.forEach((i, k) => (out.messages.type[i] = types[k]));
  return out;
}

function shuffle<T>(a: T[] | Int32Array, seed: number): void {
  const r = stream(seed, "test/shuffle");
  for (let i = a.length - 1; i > 0; i--) {
    const j = r.int(0, i + 1);
    const x = a[i];
    a[i] = a[j];
    a[j] = x as never;
  }
}

/** Pairs coded `code` (−1 excluded) in a label table, as [initiator, partner] for positives. */
function pairsOf(l: LinkLabels, excluded: boolean): [number, number][] {
  const out: [number, number][] = [];
  if (!excluded) for (let k = 0; k < l.initiator.length; k++) out.push([l.initiator[k], l.partner[k]]);
  else for (let u = 0; u < l.users; u++) for (let p = l.lowStart[u]; p < l.lowStart[u + 1]; p++) if (l.lowCode[p] === -1) out.push([u, l.lowOther[p]]);
  return out;
}

/** `real`, with the counterparts of every burst renamed perm[v]: the same cases, random right answers. */
function counterpartsShuffled(real: Labels, perm: Int32Array): Labels {
  return {
    ...real,
    burstConversation(u, from, to) {
      const b = real.burstConversation!(u, from, to);
      return { conversations: b.conversations, counterparts: Int32Array.from(b.counterparts, (v) => perm[v]).sort() };
    },
  };
}

/** `shuffled`, with the pairs linked in `real` left out of the pair tasks. */
function withoutRealLinks(shuffled: Labels, real: Labels): Labels {
  return {
    ...shuffled,
    activeWindows: shuffled.activeWindows,
    carried: shuffled.carried,
    pairs(task: PairTask) {
      const s = shuffled.pairs(task);
      const r = real.pairs(task);
      const realPos = new Set(pairsOf(r, false).map(([a, b]) => Math.min(a, b) * r.users + Math.max(a, b)));
      const pos = pairsOf(s, false).filter(([a, b]) => !realPos.has(Math.min(a, b) * r.users + Math.max(a, b)));
      return labelsFromPairs(s.users, pos, [...pairsOf(s, true), ...pairsOf(r, false)]);
    },
  };
}

function feed(def: ObserverDefinition, syn: Synthetic, seed: number): Observer {
  const obs = def.create(validateObserverParams(def, {}), { users: syn.users, start: syn.start, end: syn.end, rng: stream(seed, `observer/${def.name}`) });
  syn.feed(obs.tap);
  return obs;
}

const aucOf = (s: TaskScores, seed: number) => summarizeScores(s, stream(seed, "metrics"), { resamples: 400, fprs: [0.1] }).auc;

describe("shuffled truth", async () => {
  const defs = [...(await loadObservers()).values()];
  const world = synthetic({ users: 40, pairs: 15, seconds: 1500, seed: 41, messageMean: 40 });
  const training = synthetic({ users: 40, pairs: 15, seconds: 1500, seed: 42, messageMean: 40 });
  const perm = Int32Array.from({ length: world.users }, (_, u) => u);
  shuffle(perm, 43);

  it("covers every registered observer", () => {
    expect(defs.map((d) => d.name)).toEqual(
      expect.arrayContaining(["activity-detector", "burst-attribution", "event-matching", "ipd-correlation", "lagged-correlation", "learned-classifier", "size-content", "size-histogram", "volume-correlation"]),
    );
  });

  it("would catch a scorer that takes its scores from the labels", () => {
    // A cheat: pair {a, b} scores 1 when the labels call it linked. It follows any labels.
    const cheat = (labels: Labels): TaskScores => {
      const l = labels.pairs("link");
      const nu: number[] = [];
      for (let u = 0; u < l.users; u++) for (let v = u + 1; v < l.users; v++) if (pairCode(l, u, v) === -2) nu.push(u, v);
      return {
        task: "link",
        positives: new Float64Array(l.initiator.length).fill(1),
        negatives: new Float64Array(nu.length / 2),
        usersPerCase: 2,
        positiveUsers: Int32Array.from(pairsOf(l, false).flat()),
        negativeUsers: Int32Array.from(nu),
      };
    };
    const shuffled = withoutRealLinks(labelsFromTruth(permuteUsers(world.truth, perm), world.users), world.labels);
    expect(aucOf(cheat(shuffled), 47).lo as number).toBeGreaterThan(0.9);
  });

  for (const def of defs) {
    const readsMetadata = def.create(validateObserverParams(def, {}), { users: world.users, start: world.start, end: world.end, rng: stream(44, `observer/${def.name}`) }).meta !== undefined;
    it.skipIf(readsMetadata)(`${def.name} is far above chance on the true labels and at chance on shuffled ones`, () => {
      // One observer, fed the world once (and, if it learns, trained once on the training
      // run's true labels), scores both label sets: scoring reads the labels only to label
      // cases, so the same observer answers either without refeeding or retraining.
      const obs = feed(def, world, 44);
      if (def.learns) {
        const set = feed(def, training, 45).trainingSet!(training.labels);
        obs.train!(set.features, set.labels, set);
      }
      const truthScores = obs.score(world.labels);
      const shuffledTruth = def.task === "content" ? permuteTypes(world.truth, 46) : permuteUsers(world.truth, perm);
      const shuffled = obs.score(def.task === "burst" ? counterpartsShuffled(world.labels, perm) : withoutRealLinks(labelsFromTruth(shuffledTruth, world.users), world.labels));
      expect(shuffled.task).toBe(truthScores.task);
      const real = aucOf(truthScores, 47);
      const chance = aucOf(shuffled, 47);
      expect(real.lo as number, `${def.name} on the true labels`).toBeGreaterThan(0.6);
      expect(shuffled.positives.length).toBeGreaterThan(9);
      expect(chance.lo as number, `${def.name} on shuffled labels: ${JSON.stringify(chance)}`).toBeLessThanOrEqual(0.5);
      expect(chance.hi as number, `${def.name} on shuffled labels: ${JSON.stringify(chance)}`).toBeGreaterThanOrEqual(0.5);
    }, def.learns ? 600_000 : 60_000); // a learned observer trains first
  }
});
