import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * Two projects over the same tests, so `npm test` stays quick enough to run often and CI
 * still runs everything (issue 18 item 5):
 * - `fast`: every test file except those below; `npm test` runs it (in two steps: `chaff
 *   new`'s test alone after the rest, see package.json);
 * - `slow`: whole experiments and statistics over many simulated worlds: the physics
 *   checks, the calibration of the intervals over many seeds, and the end-to-end command
 *   tests that run experiments, sweeps and reproductions in child processes. `npm run
 *   test:slow` runs it; `.ci/run` runs both.
 * A file is slow by what it does (a whole run or many worlds), measured per file with
 * vitest's JSON reporter; nothing is skipped, only scheduled apart. Each slow physics
 * check runs at the smallest scale where its property still holds with its interval;
 * where that is smaller than its experiment file, the file as written is a study
 * (`npm run study -- <name>`, bench/studies/), named in the test's header.
 * `npx vitest run FILE` still finds a test in either project.
 */
export const SLOW_TESTS = [
  // physics: whole experiments checked against what the physics says
  "test/physics/**/*.test.ts",
  "test/observers/physics.test.ts",
  // statistics over many simulated worlds
  "test/observers/metrics/calibration.test.ts",
  "test/observers/metrics/user-bootstrap.test.ts",
  "test/observers/direction-pairing.test.ts",
  "test/observers/sequence-correlator.test.ts",
  "test/sim/world/population.test.ts",
  "test/shapers/conservation.test.ts",
  "test/observers/shuffled-labels.test.ts",
  // end to end: experiments, sweeps, reproductions and notebooks in child processes
  "test/sim/cli/run.test.ts",
  "test/sim/cli/summary.test.ts",
  "test/sim/runs/run-dir.test.ts",
  "test/sim/runs/compare.test.ts",
  "test/sim/runs/reproduce.test.ts",
  "test/sim/sweep/cli.test.ts",
  "test/sim/sweep/hostile.test.ts",
  "test/sim/sweep/resume.test.ts",
  "test/sim/sweep/runner.test.ts",
  "test/sim/sweep/tune.test.ts",
  "test/sim/experiment/recorded.test.ts",
  "test/sim/parallel/arm-part-task.test.ts",
  "test/sim/capture/cli.test.ts",
  // the policy posture check (CI), on runs shared with test/physics/exposure.test.ts
  "test/sim/exposure/posture.test.ts",
  "test/notebooks/notebooks.test.ts",
];

const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)));

/** The lab's sources (not the tests' own helpers), which the slow project loads natively (test/setup/native-sources.ts). */
const NATIVE_SOURCES = new RegExp(`^${ROOT.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/(sim|observers|shapers)/.*\\.ts$`);

/**
 * `--exclude` given on the command line. Vitest 4 applies it to the root configuration
 * only, not to inline projects, so each project adds it here: `npm test` runs `chaff
 * new`'s test apart with `--exclude`, and it must stay excluded.
 */
function cliExcludes(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--exclude" && i + 1 < argv.length) out.push(argv[++i]);
    else if (argv[i].startsWith("--exclude=")) out.push(argv[i].slice("--exclude=".length));
  }
  return out;
}
const excluded = cliExcludes(process.argv);

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Vitest's default is one core fewer than the machine has: one test process on CI's two
    // cores. Most test files are single-threaded, so a process per core runs the suite in
    // about half the wall time (tests that start worker pools share the cores with it).
    maxWorkers: availableParallelism(),
    projects: [
      // Fast files share their process's loaded modules (`isolate: false`): each file then
      // pays only for the modules no earlier file in its process loaded. Imports were a
      // third of the fast project's CPU (vitest's "import" 49 s of 180 s of tests). It
      // holds the sources to a rule worth having anyway: importing or running a module
      // leaves no state another caller can see (test/sim/experiment/schema-defaults.test.ts
      // is the leak this found).
      { extends: true, test: { name: "fast", include: ["test/**/*.test.ts"], exclude: [...SLOW_TESTS, ...excluded], isolate: false } },
      // the end-to-end runs several slow files share, made once (test/setup/e2e-runs.ts);
      // slow files share loaded modules too (all 195 tests pass so: 175 s wall, 330 CPU-s at
      // low load on 2 cores, the global setup's runs included)
      // and load the lab's sources natively, as `chaff run` does (test/setup/native-sources.ts:
      // vitest's module runner made the same simulation about twice as costly)
      {
        extends: true,
        test: {
          name: "slow",
          include: SLOW_TESTS,
          exclude: excluded,
          globalSetup: ["test/setup/e2e-runs.ts"],
          isolate: false,
          setupFiles: ["test/setup/native-sources.ts"],
          server: { deps: { external: [NATIVE_SOURCES] } },
        },
      },
    ],
  },
});
