import { describe, expect, it } from "vitest";
import type { TaskScores } from "../../../observers/observer.ts";
import { restrictToScope } from "../../../sim/experiment/scope-cases.ts";

const USERS = 4;
// users 0 and 1 are in scope, 2 and 3 are not; ids 4 and 5 are bystanders
const mask = Uint8Array.from([1, 1, 0, 0]);

describe("restrictToScope", () => {
  it("keeps a pair only when both ends are in scope, with its ranks", () => {
    const s: TaskScores = {
      task: "link",
      positives: Float64Array.from([0.9, 0.8, 0.7]),
      negatives: Float64Array.from([0.1, 0.2]),
      usersPerCase: 2,
      positiveUsers: Int32Array.from([0, 1, 1, 2, 3, 0]),
      negativeUsers: Int32Array.from([2, 3, 0, 1]),
      ranks: Int32Array.from([0, 1, 2]),
      rankTies: Int32Array.from([0, 0, 1]),
      rankBelow: Int32Array.from([3, 2, 0]),
      candidates: 3,
    };
    const r = restrictToScope(s, mask, USERS);
    expect(Array.from(r.positives)).toEqual([0.9]);
    expect(Array.from(r.positiveUsers)).toEqual([0, 1]);
    expect(Array.from(r.negatives)).toEqual([0.2]);
    expect(Array.from(r.negativeUsers)).toEqual([0, 1]);
    expect(Array.from(r.ranks!)).toEqual([0]);
    expect(Array.from(r.rankTies!)).toEqual([0]);
    expect(Array.from(r.rankBelow!)).toEqual([3]);
    expect(r.candidates).toBe(3);
  });

  it("keeps per-user cases of in-scope users and of bystanders, with their times", () => {
    const s: TaskScores = {
      task: "service",
      positives: Float64Array.from([1, 2, 3]),
      negatives: Float64Array.from([4, 5]),
      usersPerCase: 1,
      positiveUsers: Int32Array.from([0, 2, 1]),
      negativeUsers: Int32Array.from([4, 3]),
      positiveTimes: Float64Array.from([10, 20, 30]),
      negativeTimes: Float64Array.from([40, 50]),
    };
    const r = restrictToScope(s, mask, USERS);
    expect(Array.from(r.positives)).toEqual([1, 3]);
    expect(Array.from(r.positiveTimes!)).toEqual([10, 30]);
    expect(Array.from(r.negatives)).toEqual([4]);
    expect(Array.from(r.negativeUsers)).toEqual([4]);
    expect(Array.from(r.negativeTimes!)).toEqual([40]);
  });

  it("leaves an unscoped observer's scores as they are", () => {
    const s: TaskScores = { task: "activity", positives: Float64Array.from([1]), negatives: Float64Array.from([0]), usersPerCase: 1, positiveUsers: Int32Array.from([3]), negativeUsers: Int32Array.from([2]) };
    expect(restrictToScope(s, null, USERS)).toBe(s);
  });
});
