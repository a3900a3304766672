import { describe, expect, it } from "vitest";
import { experimentJsonSchema } from "../../../sim/experiment/schema.ts";
import { parseExperiment } from "../../../sim/experiment/parse.ts";
import { tuneRungs } from "../../../sim/experiment/tune-section.ts";
import { InputError } from "../../../sim/core/validation.ts";

const base = () => ({
  name: "t",
  purpose: "test",
  seed: 5,
  durationSeconds: 90,
  population: { users: 12 },
  conversations: [{ model: "messaging" }],
  defenses: [{ name: "none" }, { name: "cover", device: { shaper: "poisson-cover", params: { coverRate: 1 } } }],
  observers: [{ observer: "volume-correlation", vantage: "isp" }],
});

async function problems(raw: unknown): Promise<string[]> {
  try {
    await parseExperiment(raw);
  } catch (e) {
    if (e instanceof InputError) return e.problems;
    throw e;
  }
  return [];
}

describe("experiment sweep and tune sections", () => {
  it("accept a grid, random samples, seeds and a tune section, with defaults filled in", async () => {
    const exp = await parseExperiment({
      ...base(),
      sweep: {
        grid: [{ path: "defenses[1].device.params.coverRate", values: [0.5, 2] }],
        random: { samples: 3, axes: [{ path: "population.contactsPerUser", min: 1, max: 4, integer: true }] },
        seeds: [1, 2],
      },
      tune: { defense: "cover", params: [{ path: "device.params.coverRate", min: 0.01, max: 10, scale: "log" }] },
    });
    expect(exp.sweep?.random?.axes[0].scale).toBe("linear");
    expect(exp.tune?.candidates).toBe(27);
    expect(exp.tune?.eta).toBe(3);
    const rungs = tuneRungs(exp);
    expect(rungs.map((r) => r.durationSeconds)).toEqual([10, 30, 90]);
    expect(rungs[2].seeds).toEqual([5, 6]);
  });

  it("rejects an unknown key, a wrong type and an impossible value, one line each with path, value and expectation", async () => {
    const lines = await problems({
      ...base(),
      sweep: {
        grid: [{ path: "defenses[1].device.params.coverRate", values: [1, 1], colour: "red" }],
        random: { samples: "many", axes: [{ path: "population.contactsPerUser", min: 5, max: 2 }] },
        seeds: [1.5],
      },
    });
    expect(lines).toContain('sweep.grid[0].colour = "red": unknown key; check the spelling against `chaff schema`');
    expect(lines.some((l) => /^sweep\.random\.samples = "many": .*expected number/.test(l))).toBe(true);
    expect(lines.some((l) => /^sweep\.seeds\[0\] = 1\.5: .*int/i.test(l))).toBe(true);
    expect(lines).toContain("sweep.random.axes[0].max = 2: expected max > min (5)");
    expect(lines).toHaveLength(4);
    // Cross-field checks (duplicates, fixed keys) run once the whole shape is right.
    const more = await problems({
      ...base(),
      sweep: {
        grid: [{ path: "defenses[1].device.params.coverRate", values: [1, 1] }, { path: "seed", values: [1] }],
        random: { samples: 2, axes: [{ path: "population.contactsPerUser", min: 5, max: 2 }, { path: "a..b", min: 1, max: 2, scale: "log" }] },
      },
    });
    expect(more).toContain("sweep.random.axes[0].max = 2: expected max > min (5)");
    expect(more.some((l) => /^sweep\.random\.axes\[1\]\.path = "a\.\.b": expected a parameter path/.test(l))).toBe(true);
    expect(more).toHaveLength(2);
    const last = await problems({
      ...base(),
      sweep: { grid: [{ path: "defenses[1].device.params.coverRate", values: [1, 1] }, { path: "seed", values: [1] }], seeds: [3, 3] },
    });
    expect(last).toContain("sweep.grid[0].values = [1,1]: expected distinct values (1 repeats)");
    expect(last.some((l) => l.startsWith('sweep.grid[1].path = "seed": expected a path outside'))).toBe(true);
    expect(last).toContain("sweep.seeds = [3,3]: expected distinct seeds (3 repeats)");
  });

  it("checks the tune section against the experiment", async () => {
    const lines = await problems({
      ...base(),
      tune: {
        defense: "nope",
        params: [
          { path: "params.coverRate", min: 0, max: 1, scale: "log" },
          { path: "device.params.x", min: 1, max: 2 },
        ],
        rungs: [{ durationSeconds: 10, users: 1 }],
      },
    });
    expect(lines).toContain("tune.params[0].min = 0: expected min > 0 for a log scale");
    expect(lines.some((l) => /^tune\.rungs\[0\]\.users = 1: /.test(l))).toBe(true);
    const second = await problems({ ...base(), tune: { defense: "nope", params: [{ path: "params.coverRate", min: 0.1, max: 1 }] } });
    expect(second).toContain('tune.defense = "nope": expected one of the defenses (none, cover)');
    expect(second.some((l) => l.startsWith('tune.params[0].path = "params.coverRate": expected a path inside the defense'))).toBe(true);
  });

  it("publishes sweep and tune in the JSON Schema", () => {
    const schema = experimentJsonSchema() as { properties: Record<string, { properties?: Record<string, unknown> }> };
    expect(Object.keys(schema.properties.sweep.properties ?? {})).toEqual(expect.arrayContaining(["grid", "random", "seeds"]));
    expect(Object.keys(schema.properties.tune.properties ?? {})).toEqual(expect.arrayContaining(["defense", "params", "candidates", "eta", "rungs"]));
  });
});
