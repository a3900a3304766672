/**
 * Shards: how one sweep is split over machines with no broker. Shard i of N takes the
 * points whose canonical index is i mod N, so every point belongs to exactly one shard,
 * shards are about equal in size, and any one of them can be re-run alone on a laptop.
 *
 * `auto/N` takes i from the batch system: `JOB_COMPLETION_INDEX` (a Kubernetes Indexed
 * Job, `completionMode: Indexed`) or `SLURM_ARRAY_TASK_ID` (a Slurm job array submitted
 * with `--array=0-(N-1)`), checked in that order.
 *
 * @example
 * parseShard("1/3")                                    // => { index: 1, count: 3 }
 * parseShard("auto/4", { JOB_COMPLETION_INDEX: "2" })  // => { index: 2, count: 4 }
 * inShard(7, { index: 1, count: 3 })                   // => true (7 mod 3 = 1)
 */

import { InputError, showValue } from "../core/validation.ts";

export interface Shard {
  index: number;
  count: number;
}

export const WHOLE: Shard = { index: 0, count: 1 };

/** Environment variables that carry the shard index, in the order they are tried. */
export const SHARD_ENV = ["JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID"] as const;

const MAX_SHARDS = 1_000_000;

/**
 * Parses `i/N` or `auto/N` (plain decimal integers: no sign, spaces, leading zeros, hex
 * or exponents). Throws an InputError whose one line names the value and what was
 * expected.
 */
export function parseShard(text: string, env: Record<string, string | undefined> = process.env): Shard {
  const shown = showValue(text);
  const m = typeof text === "string" ? /^(auto|0|[1-9][0-9]{0,6})\/([1-9][0-9]{0,6})$/.exec(text) : null;
  if (!m) throw new InputError([`--shard = ${shown}: expected i/N (0 <= i < N) or auto/N`]);
  const count = Number(m[2]);
  if (count > MAX_SHARDS) throw new InputError([`--shard = ${shown}: expected N <= ${MAX_SHARDS}`]);
  let index: number;
  let source = "";
  if (m[1] === "auto") {
    const name = SHARD_ENV.find((k) => env[k] !== undefined && env[k] !== "");
    if (!name) throw new InputError([`--shard = "auto/${count}": expected ${SHARD_ENV.join(" or ")} to be set (run inside an Indexed Job or a Slurm array)`]);
    const raw = env[name] as string;
    if (!/^(0|[1-9][0-9]{0,6})$/.test(raw)) throw new InputError([`${name} = ${showValue(raw)}: expected a non-negative decimal integer shard index`]);
    index = Number(raw);
    source = ` (from ${name})`;
  } else {
    index = Number(m[1]);
  }
  if (index >= count) throw new InputError([`--shard = ${shown}${source}: expected an index below N = ${count}, got ${index}`]);
  return { index, count };
}

export function inShard(pointIndex: number, shard: Shard): boolean {
  return pointIndex % shard.count === shard.index;
}

export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}
