/**
 * Random forest classifier on typed arrays (Breiman, "Random Forests", Machine Learning
 * 45(1), 2001; trees are CART classification trees, Breiman, Friedman, Olshen & Stone,
 * "Classification and Regression Trees", 1984).
 *
 * Rule: each of `trees` trees is grown on a bootstrap sample of the rows (n draws with
 * replacement, kept as a count per row, so a row drawn twice weighs two) and sees a
 * random subset of round(`featureFraction` · d) features (drawn once per tree, as the
 * observers' `featureFraction` parameter describes). A node is split on the feature and
 * threshold that most reduce the weighted Gini impurity Σ_c p_c(1 − p_c), over every
 * midpoint between consecutive distinct values of every feature the tree sees (exact
 * CART search on presorted columns: each feature's rows are sorted once for the whole
 * forest, and every split partitions them stably, so a node costs O(rows · features)
 * and no sort or matrix is built per node). A node becomes a leaf when it is pure, at
 * `maxDepth`, when no split leaves `minLeaf` samples (counted with multiplicity) on each
 * side, or when no split lowers the impurity. A leaf votes the majority class of its
 * samples (the lower class on ties); the forest's score of a row is the share of trees
 * voting each class.
 *
 * Determinism: every draw comes from the `rng` passed to `trainForest` (tree t uses
 * `rng.child(t)`), ties between equally good splits go to the lower feature index and
 * then the lower threshold, so the same rows, labels, options and stream give the same
 * forest, on any thread. Bad input throws `InputError` naming the field.
 *
 * Also reported: mean decrease in impurity per feature (Breiman 2001 §10 lists it among
 * the forest's by-products; the sum over a tree's splits of the weighted impurity
 * decrease, averaged over trees, normalized to sum to 1 when any split was made).
 *
 * @example
 * const forest = trainForest(rows, labels, stream(1, "forest"), { trees: 50 });
 * forest.votes(row, 1); // => share of trees voting class 1
 */
import type { Rng } from "../sim/core/rng.ts";
import { InputError, showValue } from "../sim/core/validation.ts";

/** The InputError of one bad field: its name, the value seen and what was expected. */
function bad(field: string, value: unknown, expected: string): InputError {
  return new InputError(`randomForest: ${field} = ${showValue(value)}: expected ${expected}`);
}

export interface ForestOptions {
  /** Trees in the forest (default 50). */
  readonly trees?: number;
  /** Deepest a tree may grow, levels below the root (default 10). */
  readonly maxDepth?: number;
  /** Fewest samples (with bootstrap multiplicity) on each side of a split (default 1). */
  readonly minLeaf?: number;
  /** Share of the features each tree sees (default 1). */
  readonly featureFraction?: number;
  /** Grow each tree on a bootstrap sample (default true); false: every row once. */
  readonly bootstrap?: boolean;
}

/** One tree, as parallel arrays over its nodes (node 0 the root). A leaf has feature −1. */
export interface TreeArrays {
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** The class a leaf votes (unused on inner nodes). */
  readonly vote: Int32Array;
}

/** A trained forest as plain JSON (what `toJSON` writes and `forestFromJSON` reads). */
export interface ForestJSON {
  readonly kind: "chaff-random-forest";
  readonly features: number;
  readonly classes: number;
  readonly trees: { feature: number[]; threshold: number[]; left: number[]; right: number[]; vote: number[] }[];
  readonly importance: number[];
}

const DEFAULTS = { trees: 50, maxDepth: 10, minLeaf: 1, featureFraction: 1, bootstrap: true };

function checkInt(value: number, field: string, lo: number, hi: number): void {
  if (!Number.isInteger(value) || value < lo || value > hi) throw bad(field, value, `an integer in [${lo}, ${hi}]`);
}

export class RandomForest {
  constructor(
    /** Features per row. */
    readonly features: number,
    /** Classes 0..classes−1. */
    readonly classes: number,
    readonly trees: readonly TreeArrays[],
    /** Mean decrease in impurity per feature, summing to 1 (all 0 when no tree split). */
    readonly importance: Float64Array,
  ) {}

  /** The class tree t votes for the row `x[off .. off + features)`. */
  treeVote(t: number, x: ArrayLike<number>, off = 0): number {
    const tree = this.trees[t];
    let node = 0;
    while (tree.feature[node] >= 0) node = x[off + tree.feature[node]] <= tree.threshold[node] ? tree.left[node] : tree.right[node];
    return tree.vote[node];
  }

  /** Share of trees voting `cls` for one row. */
  votes(x: ArrayLike<number>, cls = 1, off = 0): number {
    let yes = 0;
    for (let t = 0; t < this.trees.length; t++) if (this.treeVote(t, x, off) === cls) yes++;
    return yes / this.trees.length;
  }

  /** Share of trees voting `cls` for each of the `out.length` rows of the row-major matrix X. */
  votesMany(X: ArrayLike<number>, cls: number, out: Float64Array): Float64Array {
    const d = this.features;
    if (X.length < out.length * d) throw bad("X.length", X.length, `at least ${out.length} rows × ${d} features = ${out.length * d}`);
    const T = this.trees.length;
    for (let r = 0; r < out.length; r++) {
      let yes = 0;
      for (let t = 0; t < T; t++) if (this.treeVote(t, X, r * d) === cls) yes++;
      out[r] = yes / T;
    }
    return out;
  }

  toJSON(): ForestJSON {
    return {
      kind: "chaff-random-forest",
      features: this.features,
      classes: this.classes,
      trees: this.trees.map((t) => ({
        feature: Array.from(t.feature),
        threshold: Array.from(t.threshold),
        left: Array.from(t.left),
        right: Array.from(t.right),
        vote: Array.from(t.vote),
      })),
      importance: Array.from(this.importance),
    };
  }
}

/** Rebuilds a forest saved by `toJSON`, checking its shape. */
export function forestFromJSON(json: unknown): RandomForest {
  const j = json as Partial<ForestJSON> | null;
  if (!j || typeof j !== "object" || j.kind !== "chaff-random-forest") throw bad("model.kind", j?.kind, '"chaff-random-forest" (a model saved by RandomForest.toJSON)');
  checkInt(j.features as number, "model.features", 1, 2 ** 20);
  checkInt(j.classes as number, "model.classes", 2, 2 ** 16);
  if (!Array.isArray(j.trees) || j.trees.length === 0) throw bad("model.trees", j.trees, "a non-empty array of trees");
  const trees = j.trees.map((t, k) => {
    const n = t?.feature?.length ?? 0;
    for (const key of ["feature", "threshold", "left", "right", "vote"] as const) {
      if (!Array.isArray(t?.[key]) || t[key].length !== n || n === 0) throw bad(`model.trees[${k}].${key}`, t?.[key], `an array of ${n || "≥ 1"} numbers, one per node`);
    }
    const tree: TreeArrays = {
      feature: Int32Array.from(t.feature),
      threshold: Float64Array.from(t.threshold),
      left: Int32Array.from(t.left),
      right: Int32Array.from(t.right),
      vote: Int32Array.from(t.vote),
    };
    for (let i = 0; i < n; i++) {
      const f = tree.feature[i];
      if (f >= (j.features as number) || f < -1) throw bad(`model.trees[${k}].feature[${i}]`, f, `-1 (leaf) or a feature index below ${j.features}`);
      if (f >= 0 && !(tree.left[i] > i && tree.left[i] < n && tree.right[i] > i && tree.right[i] < n)) {
        throw bad(`model.trees[${k}].left/right[${i}]`, [tree.left[i], tree.right[i]], `children after node ${i} and below ${n}`);
      }
    }
    return tree;
  });
  const importance = Float64Array.from(Array.isArray(j.importance) ? j.importance : new Array<number>(j.features as number).fill(0));
  return new RandomForest(j.features as number, j.classes as number, trees, importance);
}

/** Growable node arrays of one tree. */
class TreeBuilder {
  feature: number[] = [];
  threshold: number[] = [];
  left: number[] = [];
  right: number[] = [];
  vote: number[] = [];
  add(): number {
    this.feature.push(-1);
    this.threshold.push(0);
    this.left.push(-1);
    this.right.push(-1);
    this.vote.push(0);
    return this.feature.length - 1;
  }
  done(): TreeArrays {
    return {
      feature: Int32Array.from(this.feature),
      threshold: Float64Array.from(this.threshold),
      left: Int32Array.from(this.left),
      right: Int32Array.from(this.right),
      vote: Int32Array.from(this.vote),
    };
  }
}

function gini(counts: Float64Array, total: number): number {
  if (total <= 0) return 0;
  let s = 0;
  for (let c = 0; c < counts.length; c++) {
    const p = counts[c] / total;
    s += p * p;
  }
  return 1 - s;
}

/**
 * Trains a forest on the rows of `X` (row-major, `labels.length` rows of `X.length /
 * labels.length` features, or an array of rows) with integer class labels 0..K−1.
 */
export function trainForest(
  X: Float64Array | readonly (readonly number[])[],
  labels: ArrayLike<number>,
  rng: Rng,
  opts: ForestOptions = {},
): RandomForest {
  const o = { ...DEFAULTS, ...opts };
  checkInt(o.trees, "trees", 1, 100_000);
  checkInt(o.maxDepth, "maxDepth", 0, 512);
  checkInt(o.minLeaf, "minLeaf", 1, 2 ** 30);
  if (!(o.featureFraction > 0 && o.featureFraction <= 1)) throw bad("featureFraction", o.featureFraction, "a share in (0, 1]");
  const n = labels.length;
  if (n === 0) throw bad("labels.length", 0, "at least one training row");
  let data: Float64Array;
  let d: number;
  if (X instanceof Float64Array) {
    d = X.length / n;
    if (!Number.isInteger(d) || d < 1) throw bad("X.length", X.length, `a multiple of ${n} rows (one row per label)`);
    data = X;
  } else {
    if (X.length !== n) throw bad("X.length", X.length, `${n} rows, one per label`);
    d = X[0].length;
    if (d < 1) throw bad("X[0].length", d, "at least one feature");
    data = new Float64Array(n * d);
    for (let r = 0; r < n; r++) {
      if (X[r].length !== d) throw bad(`X[${r}].length`, X[r].length, `${d} features, as X[0]`);
      data.set(X[r], r * d);
    }
  }
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) throw bad(`X[${Math.floor(i / d)}][${i % d}]`, data[i], "a finite number");
  }
  const y = new Int32Array(n);
  let classes = 2;
  for (let r = 0; r < n; r++) {
    const c = labels[r];
    if (!Number.isInteger(c) || c < 0 || c >= 2 ** 16) throw bad(`labels[${r}]`, c, "a class index 0, 1, ...");
    y[r] = c;
    if (c + 1 > classes) classes = c + 1;
  }

  // Each feature's rows sorted by value once for the whole forest (stable: ties keep row order).
  const sorted: Int32Array[] = [];
  for (let f = 0; f < d; f++) {
    const order = Int32Array.from({ length: n }, (_, i) => i);
    order.sort((a, b) => data[a * d + f] - data[b * d + f] || a - b);
    sorted.push(order);
  }

  const m = Math.max(1, Math.round(o.featureFraction * d));
  const importance = new Float64Array(d);
  const trees: TreeArrays[] = [];
  const weight = new Float64Array(n);
  const goesLeft = new Uint8Array(n);
  const cols: Int32Array[] = [];
  for (let k = 0; k < m; k++) cols.push(new Int32Array(n));
  const scratch = new Int32Array(n);
  const total = new Float64Array(classes);
  const leftCounts = new Float64Array(classes);
  const treeImportance = new Float64Array(d);

  for (let t = 0; t < o.trees; t++) {
    const trng = rng.child(t);
    // The tree's features: a partial Fisher–Yates shuffle, then in index order.
    const pick = Int32Array.from({ length: d }, (_, i) => i);
    for (let k = 0; k < m; k++) {
      const j = trng.int(k, d);
      const s = pick[k];
      pick[k] = pick[j];
      pick[j] = s;
    }
    const feats = pick.slice(0, m).sort();
    // The bootstrap sample as a count per row.
    weight.fill(0);
    if (o.bootstrap) for (let k = 0; k < n; k++) weight[trng.int(0, n)]++;
    else weight.fill(1);
    let inBag = 0;
    for (let k = 0; k < m; k++) {
      const src = sorted[feats[k]];
      const dst = cols[k];
      let w = 0;
      for (let i = 0; i < n; i++) if (weight[src[i]] > 0) dst[w++] = src[i];
      inBag = w;
    }
    treeImportance.fill(0);
    const tree = new TreeBuilder();
    // Depth-first over nodes, each a range [lo, hi) of every column.
    const stack: { node: number; lo: number; hi: number; depth: number }[] = [{ node: tree.add(), lo: 0, hi: inBag, depth: 0 }];
    let rootWeight = 0;
    for (let i = 0; i < inBag; i++) rootWeight += weight[cols[0][i]];
    while (stack.length > 0) {
      const { node, lo, hi, depth } = stack.pop()!;
      total.fill(0);
      const col0 = cols[0];
      for (let i = lo; i < hi; i++) total[y[col0[i]]] += weight[col0[i]];
      let nodeWeight = 0;
      let major = 0;
      for (let c = 0; c < classes; c++) {
        nodeWeight += total[c];
        if (total[c] > total[major]) major = c;
      }
      tree.vote[node] = major;
      const impurity = gini(total, nodeWeight);
      if (impurity <= 0 || depth >= o.maxDepth || nodeWeight < 2 * o.minLeaf) continue;

      // Best split: lowest weighted child impurity (sum of w_side · gini_side).
      let bestScore = impurity * nodeWeight;
      let bestK = -1;
      let bestPos = -1;
      let bestThr = 0;
      for (let k = 0; k < m; k++) {
        const f = feats[k];
        const col = cols[k];
        leftCounts.fill(0);
        let wl = 0;
        for (let i = lo; i < hi - 1; i++) {
          const r = col[i];
          const wr = weight[r];
          leftCounts[y[r]] += wr;
          wl += wr;
          const v = data[r * d + f];
          const next = data[col[i + 1] * d + f];
          if (next === v) continue;
          const wR = nodeWeight - wl;
          if (wl < o.minLeaf || wR < o.minLeaf) continue;
          let sl = 0;
          let sr = 0;
          for (let c = 0; c < classes; c++) {
            const a = leftCounts[c];
            const b = total[c] - a;
            sl += a * a;
            sr += b * b;
          }
          // w_l·(1 − Σ(a/w_l)²) + w_r·(1 − Σ(b/w_r)²)
          const score = wl - sl / wl + (wR - sr / wR);
          if (score < bestScore - 1e-12 * nodeWeight) {
            bestScore = score;
            bestK = k;
            bestPos = i;
            bestThr = v + (next - v) / 2;
            if (!(bestThr < next)) bestThr = v; // adjacent doubles: the midpoint rounds up to next; x ≤ v goes left all the same
          }
        }
      }
      if (bestK < 0) continue;
      const f = feats[bestK];
      treeImportance[f] += impurity * nodeWeight - bestScore;
      // Mark the rows going left, then partition every column stably.
      const splitCol = cols[bestK];
      for (let i = lo; i <= bestPos; i++) goesLeft[splitCol[i]] = 1;
      for (let i = bestPos + 1; i < hi; i++) goesLeft[splitCol[i]] = 0;
      const mid = bestPos + 1;
      for (let k = 0; k < m; k++) {
        if (k === bestK) continue;
        const col = cols[k];
        let a = lo;
        let b = 0;
        for (let i = lo; i < hi; i++) {
          const r = col[i];
          if (goesLeft[r]) col[a++] = r;
          else scratch[b++] = r;
        }
        col.set(scratch.subarray(0, b), a);
      }
      tree.feature[node] = f;
      tree.threshold[node] = bestThr;
      const l = tree.add();
      const r = tree.add();
      tree.left[node] = l;
      tree.right[node] = r;
      // Right first on the stack so the left subtree is grown first (node order is deterministic either way).
      stack.push({ node: r, lo: mid, hi, depth: depth + 1 });
      stack.push({ node: l, lo, hi: mid, depth: depth + 1 });
    }
    if (rootWeight > 0) for (let f = 0; f < d; f++) importance[f] += treeImportance[f] / rootWeight;
    trees.push(tree.done());
  }
  let sum = 0;
  for (let f = 0; f < d; f++) sum += importance[f];
  if (sum > 0) for (let f = 0; f < d; f++) importance[f] /= sum;
  return new RandomForest(d, classes, trees, importance);
}
