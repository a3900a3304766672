/**
 * Tuning: the cheapest parameters of one defense that meet a privacy target, found by
 * successive halving over a quasi-random design.
 *
 * **The search.** The experiment's `tune` section names a defense and the ranges of its
 * tunable parameters (paths inside the defense, e.g. `device.params.coverRate`, each
 * linear or log, optionally integer). A range whose `path` is a list is tied: every path
 * of it takes the range's value (the device and server rate of one defense), so it is
 * one dimension of the design.
 * 1. *Design*: `candidates` configurations from the Halton sequence (one prime base per
 *    parameter) under a Cranley–Patterson shift drawn from the stream `tune/design` of
 *    the experiment seed (`sim/sweep/halton.ts`), mapped onto the ranges (`valueInRange`).
 *    Every configuration is validated as a whole experiment before any work starts.
 * 2. *Successive halving* (Jamieson & Talwalkar, "Non-stochastic Best Arm Identification
 *    and Hyperparameter Optimization", AISTATS 2016; the rung schedule of Li et al.,
 *    "Hyperband", JMLR 18, 2018): rung 0 evaluates every configuration on the smallest
 *    budget (`tune.rungs[0]`: simulated duration, users, seeds); each later rung
 *    re-evaluates the best ⌈n/eta⌉ of the previous one on a larger budget. The default
 *    schedule is three rungs at 1/eta², 1/eta and all of `durationSeconds`, the last
 *    with two seeds.
 * 3. *Ranking* at a rung: a configuration meets the target on a seed only when the upper
 *    bound of the strongest observer's interval meets it (not the point estimate, which
 *    a search over many candidates flatters); configurations meeting it on every seed come first,
 *    cheapest first (the mean over seeds of the minimized cost); then the others, the
 *    most private first. Ties go to the earlier design point.
 * An evaluation runs only the tuned defense's arm (arms are independent: each arm's
 * numbers depend on the seed, the population and the defense alone).
 *
 * **Privacy** is the strongest observer's figure: the highest estimate of the target's
 * metric over all observers in the experiment. A figure the data cannot resolve (too few
 * negatives for the FPR) never meets the target. **Costs** are bandwidth overhead, the
 * p99 added latency (ms) and radio energy (J per device-hour).
 *
 * **Output.** Every evaluation; the Pareto front (privacy against bandwidth, latency and
 * energy, all minimized) at each rung; and the choice: the cheapest configuration at the
 * last rung meeting the target on every seed, with its claim (the figure and interval
 * at the last rung's first seed), the winner re-run on fresh seeds no rung used (with
 * whether the target still holds there), and a ready-to-run experiment (the base experiment with
 * the chosen parameters, the last rung's duration and users, that seed) whose `chaff
 * run` reproduces the claim.
 *
 * @example
 * const r = await tune({ experiment, target: parseTarget("auc<=0.6"), minimize: "bandwidth", workers: 4 });
 * r.choice?.params // => { "device.params.coverRate": 3.1 } (illustrative)
 */
import { canonicalJson } from "../core/canonical-json.ts";
import { parseExperiment } from "../experiment/parse.ts";
import { tuneRungs } from "../experiment/tune-section.ts";
import { type Experiment } from "../experiment/schema.ts";
import { InputError } from "../core/validation.ts";
import { haltonDesign } from "./halton.ts";
import { COST_METRICS, costRow, metricRows, strongestRow, type CostName, type MetricRow } from "../runs/metric-rows.ts";
import { axisLabel, axisPaths } from "./param-path.ts";
import { valueInRange } from "./param-range.ts";
import { paretoFront } from "./pareto.ts";
import { fmtNum, markdownTable } from "../report/text.ts";
import { stream } from "../core/rng.ts";
import { createRunPool } from "./pool.ts";
import { applyParams, baseOf } from "./plan.ts";
import { meetsTarget, type Target } from "./target.ts";

export interface Rung {
  durationSeconds: number;
  users: number;
  seeds: number[];
}

export interface Evaluation {
  config: number;
  rung: number;
  seed: number;
  privacy: MetricRow | null;
  costs: Record<CostName, MetricRow | null>;
}

export interface Score {
  config: number;
  /** Mean over seeds of the strongest observer's estimate; null when any seed could not resolve it. */
  privacy: number | null;
  costs: Record<CostName, number | null>;
  /** Every seed's privacy figure meets the target. */
  meets: boolean;
}

export interface TuneChoice {
  config: number;
  params: Record<string, number>;
  score: Score;
  /**
   * The winner re-run on fresh seeds that no rung of the search used: its figures there,
   * and whether the target's bound still holds on each (the search cannot have fitted
   * these seeds).
   */
  validation: { seeds: number[]; evaluations: Evaluation[]; meets: boolean };
  /** The figures at the last rung's first seed: what re-running `experiment` reproduces. */
  claim: { seed: number; privacy: MetricRow; cost: MetricRow | null; costs: Record<CostName, MetricRow | null> };
  experiment: Experiment;
}

export interface TuneResult {
  experiment: string;
  defense: string;
  target: Target;
  minimize: CostName;
  design: { method: string; candidates: number; eta: number; params: { path: string | string[]; min: number; max: number; scale: string; integer: boolean }[] };
  rungs: Rung[];
  configs: Record<string, number>[];
  evaluations: Evaluation[];
  /** Per rung: the configurations evaluated, ranked best first. */
  ranking: Score[][];
  /** Per rung: the Pareto front (configuration indices). */
  fronts: number[][];
  choice: TuneChoice | null;
}

export interface TuneOptions {
  experiment: Experiment;
  target: Target;
  minimize: CostName;
  workers: number;
  onProgress?: (done: number, total: number, label: string) => void;
}

const COSTS: CostName[] = ["bandwidth", "latency", "energy"];

/** The design: `n` parameter settings (canonical path → value; every path of a tied range), quasi-random over the ranges. */
export function tuneDesign(exp: Experiment): Record<string, number>[] {
  const t = exp.tune;
  if (!t) return [];
  const points = haltonDesign(t.candidates, t.params.length, stream(exp.seed, "tune/design"));
  return points.map((u) => {
    const p: Record<string, number> = {};
    t.params.forEach((r, d) => {
      const v = valueInRange(r, u[d]);
      for (const path of axisPaths(r.path)) p[path] = v;
    });
    return p;
  });
}

function mean(xs: readonly (number | null)[]): number | null {
  if (xs.some((x) => x === null) || xs.length === 0) return null;
  return (xs as number[]).reduce((a, b) => a + b, 0) / xs.length;
}

function rank(scores: Score[], minimize: CostName): Score[] {
  const big = (x: number | null) => (x === null ? Infinity : x);
  return [...scores].sort((a, b) => {
    if (a.meets !== b.meets) return a.meets ? -1 : 1;
    const ka = a.meets ? big(a.costs[minimize]) : big(a.privacy);
    const kb = b.meets ? big(b.costs[minimize]) : big(b.privacy);
    if (ka !== kb) return ka < kb ? -1 : 1;
    return a.config - b.config;
  });
}

function front(scores: Score[]): number[] {
  const pts = scores.map((s) => [s.privacy ?? NaN, s.costs.bandwidth ?? NaN, s.costs.latency ?? NaN, s.costs.energy ?? NaN]);
  return paretoFront(pts).map((i) => scores[i].config);
}

/** The experiment a configuration runs at a rung with a seed: only the tuned arm. */
function evaluationExperiment(validated: Experiment, rung: Rung, seed: number): Experiment {
  return {
    ...validated,
    seed,
    durationSeconds: rung.durationSeconds,
    population: { ...validated.population, users: rung.users },
  };
}

export async function tune(opts: TuneOptions): Promise<TuneResult> {
  const { experiment: exp, target, minimize } = opts;
  const t = exp.tune;
  if (!t) throw new InputError(["tune = missing: expected a tune section naming a defense and its tunable parameter ranges"]);
  const fprKeys = exp.metrics.fprs.map((f) => `tpr@${f.toExponential()}`);
  if (target.metric.startsWith("tpr@") && !fprKeys.includes(target.metric)) {
    throw new InputError([`--target = ${JSON.stringify(target.text)}: ${target.metric} is not computed by this experiment; expected one of ${fprKeys.join(", ")} (or add the FPR to metrics.fprs)`]);
  }
  const rungs = tuneRungs(exp);
  const last = rungs[rungs.length - 1];
  const base = baseOf(exp);
  const di = base.defenses.findIndex((d) => d.name === t.defense);
  const configs = tuneDesign(exp);

  // Validate every configuration as a whole experiment (only the tuned arm), before any work.
  const problems = new Set<string>();
  const validated: Experiment[] = [];
  for (const params of configs) {
    try {
      const defense = applyParams(base.defenses[di], params, "tune");
      const at = (r: Rung) => parseExperiment({ ...base, defenses: [defense], durationSeconds: r.durationSeconds, population: { ...base.population, users: r.users } });
      // Each rung's budget must make a valid experiment too (e.g. enough users for the contact graph).
      for (const r of rungs.slice(0, -1)) await at(r);
      validated.push(await at(last));
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      for (const p of e.problems) problems.add(`${p} (tune configuration ${canonicalJson(params)})`);
    }
  }
  if (problems.size > 0) throw new InputError([...problems]);

  // Planned evaluations, for progress.
  let survivors = configs.map((_, i) => i);
  let total = 0;
  {
    let n = survivors.length;
    rungs.forEach((r, k) => {
      total += n * r.seeds.length;
      if (k < rungs.length - 1) n = Math.max(1, Math.ceil(n / t.eta));
    });
  }

  const pool = createRunPool(Math.max(1, Math.min(opts.workers, configs.length * rungs[0].seeds.length)));
  const evaluate = (c: number, rung: Rung, k: number, seed: number): Promise<Evaluation> =>
    pool.run(evaluationExperiment(validated[c], rung, seed)).then((m) => {
      const rows = metricRows(m);
      const name = t.defense;
      const costs = Object.fromEntries(COSTS.map((n) => [n, costRow(rows, name, COST_METRICS[n])])) as Record<CostName, MetricRow | null>;
      return { config: c, rung: k, seed, privacy: strongestRow(rows, name, target.metric), costs };
    });
  const evaluations: Evaluation[] = [];
  const ranking: Score[][] = [];
  const fronts: number[][] = [];
  let done = 0;
  try {
    for (let k = 0; k < rungs.length; k++) {
      const rung = rungs[k];
      const jobs = survivors.flatMap((c) => rung.seeds.map((seed) => ({ c, seed })));
      const results = await Promise.all(
        jobs.map(({ c, seed }) =>
          evaluate(c, rung, k, seed).then((e) => {
            done++;
            opts.onProgress?.(done, total, `rung ${k + 1} of ${rungs.length}`);
            return e;
          }),
        ),
      );
      evaluations.push(...results);
      const scores: Score[] = survivors.map((c) => {
        const mine = results.filter((e) => e.config === c);
        return {
          config: c,
          privacy: mean(mine.map((e) => e.privacy?.estimate ?? null)),
          costs: Object.fromEntries(COSTS.map((n) => [n, mean(mine.map((e) => e.costs[n]?.estimate ?? null))])) as Record<CostName, number | null>,
          // met only when the interval's upper bound meets the target, on every seed: the point estimate after a search flatters the winner
          meets: mine.every((e) => meetsTarget(target, e.privacy?.hi ?? null)),
        };
      });
      const ranked = rank(scores, minimize);
      ranking.push(ranked);
      fronts.push(front(scores));
      if (k < rungs.length - 1) survivors = ranked.slice(0, Math.max(1, Math.ceil(ranked.length / t.eta))).map((s) => s.config).sort((a, b) => a - b);
    }
  } catch (e) {
    await pool.close();
    throw e;
  }

  const finalRank = ranking[ranking.length - 1];
  const best = finalRank.find((s) => s.meets && s.costs[minimize] !== null) ?? null;
  let validation: TuneChoice["validation"] = { seeds: [], evaluations: [], meets: false };
  try {
    if (best) {
      const seeds = freshSeeds(exp.seed, new Set(rungs.flatMap((r) => r.seeds)), Math.max(2, last.seeds.length));
      const evaluations = await Promise.all(seeds.map((seed) => evaluate(best.config, last, rungs.length, seed)));
      validation = { seeds, evaluations, meets: evaluations.every((e) => meetsTarget(target, e.privacy?.hi ?? null)) };
    }
  } finally {
    await pool.close();
  }
  let choice: TuneChoice | null = null;
  if (best) {
    const seed = last.seeds[0];
    const claimEval = evaluations.find((e) => e.rung === rungs.length - 1 && e.config === best.config && e.seed === seed) as Evaluation;
    const defenses = base.defenses.map((d, i) => (i === di ? applyParams(d, configs[best.config], "tune") : d));
    const experiment = await parseExperiment({ ...base, defenses, seed, durationSeconds: last.durationSeconds, population: { ...base.population, users: last.users } });
    choice = {
      config: best.config,
      params: configs[best.config],
      score: best,
      validation,
      claim: { seed, privacy: claimEval.privacy as MetricRow, cost: claimEval.costs[minimize], costs: claimEval.costs },
      experiment,
    };
  }
  return {
    experiment: exp.name,
    defense: t.defense,
    target,
    minimize,
    design: {
      method: `Halton sequence, Cranley–Patterson shift from stream tune/design of seed ${exp.seed}; successive halving keeping the best 1/${t.eta} per rung`,
      candidates: t.candidates,
      eta: t.eta,
      params: t.params.map((r) => ({ path: r.path, min: r.min, max: r.max, scale: r.scale, integer: r.integer })),
    },
    rungs,
    configs,
    evaluations,
    ranking,
    fronts,
    choice,
  };
}

/** `n` seeds drawn from the stream `tune/validation`, none of them in `used`. */
function freshSeeds(seed: number, used: ReadonlySet<number>, n: number): number[] {
  const rng = stream(seed, "tune/validation");
  const out: number[] = [];
  while (out.length < n) {
    const s = rng.int(0, 2 ** 32);
    if (!used.has(s) && !out.includes(s)) out.push(s);
  }
  return out;
}

function fmtParams(p: Record<string, number>): string {
  return Object.entries(p)
    .map(([k, v]) => `${k} = ${v}`)
    .join(", ");
}

function fmtRow(r: MetricRow | null, digits = 3): string {
  if (!r || r.estimate === null) return "not resolvable";
  return r.lo === null || r.hi === null ? fmtNum(r.estimate, digits) : `${fmtNum(r.estimate, digits)} [${fmtNum(r.lo, digits)}, ${fmtNum(r.hi, digits)}]`;
}

/** The experiment file `chaff tune` writes: name, purpose and notes first, then the experiment. */
export function tunedExperimentFile(r: TuneResult, sourceHash: string): Record<string, unknown> {
  const c = r.choice;
  if (!c) throw new Error("no configuration met the target; nothing to write");
  const { name: _n, purpose: _p, notes: _o, $schema, ...rest } = c.experiment;
  const rung = r.rungs[r.rungs.length - 1];
  return {
    $schema: $schema ?? "../../results/experiment.schema.json",
    name: `${r.experiment}-tuned`.slice(0, 80),
    purpose: `The cheapest ${r.defense} configuration chaff tune found meeting ${r.target.text} (strongest observer) while minimizing ${r.minimize}.`,
    notes: [
      `Made by chaff tune from experiment ${r.experiment} (hash ${sourceHash.slice(0, 12)}).`,
      `Search: ${r.design.candidates} configurations of ${r.design.params.map((p) => `${axisLabel(p.path)} in [${p.min}, ${p.max}] (${p.scale}${p.integer ? ", integer" : ""})`).join(", ")}; ${r.design.method}; ${r.rungs.length} rungs: ${r.rungs.map((x) => `${x.durationSeconds} s × ${x.users} users × ${x.seeds.length} seed(s)`).join(", ")}.`,
      `Chosen: ${fmtParams(c.params)}.`,
      `Claim at seed ${c.claim.seed}, ${rung.users} users, ${rung.durationSeconds} s: ${r.target.metric} of the strongest observer (${c.claim.privacy.observer}) = ${fmtRow(c.claim.privacy)}; ` +
        COSTS.map((n) => `${n} (${COST_METRICS[n]}) = ${fmtRow(c.claim.costs[n])}`).join("; ") +
        `. chaff run on this file reproduces it.`,
      `Fresh seeds ${c.validation.seeds.join(", ")} (never used in the search): ${c.validation.evaluations.map((e) => `${r.target.metric} = ${fmtRow(e.privacy)}`).join("; ")}; target ${c.validation.meets ? "holds" : "does not hold"} on every one.`,
    ],
    ...rest,
  };
}

/**
 * The folder one target's search writes into, inside `chaff tune --out`: the target and
 * the cost it minimizes, so searches for different targets never overwrite each other.
 *
 * @example
 * targetFolder(parseTarget("tpr@1e-3<=0.05"), "energy") // => "tpr-at-1e-3-le-0.05-min-energy"
 */
export function targetFolder(target: Target, minimize: CostName): string {
  const op = target.op === "<=" ? "le" : "lt";
  return `${target.metric.replace("@", "-at-")}-${op}-${target.bound}-min-${minimize}`;
}

/**
 * The search, its Pareto fronts and its choice, in Markdown. Rungs are numbered from 1,
 * as the progress line counts them ("rung 2 of 3"); tune.json keeps 0-based indices.
 */
export function tuneReport(r: TuneResult): string {
  // one column per range: a tied range shows its shared value once, named by all its paths
  const columns = r.design.params.map((p) => ({ label: axisLabel(p.path), path: axisPaths(p.path)[0] }));
  const n = r.rungs.length;
  const lines = [
    `# chaff tune: ${r.experiment} / ${r.defense}`,
    "",
    `Target: ${r.target.text} for the strongest observer. Minimizing: ${r.minimize} (${COST_METRICS[r.minimize]}).`,
    "",
    `Search: ${r.design.candidates} configurations; ${r.design.method}.`,
    "",
    markdownTable([
      ["rung", "duration s", "users", "seeds", "configurations", "meeting target"],
      ...r.rungs.map((g, k) => [`${k + 1} of ${n}`, String(g.durationSeconds), String(g.users), g.seeds.join(", "), String(r.ranking[k].length), String(r.ranking[k].filter((s) => s.meets).length)]),
    ]),
    "",
  ];
  for (const k of [...new Set([r.rungs.length - 1, 0])]) {
    const byConfig = new Map(r.ranking[k].map((s) => [s.config, s]));
    lines.push(
      `## Pareto front at rung ${k + 1} of ${n} (privacy vs bandwidth, latency, energy; means over seeds)`,
      "",
      markdownTable([
        ["config", ...columns.map((c) => c.label), r.target.metric, "bandwidth", "latency p99 ms", "energy J/h", "meets"],
        ...r.fronts[k].map((c) => {
          const s = byConfig.get(c) as Score;
          return [String(c), ...columns.map((col) => String(r.configs[c][col.path])), fmtNum(s.privacy), fmtNum(s.costs.bandwidth), fmtNum(s.costs.latency, 1), fmtNum(s.costs.energy, 1), s.meets ? "yes" : "no"];
        }),
      ]),
      "",
    );
  }
  if (r.choice) {
    const c = r.choice;
    lines.push(
      "## Choice",
      "",
      `Configuration ${c.config}: ${fmtParams(c.params)}.`,
      "",
      `At seed ${c.claim.seed}: ${r.target.metric} (strongest observer, ${c.claim.privacy.observer}) ${fmtRow(c.claim.privacy)}; ` +
        COSTS.map((n) => `${n} ${fmtRow(c.claim.costs[n])}`).join("; ") +
        ".",
      "",
      `Re-run on fresh seeds the search never used (${c.validation.seeds.join(", ")}): ` +
        c.validation.evaluations.map((e) => `seed ${e.seed}: ${r.target.metric} ${fmtRow(e.privacy)}`).join("; ") +
        `. ${c.validation.meets ? `The target's bound holds on every fresh seed (upper interval bound ${r.target.op} ${r.target.bound}).` : `The target does NOT hold on every fresh seed: the search's winner may owe its result to the search; treat the claim as unconfirmed.`}`,
      "",
    );
  } else {
    const top = r.ranking[r.ranking.length - 1][0];
    lines.push(
      "## Choice",
      "",
      top && top.privacy === null
        ? `No configuration met ${r.target.text}: the strongest observer's ${r.target.metric} was not resolvable at the last rung (too few pairs for that FPR, or no conversations). Raise the users or duration of the rungs, or target auc or a larger FPR.`
        : `No configuration met ${r.target.text} on every seed of the last rung (rung ${n} of ${n}). The most private one was configuration ${top?.config} (${top ? fmtParams(r.configs[top.config]) : "–"}) at ${fmtNum(top?.privacy ?? null)}. Widen the ranges, raise the budget, or relax the target.`,
      "",
    );
  }
  return lines.join("\n");
}
