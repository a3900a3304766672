/**
 * The random source a shaper draws from: four methods, nothing else.
 *
 * The shaping core does not know how the lab (or a device) makes its random numbers.
 * The lab hands each shaper its own named, seeded stream (Baagoe's Alea, seeded from
 * the experiment seed and the egress's name); a device runtime may hand it a CSPRNG.
 * Whatever implements this MUST be deterministic for a given seed in the lab, and MUST
 * NOT be shared between shapers (one stream per egress).
 *
 * @example
 * function delay(rng: RandomSource): number {
 *   return rng.exponential(20_000); // µs, mean 20 ms
 * }
 */
export interface RandomSource {
  /** Uniform in [0, 1). */
  next(): number;
  /**
   * Optional bulk draw: the next `n` uniforms into `into[0, n)`, exactly the numbers `n`
   * calls of `next()` would return, in order (for shapers that draw hundreds at once).
   */
  fill?(into: Float64Array, n: number): void;
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** Uniform integer in [lo, hi), hi exclusive. */
  int(lo: number, hi: number): number;
  /** Exponential with the given mean (rate 1/mean). */
  exponential(mean: number): number;
}
