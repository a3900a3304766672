/**
 * The Pareto front: the points no other point beats on every objective. Here each
 * objective is minimized (privacy figure, bandwidth, latency, energy), so a point is on
 * the front when no other point is at least as good on all objectives and strictly
 * better on one. O(n²·d), fine for the tens to thousands of configurations a tuning run
 * evaluates. A missing value (NaN) counts as the worst possible.
 *
 * @example
 * paretoFront([[1, 5], [2, 2], [3, 3], [5, 1]]) // => [0, 1, 3] ([3, 3] is beaten by [2, 2])
 */

function worst(x: number): number {
  return Number.isNaN(x) ? Infinity : x;
}

/** Does a dominate b (all objectives ≤, one <)? */
export function dominates(a: readonly number[], b: readonly number[]): boolean {
  let strictly = false;
  for (let k = 0; k < a.length; k++) {
    const x = worst(a[k]);
    const y = worst(b[k]);
    if (x > y) return false;
    if (x < y) strictly = true;
  }
  return strictly;
}

/** Indices of the non-dominated points, in input order. */
export function paretoFront(points: readonly (readonly number[])[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < points.length; i++) {
    let beaten = false;
    for (let j = 0; j < points.length && !beaten; j++) if (j !== i && dominates(points[j], points[i])) beaten = true;
    if (!beaten) out.push(i);
  }
  return out;
}
