/**
 * `chaff new shaper|observer NAME` writes files that pass `npm test` as written. Proven
 * the direct way: generate into the real folders under a unique name, run the generated
 * test together with the suites that hold every registered component (shapers/index.ts
 * against the registry, conservation and parameters of every shaper, the observer
 * registry and the shuffled-labels check, the import rules) in a child vitest, typecheck
 * the generated files, and remove everything again (the index lines too) in `finally`.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { addToShaperIndex, componentFiles, newComponent, removeFromShaperIndex, renderTemplate, TEMPLATES_DIR } from "../../../sim/cli/commands/new.ts";
import { InputError } from "../../../sim/core/validation.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST") && k !== "NODE_OPTIONS" && k !== "TEST"));
const chaff = (args: string[]) => spawnSync(process.execPath, [join(ROOT, "bin/chaff.js"), ...args], { cwd: ROOT, encoding: "utf8", env });
/** A child process run to its end: its exit status and what it printed (run without blocking, so two can share the cores). */
function run(args: string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: options.env ?? process.env });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    child.on("error", fail);
    child.on("close", (status) => ok({ status, stdout, stderr }));
  });
}
/** Runs test files in a child vitest, keeping only the tests whose full name matches `pattern`. */
const vitest = (files: string[], pattern: string) =>
  run([join(ROOT, "node_modules/vitest/vitest.mjs"), "run", "--reporter=verbose", "-t", pattern, ...files], { env: { ...env, CI: "1", NO_COLOR: "1", FORCE_COLOR: "0" } });
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A name no one else uses, sorting in the middle of the shapers (so the index insertion is exercised mid-list). */
function uniqueName(): string {
  return `new-test-${process.pid.toString(36)}-${Date.now().toString(36)}`;
}

/** Typechecks `files` (and what they import) with the project's compiler options. */
async function typecheck(files: string[]): Promise<{ status: number | null; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), "chaff-new-tsc-"));
  try {
    const config = join(dir, "tsconfig.json");
    writeFileSync(config, JSON.stringify({ extends: join(ROOT, "tsconfig.json"), compilerOptions: { typeRoots: [join(ROOT, "node_modules/@types")] }, include: files.map((f) => join(ROOT, f)) }));
    const r = await run([join(ROOT, "node_modules/typescript/bin/tsc"), "-p", config]);
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Removes a generated component: its files, its index lines (read fresh, so others' edits stay), an emptied experiments/. */
function cleanUp(kind: "shaper" | "observer", name: string): void {
  // the index line first, so shapers/index.ts never imports a file already gone (others may be running tests)
  if (kind === "shaper") {
    const index = join(ROOT, "shapers/index.ts");
    const text = readFileSync(index, "utf8");
    const without = removeFromShaperIndex(text, name);
    if (without !== text) writeFileSync(index, without);
  }
  for (const f of componentFiles(kind, name)) rmSync(join(ROOT, f.path), { force: true });
  const experiments = join(ROOT, "experiments");
  if (existsSync(experiments) && readdirSync(experiments).length === 0) rmdirSync(experiments);
}

describe("chaff new", () => {
  it("shaper: the file, its test, its experiment and its index line pass the shaper suites and the typechecker unmodified", { timeout: 900_000 }, async () => {
    const name = uniqueName();
    try {
      const r = chaff(["new", "shaper", name]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain(`wrote shapers/${name}.ts (the shaper), test/shapers/${name}.test.ts (its tests), experiments/${name}.json (an experiment with a sweep)`);
      expect(r.stdout).toContain(`added ${name} to shapers/index.ts`);
      const index = readFileSync(join(ROOT, "shapers/index.ts"), "utf8");
      expect(index).toContain(`import { definition as newTest`);
      // its own tests, and the suites over every shaper (conservation, parameters, the index, the import rules) for it,
      // with the typechecker beside them (both only read the files)
      const [t, tsc] = await Promise.all([
        vitest(
          [`test/shapers/${name}.test.ts`, "test/shapers/index.test.ts", "test/shapers/conservation.test.ts", "test/shapers/params.test.ts", "test/architecture/imports.test.ts"],
          `${escape(name)}|shapers/index\\.ts|import rules`,
        ),
        typecheck([`shapers/${name}.ts`, `test/shapers/${name}.test.ts`, "shapers/index.ts"]),
      ]);
      expect(t.status, `${t.stdout}\n${t.stderr}`).toBe(0);
      expect(t.stdout).toMatch(/Test Files\s+5 passed/);
      expect(t.stdout).toMatch(new RegExp(`conservation: .* > ${escape(name)}`));
      expect(t.stdout).toMatch(new RegExp(`shaper parameters > ${escape(name)} > defaults parse`));
      expect(t.stdout).toMatch(/exports exactly the shapers the lab discovers/);
      expect(tsc.status, tsc.output).toBe(0);
      // asking again is refused, and nothing changes
      const again = chaff(["new", "shaper", name]);
      expect(again.status).toBe(2);
      expect(again.stderr).toContain(`error: shapers/${name}.ts already exists; choose another name (nothing was written)`);
      expect(readFileSync(join(ROOT, "shapers/index.ts"), "utf8")).toBe(index);
    } finally {
      cleanUp("shaper", name);
    }
    expect(readFileSync(join(ROOT, "shapers/index.ts"), "utf8")).not.toContain(name);
    for (const f of componentFiles("shaper", name)) expect(existsSync(join(ROOT, f.path))).toBe(false);
  });

  it("observer: the file, its test and its experiment pass the observer suites and the typechecker unmodified", { timeout: 900_000 }, async () => {
    const name = uniqueName();
    try {
      const r = chaff(["new", "observer", name]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain(`wrote observers/${name}.ts (the observer), test/observers/${name}.test.ts (its tests), experiments/${name}.json (an experiment)`);
      // its own tests, the registry, the shuffled-labels check of it, the import rules; the typechecker beside them
      const [t, tsc] = await Promise.all([
        vitest(
          [`test/observers/${name}.test.ts`, "test/observers/registry.test.ts", "test/observers/shuffled-labels.test.ts", "test/architecture/imports.test.ts"],
          `${escape(name)}|observer registry|import rules`,
        ),
        typecheck([`observers/${name}.ts`, `test/observers/${name}.test.ts`]),
      ]);
      expect(t.status, `${t.stdout}\n${t.stderr}`).toBe(0);
      expect(t.stdout).toMatch(/Test Files\s+4 passed/);
      expect(t.stdout).toMatch(new RegExp(`${escape(name)} is far above chance on the true labels and at chance on shuffled ones`));
      expect(tsc.status, tsc.output).toBe(0);
    } finally {
      cleanUp("observer", name);
    }
    for (const f of componentFiles("observer", name)) expect(existsSync(join(ROOT, f.path))).toBe(false);
  });

  it("refuses a bad kind, a bad name or a taken one, writing nothing (exit 2 on the command line)", async () => {
    const before = readFileSync(join(ROOT, "shapers/index.ts"), "utf8");
    const cases: [string, string, RegExp][] = [
      ["model", "x", /^KIND = "model": expected shaper or observer$/],
      ["shaper", "Bad_Name", /^NAME = "Bad_Name": expected lowercase words joined by hyphens/],
      ["shaper", "9lives", /^NAME = "9lives"/],
      ["shaper", "double--hyphen", /^NAME = "double--hyphen"/],
      ["shaper", "padme", /^shapers\/padme.ts already exists; choose another name \(nothing was written\)$/],
      ["observer", "volume-correlation", /^observers\/volume-correlation.ts already exists/],
      ["shaper", "params", /^shapers\/params.ts already exists/],
    ];
    for (const [kind, name, message] of cases) {
      const e = await newComponent(kind, name).then(
        () => null,
        (err: unknown) => err,
      );
      expect(e, `${kind} ${name}`).toBeInstanceOf(InputError);
      expect((e as InputError).problems[0]).toMatch(message);
    }
    const r = chaff(["new", "shaper", "Bad_Name"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error: NAME = "Bad_Name"/);
    expect(readFileSync(join(ROOT, "shapers/index.ts"), "utf8")).toBe(before);
    expect(existsSync(join(ROOT, "experiments/x.json"))).toBe(false);
  });

  it("adds the index lines in name order and removes exactly them", () => {
    const text = [
      'import { definition as alpha } from "./alpha.ts";',
      'import { definition as gamma } from "./gamma.ts";',
      "",
      "export const SHAPERS: readonly ShaperDefinition[] = [",
      "  alpha,",
      "  gamma,",
      "];",
      "",
    ].join("\n");
    const added = addToShaperIndex(text, "beta-pad", "betaPad");
    expect(added.split("\n")).toEqual([
      'import { definition as alpha } from "./alpha.ts";',
      'import { definition as betaPad } from "./beta-pad.ts";',
      'import { definition as gamma } from "./gamma.ts";',
      "",
      "export const SHAPERS: readonly ShaperDefinition[] = [",
      "  alpha,",
      "  betaPad,",
      "  gamma,",
      "];",
      "",
    ]);
    expect(removeFromShaperIndex(added, "beta-pad")).toBe(text);
    expect(addToShaperIndex(text, "zeta", "zeta").split("\n").slice(-4)).toEqual(["  gamma,", "  zeta,", "];", ""]);
    expect(() => addToShaperIndex("export const X = 1;", "a", "a")).toThrow(/add by hand/);
  });

  for (const [kind, doc] of [["shaper", "docs/writing-a-shaper.md"], ["observer", "docs/writing-an-observer.md"]] as const) {
    it(`${doc} shows, as its complete minimal ${kind} and its test, exactly what chaff new writes`, () => {
      const guide = readFileSync(join(ROOT, doc), "utf8");
      for (const [marker, template] of [[kind, `${kind}.ts.tmpl`], [`${kind}-test`, `${kind}.test.ts.tmpl`]]) {
        const block = new RegExp(`<!-- template:${marker} name=([a-z-]+) -->\\n\`\`\`ts\\n([\\s\\S]*?)\`\`\``).exec(guide);
        expect(block, `${doc} holds ${template} after <!-- template:${marker} name=… --> in a ts fence`).not.toBeNull();
        const [, name, code] = block as RegExpExecArray;
        expect(code).toBe(renderTemplate(readFileSync(join(TEMPLATES_DIR, template), "utf8"), name));
      }
    });
  }
});
