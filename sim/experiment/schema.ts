/**
 * An experiment, as data: the schema of the one JSON document that says everything a
 * run does — population × conversation mix × transport and network path × defenses (a
 * shaper per side, with budgets) × observers × seed, and optionally a sweep or a tune
 * section. Nothing is implied by code paths: defaults are written into the parsed
 * experiment, and the parsed experiment is what the manifest records.
 *
 * This file is the shape only (zod, strict objects, ranges, published JSON Schema);
 * `parse.ts` checks the named components and the cross-field rules in the same pass.
 *
 * @example
 * experimentSchema.parse({ name: "x", purpose: "y", defenses: [{ name: "none" }], observers: [{ observer: "volume-correlation" }], population: { users: 10 } })
 */
import { z } from "zod";
import { VANTAGES } from "../../observers/observer.ts";
import { budgetSchema } from "../engine/budget.ts";
import { pathSyntaxProblem } from "../sweep/param-path.ts";
import { networkSchema } from "../world/network.ts";
import { policySchema } from "../world/policy.ts";
import { populationSchema } from "../world/population.ts";
import { topologySchema } from "../world/topology.ts";
import { transportSchema } from "../world/transport.ts";
import { recordedSchema } from "./recorded.ts";

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
    // Defaults holding objects are functions: zod copies a default value only one level
    // deep, so a parse that fills a default side's params in place would write into the
    // schema itself, and every later parse (and `chaff schema`) in that process would see it.
    device: sideSchema.default(() => ({ shaper: "none", params: {} })),
    server: sideSchema.default(() => ({ shaper: "none", params: {} })),
  })
  .strict();

export const observerUseSchema = z
  .object({
    observer: z.string().min(1).describe("observer name (chaff observers lists them)"),
    vantage: z.enum(VANTAGES).optional().describe("where it sits; default: the observer's own"),
    scope: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .describe("which instance of the vantage (needs a topology): an access network's name at local, an ISP's at isp, exit-<k> at vpn-exit; default: every instance at once (colluding)"),
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

const pathSchema = z.string().superRefine((p, ctx) => {
  const problem = pathSyntaxProblem(p);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/**
 * What an axis or a tunable range sets: one path, or several that move together, each
 * set to the axis's value (a tied axis: the device and server rate of one defense).
 */
const axisPathSchema = z
  .union([pathSchema, z.array(pathSchema).min(1).max(16)])
  .describe('a parameter path, or a list of paths set together to the same value (a tied axis), e.g. ["defenses[1].device.params.coverRate", "defenses[1].server.params.coverRate"]');

/** Keys a sweep may not vary: they name the experiment, or are the sweep itself (seeds go in `sweep.seeds`). */
export const FIXED_KEYS = new Set(["$schema", "name", "purpose", "notes", "seed", "sweep", "tune"]);

/** A numeric range for random samples or tuning: uniform on [min, max], or log-uniform. */
export const rangeSchema = z
  .object({
    path: axisPathSchema,
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
            path: axisPathSchema,
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
    params: z.array(rangeSchema).min(1).max(25).describe("tunable ranges; paths inside the defense, e.g. device.params.coverRate, or a tied list such as [\"device.params.coverRate\", \"server.params.coverRate\"]"),
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
      .default(() => [{ model: "messaging", params: {} }]),
    transport: transportSchema.prefault({}),
    network: networkSchema.prefault({}),
    topology: topologySchema.optional().describe("access networks, ISPs and VPN exits the users are placed on (default: one scope holding every user, one VPN exit per user)"),
    policy: policySchema.optional().describe("the network policy: DNS, SNI, addressing, VPN and proxy (what each vantage sees of network metadata; default: no metadata world, traffic only)"),
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
    recorded: recordedSchema.optional(),
  })
  .strict();

export type Experiment = z.infer<typeof experimentSchema>;
export type ExperimentInput = z.input<typeof experimentSchema>;
export type Defense = z.infer<typeof defenseSchema>;
export type Sweep = z.infer<typeof sweepSchema>;
export type Tune = z.infer<typeof tuneSchema>;
export type Range = z.infer<typeof rangeSchema>;

/** The JSON Schema of an experiment file, for editors and auditors. */
export function experimentJsonSchema(): unknown {
  return z.toJSONSchema(experimentSchema, { io: "input", unrepresentable: "any" });
}
