import { mean, sampleStandardDeviation } from "simple-statistics";
import { describe, expect, it } from "vitest";
import { bootstrapCi, bootstrapScores, bootstrapScoresAll, rocAuc, rocAucSorted, tprAtFprSorted } from "../../../observers/metrics.ts";
import { stream } from "../../../sim/core/rng.ts";

function sample(seed: number, n: number): Float64Array {
  const r = stream(seed, "test/bootstrap/data");
  return Float64Array.from({ length: n }, () => r.exponential(2));
}

const meanOf = (x: ArrayLike<number>) => (idx: Int32Array) => {
  let s = 0;
  for (let i = 0; i < idx.length; i++) s += x[idx[i]];
  return s / idx.length;
};

describe("bootstrapCi", () => {
  it("matches the documented example", () => {
    const x = [3, 1, 4, 1, 5, 9, 2, 6];
    expect(bootstrapCi(meanOf(x), x.length, stream(1, "ci"))).toEqual({ estimate: 3.875, lo: 2.25, hi: 5.75 });
  });

  it("is deterministic for a seed and changes with it", () => {
    const x = sample(1, 300);
    const a = bootstrapCi(meanOf(x), x.length, stream(7, "ci"));
    const b = bootstrapCi(meanOf(x), x.length, stream(7, "ci"));
    const c = bootstrapCi(meanOf(x), x.length, stream(8, "ci"));
    expect(a).toEqual(b);
    expect(c.estimate).toBe(a.estimate);
    expect(c.lo).not.toBe(a.lo);
  });

  it("estimates on the full sample and its interval contains the estimate", () => {
    for (let seed = 0; seed < 20; seed++) {
      const x = sample(100 + seed, 200);
      const ci = bootstrapCi(meanOf(x), x.length, stream(seed, "ci"), { resamples: 400 });
      expect(ci.estimate).toBeCloseTo(mean(Array.from(x)), 12);
      expect(ci.lo).toBeLessThanOrEqual(ci.estimate);
      expect(ci.hi).toBeGreaterThanOrEqual(ci.estimate);
    }
  });

  it("narrows with more data (about 1/√n) and widens with the level", () => {
    const small = sample(2, 200);
    const large = sample(3, 5000);
    const w = (x: Float64Array, level = 0.95) => {
      const ci = bootstrapCi(meanOf(x), x.length, stream(9, "ci"), { resamples: 500, level });
      return ci.hi - ci.lo;
    };
    const ratio = w(large) / w(small);
    expect(ratio).toBeGreaterThan(0.5 * Math.sqrt(200 / 5000));
    expect(ratio).toBeLessThan(2 * Math.sqrt(200 / 5000));
    expect(w(small, 0.8)).toBeLessThan(w(small, 0.99));
    // The 95% width of a mean of Exp(mean 2), n = 5000: ≈ 2·1.96·2/√5000 ≈ 0.111.
    expect(Math.abs(w(large) - 0.111)).toBeLessThan(0.02);
  });

  it("resamples whole clusters: wider than the naive interval when cases within a cluster are copies", () => {
    // 40 clusters of 25 identical cases: only 40 independent values.
    const r = stream(4, "test/bootstrap/clusters");
    const clusters = new Int32Array(1000);
    const x = new Float64Array(1000);
    for (let c = 0; c < 40; c++) {
      const v = r.normal(0, 1);
      for (let j = 0; j < 25; j++) {
        clusters[c * 25 + j] = 1000 + 3 * c; // arbitrary ids
        x[c * 25 + j] = v;
      }
    }
    const naive = bootstrapCi(meanOf(x), x.length, stream(5, "ci"));
    const lengths = new Set<number>();
    const clustered = bootstrapCi(
      (idx) => {
        lengths.add(idx.length);
        // every drawn cluster arrives whole
        for (let i = 0; i < idx.length; i += 25) expect(clusters[idx[i + 24]]).toBe(clusters[idx[i]]);
        return meanOf(x)(idx);
      },
      x.length,
      stream(5, "ci"),
      { clusters },
    );
    expect(clustered.estimate).toBe(naive.estimate);
    // Cluster SE ≈ 1/√40 vs naive ≈ 1/√1000 (wrongly treating copies as independent).
    expect(clustered.hi - clustered.lo).toBeGreaterThan(3 * (naive.hi - naive.lo));
    expect([...lengths]).toEqual([1000]); // equal cluster sizes: fixed length
  });

  it("rejects bad settings and NaN statistics", () => {
    const x = [1, 2, 3];
    expect(() => bootstrapCi(meanOf(x), 0, stream(1, "ci"))).toThrow(/bootstrapCi: n = 0/);
    expect(() => bootstrapCi(meanOf(x), 3, stream(1, "ci"), { level: 1 })).toThrow(/level = 1; expected a coverage in \(0, 1\)/);
    expect(() => bootstrapCi(meanOf(x), 3, stream(1, "ci"), { resamples: 0 })).toThrow(/resamples = 0/);
    expect(() => bootstrapCi(() => Number.NaN, 3, stream(1, "ci"))).toThrow(/returned NaN/);
    expect(() => bootstrapCi(meanOf(x), 3, stream(1, "ci"), { clusters: [1, 2] })).toThrow(/clusters has 2 entries for 3 cases/);
  });
});

function scores(seed: number, n: number, m: number, shift = 1) {
  const r = stream(seed, "test/bootstrap/scores");
  return {
    positives: Float64Array.from({ length: n }, () => r.normal(shift, 1)),
    negatives: Float64Array.from({ length: m }, () => r.normal(0, 1)),
  };
}

describe("bootstrapScores", () => {
  it("stratifies: every resample keeps both class sizes and arrives sorted", () => {
    const s = scores(1, 30, 70);
    const seen: [number, number][] = [];
    const res = bootstrapScores(
      s,
      (p, q) => {
        seen.push([p.length, q.length]);
        for (let i = 1; i < p.length; i++) expect(p[i]).toBeGreaterThanOrEqual(p[i - 1]);
        for (let i = 1; i < q.length; i++) expect(q[i]).toBeGreaterThanOrEqual(q[i - 1]);
        return rocAucSorted(p, q);
      },
      stream(2, "boot"),
      { resamples: 200 },
    );
    expect(seen.length).toBe(201);
    for (const [n, m] of seen) expect([n, m]).toEqual([30, 70]);
    expect(res.estimate).toBe(rocAuc(s.positives, s.negatives));
    expect(res.lo).toBeLessThanOrEqual(res.estimate);
    expect(res.hi).toBeGreaterThanOrEqual(res.estimate);
  });

  it("is deterministic for a seed, and its interval narrows with more data", () => {
    const s = scores(3, 100, 400);
    const a = bootstrapScores(s, rocAucSorted, stream(4, "boot"), { resamples: 300 });
    expect(bootstrapScores(s, rocAucSorted, stream(4, "boot"), { resamples: 300 })).toEqual(a);
    const big = scores(5, 2500, 10_000);
    const b = bootstrapScores(big, rocAucSorted, stream(4, "boot"), { resamples: 300 });
    expect(b.hi - b.lo).toBeLessThan(0.4 * (a.hi - a.lo));
    // Binormal AUC with d' = 1 is Φ(1/√2) ≈ 0.760; the large-sample interval should cover it.
    expect(b.lo).toBeLessThan(0.7602);
    expect(b.hi).toBeGreaterThan(0.7602);
  });

  it("shares resamples across metrics in bootstrapScoresAll", () => {
    const s = scores(6, 200, 2000);
    const [auc, tpr] = bootstrapScoresAll(
      s,
      [rocAucSorted, (p, q) => tprAtFprSorted(p, q, 1e-2).tpr],
      stream(7, "boot"),
      { resamples: 200 },
    );
    expect(auc).toEqual(bootstrapScores(s, rocAucSorted, stream(7, "boot"), { resamples: 200 }));
    expect(tpr.lo).toBeLessThanOrEqual(tpr.estimate);
    expect(tpr.hi).toBeGreaterThanOrEqual(tpr.estimate);
  });

  it("resamples clusters shared by both classes, and so gets the true sampling spread", () => {
    // 40 users, each with 5 positives and 25 negatives; a user's negatives share a user
    // effect, so they are far from 25 independent cases.
    const users = (seed: number) => {
      const r = stream(seed, "test/bootstrap/users");
      const s = { positives: [] as number[], negatives: [] as number[], positiveClusters: [] as number[], negativeClusters: [] as number[] };
      for (let u = 0; u < 40; u++) {
        const effect = r.normal(0, 1);
        for (let j = 0; j < 5; j++) {
          s.positives.push(r.normal(1, 1));
          s.positiveClusters.push(u);
        }
        for (let j = 0; j < 25; j++) {
          s.negatives.push(effect + r.normal(0, 0.2));
          s.negativeClusters.push(u);
        }
      }
      return s;
    };
    // The true spread of the AUC over independent populations (Monte Carlo).
    const aucs = Array.from({ length: 300 }, (_, i) => {
      const s = users(1000 + i);
      return rocAuc(s.positives, s.negatives);
    });
    const trueWidth = 2 * 1.96 * sampleStandardDeviation(aucs); // ≈ 0.156
    const clusterWidths: number[] = [];
    const caseWidths: number[] = [];
    for (let seed = 0; seed < 10; seed++) {
      const s = users(seed);
      const c = bootstrapScores(
        s,
        (p, q) => {
          expect([p.length, q.length]).toEqual([200, 1000]); // 40 users drawn, each whole
          return rocAucSorted(p, q);
        },
        stream(seed, "boot"),
        { resamples: 200 },
      );
      const plain = bootstrapScores({ positives: s.positives, negatives: s.negatives }, rocAucSorted, stream(seed, "boot"), {
        resamples: 200,
      });
      expect(c.estimate).toBe(plain.estimate);
      clusterWidths.push(c.hi - c.lo);
      caseWidths.push(plain.hi - plain.lo);
    }
    // Cluster bootstrap ≈ 0.158 (honest); case bootstrap ≈ 0.075 (overconfident by 2×).
    expect(Math.abs(mean(clusterWidths) / trueWidth - 1)).toBeLessThan(0.25);
    expect(mean(caseWidths) / trueWidth).toBeLessThan(0.7);
  });

  it("varies resample sizes with unequal clusters and redraws resamples that empty a class", () => {
    const s = { positives: [2, 3], negatives: [0, 1, 2], positiveClusters: [1, 2], negativeClusters: [3, 3, 4] };
    const sizes = new Set<string>();
    bootstrapScores(
      s,
      (p, q) => {
        expect(p.length).toBeGreaterThan(0);
        expect(q.length).toBeGreaterThan(0);
        sizes.add(`${p.length}/${q.length}`);
        return rocAucSorted(p, q);
      },
      stream(10, "boot"),
      { resamples: 300 },
    );
    expect(sizes.size).toBeGreaterThan(3);
    expect(() =>
      bootstrapScores({ positives: [1], negatives: [0], positiveClusters: [1, 2] }, rocAucSorted, stream(1, "b")),
    ).toThrow(/positiveClusters has 2 entries for 1 positives/);
    expect(() => bootstrapScores({ positives: [Number.NaN], negatives: [0] }, rocAucSorted, stream(1, "b"))).toThrow(
      /positives\[0\] = NaN/,
    );
  });
});
