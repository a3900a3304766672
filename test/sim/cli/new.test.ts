/**
 * `chaff new shaper|observer NAME` writes files that pass `npm test` as written. Proven
 * the direct way: generate a shaper and an observer into the real folders under unique
 * names, run the generated tests together with the suites that hold every registered
 * component (shapers/index.ts against the registry, conservation and parameters of every
 * shaper, the observer registry and the shuffled-labels check, the import rules) in one
 * child vitest, typecheck the generated files beside it, and remove everything again (the
 * index line too) after.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
function uniqueName(kind: string): string {
  return `new-test-${kind}-${process.pid.toString(36)}-${Date.now().toString(36)}`;
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
  // Both components are generated at once and checked by one child vitest and one
  // typechecker run beside it (both only read the files): the suites over every shaper
  // and every observer, and the import rules, run once for both.
  const shaper = uniqueName("shaper");
  const observer = uniqueName("observer");
  let made: { shaper: ReturnType<typeof chaff>; observer: ReturnType<typeof chaff>; index: string };
  let suites: Awaited<ReturnType<typeof vitest>>;
  let types: Awaited<ReturnType<typeof typecheck>>;
  let cleaned = false;
  const cleanBoth = () => {
    if (cleaned) return;
    cleaned = true;
    cleanUp("shaper", shaper);
    cleanUp("observer", observer);
  };
  beforeAll(async () => {
    made = { shaper: chaff(["new", "shaper", shaper]), observer: chaff(["new", "observer", observer]), index: readFileSync(join(ROOT, "shapers/index.ts"), "utf8") };
    if (made.shaper.status !== 0 || made.observer.status !== 0) return;
    [suites, types] = await Promise.all([
      vitest(
        [
          `test/shapers/${shaper}.test.ts`,
          "test/shapers/index.test.ts",
          "test/shapers/conservation.test.ts",
          "test/shapers/params.test.ts",
          `test/observers/${observer}.test.ts`,
          "test/observers/registry.test.ts",
          "test/observers/shuffled-labels.test.ts",
          "test/architecture/imports.test.ts",
        ],
        `${escape(shaper)}|shapers/index\\.ts|${escape(observer)}|observer registry|import rules`,
      ),
      typecheck([`shapers/${shaper}.ts`, `test/shapers/${shaper}.test.ts`, "shapers/index.ts", `observers/${observer}.ts`, `test/observers/${observer}.test.ts`]),
    ]);
  }, 900_000);
  afterAll(cleanBoth);

  it("shaper: the file, its test, its experiment and its index line pass the shaper suites and the typechecker unmodified", () => {
    const r = made.shaper;
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`wrote shapers/${shaper}.ts (the shaper), test/shapers/${shaper}.test.ts (its tests), experiments/${shaper}.json (an experiment with a sweep)`);
    expect(r.stdout).toContain(`added ${shaper} to shapers/index.ts`);
    expect(made.index).toContain(`import { definition as newTestShaper`);
    // its own tests, and the suites over every shaper (conservation, parameters, the index, the import rules) for it
    expect(suites.status, `${suites.stdout}\n${suites.stderr}`).toBe(0);
    expect(suites.stdout).toMatch(/Test Files\s+8 passed/);
    expect(suites.stdout).toMatch(new RegExp(`conservation: .* > ${escape(shaper)}`));
    expect(suites.stdout).toMatch(new RegExp(`shaper parameters > ${escape(shaper)} > defaults parse`));
    expect(suites.stdout).toMatch(/exports exactly the shapers the lab discovers/);
    expect(types.status, types.output).toBe(0);
    // asking again is refused, and nothing changes
    const again = chaff(["new", "shaper", shaper]);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain(`error: shapers/${shaper}.ts already exists; choose another name (nothing was written)`);
    expect(readFileSync(join(ROOT, "shapers/index.ts"), "utf8")).toBe(made.index);
  });

  it("observer: the file, its test and its experiment pass the observer suites and the typechecker unmodified", () => {
    const r = made.observer;
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`wrote observers/${observer}.ts (the observer), test/observers/${observer}.test.ts (its tests), experiments/${observer}.json (an experiment)`);
    // its own tests, the registry, the shuffled-labels check of it, the import rules
    expect(suites.status, `${suites.stdout}\n${suites.stderr}`).toBe(0);
    expect(suites.stdout).toMatch(new RegExp(`${escape(observer)} is far above chance on the true labels and at chance on shuffled ones`));
    expect(suites.stdout).toMatch(/observer registry/);
    expect(types.status, types.output).toBe(0);
  });

  it("removes both again: their files and the shaper's index line", () => {
    cleanBoth();
    expect(readFileSync(join(ROOT, "shapers/index.ts"), "utf8")).not.toContain(shaper);
    for (const [kind, name] of [["shaper", shaper], ["observer", observer]] as const) {
      for (const f of componentFiles(kind, name)) expect(existsSync(join(ROOT, f.path)), f.path).toBe(false);
    }
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
