import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadObservers } from "../../../sim/experiment/registries.ts";
import { loadShapers } from "../../../sim/experiment/registries.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
const chaff = (args: string[]) => spawnSync(process.execPath, [join(ROOT, "bin/chaff.js"), ...args], { cwd: ROOT, encoding: "utf8" });

describe("chaff shapers / observers", () => {
  it("lists every shaper with its parameters, defaults, citation and declaration", async () => {
    const r = chaff(["shapers", "--json"]);
    expect(r.status, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as { name: string; citation: string; defaults: Record<string, unknown>; parameters: { properties?: object }; declaration: object }[];
    expect(rows.map((x) => x.name)).toEqual([...(await loadShapers()).keys()]);
    for (const row of rows) {
      expect(row.citation.length, row.name).toBeGreaterThan(0);
      expect(row.declaration).toHaveProperty("delays");
      for (const key of Object.keys(row.defaults)) expect(row.parameters.properties, `${row.name}.${key}`).toHaveProperty(key);
    }
    const tamaraw = rows.find((x) => x.name === "tamaraw")!;
    expect(tamaraw.defaults).toMatchObject({ cellBytes: 750, padMultiple: 100 });
    const text = chaff(["shapers"]);
    expect(text.stdout).toMatch(/^tamaraw — /m);
  });

  it("lists every observer with its task, vantages and what it cannot see", async () => {
    const r = chaff(["observers", "--json"]);
    expect(r.status, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as { name: string; task: string; vantages: string[]; sees: string; cannotSee: string }[];
    expect(rows.map((x) => x.name)).toEqual([...(await loadObservers()).keys()]);
    for (const row of rows) {
      expect(row.cannotSee.length, row.name).toBeGreaterThan(10);
      expect(row.sees.length, row.name).toBeGreaterThan(10);
      expect(row.vantages.length, row.name).toBeGreaterThan(0);
    }
  });
});
