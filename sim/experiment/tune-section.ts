/**
 * An experiment's `tune` section: its rung budgets with defaults filled in, and its
 * static checks (the tuned defense exists, paths lie inside it, each once, a tied
 * range's paths included, and every rung fits the experiment's limits), run with the
 * rest of validation.
 *
 * @example
 * tuneRungs(exp) // => [{ durationSeconds: 400, users: 200, seeds: [1] }, …]
 */
import { showValue as show } from "../core/validation.ts";
import { formatPath as formatKeys, tryParsePath } from "../sweep/param-path.ts";
import type { Experiment } from "./schema.ts";

/** Rung budgets of a tune section with defaults filled in. */
export function tuneRungs(exp: Experiment): { durationSeconds: number; users: number; seeds: number[] }[] {
  const t = exp.tune;
  if (!t) return [];
  const users = (exp.population as { users: number }).users;
  if (t.rungs) {
    return t.rungs.map((r) => ({ durationSeconds: r.durationSeconds ?? exp.durationSeconds, users: r.users ?? users, seeds: r.seeds ?? [exp.seed] }));
  }
  const n = 3;
  return Array.from({ length: n }, (_, k) => ({
    durationSeconds: exp.durationSeconds / t.eta ** (n - 1 - k),
    users,
    seeds: k === n - 1 ? [exp.seed, (exp.seed + 1) % 2 ** 32] : [exp.seed],
  }));
}

export function tuneProblems(exp: Experiment): string[] {
  const t = exp.tune;
  if (!t) return [];
  const problems: string[] = [];
  if (!exp.defenses.some((d) => d.name === t.defense)) {
    problems.push(`tune.defense = ${show(t.defense)}: expected one of the defenses (${exp.defenses.map((d) => d.name).join(", ")})`);
  }
  const seen = new Set<string>();
  t.params.forEach((r, i) => {
    // a tied range names several paths, each set to the range's value
    const paths = typeof r.path === "string" ? [{ path: r.path, at: `tune.params[${i}].path` }] : r.path.map((p, j) => ({ path: p, at: `tune.params[${i}].path[${j}]` }));
    for (const { path, at } of paths) {
      const keys = tryParsePath(path) ?? [];
      if (keys[0] !== "device" && keys[0] !== "server") {
        problems.push(`${at} = ${show(path)}: expected a path inside the defense starting with device. or server. (e.g. device.params.coverRate)`);
      }
      const canonical = formatKeys(keys);
      if (seen.has(canonical)) problems.push(`${at} = ${show(path)}: expected each path once`);
      seen.add(canonical);
    }
  });
  tuneRungs(exp).forEach((r, i) => {
    if (r.durationSeconds > exp.limits.maxDurationSeconds) {
      problems.push(`tune.rungs[${i}].durationSeconds = ${r.durationSeconds}: expected at most limits.maxDurationSeconds (${exp.limits.maxDurationSeconds})`);
    }
    if (r.users > exp.limits.maxUsers) problems.push(`tune.rungs[${i}].users = ${r.users}: expected at most limits.maxUsers (${exp.limits.maxUsers})`);
    const u = r.users;
    if (exp.traceUsers.some((x) => x >= u)) problems.push(`tune.rungs[${i}].users = ${u}: expected more users than the largest traceUsers entry`);
  });
  return problems;
}

