/**
 * Fuzzes the experiment file parser as `chaff run` meets it (`sim/cli/load-experiment.ts`:
 * JSON under size, depth and prototype-key rules, the schema, every component's
 * parameters, feasibility), and the sweep plan of what it accepts. Inputs are the
 * built-in and fixture experiments mutated structurally (values replaced by nasty JSON,
 * keys deleted or added, `__proto__` among them, deep nesting) and, for some cases,
 * textually (cuts and insertions that break the JSON).
 *
 *   npx tsx bench/fuzz/experiment.ts [--cases N] [--seed S]     (default 100000)
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { experimentFromText } from "../../sim/cli/load-experiment.ts";
import { canonicalJson } from "../../sim/core/canonical-json.ts";
import { enumeratePoints } from "../../sim/sweep/plan.ts";
import { editText, mutate, mutation, runIfMain, textEdit, type FuzzTarget } from "./_harness.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Valid experiments to start from: the built-in ones, the test fixtures, and a sweep with random axes. */
export function corpus(): unknown[] {
  const docs: unknown[] = [];
  for (const dir of ["sim/experiment/builtin", "test/fixtures"]) {
    for (const f of readdirSync(join(ROOT, dir)).filter((n) => n.endsWith(".json")).sort()) {
      try {
        docs.push(JSON.parse(readFileSync(join(ROOT, dir, f), "utf8")));
      } catch {
        // not an experiment
      }
    }
  }
  docs.push({
    name: "fuzz-sweep",
    purpose: "random axes",
    durationSeconds: 60,
    population: { users: 12 },
    defenses: [{ name: "none" }, { name: "cover", device: { shaper: "poisson-cover", params: { coverRate: 1 } } }],
    observers: [{ observer: "volume-correlation", vantage: "isp" }],
    sweep: {
      grid: [{ path: "population.users", values: [10, 12] }],
      random: { samples: 3, axes: [{ path: "defenses[1].device.params.coverRate", min: 0.1, max: 10, scale: "log" }, { path: "population.contactsPerUser", min: 1, max: 3, integer: true }] },
      seeds: [1, 2],
    },
  });
  return docs;
}

const docs = corpus();

export interface ExperimentCase {
  doc: number;
  mutations: Parameters<typeof mutate>[1];
  edits: Parameters<typeof editText>[1];
}

export const target: FuzzTarget<ExperimentCase> = {
  name: "experiment file",
  arbitrary: fc.record({
    doc: fc.nat(),
    mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }),
    edits: fc.oneof({ weight: 4, arbitrary: fc.constant<ExperimentCase["edits"]>([]) }, { weight: 1, arbitrary: fc.array(textEdit, { minLength: 1, maxLength: 3 }) }),
  }),
  async run(c) {
    const doc = mutate(docs[c.doc % docs.length], c.mutations);
    const text = editText(JSON.stringify(doc) ?? "", c.edits);
    const exp = await experimentFromText(text, "experiment file fuzz.json");
    canonicalJson(exp);
    const s = exp.sweep;
    if (s) {
      let points = (s.random?.samples ?? 1) * (s.seeds?.length ?? 1);
      for (const a of s.grid) points *= a.values.length;
      if (points <= 2000) enumeratePoints(exp);
    }
  },
  show: (c) => editText(JSON.stringify(mutate(docs[c.doc % docs.length], c.mutations)) ?? "", c.edits).slice(0, 4000),
};

await runIfMain(import.meta.url, target);
