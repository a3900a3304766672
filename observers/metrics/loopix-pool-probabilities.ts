/**
 * Loopix pool rule — Piotrowska, Hayes, Elahi, Meiser, Danezis, "The Loopix Anonymity
 * System", USENIX Security 2017, Theorem 1.
 *
 * Rule: a Poisson mix (exponential per-message delays, so every message in the pool is
 * equally likely to leave next) is observed to receive n messages, emit n−k of them, then
 * receive l more before the next departure. That departure is each of the n originals
 * with probability k/(n(l+k)) and each of the l new arrivals with probability 1/(l+k);
 * so 1/(l+k) bounds the attacker's linking success
 * (reference/traffic-and-adversaries.md §3.1, §5.5). The n·original + l·fresh
 * probabilities sum to 1.
 *
 * @example
 * loopixPoolProbabilities(10, 4, 6) // => { original: 0.04, fresh: 0.1 }
 */
import { checkInteger } from "./validate.ts";

export interface LoopixPool {
  /** Probability that the departure is one given original message. */
  readonly original: number;
  /** Probability that the departure is one given later arrival. */
  readonly fresh: number;
}

export function loopixPoolProbabilities(n: number, k: number, l: number): LoopixPool {
  checkInteger(n, "loopixPoolProbabilities", "n (first arrivals)", 0);
  checkInteger(k, "loopixPoolProbabilities", "k (originals still in the pool)", 0, n);
  checkInteger(l, "loopixPoolProbabilities", "l (later arrivals)", 0);
  if (k + l === 0) {
    throw new RangeError("loopixPoolProbabilities: k + l = 0; the pool is empty, so nothing can depart");
  }
  return { original: n === 0 ? 0 : k / (n * (l + k)), fresh: 1 / (l + k) };
}
