/**
 * Distributions a Maybenot state samples — maybenot-io/maybenot
 * `crates/maybenot/src/dist.rs`, with the parameter rules of the rand_distr 0.5
 * constructors it calls (rust-random/rand_distr `src/*.rs`).
 *
 * Rule: a `Dist` is a distribution type plus `start` and `max`; a sample is
 * max(0, x + start), then capped at `max` when max > 0; a NaN or infinite result
 * becomes 0. Uniform with low == high is a constant (and draws nothing).
 *
 * Validation (every guard the framework applies, fuzz-found ones included):
 * - Uniform: low, high finite, low ≤ high, high − low finite;
 * - Normal, LogNormal: the deviation finite (the mean is unrestricted);
 * - SkewNormal: scale finite and > 0, shape finite;
 * - Binomial: trials ≤ 1e9, probability in [0, 1] and not in (0, 1e-9);
 * - Geometric: probability finite in [0, 1] and not in (0, 1e-9);
 * - Pareto, Weibull, Gamma: scale > 0 and shape > 0; Beta: alpha > 0 and beta > 0;
 * - Poisson: lambda finite, > 0 and ≤ 1.844e19 (rand_distr's MAX_LAMBDA; the framework's
 *   own 1e42 guard is weaker).
 *
 * Sampling: chaff's own samplers over the shaper's RandomSource (one `next()` in
 * [0, 1) per uniform), not rand_distr's algorithms, so values match Maybenot in
 * distribution, not draw for draw. Every sampler is O(1) expected per draw except
 * Binomial (O(log trials) Beta draws, then ≤ 16 Bernoulli trials) and none allocates.
 */
import { MachineError, show } from "./error.ts";

/** What the samplers need of a random source: uniforms in [0, 1). chaff's RandomSource fits. */
export interface Uniform01 {
  next(): number;
}

export type DistType =
  | { type: "Uniform"; low: number; high: number }
  | { type: "Normal"; mean: number; stdev: number }
  | { type: "SkewNormal"; location: number; scale: number; shape: number }
  | { type: "LogNormal"; mu: number; sigma: number }
  | { type: "Binomial"; trials: bigint; probability: number }
  | { type: "Geometric"; probability: number }
  | { type: "Pareto"; scale: number; shape: number }
  | { type: "Poisson"; lambda: number }
  | { type: "Weibull"; scale: number; shape: number }
  | { type: "Gamma"; scale: number; shape: number }
  | { type: "Beta"; alpha: number; beta: number };

export type DistTypeName = DistType["type"];

/** Serialized variant order (bincode enum index). */
export const DIST_TYPES: readonly DistTypeName[] = [
  "Uniform",
  "Normal",
  "SkewNormal",
  "LogNormal",
  "Binomial",
  "Geometric",
  "Pareto",
  "Poisson",
  "Weibull",
  "Gamma",
  "Beta",
];

/** Parameter names of each type, in serialized field order. */
export const DIST_PARAMS: Readonly<Record<DistTypeName, readonly string[]>> = {
  Uniform: ["low", "high"],
  Normal: ["mean", "stdev"],
  SkewNormal: ["location", "scale", "shape"],
  LogNormal: ["mu", "sigma"],
  Binomial: ["trials", "probability"],
  Geometric: ["probability"],
  Pareto: ["scale", "shape"],
  Poisson: ["lambda"],
  Weibull: ["scale", "shape"],
  Gamma: ["scale", "shape"],
  Beta: ["alpha", "beta"],
};

export interface Dist {
  dist: DistType;
  /** Added to every sample before clamping at 0. */
  start: number;
  /** Cap on a sample when > 0. */
  max: number;
}

/** Smallest non-zero probability a Binomial or Geometric may have (slow sampling below it). */
export const DIST_MIN_PROBABILITY = 1e-9;
/** Largest Binomial trial count (slow sampling above it). */
export const BINOMIAL_MAX_TRIALS = 1_000_000_000n;
/** Largest Poisson lambda rand_distr accepts. */
export const POISSON_MAX_LAMBDA = 1.844e19;

/** A constant distribution: Uniform{v, v}. */
export function constant(v: number): Dist {
  return { dist: { type: "Uniform", low: v, high: v }, start: 0, max: 0 };
}

function bad(type: string, what: string): never {
  throw new MachineError(`${type}: ${what}`);
}

/** Throws a MachineError naming the parameter, its value and what was expected. */
export function validateDist(d: Dist): void {
  const t = d.dist;
  switch (t.type) {
    case "Uniform":
      if (Number.isNaN(t.low) || Number.isNaN(t.high)) bad(t.type, `low ${show(t.low)}, high ${show(t.high)}: expected numbers, got NaN`);
      if (!Number.isFinite(t.low) || !Number.isFinite(t.high)) bad(t.type, `low ${show(t.low)}, high ${show(t.high)}: expected finite bounds`);
      if (t.low > t.high) bad(t.type, `low ${show(t.low)} > high ${show(t.high)}: expected low <= high`);
      if (!Number.isFinite(t.high - t.low)) bad(t.type, `high - low overflows (low ${show(t.low)}, high ${show(t.high)})`);
      return;
    case "Normal":
      if (!Number.isFinite(t.stdev)) bad(t.type, `stdev ${show(t.stdev)}: expected a finite number`);
      return;
    case "SkewNormal":
      if (!Number.isFinite(t.scale) || !(t.scale > 0)) bad(t.type, `scale ${show(t.scale)}: expected a finite number > 0`);
      if (!Number.isFinite(t.shape)) bad(t.type, `shape ${show(t.shape)}: expected a finite number`);
      return;
    case "LogNormal":
      if (!Number.isFinite(t.sigma)) bad(t.type, `sigma ${show(t.sigma)}: expected a finite number`);
      return;
    case "Binomial":
      if (t.probability !== 0 && t.probability < DIST_MIN_PROBABILITY)
        bad(t.type, `probability ${show(t.probability)}: expected 0 or >= 1e-9 (sampling too slow below)`);
      if (t.trials < 0n || t.trials > BINOMIAL_MAX_TRIALS) bad(t.type, `trials ${show(t.trials)}: expected at most 1e9 (sampling too slow above)`);
      if (!(t.probability >= 0 && t.probability <= 1)) bad(t.type, `probability ${show(t.probability)}: expected a number in [0, 1]`);
      return;
    case "Geometric":
      if (t.probability !== 0 && t.probability < DIST_MIN_PROBABILITY)
        bad(t.type, `probability ${show(t.probability)}: expected 0 or >= 1e-9 (sampling too slow below)`);
      if (!Number.isFinite(t.probability) || !(t.probability >= 0 && t.probability <= 1))
        bad(t.type, `probability ${show(t.probability)}: expected a number in [0, 1]`);
      return;
    case "Pareto":
    case "Weibull":
    case "Gamma":
      if (!(t.scale > 0)) bad(t.type, `scale ${show(t.scale)}: expected a number > 0`);
      if (!(t.shape > 0)) bad(t.type, `shape ${show(t.shape)}: expected a number > 0`);
      return;
    case "Poisson":
      if (!Number.isFinite(t.lambda) || !(t.lambda > 0) || t.lambda > POISSON_MAX_LAMBDA)
        bad(t.type, `lambda ${show(t.lambda)}: expected a finite number in (0, 1.844e19]`);
      return;
    case "Beta":
      if (!(t.alpha > 0)) bad(t.type, `alpha ${show(t.alpha)}: expected a number > 0`);
      if (!(t.beta > 0)) bad(t.type, `beta ${show(t.beta)}: expected a number > 0`);
      return;
    default:
      bad((t as { type: string }).type, "unknown distribution type");
  }
}

// ---------------------------------------------------------------------------
// Samplers. Each takes the random source and plain numbers: no objects per draw.

/** A uniform in (0, 1]: for logarithms. */
function open01(rng: Uniform01): number {
  return 1 - rng.next();
}

/**
 * Standard normal by the Marsaglia polar method. The second normal of the pair is
 * dropped: a cache would carry one shaper's randomness into another's draws.
 */
export function standardNormal(rng: Uniform01): number {
  let u = 0;
  let v = 0;
  let s = 0;
  do {
    u = 2 * rng.next() - 1;
    v = 2 * rng.next() - 1;
    s = u * u + v * v;
  } while (s >= 1 || s === 0);
  return u * Math.sqrt((-2 * Math.log(s)) / s);
}

/** Gamma(shape k, scale 1) by Marsaglia & Tsang (2000); k < 1 by the U^(1/k) boost. */
export function standardGamma(rng: Uniform01, k: number): number {
  if (k < 1) {
    const g = standardGamma(rng, k + 1);
    return g * Math.pow(open01(rng), 1 / k);
  }
  const d = k - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x = 0;
    let v = 0;
    do {
      x = standardNormal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = open01(rng);
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    if (!Number.isFinite(d)) return d; // k = ∞
  }
}

export function betaSample(rng: Uniform01, a: number, b: number): number {
  const x = standardGamma(rng, a);
  const y = standardGamma(rng, b);
  return x / (x + y);
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms): for the Poisson rejection test. */
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Poisson(λ): multiplication of uniforms below 12, Hörmann's PTRS (1993) above. */
export function poissonSample(rng: Uniform01, lambda: number): number {
  if (lambda < 12) {
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = rng.next();
    while (p > limit) {
      p *= rng.next();
      k++;
    }
    return k;
  }
  const slam = Math.sqrt(lambda);
  const loglam = Math.log(lambda);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng.next() - 0.5;
    const v = rng.next();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - lnGamma(k + 1)) return k;
  }
}

/**
 * Binomial(n, p) by the Beta order-statistic recursion (Knuth, TAOCP 3.4.1): each
 * step draws the median order statistic of the remaining trials and keeps the half
 * containing p, so O(log n) steps, then direct Bernoulli trials for n ≤ 16.
 */
export function binomialSample(rng: Uniform01, trials: number, p: number): number {
  if (p === 0 || trials === 0) return 0;
  if (p === 1) return trials;
  let n = trials;
  let q = p;
  let k = 0;
  while (n > 16) {
    const a = 1 + Math.floor(n / 2);
    const b = n - a + 1;
    const x = betaSample(rng, a, b);
    if (x >= q) {
      n = a - 1;
      q = q / x;
    } else {
      k += a;
      n = b - 1;
      q = (q - x) / (1 - x);
    }
  }
  for (let i = 0; i < n; i++) if (rng.next() < q) k++;
  return k;
}

/** Geometric(p): failures before the first success; u64::MAX for p = 0 (as rand_distr). */
export function geometricSample(rng: Uniform01, p: number): number {
  if (p === 0) return 18446744073709551615;
  if (p === 1) return 0;
  return Math.floor(Math.log(open01(rng)) / Math.log1p(-p));
}

/** Skew-normal by the max/min-of-two-normals construction (as rand_distr samples it). */
export function skewNormalSample(rng: Uniform01, location: number, scale: number, shape: number): number {
  const u1 = standardNormal(rng);
  if (shape === 0) return u1 * scale + location;
  const u2 = standardNormal(rng);
  const hi = u1 > u2 ? u1 : u2;
  const lo = u1 > u2 ? u2 : u1;
  let z: number;
  if (shape === -1) z = lo;
  else if (shape === 1) z = hi;
  else z = ((1 + shape) * hi + (1 - shape) * lo) / (Math.sqrt(1 + shape * shape) * Math.SQRT2);
  return z * scale + location;
}

/** The raw draw of a distribution type (before start/max). */
export function sampleType(t: DistType, rng: Uniform01): number {
  switch (t.type) {
    case "Uniform":
      return t.low === t.high ? t.low : t.low + (t.high - t.low) * rng.next();
    case "Normal":
      return t.mean + t.stdev * standardNormal(rng);
    case "SkewNormal":
      return skewNormalSample(rng, t.location, t.scale, t.shape);
    case "LogNormal":
      return Math.exp(t.mu + t.sigma * standardNormal(rng));
    case "Binomial":
      return binomialSample(rng, Number(t.trials), t.probability);
    case "Geometric":
      return geometricSample(rng, t.probability);
    case "Pareto":
      return t.scale * Math.pow(open01(rng), -1 / t.shape);
    case "Poisson":
      return poissonSample(rng, t.lambda);
    case "Weibull":
      return t.scale * Math.pow(-Math.log(open01(rng)), 1 / t.shape);
    case "Gamma":
      return standardGamma(rng, t.shape) * t.scale;
    case "Beta":
      return betaSample(rng, t.alpha, t.beta);
  }
}

/** Applies Maybenot's start/max rule to a raw draw. */
export function adjust(raw: number, start: number, max: number): number {
  const adjusted = raw + start;
  if (!Number.isFinite(adjusted)) return 0;
  const r = adjusted > 0 ? adjusted : 0;
  if (max > 0) {
    const c = r < max ? r : max;
    return Number.isFinite(c) ? c : 0;
  }
  return r;
}

/** One sample of a Dist (the spec form; the framework uses the compiled form in compiled.ts). */
export function sampleDist(d: Dist, rng: Uniform01): number {
  return adjust(sampleType(d.dist, rng), d.start, d.max);
}

/** Numeric form of a Dist for the framework's flat tables: type index and up to three parameters. */
export function distCode(t: DistType): { code: number; p0: number; p1: number; p2: number } {
  const code = DIST_TYPES.indexOf(t.type);
  switch (t.type) {
    case "Uniform":
      return { code, p0: t.low, p1: t.high, p2: 0 };
    case "Normal":
      return { code, p0: t.mean, p1: t.stdev, p2: 0 };
    case "SkewNormal":
      return { code, p0: t.location, p1: t.scale, p2: t.shape };
    case "LogNormal":
      return { code, p0: t.mu, p1: t.sigma, p2: 0 };
    case "Binomial":
      return { code, p0: Number(t.trials), p1: t.probability, p2: 0 };
    case "Geometric":
      return { code, p0: t.probability, p1: 0, p2: 0 };
    case "Pareto":
    case "Weibull":
    case "Gamma":
      return { code, p0: t.scale, p1: t.shape, p2: 0 };
    case "Poisson":
      return { code, p0: t.lambda, p1: 0, p2: 0 };
    case "Beta":
      return { code, p0: t.alpha, p1: t.beta, p2: 0 };
  }
}

/** The raw draw of a distribution in numeric form (see distCode). */
export function sampleCode(code: number, p0: number, p1: number, p2: number, rng: Uniform01): number {
  switch (code) {
    case 0:
      return p0 === p1 ? p0 : p0 + (p1 - p0) * rng.next();
    case 1:
      return p0 + p1 * standardNormal(rng);
    case 2:
      return skewNormalSample(rng, p0, p1, p2);
    case 3:
      return Math.exp(p0 + p1 * standardNormal(rng));
    case 4:
      return binomialSample(rng, p0, p1);
    case 5:
      return geometricSample(rng, p0);
    case 6:
      return p0 * Math.pow(open01(rng), -1 / p1);
    case 7:
      return poissonSample(rng, p0);
    case 8:
      return p0 * Math.pow(-Math.log(open01(rng)), 1 / p1);
    case 9:
      return standardGamma(rng, p1) * p0;
    default:
      return betaSample(rng, p0, p1);
  }
}
