/**
 * Fuzzes run manifests as `chaff report` and `chaff reproduce` read them
 * (`sim/runs/run-dir.ts`: JSON under size, depth and prototype-key rules, then the
 * manifest schema), and reading the outputs an accepted manifest names (`readOutput`,
 * against a scratch run directory holding a link that leads outside it). Inputs are a
 * real manifest mutated structurally (output names such as `../../etc/passwd`,
 * `/dev/zero`, missing integrity fields, nasty values, deep nesting) and textually.
 * An accepted manifest must name only plain relative outputs, and reading them must
 * stay inside the directory.
 *
 *   npx tsx bench/fuzz/manifest.ts [--cases N] [--seed S]     (default 100000)
 */
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { parseJsonText } from "../../sim/core/json-input.ts";
import { MAX_MANIFEST_BYTES, outputNameProblem, parseManifest, readOutput } from "../../sim/runs/run-dir.ts";
import { editText, mutate, mutation, runIfMain, textEdit, type FuzzTarget } from "./_harness.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const experiment = JSON.parse(readFileSync(join(ROOT, "test/fixtures/tiny-experiment.json"), "utf8")) as Record<string, unknown>;
const H = "ab".repeat(32);

const manifest = {
  chaff: "1",
  id: "tiny-s3-0123456789",
  experiment: { ...experiment, seed: 3 },
  experimentHash: H,
  seed: 3,
  code: { revision: "0123456789abcdef0123456789abcdef01234567", dirty: false, changed: [], sources: { "sim/core/time.ts": H } },
  lockfileSha256: H,
  node: "v20.0.0",
  outputs: { "metrics.json": H, "report.md": H, "figures/roc.svg": H },
};

// A scratch run directory: two real outputs and a link named like an output that leads outside.
const dir = mkdtempSync(join(tmpdir(), "chaff-fuzz-manifest-"));
writeFileSync(join(dir, "metrics.json"), "{}\n");
mkdirSync(join(dir, "figures"));
writeFileSync(join(dir, "figures", "roc.svg"), "<svg/>");
symlinkSync("/etc/passwd", join(dir, "leak"));
symlinkSync("/dev/zero", join(dir, "zero"));

const names = fc.constantFrom("metrics.json", "figures/roc.svg", "leak", "zero", "../x", "a/../../b", "/etc/passwd", "a\\b", "./a", "a//b", "", ".", "..", "%2e%2e/x", "a\u0000b");

export interface ManifestCase {
  mutations: Parameters<typeof mutate>[1];
  outputs: string[];
  edits: Parameters<typeof editText>[1];
}

function text(c: ManifestCase): string {
  let m = mutate(manifest, c.mutations) as Record<string, unknown>;
  if (m && typeof m === "object" && !Array.isArray(m) && c.outputs.length > 0) {
    m = { ...m };
    const outputs: Record<string, string> = {};
    for (const n of c.outputs) Object.defineProperty(outputs, n, { value: H, enumerable: true, writable: true, configurable: true });
    m.outputs = outputs;
  }
  return editText(JSON.stringify(m) ?? "", c.edits);
}

export const target: FuzzTarget<ManifestCase> = {
  name: "manifest",
  arbitrary: fc.record({
    mutations: fc.oneof({ weight: 1, arbitrary: fc.constant<ManifestCase["mutations"]>([]) }, { weight: 2, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }) }),
    outputs: fc.oneof({ weight: 3, arbitrary: fc.constant<string[]>([]) }, { weight: 1, arbitrary: fc.array(names, { maxLength: 3 }) as fc.Arbitrary<string[]> }),
    edits: fc.oneof({ weight: 4, arbitrary: fc.constant<ManifestCase["edits"]>([]) }, { weight: 1, arbitrary: fc.array(textEdit, { minLength: 1, maxLength: 2 }) }),
  }),
  run(c) {
    const t = text(c);
    if (Buffer.byteLength(t) > MAX_MANIFEST_BYTES) return;
    const m = parseManifest(parseJsonText(t, { label: "manifest.json" }));
    for (const name of Object.keys(m.outputs)) {
      if (outputNameProblem(name) !== null) throw new Error(`accepted output name ${JSON.stringify(name)}`);
      const bytes = readOutput(dir, name, 1024 * 1024);
      if (bytes && bytes.includes("root:")) throw new Error(`read ${name} from outside the run directory`);
    }
  },
  show: text,
};

await runIfMain(import.meta.url, target);
