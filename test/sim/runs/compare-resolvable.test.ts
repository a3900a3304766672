/**
 * `chaff compare` on figures only one side can estimate (sim/runs/compare.ts `judgeFigure`):
 * a privacy figure the baseline could not resolve and the run can shows exposure the
 * baseline never showed — WORSE, favouring the attacker; one that stops being resolvable
 * is missing; a cost that becomes resolvable is new (reported, no failure). Two
 * constructed metrics.json files with known figures, judged by the command itself.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { compareRuns, NEWLY_RESOLVABLE, NEWLY_RESOLVABLE_COST, NO_LONGER_RESOLVABLE } from "../../../sim/runs/compare.ts";
import type { Figure, Interval, RunMetrics } from "../../../sim/runs/metrics.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
const NONE: Figure = { estimate: null, lo: null, hi: null, resolvable: false };
const fig = (estimate: number, lo: number, hi: number): Figure => ({ estimate, lo, hi, resolvable: true });
const iv = (x: number | null): Interval => ({ estimate: x, lo: x, hi: x });

/** One defense arm with one ISP link observer of AUC `auc` and an added p99 latency of `p99` ms (null: not measurable). */
function metrics(auc: Figure, p99: number | null): RunMetrics {
  const zero = iv(0);
  return {
    experiment: "constructed",
    purpose: "a constructed run",
    seed: 1,
    durationSeconds: 60,
    users: 40,
    arms: [
      {
        defense: "d",
        device: { shaper: "constant-rate", params: {} },
        server: { shaper: "constant-rate", params: {} },
        traffic: { messages: 1, delivered: 1, conversations: 1, packets: 1 },
        cost: {
          bandwidthOverhead: { total: zero, device: zero, server: zero },
          addedLatencyMs: { p50: zero, p95: zero, p99: iv(p99), messages: 1 },
          endToEndLatencyMs: { p50: zero, p95: zero, p99: zero },
          energy: { radio: "lte", joulesPerHour: zero, wakeupsPerHour: zero },
          budget: { refusedPadding: 0, forcedReleases: 0 },
        },
        observers: [
          {
            observer: "event-matching",
            vantage: "isp",
            task: "link",
            sees: "",
            cannotSee: "",
            orientation: 1,
            trainingAuc: null,
            summary: {
              positives: 20,
              negatives: 400,
              candidates: 41,
              positiveUsers: 20,
              negativeUsers: 20,
              resamples: 100,
              level: 0.95,
              auc,
              tprAt: {},
              bdr: { baseRate: null, at: {} },
              top1: null,
              top5: null,
              notResolvable: [],
            },
          },
        ],
        strongest: [],
        versusUndefended: null,
      },
    ],
  } as RunMetrics;
}

function write(m: RunMetrics): string {
  const file = join(mkdtempSync(join(tmpdir(), "chaff-resolvable-")), "metrics.json");
  writeFileSync(file, JSON.stringify(m));
  return file;
}

const compare = (baseline: string, run: string) => spawnSync(process.execPath, [join(ROOT, "bin/chaff.js"), "compare", baseline, run, "--changes"], { cwd: ROOT, encoding: "utf8" });

describe("chaff compare: a figure only one side resolves", () => {
  const hidden = write(metrics(NONE, 5));
  const shown = write(metrics(fig(0.9, 0.8, 0.95), 5));

  it("fails a privacy figure that becomes resolvable (baseline without an estimate, run at AUC 0.9): worse, favouring the attacker", () => {
    const r = compare(hidden, shown);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toContain(`| d | event-matching@isp | auc | not resolvable | 0.900 [0.800, 0.950] | – | ${NEWLY_RESOLVABLE} | **WORSE** |`);
    expect(r.stdout).toMatch(/\*\*1 regression\(s\)\*\*: d \/ event-matching@isp \/ auc \(WORSE\)\./);
  });

  it("fails one that stops being resolvable (missing: the run hides what was measured)", () => {
    const r = compare(shown, hidden);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toContain(`| d | event-matching@isp | auc | 0.900 [0.800, 0.950] | not resolvable | – | ${NO_LONGER_RESOLVABLE} | **missing** |`);
  });

  it("reports a cost that becomes resolvable as new, without failing; one lost is missing", () => {
    const c = compareRuns(metrics(fig(0.9, 0.8, 0.95), null), metrics(fig(0.9, 0.8, 0.95), 120));
    const p99 = c.judgements.find((j) => j.metric === "latency.p99")!;
    expect([p99.verdict, p99.rule]).toEqual(["new", NEWLY_RESOLVABLE_COST]);
    expect(c.regressions).toBe(0);
    // the same cost lost in the run is a measurement gone: missing
    expect(compareRuns(metrics(NONE, 120), metrics(NONE, null)).judgements.find((j) => j.metric === "latency.p99")?.verdict).toBe("missing");
    expect(compareRuns(metrics(fig(0.9, 0.8, 0.95), 5), metrics(fig(0.9, 0.8, 0.95), 5)).regressions).toBe(0);
  });
});
