/**
 * Fuzzes rows files, as `chaff sweep` (resume) and `chaff collect` read them
 * (`parseRows` in `sim/sweep/rows-file.ts`, `checkRows` in `sim/sweep/collect.ts`): the
 * complete rows of a small sweep, then lines dropped, duplicated, swapped, truncated,
 * rows of another experiment mixed in, rows edited as JSON (nasty values, prototype
 * keys, deep nesting), bytes flipped, and arbitrary bytes.
 *
 *   npx tsx bench/fuzz/rows-file.ts [--cases N] [--seed S]     (default 100000)
 */
import fc from "fast-check";
import { canonicalJson } from "../../sim/core/canonical-json.ts";
import { parseExperiment } from "../../sim/experiment/parse.ts";
import { checkRows } from "../../sim/sweep/collect.ts";
import { enumeratePoints, type PointSpec } from "../../sim/sweep/plan.ts";
import { parseRows } from "../../sim/sweep/rows-file.ts";
import { mutate, mutation, runIfMain, type FuzzTarget } from "./_harness.ts";

const doc = (name: string, users: number) => ({
  name,
  purpose: "rows fuzz",
  durationSeconds: 60,
  population: { users },
  defenses: [{ name: "none" }],
  observers: [{ observer: "volume-correlation", vantage: "isp" }],
  sweep: { grid: [{ path: "population.contactsPerUser", values: [1, 2, 3] }], seeds: [1, 2] },
});

const points = enumeratePoints(await parseExperiment(doc("rows", 12)));
const foreign = enumeratePoints(await parseExperiment(doc("other", 14)));

function row(p: PointSpec): string {
  const metrics = [{ defense: "none", observer: "volume-correlation@isp", metric: "auc", estimate: 0.5, lo: 0.4, hi: 0.6 }];
  return `${canonicalJson({ experimentName: p.experimentName, baseHash: p.baseHash, id: p.id, index: p.index, config: p.config, seed: p.seed, params: p.params, metrics })}\n`;
}

const valid = points.map(row);
const alien = foreign.map(row);

type Edit =
  | { kind: "drop" | "dup"; at: number }
  | { kind: "swap"; a: number; b: number }
  | { kind: "foreign"; at: number; which: number }
  | { kind: "json"; at: number; m: Parameters<typeof mutate>[1] }
  | { kind: "cut"; at: number; keep: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constantFrom("drop" as const, "dup" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("swap" as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant("foreign" as const), at: fc.nat(), which: fc.nat() }),
  fc.record({ kind: fc.constant("json" as const), at: fc.nat(), m: fc.array(mutation, { minLength: 1, maxLength: 2 }) }),
  fc.record({ kind: fc.constant("cut" as const), at: fc.nat(), keep: fc.nat({ max: 400 }) }),
);

export interface RowsCase {
  edits: Edit[];
  flips: { at: number; byte: number }[];
  junk: Uint8Array | null;
}

export function build(c: RowsCase): Buffer {
  if (c.junk) return Buffer.from(c.junk);
  let lines = [...valid];
  for (const e of c.edits) {
    const n = Math.max(1, lines.length);
    if (e.kind === "drop") lines.splice(e.at % n, 1);
    else if (e.kind === "dup") lines.splice(e.at % n, 0, lines[e.at % n] ?? valid[0]);
    else if (e.kind === "swap") [lines[e.a % n], lines[e.b % n]] = [lines[e.b % n], lines[e.a % n]];
    else if (e.kind === "foreign") lines.splice(e.at % n, 0, alien[e.which % alien.length]);
    else if (e.kind === "json") {
      const i = e.at % n;
      let parsed: unknown;
      try {
        parsed = JSON.parse(lines[i] ?? valid[0]);
      } catch {
        continue;
      }
      lines[i] = `${JSON.stringify(mutate(parsed, e.m)) ?? "null"}\n`;
    } else if (e.kind === "cut") lines = [...lines.slice(0, e.at % n), (lines[e.at % n] ?? "").slice(0, e.keep)];
    lines = lines.filter((l) => l !== undefined);
  }
  const buf = Buffer.from(lines.join(""), "utf8");
  for (const f of c.flips) if (buf.length > 0) buf[f.at % buf.length] = f.byte;
  return buf;
}

export const target: FuzzTarget<RowsCase> = {
  name: "rows file",
  arbitrary: fc.record({
    edits: fc.array(edit, { maxLength: 4 }),
    flips: fc.oneof({ weight: 4, arbitrary: fc.constant<RowsCase["flips"]>([]) }, { weight: 1, arbitrary: fc.array(fc.record({ at: fc.nat(), byte: fc.nat({ max: 255 }) }), { minLength: 1, maxLength: 3 }) }),
    junk: fc.oneof({ weight: 9, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }) }),
  }),
  run(c) {
    const bytes = build(c);
    const r = parseRows(bytes, "rows.jsonl");
    if (r.goodBytes + r.tornBytes !== bytes.length) throw new Error("parseRows lost bytes");
    checkRows(points, [{ name: "rows.jsonl", bytes }], "fuzz");
  },
  show: (c) => build(c).toString("utf8"),
};

await runIfMain(import.meta.url, target);
