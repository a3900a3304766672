/**
 * The import rules (`.dependency-cruiser.cjs`) hold for the whole tree, and they bite:
 * a shaper that imports the engine or a node:* module, or an observer that reads the
 * world's truth tables, is reported.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { cruise, type ICruiseResult, type IConfiguration } from "dependency-cruiser";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const require = createRequire(import.meta.url);
const rules = require(join(ROOT, ".dependency-cruiser.cjs")) as IConfiguration;

async function violations(dir: string, roots: string[]): Promise<string[]> {
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    const result = await cruise(roots, { validate: true, ruleSet: rules, ...rules.options });
    const out = result.output as ICruiseResult;
    return out.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
  } finally {
    process.chdir(cwd);
  }
}

const scratch = mkdtempSync(join(tmpdir(), "chaff-imports-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function write(path: string, text: string): void {
  mkdirSync(dirname(join(scratch, path)), { recursive: true });
  writeFileSync(join(scratch, path), text);
}

describe("import rules", () => {
  it("hold for sim/, shapers/, observers/ and bin/", async () => {
    expect(await violations(ROOT, ["sim", "shapers", "observers", "bin"])).toEqual([]);
  }, 120_000);

  it("reject a shaper that imports the engine or node:fs, and an observer that reads the world", async () => {
    write("tsconfig.json", "{}\n");
    write("sim/core/time.ts", "export type Micros = number;\n");
    write("sim/engine/egress.ts", 'import type { Micros } from "../core/time.ts";\nexport const x: Micros = 1;\n');
    write("sim/world/truth.ts", "export const truth = 1;\n");
    write("shapers/ok.ts", 'import type { Micros } from "../sim/core/time.ts";\nexport const ok: Micros = 0;\n');
    write("shapers/bad.ts", 'import { readFileSync } from "node:fs";\nimport { x } from "../sim/engine/egress.ts";\nexport const bad = [readFileSync, x];\n');
    write("observers/peek.ts", 'import { truth } from "../sim/world/truth.ts";\nexport const peek = truth;\n');
    const found = await violations(scratch, ["sim", "shapers", "observers"]);
    expect(found).toContain("shapers-stay-portable: shapers/bad.ts → fs");
    expect(found).toContain("shapers-import-only-core-types: shapers/bad.ts → sim/engine/egress.ts");
    expect(found).toContain("observers-see-only-their-contract: observers/peek.ts → sim/world/truth.ts");
    expect(found.filter((v) => v.includes("shapers/ok.ts"))).toEqual([]);
  }, 60_000);
});
