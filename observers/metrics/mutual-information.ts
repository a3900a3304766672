/**
 * Plug-in mutual information, in bits, between two discrete variables.
 *
 * I(X;Y) = H(X) + H(Y) − H(X,Y), each entropy estimated from the empirical counts of
 * the N paired observations (Cover & Thomas, "Elements of Information Theory", §2.4).
 * In chaff, X is a discretised observer feature (burst-size bin × timing bin, see
 * `discretize`) and Y the secret (message kind, conversation): the bits of leakage a
 * shaper leaves, reported beside the attack metrics, since accuracy can understate
 * leakage (WeFDE, Li, Guo, Hopper, ACM CCS 2018; reference/traffic-and-adversaries.md
 * §2.5, which recommends plug-in MI on discretised features for CI).
 *
 * The plug-in estimate is biased upward, by about (Kx−1)(Ky−1)/(2N ln 2) bits for
 * independent variables. `millerMadow: true` adds the Miller–Madow correction
 * (K−1)/(2N ln 2) to each of the three entropies, K being its number of non-empty cells
 * (G. Miller, "Note on the bias of information estimates", 1955; Paninski, "Estimation
 * of entropy and mutual information", Neural Computation 15, 2003), which shifts MI by
 * (Kx + Ky − Kxy − 1)/(2N ln 2). The corrected value is not clipped and can be slightly
 * negative for independent variables.
 *
 * Values are integer codes (any safe integers; they are only compared for equality).
 *
 * @example
 * mutualInformation([0, 0, 1, 1], [0, 0, 1, 1]) // => 1 (= H(X))
 * mutualInformation([0, 0, 1, 1], [0, 1, 0, 1]) // => 0
 */

export interface MutualInformationOptions {
  /** Add the Miller–Madow bias correction (default false: plain plug-in). */
  readonly millerMadow?: boolean;
}

/** Dense codes 0..K−1 for the distinct values of x, in order of first appearance. */
function denseCodes(x: ArrayLike<number>, name: string): { codes: Int32Array; count: number } {
  const map = new Map<number, number>();
  const codes = new Int32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (!Number.isSafeInteger(v)) {
      throw new RangeError(`mutualInformation: ${name}[${i}] = ${v}; expected integer codes (use discretize for continuous values)`);
    }
    let c = map.get(v);
    if (c === undefined) {
      c = map.size;
      map.set(v, c);
    }
    codes[i] = c;
  }
  return { codes, count: map.size };
}

/** Σ c·log2 c over the counts (the part of N·H that depends on the cells). */
function sumCLogC(counts: Iterable<number>): number {
  let s = 0;
  for (const c of counts) if (c > 0) s += c * Math.log2(c);
  return s;
}

export function mutualInformation(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  opts: MutualInformationOptions = {},
): number {
  const n = x.length;
  if (y.length !== n) {
    throw new RangeError(`mutualInformation: x has ${n} values but y has ${y.length}; expected paired observations`);
  }
  if (n === 0) throw new RangeError("mutualInformation: no observations");
  const cx = denseCodes(x, "x");
  const cy = denseCodes(y, "y");
  const countX = new Float64Array(cx.count);
  const countY = new Float64Array(cy.count);
  const joint = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const a = cx.codes[i];
    const b = cy.codes[i];
    countX[a]++;
    countY[b]++;
    const key = a * cy.count + b;
    joint.set(key, (joint.get(key) ?? 0) + 1);
  }
  // N·H = N log2 N − Σ c log2 c, so N·I = N log2 N − Σx − Σy + Σxy.
  const nlogn = n * Math.log2(n);
  // The plug-in MI is a KL divergence between empirical distributions, so >= 0: clamp round-off.
  let mi = Math.max(0, (nlogn - sumCLogC(countX) - sumCLogC(countY) + sumCLogC(joint.values())) / n);
  if (opts.millerMadow) mi += (cx.count + cy.count - joint.size - 1) / (2 * n * Math.LN2);
  return mi;
}
