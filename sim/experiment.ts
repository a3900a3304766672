/**
 * An experiment, as data: one validated JSON document says everything a run does.
 *
 * population × conversation mix × network path × defenses (a shaper per side, with
 * budgets) × observers × seed. Nothing is implied by code paths: defaults are written
 * into the parsed experiment, and the parsed experiment is what the manifest records.
 *
 * Validation happens in two passes, both before any work starts: the zod schema
 * (shape, types, ranges, unknown keys), then each named component's own parameter
 * schema (shapers, conversation models, observers) looked up in its registry. Every
 * problem becomes one line naming the path, the value and what was expected.
 */
import { z } from "zod";
import { loadObservers } from "../observers/registry.ts";
import { VANTAGES } from "../observers/observer.ts";
import { loadShapers } from "../shapers/registry.ts";
import { budgetSchema } from "./budget.ts";
import { loadConversationModels } from "./conversations/registry.ts";
import { networkSchema } from "./network.ts";
import { populationSchema } from "./population.ts";
import { transportSchema } from "./transport.ts";

const params = z.record(z.string(), z.unknown()).default({}).describe("parameters; see `chaff shapers` / `chaff observers`");

const sideSchema = z
  .object({
    shaper: z.string().min(1).describe("shaper name (chaff shapers lists them)"),
    params,
    budget: budgetSchema.optional(),
  })
  .strict();

export const defenseSchema = z
  .object({
    name: z.string().min(1).max(64).regex(/^[A-Za-z0-9._-]+$/, "expected letters, digits, '.', '_' or '-'"),
    device: sideSchema.default({ shaper: "none", params: {} }),
    server: sideSchema.default({ shaper: "none", params: {} }),
  })
  .strict();

export const observerUseSchema = z
  .object({
    observer: z.string().min(1).describe("observer name (chaff observers lists them)"),
    vantage: z.enum(VANTAGES).optional().describe("where it sits; default: the observer's own"),
    params,
  })
  .strict();

export const limitsSchema = z
  .object({
    maxUsers: z.number().int().positive().default(20_000),
    maxDurationSeconds: z.number().positive().default(7 * 24 * 3600),
    maxEvents: z.number().int().positive().default(2_000_000_000),
  })
  .strict()
  .prefault({});

export const experimentSchema = z
  .object({
    $schema: z.string().optional(),
    name: z.string().min(1).max(80).regex(/^[A-Za-z0-9._-]+$/, "expected letters, digits, '.', '_' or '-'"),
    purpose: z.string().min(1).describe("one line: what this experiment is for"),
    seed: z.number().int().min(0).max(2 ** 32 - 1).default(1),
    durationSeconds: z.number().positive().max(30 * 24 * 3600).default(3600),
    population: populationSchema,
    conversations: z
      .array(z.object({ model: z.string().min(1), params }).strict())
      .min(1)
      .default([{ model: "messaging", params: {} }]),
    transport: transportSchema.prefault({}),
    network: networkSchema.prefault({}),
    defenses: z.array(defenseSchema).min(1),
    observers: z.array(observerUseSchema).min(1),
    radio: z.enum(["lte", "nr5g"]).default("lte").describe("radio power model for energy cost"),
    metrics: z
      .object({
        resamples: z.number().int().min(50).max(100_000).default(1000).describe("bootstrap resamples"),
        level: z.number().gt(0).lt(1).default(0.95).describe("confidence level"),
        fprs: z.array(z.number().gt(0).lt(1)).min(1).default([1e-2, 1e-3, 1e-4]),
      })
      .strict()
      .prefault({}),
    traceUsers: z.array(z.number().int().min(0)).default([0]).describe("users whose traffic is kept in full for timelines"),
    limits: limitsSchema,
  })
  .strict();

export type Experiment = z.infer<typeof experimentSchema>;
export type ExperimentInput = z.input<typeof experimentSchema>;
export type Defense = z.infer<typeof defenseSchema>;

/** Thrown with one line per problem; the CLI prints them and exits 2. */
export class ExperimentError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join("\n"));
    this.problems = problems;
    this.name = "ExperimentError";
  }
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const k of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

function formatPath(path: readonly PropertyKey[]): string {
  let s = "";
  for (const k of path) s += typeof k === "number" ? `[${k}]` : s ? `.${String(k)}` : String(k);
  return s || "(experiment)";
}

function show(v: unknown): string {
  if (v === undefined) return "missing";
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** Formats zod issues as "path = value: expected ..." lines, relative to `prefix`. */
export function issueLines(issues: readonly z.core.$ZodIssue[], root: unknown, prefix: readonly PropertyKey[] = []): string[] {
  return issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => {
        const path = [...prefix, ...issue.path, key];
        return `${formatPath(path)} = ${show(valueAt(root, [...issue.path, key]))}: unknown key; check the spelling against \`chaff schema\``;
      });
    }
    const path = [...prefix, ...issue.path];
    return [`${formatPath(path)} = ${show(valueAt(root, issue.path))}: ${issue.message}`];
  });
}

/**
 * Parses and fully validates an experiment, including every component's parameters.
 * Returns the experiment with all defaults filled in. Throws ExperimentError listing
 * every problem.
 */
export async function parseExperiment(raw: unknown): Promise<Experiment> {
  const parsed = experimentSchema.safeParse(raw);
  if (!parsed.success) throw new ExperimentError(issueLines(parsed.error.issues, raw));
  const exp = parsed.data;
  const problems: string[] = [];
  const [shapers, models, observers] = await Promise.all([loadShapers(), loadConversationModels(), loadObservers()]);

  exp.conversations.forEach((c, i) => {
    const def = models.get(c.model);
    if (!def) {
      problems.push(`conversations[${i}].model = ${show(c.model)}: unknown model; expected one of ${[...models.keys()].join(", ")}`);
      return;
    }
    const r = def.schema.safeParse(c.params);
    if (r.success) c.params = r.data as Record<string, unknown>;
    else problems.push(...issueLines(r.error.issues, c.params, ["conversations", i, "params"]));
  });

  const names = new Set<string>();
  exp.defenses.forEach((d, i) => {
    if (names.has(d.name)) problems.push(`defenses[${i}].name = ${show(d.name)}: expected a name not used by another defense`);
    names.add(d.name);
    for (const side of ["device", "server"] as const) {
      const s = d[side];
      const def = shapers.get(s.shaper);
      if (!def) {
        problems.push(`defenses[${i}].${side}.shaper = ${show(s.shaper)}: unknown shaper; expected one of ${[...shapers.keys()].join(", ")}`);
        continue;
      }
      const r = def.schema.safeParse(s.params);
      if (r.success) s.params = r.data as Record<string, unknown>;
      else problems.push(...issueLines(r.error.issues, s.params, ["defenses", i, side, "params"]).map((l) => `${l} (shaper "${def.name}")`));
    }
  });

  exp.observers.forEach((o, i) => {
    const def = observers.get(o.observer);
    if (!def) {
      problems.push(`observers[${i}].observer = ${show(o.observer)}: unknown observer; expected one of ${[...observers.keys()].join(", ")}`);
      return;
    }
    const vantage = o.vantage ?? def.vantage;
    if (!def.vantages.includes(vantage)) {
      problems.push(`observers[${i}].vantage = ${show(vantage)}: observer "${def.name}" works at ${def.vantages.join(", ")}`);
    }
    if (vantage === "vpn-exit" && !exp.transport.vpn) problems.push(`observers[${i}].vantage = "vpn-exit": expected transport.vpn to be set (no VPN, no VPN exit)`);
    o.vantage = vantage;
    const r = def.schema.safeParse(o.params);
    if (r.success) o.params = r.data as Record<string, unknown>;
    else problems.push(...issueLines(r.error.issues, o.params, ["observers", i, "params"]));
  });

  const users = (exp.population as { users?: number }).users ?? 0;
  if (users > exp.limits.maxUsers) problems.push(`population.users = ${users}: expected at most limits.maxUsers (${exp.limits.maxUsers})`);
  if (exp.durationSeconds > exp.limits.maxDurationSeconds) {
    problems.push(`durationSeconds = ${exp.durationSeconds}: expected at most limits.maxDurationSeconds (${exp.limits.maxDurationSeconds})`);
  }
  exp.traceUsers.forEach((u, i) => {
    if (u >= users) problems.push(`traceUsers[${i}] = ${u}: expected a user index below population.users (${users})`);
  });
  if (problems.length > 0) throw new ExperimentError(problems);
  return exp;
}

/** The JSON Schema of an experiment file, for editors and auditors. */
export function experimentJsonSchema(): unknown {
  return z.toJSONSchema(experimentSchema, { io: "input", unrepresentable: "any" });
}
