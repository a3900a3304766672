/**
 * Global setup of the `slow` project: the end-to-end runs several test files need, made
 * once per `vitest run` instead of once per file (issue 17: `.ci/run` under 6 minutes).
 *
 * Three `chaff run`s of the tiny figures experiment (`test/fixtures/figures-experiment.json`:
 * 24 users, ten simulated minutes, undefended and under Padmé, three users traced), each
 * in its own child process, all three at once:
 * - `w1`: `--seed 3 --workers 1 --timings` (the table and the timings on stdout);
 * - `w2`: `--workers 2 --quiet --timings` (the file's seed, 3; stdout the run directory
 *   alone, the timings on stderr);
 * - `s4`: `--seed 4 --workers 1`.
 * `test/sim/cli/run.test.ts` checks determinism (w1 and w2 byte for byte, across
 * processes and worker counts; s4 differs), the manifests, the timings and `chaff
 * reproduce` on them; `test/notebooks/notebooks.test.ts` builds the notebooks over a copy
 * of w1. Each test gets `{ status, stdout, stderr, dir }` per run through
 * `inject("e2eRuns")`; a test that changes a run directory copies it first.
 *
 * And the policy posture check: `chaff exposure POLICY --size ci --workers 1 --quiet
 * --baseline results/baselines/exposure-POLICY.json` for each built-in policy, each in its
 * own child process, the command CI's posture question is answered by (issue 13). The
 * runs are what CI judges (`test/sim/exposure/posture.test.ts`: every policy exits 0,
 * nothing rose) and what the exposure physics reads (`test/physics/exposure.test.ts`: the
 * run directories' exposure.json), so each policy is simulated once per `vitest run`
 * (it was twice: once in CI's posture script, once in the physics test). Each test gets
 * `{ status, stdout, stderr, dir }` per policy through `inject("postureRuns")`.
 *
 * Each set of runs is made only when the files vitest was asked to run include one of its
 * users (`npx vitest run test/physics/ties.test.ts` makes none; `npm run test:slow` and
 * `npx vitest run test/sim/cli/run.test.ts` make the ones they read); otherwise it is null.
 * At most four child processes run at once (each is one thread, bar w2's two workers).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { TestProject } from "vitest/node";

const ROOT = resolve(import.meta.dirname, "../..");
export const FIGURES_EXPERIMENT = join(ROOT, "test/fixtures/figures-experiment.json");

/** The test files that use the shared runs. */
const USERS = ["test/sim/cli/run.test.ts", "test/notebooks/notebooks.test.ts"];
/** The test files that use the posture runs. */
const POSTURE_USERS = ["test/sim/exposure/posture.test.ts", "test/physics/exposure.test.ts"];
/**
 * The built-in policies (sim/exposure/policies/), judged against
 * results/baselines/exposure-<policy>.json: the folder's listing, as `builtinPolicies()`
 * (sim/cli/commands/exposure.ts) makes it. Not that function itself: this file runs in
 * vitest's main process, where the slow project's sources load natively and no TypeScript
 * loader is registered (test/setup/native-sources.ts registers one in the test workers).
 */
export const POSTURE_POLICIES = readdirSync(join(ROOT, "sim/exposure/policies"))
  .filter((f) => f.endsWith(".json"))
  .map((f) => f.slice(0, -5))
  .sort();

export interface E2eRun {
  /** The command line after `chaff`. */
  args: string[];
  status: number | null;
  stdout: string;
  stderr: string;
  /** The run directory (`<out>/<id>`), or null when the run wrote none. */
  dir: string | null;
}

export interface E2eRuns {
  experiment: string;
  w1: E2eRun;
  w2: E2eRun;
  s4: E2eRun;
}

declare module "vitest" {
  export interface ProvidedContext {
    e2eRuns: E2eRuns | null;
    postureRuns: Record<string, E2eRun> | null;
  }
}

/** At most this many child processes at once: enough to keep two cores busy without crowding memory. */
const MAX_CHILDREN = 4;
let running = 0;
const queued: (() => void)[] = [];

async function chaff(args: string[], out: string): Promise<E2eRun> {
  if (running >= MAX_CHILDREN) await new Promise<void>((go) => queued.push(go));
  running++;
  try {
    return await spawnChaff(args, out);
  } finally {
    running--;
    queued.shift()?.();
  }
}

function spawnChaff(args: string[], out: string): Promise<E2eRun> {
  return new Promise((ok, fail) => {
    // killed after 10 minutes (status null, which the tests report), so a hung run cannot stall the slow project
    const child = spawn(process.execPath, [join(ROOT, "bin/chaff.js"), ...args, "--out", out], { cwd: ROOT, env: { ...process.env, CI: "1" }, timeout: 600_000 });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    child.on("error", fail);
    child.on("close", (status) => {
      let dirs: string[] = [];
      try {
        dirs = readdirSync(out).filter((d) => !d.startsWith("."));
      } catch {
        // no --out directory: the run failed before writing
      }
      ok({ args, status, stdout, stderr, dir: dirs.length === 1 ? join(out, dirs[0]) : null });
    });
  });
}

/**
 * Whether the files this vitest run was asked for include a user of the shared runs.
 * Vitest matches its command-line file filters as substrings of a test file's path and
 * keeps them as `filenamePattern` (set before any global setup runs); without filters
 * every file runs.
 */
function wanted(project: TestProject, users: string[]): boolean {
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern ?? [];
  if (filters.length === 0) return true;
  return users.some((u) => filters.some((f) => resolve(ROOT, u).includes(f.replace(/^\.\//, "")) || resolve(f) === resolve(ROOT, u)));
}

let tmp = "";

export async function setup(project: TestProject): Promise<void> {
  const runs = wanted(project, USERS);
  const posture = wanted(project, POSTURE_USERS);
  if (runs || posture) tmp = mkdtempSync(join(tmpdir(), "chaff-e2e-"));
  // the posture runs first: they are the longest, so the queue ends with short runs
  const postureRuns = posture
    ? Promise.all(
        POSTURE_POLICIES.map((p) =>
          chaff(["exposure", p, "--size", "ci", "--workers", "1", "--quiet", "--baseline", join(ROOT, "results/baselines", `exposure-${p}.json`)], join(tmp, `exposure-${p}`)),
        ),
      )
    : null;
  const e2eRuns = runs
    ? Promise.all([
        chaff(["run", FIGURES_EXPERIMENT, "--seed", "3", "--workers", "1", "--timings"], join(tmp, "w1")),
        chaff(["run", FIGURES_EXPERIMENT, "--workers", "2", "--quiet", "--timings"], join(tmp, "w2")),
        chaff(["run", FIGURES_EXPERIMENT, "--seed", "4", "--workers", "1"], join(tmp, "s4")),
      ])
    : null;
  const made = await e2eRuns;
  project.provide("e2eRuns", made ? { experiment: FIGURES_EXPERIMENT, w1: made[0], w2: made[1], s4: made[2] } : null);
  const byPolicy = await postureRuns;
  project.provide("postureRuns", byPolicy ? Object.fromEntries(POSTURE_POLICIES.map((p, i) => [p, byPolicy[i]])) : null);
}

export async function teardown(): Promise<void> {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}
