/**
 * `chaff new shaper NAME` and `chaff new observer NAME`: start a component from a
 * template that passes `npm test` as written.
 *
 * - shaper: `shapers/NAME.ts` (a complete minimal shaper: packet padding to a block
 *   size, with the contract's MUSTs kept), `test/shapers/NAME.test.ts` (its defining
 *   property on exact traces, its parameters, its experiment), `experiments/NAME.json`
 *   (a small run against no defense and Padmé, with a sweep over its parameter), and its
 *   line in `shapers/index.ts` (the import and the `SHAPERS` entry, in name order).
 * - observer: `observers/NAME.ts` (an activity observer: bytes per window against the
 *   user's usual level), `test/observers/NAME.test.ts` (a constructed case whose answer
 *   is known), `experiments/NAME.json` (a run against cover traffic, next to the
 *   activity detector). Observers need no index line: the registry finds the file.
 *
 * The templates are `sim/cli/templates/*.tmpl`, with `__NAME__` (the kebab-case name),
 * `__CLASS__` (PascalCase) and `__CAMEL__` (camelCase). Nothing is written when the name
 * is not kebab-case, a file would be overwritten, or a component already has the name;
 * the guides are docs/writing-a-shaper.md and docs/writing-an-observer.md.
 *
 * @example
 * chaff new shaper burst-pad
 * // wrote shapers/burst-pad.ts, test/shapers/burst-pad.test.ts, experiments/burst-pad.json; added burst-pad to shapers/index.ts
 */
import type { Command } from "commander";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "../../core/validation.ts";
import { loadObservers, loadShapers } from "../../experiment/registries.ts";

export const TEMPLATES_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "templates");

export type ComponentKind = "shaper" | "observer";

/** A component name: lowercase words joined by single hyphens, starting with a letter. */
export const NAME_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const MAX_NAME = 40;

const RESERVED = new Set(
  "break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package private protected public await".split(" "),
);

export function pascalCase(name: string): string {
  return name
    .split("-")
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join("");
}

export function camelCase(name: string): string {
  const p = pascalCase(name);
  return p.charAt(0).toLowerCase() + p.slice(1);
}

/** The files a component of `kind` named `name` consists of, relative to the repository root, with their templates. */
export function componentFiles(kind: ComponentKind, name: string): { path: string; template: string; what: string }[] {
  const folder = kind === "shaper" ? "shapers" : "observers";
  return [
    { path: `${folder}/${name}.ts`, template: `${kind}.ts.tmpl`, what: `the ${kind}` },
    { path: `test/${folder}/${name}.test.ts`, template: `${kind}.test.ts.tmpl`, what: "its tests" },
    { path: `experiments/${name}.json`, template: `${kind}-experiment.json.tmpl`, what: kind === "shaper" ? "an experiment with a sweep" : "an experiment" },
  ];
}

/** A template with its placeholders filled. */
export function renderTemplate(text: string, name: string): string {
  return text.replaceAll("__NAME__", name).replaceAll("__CLASS__", pascalCase(name)).replaceAll("__CAMEL__", camelCase(name));
}

const IMPORT = /^import \{ definition as ([A-Za-z_$][\w$]*) \} from "\.\/([a-z0-9-]+)\.ts";$/;

/**
 * `shapers/index.ts` with the shaper `name` added: its import among the definition
 * imports and its entry in `SHAPERS`, both in name order, under the identifier `ident`.
 * Throws an Error saying what to add by hand when the file does not have the expected shape.
 */
export function addToShaperIndex(text: string, name: string, ident: string): string {
  const lines = text.split("\n");
  const importLine = `import { definition as ${ident} } from "./${name}.ts";`;
  const imports = lines.map((l, i) => ({ i, m: IMPORT.exec(l) })).filter((x) => x.m !== null);
  const open = lines.findIndex((l) => /^export const SHAPERS\b.*= \[$/.test(l));
  const close = open < 0 ? -1 : lines.findIndex((l, i) => i > open && l.trim() === "];");
  if (imports.length === 0 || open < 0 || close < 0) {
    throw new Error(`shapers/index.ts does not have its usual shape; add by hand:\n  ${importLine}\nand "${ident}," in SHAPERS`);
  }
  const fileOf = new Map(imports.map((x) => [x.m![1], x.m![2]]));
  // the SHAPERS entry goes before the first entry of a later name
  let entryAt = close;
  for (let i = open + 1; i < close; i++) {
    const id = lines[i].trim().replace(/,$/, "");
    const file = fileOf.get(id);
    if (file !== undefined && file > name) {
      entryAt = i;
      break;
    }
  }
  const indent = /^(\s*)/.exec(lines[open + 1] ?? "  ")?.[1] || "  ";
  lines.splice(entryAt, 0, `${indent}${ident},`);
  const before = imports.find((x) => x.m![2] > name);
  lines.splice(before ? before.i : imports[imports.length - 1].i + 1, 0, importLine);
  return lines.join("\n");
}

/** `shapers/index.ts` without the import and `SHAPERS` entry of the shaper `name` (the inverse of `addToShaperIndex`). */
export function removeFromShaperIndex(text: string, name: string): string {
  const lines = text.split("\n");
  const at = lines.findIndex((l) => IMPORT.exec(l)?.[2] === name);
  if (at < 0) return text;
  const ident = (IMPORT.exec(lines[at]) as RegExpExecArray)[1];
  lines.splice(at, 1);
  const open = lines.findIndex((l) => /^export const SHAPERS\b/.test(l));
  const entry = lines.findIndex((l, i) => i > open && l.trim() === `${ident},`);
  if (entry >= 0) lines.splice(entry, 1);
  return lines.join("\n");
}

export interface NewResult {
  /** Files written, relative to the root. */
  files: { path: string; what: string }[];
  /** Whether `shapers/index.ts` was edited. */
  indexed: boolean;
  next: string[];
}

/** Writes a new component from its templates under `root` (default: this repository). Nothing is written on a problem. */
export async function newComponent(kind: string, name: string, root?: string): Promise<NewResult> {
  root ??= (await import("../../runs/run-dir.ts")).REPO_ROOT;
  if (kind !== "shaper" && kind !== "observer") throw new InputError([`KIND = ${JSON.stringify(kind)}: expected shaper or observer`]);
  const problems: string[] = [];
  if (!NAME_PATTERN.test(name) || name.length > MAX_NAME) {
    problems.push(`NAME = ${JSON.stringify(name)}: expected lowercase words joined by hyphens, starting with a letter, at most ${MAX_NAME} characters (e.g. burst-pad)`);
    throw new InputError(problems);
  }
  const files = componentFiles(kind, name);
  for (const f of files) if (existsSync(join(root, f.path))) problems.push(`${f.path} already exists; choose another name (nothing was written)`);
  const registered = kind === "shaper" ? await loadShapers() : await loadObservers();
  if (registered.has(name)) problems.push(`a ${kind} named "${name}" is already registered; choose another name (nothing was written)`);
  let index: { path: string; text: string } | null = null;
  if (kind === "shaper") {
    const path = join(root, "shapers", "index.ts");
    const current = readFileSync(path, "utf8");
    let ident = camelCase(name);
    if (RESERVED.has(ident) || new RegExp(`\\b${ident}\\b`).test(current)) ident = `${ident}Shaper`;
    try {
      index = { path, text: addToShaperIndex(current, name, ident) };
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  if (problems.length > 0) throw new InputError(problems);

  const written: string[] = [];
  try {
    for (const f of files) {
      const target = join(root, f.path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, renderTemplate(readFileSync(join(TEMPLATES_DIR, f.template), "utf8"), name), { flag: "wx" });
      written.push(target);
    }
    if (index) writeFileSync(index.path, index.text);
  } catch (e) {
    for (const w of written) rmSync(w, { force: true });
    throw e;
  }
  const folder = kind === "shaper" ? "shapers" : "observers";
  const next = [
    `npx vitest run test/${folder}/${name}.test.ts${kind === "shaper" ? " test/shapers/conservation.test.ts test/shapers/index.test.ts" : " test/observers/registry.test.ts test/observers/shuffled-labels.test.ts"}`,
    `npx chaff run experiments/${name}.json`,
    ...(kind === "shaper" ? [`npx chaff sweep experiments/${name}.json --out results/runs/${name}-sweep && npx chaff summary results/runs/${name}-sweep --target 'auc<=0.6'`] : []),
  ];
  return { files: files.map((f) => ({ path: f.path, what: f.what })), indexed: index !== null, next };
}

export async function newCommand(kind: string, name: string): Promise<void> {
  const { REPO_ROOT } = await import("../../runs/run-dir.ts");
  const r = await newComponent(kind, name);
  const out = [`wrote ${r.files.map((f) => `${f.path} (${f.what})`).join(", ")}`];
  if (r.indexed) out.push(`added ${name} to shapers/index.ts (its import and its SHAPERS entry)`);
  out.push("next:", ...r.next.map((n) => `  ${n}`));
  out.push(`guide: ${relative(process.cwd(), join(REPO_ROOT, "docs", kind === "shaper" ? "writing-a-shaper.md" : "writing-an-observer.md")) || "docs"}`);
  process.stdout.write(`${out.join("\n")}\n`);
}

export function register(program: Command): void {
  program
    .command("new")
    .description("start a shaper or an observer from a template that passes npm test as written: the file, its test and an experiment")
    .argument("<kind>", "shaper or observer")
    .argument("<name>", "the component's name, lowercase words joined by hyphens (e.g. burst-pad)")
    .action(newCommand);
}
