/**
 * The parser fuzzers of `bench/fuzz/` at a smaller count (`npm run fuzz` runs 10⁵ cases
 * each): every case is accepted or refused with the parser's own validation error, and
 * `Object.prototype` is never touched. Also: the fuzz runner finds every fuzzer script.
 */
import { basename } from "node:path";
import { describe, expect, it } from "vitest";
import { fuzz, type FuzzTarget } from "../../bench/fuzz/_harness.ts";
import { fuzzers } from "../../bench/fuzz/run.ts";

const TARGETS: [string, number][] = [
  ["experiment", 400],
  ["trace-notation", 3000],
  ["param-path", 3000],
  ["shard", 3000],
  ["target", 3000],
  ["rows-file", 1500],
  ["manifest", 1500],
];

describe("parser fuzzing (issue 16)", () => {
  for (const [name, cases] of TARGETS) {
    it(`${name}: ${cases} hostile inputs, no exception but the parser's own`, async () => {
      const mod = (await import(`../../bench/fuzz/${name}.ts`)) as { target: FuzzTarget<unknown> };
      const r = await fuzz(mod.target, cases, 20_261);
      expect(r.failure).toBeNull();
      expect(r.cases).toBe(cases);
      // Both outcomes occur: the generators reach accepted inputs as well as refused ones.
      expect(r.accepted).toBeGreaterThan(0);
      expect(r.rejected).toBeGreaterThan(0);
    }, 240_000);
  }

  it("the fuzz runner finds one script per parser", () => {
    const names = fuzzers().map((f) => basename(f, ".ts"));
    expect(names).toEqual(expect.arrayContaining(TARGETS.map(([n]) => n)));
    expect(names).not.toContain("run");
    expect(names.some((n) => n.startsWith("_"))).toBe(false);
  });
});
