import { describe, expect, it } from "vitest";
import { canonicalJson, sha256 } from "../../../sim/core/canonical-json.ts";
import { parseExperiment } from "../../../sim/experiment/parse.ts";
import { InputError } from "../../../sim/core/validation.ts";
import { baseHash, baseOf, enumeratePoints, planSweep, rowsFileName } from "../../../sim/sweep/plan.ts";

const RATE = "defenses[1].device.params.coverRate";

const exp = (sweep: unknown) =>
  parseExperiment({
    name: "t",
    purpose: "test",
    seed: 9,
    durationSeconds: 60,
    population: { users: 12 },
    conversations: [{ model: "messaging" }],
    defenses: [{ name: "none" }, { name: "cover", device: { shaper: "poisson-cover", params: { coverRate: 1 } } }],
    observers: [{ observer: "volume-correlation", vantage: "isp" }],
    sweep,
  });

describe("sweep points", () => {
  it("cross the grid (first axis slowest) with the seeds (fastest), ids hashing the experiment, parameters and seed", async () => {
    const e = await exp({ grid: [{ path: RATE, values: [0.5, 2] }, { path: "population.users", values: [10, 20] }], seeds: [1, 2] });
    const pts = enumeratePoints(e);
    expect(pts.map((p) => [p.params[RATE], p.params["population.users"], p.seed])).toEqual([
      [0.5, 10, 1], [0.5, 10, 2], [0.5, 20, 1], [0.5, 20, 2],
      [2, 10, 1], [2, 10, 2], [2, 20, 1], [2, 20, 2],
    ]);
    expect(pts.map((p) => p.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const base = sha256(canonicalJson(baseOf(e)));
    expect(baseHash(e)).toBe(base);
    for (const p of pts) expect(p.id).toBe(sha256(canonicalJson({ experiment: base, params: p.params, seed: p.seed })));
    expect(new Set(pts.map((p) => p.id)).size).toBe(8);
    expect(pts[0].config).toBe(pts[1].config);
    expect(pts[0].config).not.toBe(pts[2].config);
  });

  it("gives a point the same id wherever it sits in the order", async () => {
    const a = enumeratePoints(await exp({ grid: [{ path: RATE, values: [0.5, 2] }] }));
    const b = enumeratePoints(await exp({ grid: [{ path: RATE, values: [3, 2] }], seeds: [9] }));
    expect(b[1].id).toBe(a[1].id);
    expect(b[1].index).toBe(1);
  });

  it("draws random samples from seeded streams, within range, the earlier ones unchanged by adding more", async () => {
    const axes = [{ path: RATE, min: 0.01, max: 100, scale: "log" }, { path: "population.contactsPerUser", min: 2, max: 6, integer: true }];
    const four = enumeratePoints(await exp({ random: { samples: 4, axes } }));
    const six = enumeratePoints(await exp({ random: { samples: 6, axes } }));
    expect(six.slice(0, 4)).toEqual(four);
    for (const p of six) {
      const r = p.params[RATE] as number;
      const c = p.params["population.contactsPerUser"] as number;
      expect(r >= 0.01 && r <= 100).toBe(true);
      expect(Number.isInteger(c) && c >= 2 && c <= 6).toBe(true);
    }
    expect(new Set(six.map((p) => p.params[RATE])).size).toBe(6);
  });

  it("validates every point as a whole experiment before any work, one line per problem naming the point", async () => {
    const e = await exp({ grid: [{ path: RATE, values: [1, -3, "fast"] }, { path: "defenses[1].device.params.colour", values: [1] }] });
    let err: InputError | null = null;
    try {
      await planSweep(e);
    } catch (x) {
      err = x as InputError;
    }
    expect(err).toBeInstanceOf(InputError);
    const lines = err?.problems ?? [];
    expect(lines.some((l) => /^defenses\[1\]\.device\.params\.coverRate = -3: expected a number from 0 .*shaper "poisson-cover".*sweep point/.test(l))).toBe(true);
    expect(lines.some((l) => /^defenses\[1\]\.device\.params\.coverRate = "fast": /.test(l))).toBe(true);
    expect(lines.filter((l) => /^defenses\[1\]\.device\.params\.colour = 1: unknown key.*and 2 more\)$/.test(l))).toHaveLength(1);
    expect(lines).toHaveLength(3);
    const missing = await exp({ grid: [{ path: "defenses[4].device.params.coverRate", values: [1] }] });
    await expect(planSweep(missing)).rejects.toThrow(/defenses has 2 entries, so it has no \[4\]/);
  });

  it("refuses a point that passes the schema but cannot run (feasibility, issue 16 case 7)", async () => {
    const e = await exp({ grid: [{ path: "durationSeconds", values: [60, 1e-7] }] });
    await expect(planSweep(e)).rejects.toThrow(/^durationSeconds = 1e-7: expected at least 1 s .*\(sweep point \{"durationSeconds":1e-7\}\)$/m);
  });

  it("plans complete experiments without the sweep section, one per point", async () => {
    const pts = await planSweep(await exp({ grid: [{ path: RATE, values: [0.5, 2] }], seeds: [3, 4] }));
    expect(pts).toHaveLength(4);
    expect(pts[3].experiment.seed).toBe(4);
    expect(pts[3].experiment.defenses[1].device.params.coverRate).toBe(2);
    expect(pts[3].experiment.sweep).toBeUndefined();
  });

  it("gives the same point of two different experiments different ids (issue 16, case 3)", async () => {
    const sweep = { grid: [{ path: RATE, values: [0.5, 2] }] };
    const a = enumeratePoints(await exp(sweep));
    const b = enumeratePoints({ ...(await exp(sweep)), durationSeconds: 61 });
    const c = enumeratePoints({ ...(await exp(sweep)), observers: [{ observer: "size-histogram", vantage: "isp", params: {} }] } as never);
    expect(a.map((p) => p.params)).toEqual(b.map((p) => p.params));
    for (let i = 0; i < a.length; i++) {
      expect(b[i].id).not.toBe(a[i].id);
      expect(c[i].id).not.toBe(a[i].id);
      expect(b[i].config).not.toBe(a[i].config);
    }
    expect(a[0].experimentName).toBe("t");
    expect(a[0].baseHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("draws random samples without repeats, or refuses a space smaller than the sample count (issue 16, case 2)", async () => {
    const users = (samples: number, min: number, max: number) => exp({ random: { samples, axes: [{ path: "population.contactsPerUser", min, max, integer: true }] } });
    // 3 integer values, 3 samples: all three, each once.
    const three = enumeratePoints(await users(3, 2, 4));
    expect(three.map((p) => p.params["population.contactsPerUser"]).sort()).toEqual([2, 3, 4]);
    expect(new Set(three.map((p) => p.id)).size).toBe(3);
    // 10 samples of 3 values: refused, naming the count.
    let err: unknown = null;
    try {
      enumeratePoints(await users(10, 2, 4));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).problems).toEqual([expect.stringMatching(/^sweep\.random\.samples = 10: expected at most 3, the number of distinct settings its ranges hold \(population\.contactsPerUser: 3\)/)]);
    // A log range that rounds (6 significant digits) to two values: two samples are fine, three are not.
    const narrow = (samples: number) => exp({ random: { samples, axes: [{ path: RATE, min: 1, max: 1.00001, scale: "log" }] } });
    const two = enumeratePoints(await narrow(2));
    expect(new Set(two.map((p) => p.params[RATE])).size).toBe(2);
    await expect((async () => enumeratePoints(await narrow(3)))()).rejects.toThrow(/expected at most 2/);
    // Many samples over a wide range: all distinct.
    const many = enumeratePoints(await exp({ random: { samples: 200, axes: [{ path: "population.contactsPerUser", min: 1, max: 11, integer: true }, { path: RATE, min: 0.1, max: 1, scale: "log" }] } }));
    expect(new Set(many.map((p) => p.id)).size).toBe(200);
  });

  it("moves the paths of a tied axis together, in the grid and in random samples, and counts the axis once", async () => {
    const SERVER = "defenses[1].server.params.coverRate";
    const e = await parseExperiment({
      name: "t",
      purpose: "test",
      seed: 9,
      durationSeconds: 60,
      population: { users: 12 },
      conversations: [{ model: "messaging" }],
      defenses: [{ name: "none" }, { name: "cover", device: { shaper: "poisson-cover", params: { coverRate: 1 } }, server: { shaper: "poisson-cover", params: { coverRate: 1 } } }],
      observers: [{ observer: "volume-correlation", vantage: "isp" }],
      sweep: {
        grid: [{ path: [RATE, SERVER], values: [0.5, 2] }],
        random: { samples: 3, axes: [{ path: ["defenses[1].device.params.payloadRate", "defenses[1].server.params.payloadRate"], min: 0.1, max: 10, scale: "log" }] },
      },
    });
    const pts = await planSweep(e);
    // 2 grid values × 3 samples, not 2 × 2 × 3 × 3
    expect(pts).toHaveLength(6);
    for (const p of pts) {
      expect(p.params[SERVER]).toBe(p.params[RATE]);
      expect(p.params["defenses[1].server.params.payloadRate"]).toBe(p.params["defenses[1].device.params.payloadRate"]);
      const d = p.experiment.defenses[1];
      expect(d.server.params.coverRate).toBe(d.device.params.coverRate);
      expect(d.server.params.payloadRate).toBe(d.device.params.payloadRate);
    }
    expect(pts.map((p) => p.params[RATE])).toEqual([0.5, 0.5, 0.5, 2, 2, 2]);
    expect(new Set(pts.map((p) => p.params["defenses[1].device.params.payloadRate"])).size).toBe(3);
  });

  it("refuses a path named twice, inside a tied axis or across axes, naming where", async () => {
    const lines = async (sweep: unknown) => {
      try {
        await exp(sweep);
      } catch (e) {
        return (e as InputError).problems;
      }
      return [];
    };
    expect(await lines({ grid: [{ path: [RATE, RATE], values: [1] }] })).toContain(`sweep.grid[0].path[1] = "${RATE}": expected each path once across the sweep's axes`);
    expect(await lines({ grid: [{ path: [RATE, "population.users"], values: [1] }, { path: "population.users", values: [10] }] })).toContain(
      'sweep.grid[1].path = "population.users": expected each path once across the sweep\'s axes',
    );
    expect(await lines({ grid: [{ path: [RATE, "seed"], values: [1] }] })).toEqual([expect.stringMatching(/^sweep\.grid\[0\]\.path\[1\] = "seed": expected a path outside/)]);
  });

  it("names rows files by shard", () => {
    expect(rowsFileName({ index: 0, count: 1 })).toBe("rows.jsonl");
    expect(rowsFileName({ index: 2, count: 3 })).toBe("rows.shard-2-of-3.jsonl");
  });
});
