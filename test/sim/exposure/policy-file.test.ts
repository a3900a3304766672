import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../../sim/core/validation.ts";
import { parsePolicyFile } from "../../../sim/exposure/policy-file.ts";

const DIR = join(import.meta.dirname, "../../../sim/exposure/policies");
const ok = { name: "p", purpose: "a test policy", policy: {} };

async function problems(raw: unknown): Promise<string[]> {
  try {
    await parsePolicyFile(raw, "");
  } catch (e) {
    if (e instanceof InputError) return e.problems;
    throw e;
  }
  return [];
}

describe("policy files", () => {
  it("the six built-in policies parse, each named after its file", async () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith(".json")).sort();
    expect(files).toEqual(["encrypted-dns-ech.json", "encrypted-dns.json", "no-protection.json", "vpn-proxy-shaping.json", "vpn-shaping.json", "vpn.json"]);
    for (const f of files) {
      const p = await parsePolicyFile(JSON.parse(readFileSync(join(DIR, f), "utf8")));
      expect(p.name).toBe(f.replace(/\.json$/, ""));
    }
  });

  it("fills the tunnel's framing exactly when the policy uses a VPN", async () => {
    expect((await parsePolicyFile(ok)).vpn).toBeUndefined();
    const v = await parsePolicyFile({ ...ok, policy: { vpn: { mode: "always-on" } } });
    expect(v.vpn).toEqual({ padToMtu: false, tunnelMtu: 1420 });
  });

  it("names the field, the value and the expectation of bad input", async () => {
    expect(await problems({ ...ok, policy: { dns: { mode: "dnscrypt" } } })).toEqual([expect.stringMatching(/^policy\.dns\.mode = "dnscrypt": /)]);
    expect(await problems({ ...ok, extra: 1 })).toEqual([expect.stringMatching(/^extra = 1: unknown key/)]);
    expect(await problems({ ...ok, name: "Bad Name" })).toEqual([expect.stringMatching(/^name = "Bad Name": expected lower-case/)]);
    expect(await problems({ ...ok, vpn: { padToMtu: true } })).toEqual([expect.stringMatching(/^vpn = .*expected no tunnel settings when policy\.vpn\.mode is "off"/)]);
    expect(await problems({ ...ok, policy: { dns: { resolver: "vpn" } } })).toEqual([expect.stringMatching(/^policy\.dns\.resolver = "vpn": .*needs policy\.vpn\.mode/)]);
    expect(await problems({ ...ok, policy: { proxy: { separate: ["media", "media"] } } })).toEqual([expect.stringMatching(/^policy\.proxy\.separate = .*at most once/)]);
    const sh = await problems({ ...ok, shaper: { device: { shaper: "constant-rat" }, server: { shaper: "constant-rate", params: { intervalSeconds: -1 } } } });
    expect(sh).toHaveLength(2);
    expect(sh[0]).toMatch(/^shaper\.device\.shaper = "constant-rat": unknown shaper; did you mean "constant-rate"\?/);
    expect(sh[1]).toMatch(/^shaper\.server: .*intervalSeconds = -1/);
  });
});
