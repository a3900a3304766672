/**
 * Bin continuous values by fixed edges, for plug-in mutual information.
 *
 * With strictly increasing edges e_0 < … < e_{k−1}, a value v falls in bin i, the number
 * of edges <= v: bin 0 is (−∞, e_0), bin i is [e_{i−1}, e_i), bin k is [e_{k−1}, ∞).
 * Fixed, configured edges (not data-driven ones) keep the estimate deterministic and
 * comparable across runs (reference/traffic-and-adversaries.md §2.5: "plug-in MI on
 * discretised observer features: burst-size bins × timing bins"). The bin is found by a
 * binary search over the edges (d3's `bisectRight` rule, written out here so that the
 * observers, which every worker thread loads, do not load all of d3 for it).
 *
 * @example
 * discretize([10, 100, 1500, 5000], [64, 1024, 4096]) // => Int32Array [0, 1, 2, 3]
 * discretize([64], [64, 1024])                         // => Int32Array [1]
 */
export function discretize(values: ArrayLike<number>, edges: ArrayLike<number>): Int32Array {
  for (let i = 0; i < edges.length; i++) {
    if (!Number.isFinite(edges[i]) || (i > 0 && !(edges[i] > edges[i - 1]))) {
      throw new RangeError(`discretize: edges[${i}] = ${edges[i]}; expected finite, strictly increasing edges`);
    }
  }
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) throw new RangeError(`discretize: values[${i}] is NaN; expected a number`);
    out[i] = edgesAtOrBelow(edges, v);
  }
  return out;
}

/** The number of `edges` (strictly increasing) that are <= v: the first index whose edge is > v. */
function edgesAtOrBelow(edges: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
