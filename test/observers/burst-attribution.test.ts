/**
 * burst-attribution on constructed cases whose answer is known: user A in two concurrent
 * conversations (with B and with C), its bursts interleaved, each delivered as a burst
 * of the same size to its recipient's downlink; then the synthetic world, undefended and
 * under a perfect constant rate; then the registry.
 */
import { describe, expect, it } from "vitest";
import { definition, NO_MATCH } from "../../observers/burst-attribution.ts";
import type { Labels } from "../../observers/labels.ts";
import type { Observer, TaskScores } from "../../observers/observer.ts";
import { topKAccuracy } from "../../observers/metrics.ts";
import { DOWN, UP, type Direction } from "../../sim/core/kinds.ts";
import { stream } from "../../sim/core/rng.ts";
import { ms, seconds } from "../../sim/core/time.ts";
import { labelsFromTruth } from "../../sim/experiment/labels.ts";
import { getObserver, validateObserverParams } from "../../sim/experiment/registries.ts";
import { TYPE_CODE, Truth } from "../../sim/world/truth.ts";
import { auc, run, synthetic } from "./synthetic.ts";

const A = 0;
const B = 1;
const C = 2;
const USERS = 5;

/** `bytes` as ≤ 1400 B packets 2 ms apart from time t on one user's link; returns the last packet's time. */
function burst(obs: Observer, u: number, dir: Direction, t: number, bytes: number): number {
  let last = t;
  for (let off = 0, k = 0; off < bytes; off += 1400, k++) obs.tap.packet(u, (last = t + ms(2 * k)), Math.min(1400, bytes - off), dir);
  return last;
}

/** A's messages, interleaved between its conversation with B (id 0) and with C (id 1), and B's one reply. */
const SENDS = [
  { from: A, to: B, at: 10, bytes: 30_000 },
  { from: A, to: C, at: 11, bytes: 5_000 },
  { from: A, to: B, at: 13, bytes: 2_000 },
  { from: A, to: C, at: 14, bytes: 80_000 },
  { from: A, to: B, at: 17, bytes: 700 },
  { from: B, to: A, at: 20, bytes: 12_000 },
];

/** The wire of the constructed case, and its truth with A's two conversations swapped when `swap`. */
function constructed(swap = false, params: Record<string, unknown> = {}): { obs: Observer; labels: Labels } {
  const obs = definition.create(validateObserverParams(definition, params), { users: USERS, start: 0, end: seconds(60), rng: stream(1, "test/burst-attribution") });
  const t = new Truth();
  const conv = [t.conversations.add("direct", A, B, seconds(10)), t.conversations.add("direct", A, C, seconds(11))];
  for (const s of SENDS) {
    const last = burst(obs, s.from, UP, seconds(s.at), s.bytes);
    burst(obs, s.to, DOWN, last + ms(120), s.bytes); // relayed after its last byte arrived
    const c = s.from === A ? ((s.to === B) !== swap ? conv[0] : conv[1]) : conv[0];
    const id = t.messages.add(s.from, s.to, TYPE_CODE.photo, s.bytes, c, 0, seconds(s.at));
    t.messages.atServer[id] = last + ms(50);
    t.messages.delivered[id] = last + ms(200);
  }
  // distractors: user 3 receives a burst of a similar size inside the first burst's window; user 4 chats with the outside
  burst(obs, 3, DOWN, seconds(10.3), 27_000);
  burst(obs, 4, UP, seconds(10), 30_000);
  burst(obs, 4, DOWN, seconds(15), 80_000);
  // a burst of A that carried nothing real (cover): not a case
  burst(obs, A, UP, seconds(40), 3_000);
  return { obs, labels: labelsFromTruth(t, USERS) };
}

const sorted = (s: TaskScores) => [...s.positives, ...s.negatives].sort((a, b) => a - b);

describe("burst-attribution", () => {
  it("attributes each of A's interleaved bursts to the partner it went to, and B's reply to A", () => {
    const { obs, labels } = constructed();
    const s = obs.score(labels);
    expect(s.task).toBe("burst");
    expect(s.positives.length).toBe(SENDS.length); // the cover burst is no case
    expect(Array.from(s.ranks!)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(s.rankTies!)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(s.rankBelow!)).toEqual([3, 3, 3, 3, 3, 3]); // 4 candidates, 1 right
    expect(topKAccuracy(s.ranks!, 1, s.rankTies)).toBe(1);
    expect(s.candidates).toBe(4); // chance 1/4 in every case
    expect(Array.from(s.positiveUsers)).toEqual([A, A, A, A, A, B]);
    expect(s.negatives.length).toBe(SENDS.length * 3);
    // the right partner's copy has the same size and follows 120 ms after the last packet: score −0.12
    for (const p of s.positives) expect(p).toBeCloseTo(-0.12, 9);
    // a candidate with no burst in the window scores NO_MATCH
    expect(Math.min(...s.negatives)).toBe(NO_MATCH);
  });

  it("takes from the labels only which candidate is right: swapping A's two conversations in the truth moves the same scores", () => {
    const real = constructed().obs.score(constructed().labels);
    const swapped = constructed(true).obs.score(constructed(true).labels);
    expect(sorted(swapped)).toEqual(sorted(real));
    // A's five bursts now count as misattributed: the real recipient ranks above the labelled one, and for the
    // 30 KB burst (user 3's 27 KB copy) and the 80 KB one (user 4's 80 KB download) a distractor does too;
    // B's reply (to A) is unchanged
    expect(Array.from(swapped.ranks!)).toEqual([2, 1, 1, 2, 1, 0]);
    expect(Array.from(real.ranks!)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it("keeps a sample of the wrong candidates as negatives when asked, ranking every candidate still", () => {
    const all = constructed().obs.score(constructed().labels);
    const { obs, labels } = constructed(false, { negativesPerBurst: 2 });
    const s = obs.score(labels);
    expect(s.negatives.length).toBe(SENDS.length * 2); // 3 wrong candidates each, 2 kept
    expect(Array.from(s.ranks!)).toEqual(Array.from(all.ranks!));
    expect(Array.from(s.rankBelow!)).toEqual(Array.from(all.rankBelow!));
    const kept = new Set(all.negatives);
    for (const x of s.negatives) expect(kept.has(x)).toBe(true);
  });

  it("a burst that no candidate matched is at chance: every candidate ties", () => {
    const obs = definition.create(validateObserverParams(definition, {}), { users: 4, start: 0, end: seconds(60), rng: stream(1, "t") });
    const last = burst(obs, 0, UP, seconds(5), 10_000);
    const t = new Truth();
    const c = t.conversations.add("direct", 0, 1, seconds(5));
    const id = t.messages.add(0, 1, TYPE_CODE.photo, 10_000, c, 0, seconds(5));
    t.messages.atServer[id] = last;
    const s = obs.score(labelsFromTruth(t, 4));
    expect([Array.from(s.ranks!), Array.from(s.rankTies!), Array.from(s.positives)]).toEqual([[0], [2], [NO_MATCH]]);
    expect(topKAccuracy(s.ranks!, 1, s.rankTies)).toBeCloseTo(1 / 3, 12);
  });

  it("a group burst is right for any member, and its chance counts the members", () => {
    const obs = definition.create(validateObserverParams(definition, {}), { users: 6, start: 0, end: seconds(60), rng: stream(1, "t") });
    const last = burst(obs, 0, UP, seconds(5), 20_000);
    burst(obs, 2, DOWN, last + ms(300), 20_000); // one member online at once, the other later
    burst(obs, 3, DOWN, last + ms(100), 4_000); // a stranger's unrelated burst
    const t = new Truth();
    t.groups = [[0, 1, 2]];
    const c = t.conversations.add("group", 0, -1, seconds(5));
    const id = t.messages.add(0, 1, TYPE_CODE.photo, 20_000, c, 0, seconds(5));
    t.messages.add(0, 2, TYPE_CODE.photo, 20_000, c, 0, seconds(5), id);
    t.messages.atServer[id] = last;
    const s = obs.score(labelsFromTruth(t, 6));
    expect([Array.from(s.ranks!), Array.from(s.rankTies!), Array.from(s.rankBelow!)]).toEqual([[0], [0], [3]]);
    expect(s.positives[0]).toBeCloseTo(-0.3, 9);
    expect(s.candidates).toBe(3); // chance 2/5: a random ranking puts one of the 2 members first among 5 users 2 times in 5
  });

  it("a group burst no candidate matched is credited as random tie-breaking among the users would be", () => {
    const obs = definition.create(validateObserverParams(definition, {}), { users: 6, start: 0, end: seconds(60), rng: stream(1, "t") });
    const last = burst(obs, 0, UP, seconds(5), 20_000);
    const t = new Truth();
    t.groups = [[0, 1, 2]];
    const c = t.conversations.add("group", 0, -1, seconds(5));
    const id = t.messages.add(0, 1, TYPE_CODE.photo, 20_000, c, 0, seconds(5));
    t.messages.atServer[id] = last;
    const s = obs.score(labelsFromTruth(t, 6));
    // 2 right and 3 wrong candidates all tied: a hit 2 times in 5, credited 1 / (floor(3 / 2) + 1) = 1/2 (rounded for the attacker)
    expect([Array.from(s.ranks!), Array.from(s.rankTies!), Array.from(s.rankBelow!)]).toEqual([[0], [1], [0]]);
    expect(topKAccuracy(s.ranks!, 1, s.rankTies)).toBe(0.5);
  });

  it("on the synthetic world: far above chance undefended, at chance under a perfect constant rate", () => {
    const world = synthetic({ users: 30, pairs: 10, seconds: 1200, seed: 21, messageMean: 60 });
    const s = run(definition, {}, world);
    expect(s.positives.length).toBeGreaterThan(100);
    expect(auc(s.positives, s.negatives)).toBeGreaterThan(0.95);
    expect(topKAccuracy(s.ranks!, 1, s.rankTies)).toBeGreaterThan(0.8); // chance 1/29
    const cbr = run(definition, {}, synthetic({ users: 30, pairs: 10, seconds: 1200, seed: 21, messageMean: 60, constantRate: { intervalMs: 100, size: 600 } }));
    expect(cbr.positives.length).toBeGreaterThan(0);
    expect(Math.abs(auc(cbr.positives, cbr.negatives) - 0.5)).toBeLessThan(0.02);
    expect(topKAccuracy(cbr.ranks!, 1, cbr.rankTies)).toBeCloseTo(1 / cbr.candidates!, 1);
  });

  it("is registered with its vantage and what it sees, and rejects a bad parameter naming it", async () => {
    expect(await getObserver("burst-attribution")).toBe(definition);
    expect(definition.vantages).toContain(definition.vantage);
    expect(definition.task).toBe("burst");
    expect(validateObserverParams(definition, {})).toEqual({ gapSeconds: 0.5, minPacket: 52, maxLagSeconds: 2, lagWeight: 1, maxEvents: 4096, negativesPerBurst: 500 });
    expect(() => validateObserverParams(definition, { maxLagSeconds: -1 })).toThrow(/observer "burst-attribution" parameter maxLagSeconds = -1/);
  });

  it("refuses labels that cannot answer the burst question", () => {
    const { obs } = constructed();
    const { burstConversation: _, ...other } = labelsFromTruth(new Truth(), USERS);
    expect(() => obs.score(other as Labels)).toThrow(/burstConversation/);
  });
});
