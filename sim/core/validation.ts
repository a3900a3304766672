/**
 * One path for bad input: every check in chaff ends in an `InputError` holding one line
 * per problem, each naming where (a path such as `defenses[2].device.params.rate`), the
 * value found and what was expected. The CLI prints the lines and exits 2.
 *
 * Zod issues become such lines here and nowhere else (`issueLines`, `parseWith`), values
 * print one way (`showValue`: JSON, shortened, with NaN and ±Infinity as themselves and
 * a missing value as "missing"), and an unknown name gets a "did you mean" from the
 * names it could have been (`unknownName`, by Damerau–Levenshtein distance).
 *
 * @example
 * parseWith(z.object({ rate: z.number().positive() }).strict(), { rate: -1 }, "shaper \"x\" parameter ")
 * // throws InputError: ["shaper \"x\" parameter rate = -1: Too small: expected number to be >0"]
 * unknownName("shaper", "defenses[0].device.shaper", "padmee", ["padme", "none"])
 * // => 'defenses[0].device.shaper = "padmee": unknown shaper; did you mean "padme"? (expected one of padme, none)'
 */
import type { z } from "zod";

/** Bad input, one line per problem. The CLI prints each line and exits with code 2. */
export class InputError extends Error {
  readonly problems: string[];
  constructor(problems: readonly string[] | string) {
    const list = typeof problems === "string" ? [problems] : [...problems];
    super(list.join("\n"));
    this.problems = list;
    this.name = "InputError";
  }
}

/** Longest value a problem line prints before shortening it with "...". */
const MAX_SHOWN = 60;

/** A value as a problem line shows it: JSON, shortened; NaN and ±Infinity as themselves. */
export function showValue(v: unknown): string {
  if (v === undefined) return "missing";
  if (typeof v === "number" && !Number.isFinite(v)) return String(v);
  if (typeof v === "bigint") return `${v}n`;
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = Object.prototype.toString.call(v);
  }
  return s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN - 3)}...` : s;
}

/** `a.b[2].c` from keys; `(root)` names the whole value. */
export function formatKeys(path: readonly PropertyKey[], root = "(root)"): string {
  let s = "";
  for (const k of path) s += typeof k === "number" ? `[${k}]` : s ? `.${String(k)}` : String(k);
  return s || root;
}

/** The value at `path` inside `root`, or undefined when the path leads nowhere. Own keys only. */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const k of path) {
    if (v === null || typeof v !== "object" || !Object.prototype.hasOwnProperty.call(v, k)) return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/**
 * The value an issue is about: the raw input's, or, when the input left it out and a
 * cross-field check (`superRefine`) refused the default it got, that default as the check
 * passed it in `params.value` ("8 (the default)" rather than "missing").
 */
function shownValue(issue: z.core.$ZodIssue, raw: unknown): string {
  const params = issue.code === "custom" ? (issue.params as { value?: unknown } | undefined) : undefined;
  if (raw === undefined && params && "value" in params) return `${showValue(params.value)} (the default)`;
  return showValue(raw);
}

/**
 * Zod issues as problem lines `<label><path> = <value>: <message>`, the path relative to
 * `prefix` and the value looked up in `root` (the raw input the schema saw). Unknown keys
 * get a line each.
 */
export function issueLines(issues: readonly z.core.$ZodIssue[], root: unknown, prefix: readonly PropertyKey[] = [], label = ""): string[] {
  const where = (p: readonly PropertyKey[]) => `${label}${formatKeys([...prefix, ...p], prefix.length || label ? "(parameters)" : "(root)")}`;
  return issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => `${where([...issue.path, key])} = ${showValue(valueAt(root, [...issue.path, key]))}: unknown key; check the spelling against \`chaff schema\``);
    }
    return [`${where(issue.path)} = ${shownValue(issue, valueAt(root, issue.path))}: ${issue.message}`];
  });
}

/** Parses `raw` with `schema` or throws an InputError whose lines start with `label`. */
export function parseWith<T>(schema: z.ZodType<T>, raw: unknown, label = "", prefix: readonly PropertyKey[] = []): T {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  throw new InputError(issueLines(r.error.issues, raw, prefix, label));
}

/** Edit distance with adjacent transpositions (optimal string alignment). */
function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  const d: number[][] = Array.from({ length: m + 1 }, (_, i) => Array.from({ length: n + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[m][n];
}

/** The closest of `names` to `name` when it is close enough to be a typo (distance ≤ 1/3 of its length, at least 1). */
export function closestName(name: string, names: Iterable<string>): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  const lower = name.toLowerCase();
  for (const n of names) {
    const dist = editDistance(lower, n.toLowerCase());
    if (dist < bestD) {
      best = n;
      bestD = dist;
    }
  }
  return best !== null && bestD <= Math.max(1, Math.floor(name.length / 3)) ? best : null;
}

/** The problem line for an unknown component name, with a "did you mean" when one is close. */
export function unknownName(kind: string, where: string, name: unknown, names: readonly string[]): string {
  const guess = typeof name === "string" ? closestName(name, names) : null;
  const hint = guess ? `did you mean ${JSON.stringify(guess)}? ` : "";
  return `${where} = ${showValue(name)}: unknown ${kind}; ${hint}(expected one of ${names.join(", ")})`;
}
