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
import { loadObservers } from "./registries.ts";
import { VANTAGES } from "../../observers/observer.ts";
import { loadShapers } from "./registries.ts";
import { budgetSchema } from "../engine/budget.ts";
import { loadConversationModels } from "./registries.ts";
import { networkSchema } from "../world/network.ts";
import { formatPath as formatKeys, tryParsePath } from "../sweep/param-path.ts";
import { populationSchema } from "../world/population.ts";
import { transportSchema } from "../world/transport.ts";
import { InputError, issueLines, showValue as show } from "../core/validation.ts";

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

const seedSchema = z.number().int().min(0).max(2 ** 32 - 1);

const pathSchema = z
  .string()
  .refine((p) => tryParsePath(p) !== null, "expected a parameter path such as defenses[1].device.params.coverRate");

/** Keys a sweep may not vary: they name the experiment, or are the sweep itself (seeds go in `sweep.seeds`). */
const FIXED_KEYS = new Set(["$schema", "name", "purpose", "notes", "seed", "sweep", "tune"]);

/** A numeric range for random samples or tuning: uniform on [min, max], or log-uniform. */
export const rangeSchema = z
  .object({
    path: pathSchema,
    min: z.number().describe("smallest value"),
    max: z.number().describe("largest value"),
    scale: z.enum(["linear", "log"]).default("linear").describe("linear: uniform in value; log: uniform in log(value)"),
    integer: z.boolean().default(false).describe("round to an integer"),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (!(r.max > r.min)) ctx.addIssue({ code: "custom", path: ["max"], message: `expected max > min (${r.min})` });
    if (r.scale === "log" && !(r.min > 0)) ctx.addIssue({ code: "custom", path: ["min"], message: "expected min > 0 for a log scale" });
    if (r.integer && Math.ceil(r.min) > Math.floor(r.max)) ctx.addIssue({ code: "custom", path: ["max"], message: `expected an integer between min and max` });
  });

export const sweepSchema = z
  .object({
    grid: z
      .array(
        z
          .object({
            path: pathSchema,
            values: z.array(z.json()).min(1).describe("the values this axis takes, in order"),
          })
          .strict(),
      )
      .default([])
      .describe("axes crossed as a full grid, first axis slowest"),
    random: z
      .object({
        samples: z.number().int().min(1).max(100_000).describe("how many random draws over the ranges"),
        axes: z.array(rangeSchema).min(1),
      })
      .strict()
      .optional()
      .describe("ranges sampled together (seeded by the experiment seed), crossed with the grid"),
    seeds: z.array(seedSchema).min(1).optional().describe("each point runs once per seed (default: the experiment seed)"),
  })
  .strict()
  .describe("a sweep: grid × random samples × seeds, each point a full run of the experiment");

export const tuneSchema = z
  .object({
    defense: z.string().min(1).describe("name of the defense whose parameters are searched"),
    params: z.array(rangeSchema).min(1).max(25).describe("tunable ranges; paths inside the defense, e.g. device.params.coverRate"),
    candidates: z.number().int().min(2).max(10_000).default(27).describe("configurations in the initial quasi-random design"),
    eta: z.number().int().min(2).max(16).default(3).describe("successive halving keeps the best 1/eta at each rung"),
    rungs: z
      .array(
        z
          .object({
            durationSeconds: z.number().positive().optional().describe("simulated time per evaluation (default: scaled from the experiment)"),
            users: z.number().int().min(2).optional().describe("population size (default: the experiment's)"),
            seeds: z.array(seedSchema).min(1).optional().describe("seeds each surviving configuration is run with"),
          })
          .strict(),
      )
      .min(1)
      .max(12)
      .optional()
      .describe("budgets, smallest first (default: three rungs at 1/eta², 1/eta and all of durationSeconds)"),
  })
  .strict()
  .describe("a search for the cheapest parameters of one defense meeting a privacy target (chaff tune)");

export const experimentSchema = z
  .object({
    $schema: z.string().optional(),
    name: z.string().min(1).max(80).regex(/^[A-Za-z0-9._-]+$/, "expected letters, digits, '.', '_' or '-'"),
    purpose: z.string().min(1).describe("one line: what this experiment is for"),
    notes: z.array(z.string()).optional().describe("free text: how this experiment was made (e.g. by chaff tune)"),
    seed: seedSchema.default(1),
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
    sweep: sweepSchema.optional(),
    tune: tuneSchema.optional(),
  })
  .strict();

export type Experiment = z.infer<typeof experimentSchema>;
export type ExperimentInput = z.input<typeof experimentSchema>;
export type Defense = z.infer<typeof defenseSchema>;
export type Sweep = z.infer<typeof sweepSchema>;
export type Tune = z.infer<typeof tuneSchema>;
export type Range = z.infer<typeof rangeSchema>;

/**
 * Parses and fully validates an experiment, including every component's parameters.
 * Returns the experiment with all defaults filled in. Throws InputError listing
 * every problem.
 */
export async function parseExperiment(raw: unknown): Promise<Experiment> {
  const parsed = experimentSchema.safeParse(raw);
  if (!parsed.success) throw new InputError(issueLines(parsed.error.issues, raw));
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
  problems.push(...sweepProblems(exp), ...tuneProblems(exp));
  if (problems.length > 0) throw new InputError(problems);
  return exp;
}

/** At most this many sweep points: beyond it, split the experiment. */
export const MAX_SWEEP_POINTS = 1_000_000;

function duplicates(values: readonly unknown[]): unknown[] {
  const seen = new Set<string>();
  const dup: unknown[] = [];
  for (const v of values) {
    const k = JSON.stringify(v);
    if (seen.has(k)) dup.push(v);
    seen.add(k);
  }
  return dup;
}

/** Static checks of the sweep section; each point is validated as a whole experiment by `planSweep`. */
function sweepProblems(exp: Experiment): string[] {
  const s = exp.sweep;
  if (!s) return [];
  const problems: string[] = [];
  const axes = [
    ...s.grid.map((a, i) => ({ path: a.path, at: `sweep.grid[${i}].path` })),
    ...(s.random?.axes ?? []).map((a, i) => ({ path: a.path, at: `sweep.random.axes[${i}].path` })),
  ];
  const seen = new Set<string>();
  for (const { path, at } of axes) {
    const keys = tryParsePath(path) ?? [];
    const canonical = formatKeys(keys);
    if (FIXED_KEYS.has(String(keys[0]))) {
      problems.push(`${at} = ${show(path)}: expected a path outside ${[...FIXED_KEYS].join(", ")} (vary seeds with sweep.seeds)`);
    }
    if (seen.has(canonical)) problems.push(`${at} = ${show(path)}: expected each path once across the sweep's axes`);
    seen.add(canonical);
  }
  s.grid.forEach((a, i) => {
    for (const d of duplicates(a.values)) problems.push(`sweep.grid[${i}].values = ${show(a.values)}: expected distinct values (${show(d)} repeats)`);
  });
  for (const d of duplicates(s.seeds ?? [])) problems.push(`sweep.seeds = ${show(s.seeds)}: expected distinct seeds (${show(d)} repeats)`);
  let points = (s.random?.samples ?? 1) * (s.seeds?.length ?? 1);
  for (const a of s.grid) points *= a.values.length;
  if (points > MAX_SWEEP_POINTS) problems.push(`sweep = ${points} points: expected at most ${MAX_SWEEP_POINTS}; split the sweep`);
  return problems;
}

/** Rung budgets of a tune section with defaults filled in. */
export function tuneRungs(exp: Experiment): { durationSeconds: number; users: number; seeds: number[] }[] {
  const t = exp.tune;
  if (!t) return [];
  const users = (exp.population as { users: number }).users;
  if (t.rungs) {
    return t.rungs.map((r) => ({ durationSeconds: r.durationSeconds ?? exp.durationSeconds, users: r.users ?? users, seeds: r.seeds ?? [exp.seed] }));
  }
  const n = 3;
  return Array.from({ length: n }, (_, k) => ({
    durationSeconds: exp.durationSeconds / t.eta ** (n - 1 - k),
    users,
    seeds: k === n - 1 ? [exp.seed, (exp.seed + 1) % 2 ** 32] : [exp.seed],
  }));
}

function tuneProblems(exp: Experiment): string[] {
  const t = exp.tune;
  if (!t) return [];
  const problems: string[] = [];
  if (!exp.defenses.some((d) => d.name === t.defense)) {
    problems.push(`tune.defense = ${show(t.defense)}: expected one of the defenses (${exp.defenses.map((d) => d.name).join(", ")})`);
  }
  const seen = new Set<string>();
  t.params.forEach((r, i) => {
    const keys = tryParsePath(r.path) ?? [];
    if (keys[0] !== "device" && keys[0] !== "server") {
      problems.push(`tune.params[${i}].path = ${show(r.path)}: expected a path inside the defense starting with device. or server. (e.g. device.params.coverRate)`);
    }
    const canonical = formatKeys(keys);
    if (seen.has(canonical)) problems.push(`tune.params[${i}].path = ${show(r.path)}: expected each path once`);
    seen.add(canonical);
  });
  tuneRungs(exp).forEach((r, i) => {
    if (r.durationSeconds > exp.limits.maxDurationSeconds) {
      problems.push(`tune.rungs[${i}].durationSeconds = ${r.durationSeconds}: expected at most limits.maxDurationSeconds (${exp.limits.maxDurationSeconds})`);
    }
    if (r.users > exp.limits.maxUsers) problems.push(`tune.rungs[${i}].users = ${r.users}: expected at most limits.maxUsers (${exp.limits.maxUsers})`);
    const u = r.users;
    if (exp.traceUsers.some((x) => x >= u)) problems.push(`tune.rungs[${i}].users = ${u}: expected more users than the largest traceUsers entry`);
  });
  return problems;
}

/** The JSON Schema of an experiment file, for editors and auditors. */
export function experimentJsonSchema(): unknown {
  return z.toJSONSchema(experimentSchema, { io: "input", unrepresentable: "any" });
}
