/**
 * Pair labels: which unordered pairs of N users are positives, which are left out of
 * the task (neither positive nor negative), in a compact form the all-pairs scorers
 * can stream against. Every other pair is a negative.
 *
 * The lab decides who counts as linked (sim/experiment/labels.ts builds these from
 * ground truth and hands them to the scorer through `Labels`); this file only stores
 * the answer: the positives as (initiator, partner) pairs, and a CSR table by the lower
 * endpoint that says, for any pair, whether it is positive k, excluded, or a negative.
 *
 * @example
 * const labels = labelsFromPairs(4, [[0, 1]], [[2, 3]]);
 * pairCode(labels, 1, 0); // => 0: positive 0
 * pairCode(labels, 2, 3); // => -1: excluded
 * pairCode(labels, 0, 2); // => -2: negative
 * labels.negativeCount;   // => 4 of the 6 pairs
 */

/**
 * Which pairs are positive, which are left out, for N users.
 * Positive k is the pair {initiator[k], partner[k]}; ranks are taken from the
 * initiator's side ("given A, which of the N − 1 others does A talk to?").
 */
export interface LinkLabels {
  readonly users: number;
  readonly initiator: Int32Array;
  readonly partner: Int32Array;
  /** CSR by the lower endpoint: higher endpoints in ascending order, with code k ≥ 0 (positive k) or −1 (excluded). */
  readonly lowStart: Int32Array;
  readonly lowOther: Int32Array;
  readonly lowCode: Int32Array;
  /** CSR of positive indices by initiator. */
  readonly initStart: Int32Array;
  readonly initPos: Int32Array;
  /** Unordered pairs that are neither positive nor excluded. */
  readonly negativeCount: number;
}

/**
 * Builds labels from explicit pairs: `positives` as [initiator, partner] (the first
 * occurrence of a pair fixes its initiator; repeats are ignored), `excluded` as pairs
 * scored neither as positive nor as negative.
 */
export function labelsFromPairs(users: number, positives: Iterable<readonly [number, number]>, excluded: Iterable<readonly [number, number]> = []): LinkLabels {
  const codes = new Map<number, number>();
  const init: number[] = [];
  const part: number[] = [];
  for (const [a, b] of positives) {
    if (a === b || a < 0 || b < 0 || a >= users || b >= users) continue;
    const key = Math.min(a, b) * users + Math.max(a, b);
    if (codes.has(key)) continue;
    codes.set(key, init.length);
    init.push(a);
    part.push(b);
  }
  for (const [a, b] of excluded) {
    if (a === b || a < 0 || b < 0 || a >= users || b >= users) continue;
    const key = Math.min(a, b) * users + Math.max(a, b);
    if (!codes.has(key)) codes.set(key, -1);
  }
  const keys = [...codes.keys()].sort((x, y) => x - y);
  const lowStart = new Int32Array(users + 1);
  const lowOther = new Int32Array(keys.length);
  const lowCode = new Int32Array(keys.length);
  for (const key of keys) lowStart[Math.floor(key / users) + 1]++;
  for (let u = 0; u < users; u++) lowStart[u + 1] += lowStart[u];
  keys.forEach((key, i) => {
    lowOther[i] = key % users;
    lowCode[i] = codes.get(key)!;
  });
  const initStart = new Int32Array(users + 1);
  for (const a of init) initStart[a + 1]++;
  for (let u = 0; u < users; u++) initStart[u + 1] += initStart[u];
  const fill = initStart.slice(0, users);
  const initPos = new Int32Array(init.length);
  init.forEach((a, k) => {
    initPos[fill[a]++] = k;
  });
  return {
    users,
    initiator: Int32Array.from(init),
    partner: Int32Array.from(part),
    lowStart,
    lowOther,
    lowCode,
    initStart,
    initPos,
    negativeCount: (users * (users - 1)) / 2 - keys.length,
  };
}


/** The label code of unordered pair {i, j}: k ≥ 0 positive k, −1 excluded, −2 negative. */
export function pairCode(labels: LinkLabels, i: number, j: number): number {
  const lo = Math.min(i, j);
  const hi = Math.max(i, j);
  let a = labels.lowStart[lo];
  let b = labels.lowStart[lo + 1];
  while (a < b) {
    const m = (a + b) >>> 1;
    if (labels.lowOther[m] < hi) a = m + 1;
    else b = m;
  }
  return a < labels.lowStart[lo + 1] && labels.lowOther[a] === hi ? labels.lowCode[a] : -2;
}

/** The users of pairs k = 0, 1, …: a[k], b[k] interleaved (`TaskScores.positiveUsers` of a pair task). */
export function pairUsers(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(2 * a.length);
  for (let k = 0; k < a.length; k++) {
    out[2 * k] = a[k];
    out[2 * k + 1] = b[k];
  }
  return out;
}
