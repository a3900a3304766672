/**
 * The Crowds attacker's posterior — Reiter & Rubin, "Crowds: Anonymity for Web
 * Transactions", ACM TISSEC 1998, as analysed by Díaz, Seys, Claessens, Preneel,
 * "Towards Measuring Anonymity", PET 2002.
 *
 * Rule: in a crowd of N members, C of them collaborating, each member forwards to a
 * random member with probability pf and otherwise delivers. When a collaborator receives
 * the message, its predecessor is the initiator with probability 1 − pf·(N−C−1)/N, and
 * each of the other N−C−1 honest members with probability pf/N
 * (reference/traffic-and-adversaries.md §2.5). The vector has one entry per honest
 * member, predecessor first, and sums to 1. It is the deterministic anchor for the
 * anonymity metrics (§5.4).
 *
 * @example
 * crowdsPosterior(5, 1, 0.75) // => Float64Array [0.55, 0.15, 0.15, 0.15]
 * degreeOfAnonymity(crowdsPosterior(5, 1, 0.75)) // => 0.853
 */
import { checkInteger, checkProbability } from "./validate.ts";

export function crowdsPosterior(n: number, c: number, pf: number): Float64Array {
  checkInteger(n, "crowdsPosterior", "n (crowd size)", 2);
  checkInteger(c, "crowdsPosterior", "c (collaborators)", 1, n - 1);
  checkProbability(pf, "crowdsPosterior", "pf (forwarding probability)");
  const honest = n - c;
  const p = new Float64Array(honest);
  const other = pf / n;
  p.fill(other);
  p[0] = 1 - other * (honest - 1);
  return p;
}
