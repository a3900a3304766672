/**
 * Fuzzes the privacy-target parser of `chaff tune --target` (`sim/sweep/target.ts`; read
 * only here): the grammar with odd FPRs and bounds, spaces, exponents, and arbitrary
 * strings. Its own validation error is an Error whose message starts with
 * `--target = ` (the tune command turns it into an InputError). An accepted target must
 * have a bound from 0 to 1 and an FPR in (0, 1), and print back to a target that parses
 * to the same thing.
 *
 *   npx tsx bench/fuzz/target.ts [--cases N] [--seed S]     (default 100000)
 */
import fc from "fast-check";
import { meetsTarget, parseTarget } from "../../sim/sweep/target.ts";
import { InputError } from "../../sim/core/validation.ts";
import { runIfMain, type FuzzTarget } from "./_harness.ts";

const numText = fc.oneof(fc.constantFrom("0", "1", "0.05", "1e-3", "1E-3", "0.001", "-0", "1e-400", "1e400", "2", "-1", ".", "e", "+", "1..2", "0x1", "NaN", ""), fc.double({ noNaN: true }).map(String));
const figure = fc.oneof(fc.constantFrom("auc", "top1", "top5", "tpr", "tpr@", "AUC", "top10"), numText.map((n) => `tpr@${n}`));
const spec = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(fc.constantFrom("", " "), figure, fc.constantFrom("<=", "<", ">=", "=", " <= "), numText, fc.constantFrom("", " ")).map((p) => p.join("")) },
  { weight: 1, arbitrary: fc.string({ maxLength: 24 }) },
);

export const target: FuzzTarget<string> = {
  name: "tune target",
  arbitrary: spec,
  expected: (e) => e instanceof InputError || (e instanceof Error && e.constructor === Error && e.message.startsWith("--target = ")),
  run(s) {
    const t = parseTarget(s);
    if (!(t.bound >= 0 && t.bound <= 1)) throw new Error(`accepted bound ${t.bound}`);
    const again = parseTarget(t.text);
    if (again.metric !== t.metric || again.op !== t.op || again.bound !== t.bound) throw new Error(`${JSON.stringify(t.text)} does not parse back to itself`);
    meetsTarget(t, 0.5);
    meetsTarget(t, null);
  },
};

await runIfMain(import.meta.url, target);
