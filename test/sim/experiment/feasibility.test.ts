import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { estimateRun, feasibilityProblems, MAX_CELLS, roundsObserverBytes } from "../../../sim/experiment/feasibility.ts";
import { parseExperiment } from "../../../sim/experiment/parse.ts";
import { experimentSchema } from "../../../sim/experiment/schema.ts";
import { InputError } from "../../../sim/core/validation.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
const read = (p: string) => JSON.parse(readFileSync(join(ROOT, p), "utf8"));
const tiny = () => read("test/fixtures/tiny-experiment.json");

/** The problems parseExperiment reports for `raw` (it runs the feasibility checks on an otherwise valid experiment), or []. */
async function problemsOf(raw: unknown): Promise<string[]> {
  try {
    await parseExperiment(raw);
    return [];
  } catch (e) {
    if (e instanceof InputError) return e.problems;
    throw e;
  }
}

describe("feasibility before anything runs (issue 16, case 7)", () => {
  it("accepts the built-in experiments and the fixtures", async () => {
    for (const f of ["sim/experiment/builtin/default.json", "sim/experiment/builtin/sweep-cover-rate.json", "sim/experiment/builtin/tune-constant-rate.json", "test/fixtures/tiny-experiment.json", "test/fixtures/figures-experiment.json", "sim/experiment/builtin/maybenot-daita.json"]) {
      expect(feasibilityProblems(await parseExperiment(read(f))), f).toEqual([]);
    }
  });

  it("refuses values that pass the schema but crash or hang the run: tiny durations, bins, FPRs, keepalives and cover rates", async () => {
    const cases: [(x: Record<string, any>) => void, RegExp][] = [
      [(x) => (x.durationSeconds = 1e-7), /^durationSeconds = 1e-7: expected at least 1 s/],
      [(x) => (x.observers[0].params = { binSeconds: 1e-6 }), /^observers\[0\]\.params\.binSeconds = 0\.000001: expected at least 0\.001 s \(observer "volume-correlation"\)$/],
      [(x) => (x.observers = [{ observer: "activity-detector", params: { windowSeconds: 0.001, subBins: 12 } }]), /^observers\[0\]\.params\.windowSeconds = 0\.001: expected windowSeconds \/ subBins/],
      [(x) => (x.metrics.fprs = [1e-300]), /^metrics\.fprs\[0\] = 1e-300: expected at least 1e-9/],
      [(x) => (x.conversations = [{ model: "background", params: { keepaliveSeconds: 1e-9 } }]), /^conversations\[0\]\.params\.keepaliveSeconds = 1e-9: expected at least 0\.001 s/],
      [(x) => x.defenses.push({ name: "bc", device: { shaper: "background-cover", params: { ratePerSecond: 1e-300 } } }), /^defenses\[2\]\.device\.params\.ratePerSecond = 1e-300: expected at least 0\.000001 per second/],
      [(x) => x.defenses.push({ name: "pc", server: { shaper: "poisson-cover", params: { coverRate: 1e-12 } } }), /^defenses\[2\]\.server\.params\.coverRate = 1e-12: expected 0 or at least/],
    ];
    for (const [edit, message] of cases) {
      const raw = tiny();
      edit(raw);
      const problems = (await problemsOf(raw));
      expect(problems, String(message)).toHaveLength(1);
      expect(problems[0]).toMatch(message);
    }
    // Zero cover is fine: it means none.
    const zero = tiny();
    zero.defenses.push({ name: "pc", server: { shaper: "poisson-cover", params: { coverRate: 0 } } });
    expect((await problemsOf(zero))).toEqual([]);
  });

  it("refuses 20,000 users for 30 days up front, with the estimate, instead of failing after the run started", async () => {
    const raw = read("sim/experiment/builtin/default.json");
    raw.population.users = 20_000;
    raw.durationSeconds = 30 * 86_400;
    raw.limits = { maxDurationSeconds: 30 * 86_400 };
    raw.observers = [{ observer: "volume-correlation", vantage: "isp", params: { binSeconds: 3600 } }];
    const problems = await problemsOf(raw);
    const exp = experimentSchema.parse(raw);
    const events = problems.find((p) => /limits\.maxEvents/.test(p));
    expect(events).toMatch(/^durationSeconds = 2592000, population\.users = 20000: estimated [\d.]+e\d+ events for defense "[\w-]+" \(20000 users × 720 h × \d+ per user-hour; about [\d.]+ days of CPU/);
    expect(estimateRun(exp).maxEvents).toBeGreaterThan(exp.limits.maxEvents);
    // A grid too large for an observer's memory is refused by name.
    raw.observers = [{ observer: "volume-correlation", vantage: "isp", params: { binSeconds: 1 } }];
    const grid = (await problemsOf(raw));
    expect(grid.some((p) => p.startsWith(`observers[0].params.binSeconds = 1: 20000 users × 2.6e6 bins = 5.2e10 cells per direction, more than the ${MAX_CELLS}`))).toBe(true);
  });

  it("estimates the default mix near what a run measures (2,675 packets per user-hour undefended)", async () => {
    const e = estimateRun(await parseExperiment(read("sim/experiment/builtin/default.json")));
    expect(e.basePerUserHour).toBeGreaterThan(2675 / 2);
    expect(e.basePerUserHour).toBeLessThan(2675 * 2);
    expect(e.arms.find((a) => a.defense === "constant-rate")?.events).toBeGreaterThan(e.arms.find((a) => a.defense === "none")?.events ?? Infinity);
  });

  it("counts TCP ACKs when transport.acks.enabled: one per one-segment record (a keepalive, a push), none when off", async () => {
    const raw = tiny();
    raw.conversations = [{ model: "background", params: { keepaliveSeconds: 30, keepaliveBackgroundSeconds: 60, pushesPerHour: 2 } }];
    const on = estimateRun(await parseExperiment(raw));
    raw.transport = { acks: { enabled: false } };
    const off = estimateRun(await parseExperiment(raw));
    // 120 keepalives and 2 pushes an hour, each one segment and one pure ACK back
    expect(off.basePerUserHour).toBeCloseTo(122, 9);
    expect(on.basePerUserHour).toBeCloseTo(244, 9);
    // The default mix: ACKs add a share of the packets of the order the world measures (about +31% undefended).
    const def = read("sim/experiment/builtin/default.json");
    const withAcks = estimateRun(await parseExperiment(def)).basePerUserHour;
    const without = estimateRun(await parseExperiment({ ...def, transport: { ...(def.transport ?? {}), acks: { enabled: false } } })).basePerUserHour;
    expect(withAcks / without).toBeGreaterThan(1.15);
    expect(withAcks / without).toBeLessThan(1.5);
  });

  it("counts the long-term observers' users × rounds matrices: in the memory estimate and against the cell cap", async () => {
    const raw = tiny();
    const base = estimateRun(await parseExperiment(raw));
    raw.observers = [...raw.observers, { observer: "statistical-disclosure", params: { roundSeconds: 20 } }, { observer: "intersection", params: { roundSeconds: 20 } }];
    const withRounds = estimateRun(await parseExperiment(raw));
    const users = base.users;
    const each = roundsObserverBytes({ roundSeconds: 20 }, users, raw.durationSeconds);
    // two Float32 matrices held, at least
    expect(each).toBeGreaterThanOrEqual(users * Math.ceil(raw.durationSeconds / 20) * 8);
    expect(withRounds.memoryBytes - base.memoryBytes).toBeGreaterThanOrEqual(2 * each);
    // 1 ms rounds over a week for 200 users: 1.2e11 cells, refused before the run
    const big = tiny();
    big.durationSeconds = 604_800;
    big.population = { ...big.population, users: 200 };
    big.observers = [{ observer: "statistical-disclosure", params: { roundSeconds: 0.001 } }];
    const problems = await problemsOf(big);
    expect(problems.some((p) => p.startsWith("observers[0].params.roundSeconds = 0.001: 200 users × ") && p.includes(`more than the ${MAX_CELLS}`))).toBe(true);
  });

  it("refuses the learned classifier when nothing starts a 1:1 conversation to learn from", async () => {
    const raw = tiny();
    raw.conversations = [{ model: "background" }];
    raw.observers = [{ observer: "learned-classifier", vantage: "isp" }];
    expect((await problemsOf(raw))).toEqual([expect.stringMatching(/^observers\[0\]\.observer = "learned-classifier": needs linked pairs to learn from, but the conversation models start about 0 1:1 conversations/)]);
  });
});
