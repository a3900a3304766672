import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { experimentFrom } from "../../../sim/cli/load-experiment.ts";
import { parsePolicyFile } from "../../../sim/exposure/policy-file.ts";
import { METADATA_OBSERVERS, policyExperiment, TRAFFIC_OBSERVERS } from "../../../sim/exposure/policy-experiment.ts";
import { CI } from "../../../sim/exposure/population.ts";

const DIR = join(import.meta.dirname, "../../../sim/exposure/policies");
const load = async (name: string) => parsePolicyFile(JSON.parse(readFileSync(join(DIR, `${name}.json`), "utf8")));

describe("policyExperiment", () => {
  for (const name of readdirSync(DIR).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5)).sort()) {
    it(`${name}: a valid experiment with the policy, its defenses and an observer at every vantage instance`, async () => {
      const p = await load(name);
      const exp = await experimentFrom(await policyExperiment(p, CI));
      expect(exp.name).toBe(`exposure-${name}`);
      expect(exp.policy).toEqual(p.policy);
      expect(exp.population.users).toBe(CI.users);
      expect(exp.durationSeconds).toBe(CI.durationSeconds);
      // the tunnel exactly when the policy uses one, with the VPN's exits
      expect(exp.transport.vpn !== undefined).toBe(p.policy.vpn.mode !== "off");
      expect(exp.topology?.vpn !== undefined).toBe(p.policy.vpn.mode !== "off");
      // the unshaped arm, and the shaped one beside it when the policy has a shaper
      expect(exp.defenses.map((d) => d.name)).toEqual(p.shaper ? ["none", "shaped"] : ["none"]);
      if (p.shaper) expect(exp.defenses[1].device.shaper).toBe(p.shaper.device.shaper);
      const where = [...new Set(exp.observers.map((o) => `${o.vantage}${o.scope ? `[${o.scope}]` : ""}`))];
      const vpn = p.policy.vpn.mode !== "off" ? ["vpn-provider", "vpn-exit[exit-0]"] : [];
      expect(where).toEqual(["local[cafe-hotspot]", "local[home-1]", "isp[fiber-co]", "isp", ...vpn, "server", "global"]);
      // every traffic observer at every instance; the metadata observers wherever they can sit
      for (const w of where) {
        const here = exp.observers.filter((o) => `${o.vantage}${o.scope ? `[${o.scope}]` : ""}` === w).map((o) => o.observer);
        for (const t of TRAFFIC_OBSERVERS) expect(here).toContain(t);
      }
      for (const m of METADATA_OBSERVERS) expect(exp.observers.some((o) => o.observer === m)).toBe(true);
    });
  }
});
