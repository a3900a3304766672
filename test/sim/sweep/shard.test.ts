import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { inShard, parseShard } from "../../../sim/sweep/shard.ts";

describe("shards", () => {
  it("parses i/N and rejects an index outside 0..N-1", () => {
    expect(parseShard("0/1")).toEqual({ index: 0, count: 1 });
    expect(parseShard("2/3")).toEqual({ index: 2, count: 3 });
    expect(() => parseShard("3/3")).toThrow(/--shard = "3\/3": expected an index below N = 3, got 3/);
    for (const bad of ["1", "a/3", "1/0", "-1/3", "1/3/4", "01/3"]) expect(() => parseShard(bad), bad).toThrow(/--shard/);
  });

  it("takes auto/N from JOB_COMPLETION_INDEX, then SLURM_ARRAY_TASK_ID", () => {
    expect(parseShard("auto/4", { JOB_COMPLETION_INDEX: "3" })).toEqual({ index: 3, count: 4 });
    expect(parseShard("auto/4", { SLURM_ARRAY_TASK_ID: "1" })).toEqual({ index: 1, count: 4 });
    expect(parseShard("auto/4", { JOB_COMPLETION_INDEX: "0", SLURM_ARRAY_TASK_ID: "2" })).toEqual({ index: 0, count: 4 });
    expect(() => parseShard("auto/4", {})).toThrow(/JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID/);
    expect(() => parseShard("auto/4", { SLURM_ARRAY_TASK_ID: "4" })).toThrow(/\(from SLURM_ARRAY_TASK_ID\): expected an index below N = 4/);
    expect(() => parseShard("auto/4", { JOB_COMPLETION_INDEX: "x" })).toThrow(/JOB_COMPLETION_INDEX = "x"/);
  });

  it("puts every point in exactly one shard, with shard sizes differing by at most one", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 200 }), (n, points) => {
        const sizes = new Array(n).fill(0);
        for (let p = 0; p < points; p++) {
          const owners = sizes.map((_, i) => i).filter((i) => inShard(p, { index: i, count: n }));
          expect(owners).toHaveLength(1);
          sizes[owners[0]]++;
        }
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
    );
  });
});
