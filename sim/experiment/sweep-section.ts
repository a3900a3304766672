/**
 * Static checks of an experiment's `sweep` section, run with the rest of validation:
 * axes name paths outside the experiment's identity (name, seed, the sweep itself),
 * each path once across all axes (the paths of a tied axis included), distinct grid
 * values and seeds, and a bounded number of points. Each
 * point is later validated as a whole experiment when the sweep is planned.
 *
 * @example
 * sweepProblems(exp) // => [] or ["sweep.grid[0].values = [1,1]: expected distinct values (1 repeats)"]
 */
import { showValue as show } from "../core/validation.ts";
import { formatPath as formatKeys, tryParsePath } from "../sweep/param-path.ts";
import { FIXED_KEYS, type Experiment } from "./schema.ts";

/** At most this many sweep points: beyond it, split the experiment. */
export const MAX_SWEEP_POINTS = 1_000_000;

function duplicates(values: readonly unknown[]): unknown[] {
  const seen = new Set<string>();
  const dup: unknown[] = [];
  for (const v of values) {
    const k = JSON.stringify(v);
    if (seen.has(k)) dup.push(v);
    seen.add(k);
  }
  return dup;
}

/** Static checks of the sweep section; each point is validated as a whole experiment by `planSweep`. */
export function sweepProblems(exp: Experiment): string[] {
  const s = exp.sweep;
  if (!s) return [];
  const problems: string[] = [];
  // every path of every axis (a tied axis names several), each once across the sweep
  const each = (path: string | string[], at: string) => (typeof path === "string" ? [{ path, at }] : path.map((p, j) => ({ path: p, at: `${at}[${j}]` })));
  const axes = [
    ...s.grid.flatMap((a, i) => each(a.path, `sweep.grid[${i}].path`)),
    ...(s.random?.axes ?? []).flatMap((a, i) => each(a.path, `sweep.random.axes[${i}].path`)),
  ];
  const seen = new Set<string>();
  for (const { path, at } of axes) {
    const keys = tryParsePath(path) ?? [];
    const canonical = formatKeys(keys);
    if (FIXED_KEYS.has(String(keys[0]))) {
      problems.push(`${at} = ${show(path)}: expected a path outside ${[...FIXED_KEYS].join(", ")} (vary seeds with sweep.seeds)`);
    }
    if (seen.has(canonical)) problems.push(`${at} = ${show(path)}: expected each path once across the sweep's axes`);
    seen.add(canonical);
  }
  s.grid.forEach((a, i) => {
    for (const d of duplicates(a.values)) problems.push(`sweep.grid[${i}].values = ${show(a.values)}: expected distinct values (${show(d)} repeats)`);
  });
  for (const d of duplicates(s.seeds ?? [])) problems.push(`sweep.seeds = ${show(s.seeds)}: expected distinct seeds (${show(d)} repeats)`);
  let points = (s.random?.samples ?? 1) * (s.seeds?.length ?? 1);
  for (const a of s.grid) points *= a.values.length;
  if (points > MAX_SWEEP_POINTS) problems.push(`sweep = ${points} points: expected at most ${MAX_SWEEP_POINTS}; split the sweep`);
  return problems;
}

