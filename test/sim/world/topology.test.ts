/**
 * Placing users on access networks, ISPs and VPN exits (sim/world/topology.ts): quotas by
 * weight, determinism from the seeded stream, even exits, bystander numbering, and the
 * scope masks and name errors observers' scopes go through, and the experiment's
 * cross-field rules for topology, scopes and the policy's VPN (parse.ts).
 */
import { describe, expect, it } from "vitest";
import { stream } from "../../../sim/core/rng.ts";
import { InputError } from "../../../sim/core/validation.ts";
import { parseExperiment } from "../../../sim/experiment/parse.ts";
import { placeUsers, scopeUsers, topologySchema, type TopologySpec } from "../../../sim/world/topology.ts";

const spec: TopologySpec = topologySchema.parse({
  isps: ["fiber", "cable"],
  networks: [
    { name: "home", kind: "home-wifi", isp: "fiber", weight: 3, bystanders: 2 },
    { name: "office", kind: "office-wifi", isp: "cable", weight: 1 },
    { name: "cafe", kind: "hotspot", isp: "cable", weight: 1, bystanders: 5 },
  ],
  vpn: { exits: 4 },
});

function counts(a: Int32Array, k: number): number[] {
  const c = new Array<number>(k).fill(0);
  for (const x of a) c[x]++;
  return c;
}

describe("placeUsers", () => {
  it("deals users to networks by weight (largest remainder) and takes the ISP from the network", () => {
    // 3:1:1 of 11 = 6.6, 2.2, 2.2 → floors 6, 2, 2, the one left to the largest remainder (home)
    const p = placeUsers(spec, 11, false, stream(1, "topology"));
    expect(counts(p.network, 3)).toEqual([7, 2, 2]);
    for (let u = 0; u < 11; u++) expect(p.isps[p.isp[u]]).toBe(p.networks[p.network[u]].isp);
    expect(counts(p.isp, 2)).toEqual([7, 4]);
  });

  it("is the same placement for the same seed and a different one for another seed", () => {
    const a = placeUsers(spec, 40, true, stream(7, "topology"));
    const b = placeUsers(spec, 40, true, stream(7, "topology"));
    const c = placeUsers(spec, 40, true, stream(8, "topology"));
    expect(Array.from(a.network)).toEqual(Array.from(b.network));
    expect(Array.from(a.exit)).toEqual(Array.from(b.exit));
    expect(Array.from(a.network)).not.toEqual(Array.from(c.network));
    // the shuffle mixes indices: the 24 home users are not simply users 0..23
    expect(Array.from(a.network.subarray(0, 24)).every((n) => n === 0)).toBe(false);
  });

  it("deals VPN users evenly to the exits (sizes differ by at most one)", () => {
    const p = placeUsers(spec, 10, true, stream(3, "topology"));
    expect(p.exits).toBe(4);
    expect(counts(p.exit, 4).sort()).toEqual([2, 2, 3, 3]);
  });

  it("gives one exit per user without topology.vpn, and no exit without a VPN", () => {
    const noExits = { ...spec, vpn: undefined };
    const p = placeUsers(noExits, 5, true, stream(3, "topology"));
    expect(p.exits).toBe(5);
    expect(Array.from(p.exit)).toEqual([0, 1, 2, 3, 4]);
    const q = placeUsers(spec, 5, false, stream(3, "topology"));
    expect(q.exits).toBe(0);
    expect(Array.from(q.exit)).toEqual([-1, -1, -1, -1, -1]);
  });

  it("without a topology puts every user in one network and one ISP, one exit each, no bystanders", () => {
    const p = placeUsers(undefined, 6, true, stream(3, "topology"));
    expect(p.networks.length).toBe(1);
    expect(p.isps.length).toBe(1);
    expect(Array.from(p.network)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(p.exit)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(p.bystanders).toBe(0);
  });

  it("numbers bystanders after the users, network by network", () => {
    const p = placeUsers(spec, 11, false, stream(1, "topology"));
    expect(p.bystanders).toBe(7);
    expect(Array.from(p.bystanderNetwork)).toEqual([0, 0, 2, 2, 2, 2, 2]);
  });

  it("rejects a network whose ISP is not listed, naming the field", () => {
    const bad = { ...spec, networks: [{ ...spec.networks[0], isp: "fibre" }] };
    expect(() => placeUsers(bad, 3, false, stream(1, "topology"))).toThrow(/topology\.networks\[0\]\.isp = "fibre": unknown ISP; did you mean "fiber"/);
  });
});

describe("scopeUsers", () => {
  const p = placeUsers(spec, 12, true, stream(5, "topology"));

  it("is null without a scope (every instance, colluding)", () => {
    expect(scopeUsers(p, "local", undefined)).toBeNull();
  });

  it("marks exactly the users of the named network, ISP or exit", () => {
    const cafe = scopeUsers(p, "local", "cafe")!;
    const cable = scopeUsers(p, "isp", "cable")!;
    const exit2 = scopeUsers(p, "vpn-exit", "exit-2")!;
    for (let u = 0; u < 12; u++) {
      expect(cafe[u]).toBe(p.network[u] === 2 ? 1 : 0);
      expect(cable[u]).toBe(p.isp[u] === 1 ? 1 : 0);
      expect(exit2[u]).toBe(p.exit[u] === 2 ? 1 : 0);
    }
  });

  it("names the field, the value and what was expected on a bad scope", () => {
    expect(() => scopeUsers(p, "local", "caffe", "observers[0].scope")).toThrow(InputError);
    expect(() => scopeUsers(p, "local", "caffe", "observers[0].scope")).toThrow(/observers\[0\]\.scope = "caffe": unknown access network; did you mean "cafe"/);
    expect(() => scopeUsers(p, "isp", "home")).toThrow(/unknown ISP/);
    expect(() => scopeUsers(p, "vpn-exit", "exit-4")).toThrow(/exit-<k> with 0 ≤ k < 4/);
    expect(() => scopeUsers(p, "vpn-exit", "exit-01")).toThrow(/exit-<k>/);
    expect(() => scopeUsers(p, "server", "x")).toThrow(/takes no scope/);
  });
});

describe("experiment validation of topology, scopes and policy (parseExperiment)", () => {
  const base = {
    name: "t",
    purpose: "validation",
    population: { users: 10 },
    defenses: [{ name: "none" }],
  };
  const topo = {
    isps: ["fiber", "cable"],
    networks: [
      { name: "home", kind: "home-wifi", isp: "fiber" },
      { name: "cafe", kind: "hotspot", isp: "cable" },
    ],
  };
  async function problems(doc: Record<string, unknown>): Promise<string[]> {
    try {
      await parseExperiment({ ...base, ...doc });
      return [];
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      return e.problems;
    }
  }
  const vc = (vantage: string, scope?: string) => ({ observer: "volume-correlation", vantage, ...(scope === undefined ? {} : { scope }) });

  it("accepts scopes that name a network, an ISP and an exit", async () => {
    const doc = { transport: { vpn: {} }, topology: { ...topo, vpn: { exits: 3 } }, observers: [vc("local", "cafe"), vc("isp", "fiber"), vc("vpn-exit", "exit-2"), vc("vpn-provider")], policy: { vpn: { mode: "on" } } };
    expect(await problems(doc)).toEqual([]);
  });

  it("names the field, the value and the expectation for each broken rule, all in one pass", async () => {
    const found = await problems({
      topology: {
        isps: ["fiber", "fiber"],
        networks: [
          { name: "home", kind: "home-wifi", isp: "fibre" },
          { name: "home", kind: "hotspot", isp: "fiber" },
        ],
        vpn: { exits: 2 },
      },
      observers: [vc("local", "caffe"), vc("isp", "home"), vc("server", "x"), vc("vpn-provider")],
      policy: { vpn: { mode: "always-on" }, dns: { resolver: "vpn" } },
    });
    const expected = [
      /^topology\.isps\[1\] = "fiber": expected a name not used by another ISP$/,
      /^topology\.networks\[0\]\.isp = "fibre": unknown ISP; did you mean "fiber"/,
      /^topology\.networks\[1\]\.name = "home": expected a name not used by another network$/,
      /^topology\.vpn = .*: expected transport\.vpn to be set/,
      /^observers\[0\]\.scope = "caffe": unknown access network/,
      /^observers\[1\]\.scope = "home": unknown ISP/,
      /^observers\[2\]\.scope = "x": the "server" vantage has one instance and takes no scope/,
      /^observers\[3\]\.vantage = "vpn-provider": expected transport\.vpn to be set/,
      /^policy\.vpn\.mode = "always-on": expected transport\.vpn to be set/,
      /^policy\.dns\.resolver = "vpn": expected a VPN/,
    ];
    for (const re of expected) expect(found.some((p) => re.test(p)), `${re} in\n${found.join("\n")}`).toBe(true);
  });

  it("rejects a scope without a topology, an exit out of range, a topology on captures, and a VPN with the policy's VPN off", async () => {
    expect(await problems({ observers: [vc("local", "cafe")] })).toEqual([
      'observers[0].scope = "cafe": expected a topology to name scopes in (set topology, or drop the scope to see every local instance at once)',
    ]);
    const exit = await problems({ transport: { vpn: {} }, topology: { ...topo, vpn: { exits: 3 } }, observers: [vc("vpn-exit", "exit-3")] });
    expect(exit).toHaveLength(1);
    expect(exit[0]).toMatch(/^observers\[0\]\.scope = "exit-3": expected exit-<k> with 0 ≤ k < 3/);
    const recorded = await problems({ recorded: { dir: "traces", pairs: [[0, 1]] }, topology: topo, observers: [vc("isp")] });
    expect(recorded.some((p) => /^topology = .*: expected no topology with a recorded population/.test(p)), recorded.join("\n")).toBe(true);
    const off = await problems({ transport: { vpn: {} }, observers: [vc("isp")], policy: {} });
    expect(off).toEqual(['policy.vpn.mode = "off": expected "on" or "always-on" because transport.vpn is set (or remove transport.vpn)']);
  });
});

describe("topology bounds", () => {
  it("refuses bystanders that add up past the bound over all networks, naming the total", async () => {
    const { topologySchema, MAX_BYSTANDERS } = await import("../../../sim/world/topology.ts");
    const networks = [0, 1].map((i) => ({ name: `n${i}`, kind: "hotspot", isp: "a", bystanders: MAX_BYSTANDERS / 2 + 1 }));
    const r = topologySchema.safeParse({ isps: ["a"], networks });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0].message).toContain(`bystanders add up to ${MAX_BYSTANDERS + 2}`);
    expect(topologySchema.safeParse({ isps: ["a"], networks: networks.map((n) => ({ ...n, bystanders: MAX_BYSTANDERS / 2 })) }).success).toBe(true);
  });
});
