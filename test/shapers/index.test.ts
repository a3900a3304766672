/**
 * The shaping core ships alone: `shapers/index.ts` lists every shaper the lab discovers,
 * and it bundles for a browser (esbuild, platform=browser) with no node:* module and
 * nothing of the lab inside.
 */
import { resolve } from "node:path";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { SHAPERS, getShaperDefinition } from "../../shapers/index.ts";
import { loadShapers } from "../../sim/experiment/registries.ts";

const ROOT = resolve(import.meta.dirname, "../..");

describe("shapers/index.ts", () => {
  it("exports exactly the shapers the lab discovers", async () => {
    const discovered = [...(await loadShapers()).keys()].sort();
    expect(SHAPERS.map((s) => s.name).sort()).toEqual(discovered);
    expect(getShaperDefinition("padme")?.name).toBe("padme");
    expect(getShaperDefinition("no-such-shaper")).toBeUndefined();
  });

  it("bundles for a browser without node:* modules or lab code", async () => {
    const result = await build({
      entryPoints: [resolve(ROOT, "shapers/index.ts")],
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    const ours = inputs.filter((p) => !p.includes("node_modules/"));
    expect(ours.filter((p) => !p.startsWith("shapers/") && !/^sim\/core\/(time|kinds)\.ts$/.test(p))).toEqual([]);
    expect(inputs.some((p) => p.startsWith("node:"))).toBe(false);
    const code = result.outputFiles[0].text;
    expect(code).not.toMatch(/from\s*["']node:/);
    // the bundle runs: build a shaper and pad a record
    const mod = (await import(`data:text/javascript;base64,${Buffer.from(code).toString("base64")}`)) as typeof import("../../shapers/index.ts");
    expect(mod.padme(129)).toBe(144);
    expect(mod.SHAPERS.length).toBe(SHAPERS.length);
  });
});
