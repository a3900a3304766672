/**
 * Fuzzes shard specs (`--shard i/N`, `auto/N` with the batch system's index variables;
 * `sim/sweep/shard.ts`): the grammar with indices at and past N, leading zeros, signs,
 * spaces, hex and exponents, odd environment values, and arbitrary strings. An accepted
 * spec must name an index below its count.
 *
 *   npx tsx bench/fuzz/shard.ts [--cases N] [--seed S]     (default 100000)
 */
import fc from "fast-check";
import { inShard, parseShard } from "../../sim/sweep/shard.ts";
import { runIfMain, type FuzzTarget } from "./_harness.ts";

const num = fc.oneof(fc.nat({ max: 20 }).map(String), fc.constantFrom("0", "00", "01", "-1", "+1", " 1", "1 ", "0x10", "1e3", "1000000", "1000001", "99999999", "auto", "", "NaN", "Infinity", "1.5"));
const spec = fc.oneof({ weight: 5, arbitrary: fc.tuple(num, fc.constantFrom("/", "//", "\\", ""), num).map((p) => p.join("")) }, { weight: 1, arbitrary: fc.string({ maxLength: 16 }) });
const env = fc.record({ JOB_COMPLETION_INDEX: fc.option(num, { nil: undefined }), SLURM_ARRAY_TASK_ID: fc.option(num, { nil: undefined }) });

export const target: FuzzTarget<{ spec: string; env: Record<string, string | undefined> }> = {
  name: "shard spec",
  arbitrary: fc.record({ spec, env }),
  run({ spec: s, env: e }) {
    const shard = parseShard(s, e);
    if (!(Number.isSafeInteger(shard.index) && Number.isSafeInteger(shard.count) && shard.index >= 0 && shard.index < shard.count)) throw new Error(`accepted ${JSON.stringify(shard)}`);
    if (!inShard(shard.index, shard)) throw new Error("a shard does not hold its own index");
  },
};

await runIfMain(import.meta.url, target);
