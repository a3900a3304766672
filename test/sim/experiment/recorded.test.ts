/**
 * Captures as population (issue 15 item 3): an experiment whose `recorded` section names
 * a folder of traces is replayed through each defense's shapers and scored by
 * `scoreRun` like modelled arms. The traces are made by `recorded-traces.ts`: 10 pairs
 * who message each other (correlated timing across the pair) and 4 idle users.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { rocAuc } from "../../../observers/metrics.ts";
import { REAL, UP } from "../../../sim/core/kinds.ts";
import { canonicalJson } from "../../../sim/core/canonical-json.ts";
import type { Trace } from "../../../sim/core/trace.ts";
import { InputError } from "../../../sim/core/validation.ts";
import { parseExperiment } from "../../../sim/experiment/parse.ts";
import { loadRecorded, setRecordedBase } from "../../../sim/experiment/recorded.ts";
import { runExperiment, type RunOutput } from "../../../sim/experiment/run.ts";
import { runRecordedArms } from "../../../sim/experiment/run-recorded.ts";
import type { Experiment } from "../../../sim/experiment/schema.ts";
import { reportMarkdown } from "../../../sim/report/text.ts";
import { recordedTraces, writeRecordedTraces } from "./recorded-traces.ts";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const CONSTANT = { shaper: "constant-rate", params: { alwaysOn: true, intervalSeconds: 0.05, cellBytes: 1500 } };
const pop = recordedTraces({ pairs: 10, idle: 4, seconds: 600 });

function raw(dir: string, extra: Record<string, unknown> = {}) {
  return {
    name: "recorded-test",
    purpose: "replay a recorded population",
    durationSeconds: 600,
    population: { users: 24 },
    recorded: { dir, pairs: pop.pairs },
    defenses: [{ name: "none" }, { name: "constant-rate-both", device: CONSTANT, server: CONSTANT }],
    observers: [{ observer: "volume-correlation" }],
    metrics: { resamples: 200 },
    traceUsers: [0, 20],
    ...extra,
  };
}

/** Per direction: the flow ids of real packets in the order they left, runs collapsed; and real payload bytes per flow. */
function flowOrder(t: Trace, dir: number) {
  const seq: number[] = [];
  const bytes = new Map<number, number>();
  for (let i = 0; i < t.length; i++) {
    if (t.dir[i] !== dir || t.kind[i] !== REAL || t.payload[i] === 0) continue;
    if (seq[seq.length - 1] !== t.flow[i]) seq.push(t.flow[i]);
    bytes.set(t.flow[i], (bytes.get(t.flow[i]) ?? 0) + t.payload[i]);
  }
  return { seq, bytes };
}

describe("an experiment on a folder of recorded traces", () => {
  let base: string;
  let exp: Experiment;
  let out: RunOutput;

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), "chaff-recorded-"));
    writeRecordedTraces(join(base, "traces"), pop);
    exp = await parseExperiment(raw("traces"));
    setRecordedBase(exp, base);
    out = await runExperiment(exp);
  });

  it("undefended, volume correlation links the known pairs far above chance", () => {
    const none = out.metrics.arms[0];
    expect(out.metrics.users).toBe(24);
    const auc = none.strongest.find((s) => s.task === "link")!.auc;
    expect(auc.resolvable).toBe(true);
    expect(auc.lo!).toBeGreaterThan(0.9);
    const o = none.observers[0].summary;
    expect([o.positives, o.negatives]).toEqual([10, (24 * 23) / 2 - 10]);
  });

  it("constant rate on both sides brings it down to chance, a paired 'lower'", () => {
    const cr = out.metrics.arms[1];
    const auc = cr.strongest.find((s) => s.task === "link")!.auc;
    expect(auc.estimate!).toBeLessThan(0.6);
    const d = cr.versusUndefended!.find((v) => v.observer === "strongest:link" && v.metric === "auc")!;
    expect(d.verdict).toBe("lower");
    expect(cr.cost.bandwidthOverhead.total.estimate!).toBeGreaterThan(10);
    expect(out.metrics.arms[0].cost.bandwidthOverhead.total.estimate).toBe(0);
  });

  it("keeps each flow's order and bytes through the shapers, on both sides", () => {
    for (const user of [0, 20]) {
      const shaped = out.extras[1].timelines.find((x) => x.user === user)!.trace;
      const recorded = loadRecorded(exp.recorded!, base).traces[user];
      for (const dir of [0, 1]) {
        const a = flowOrder(shaped, dir);
        const b = flowOrder(recorded, dir);
        expect(a.seq).toEqual(b.seq);
        expect(a.bytes).toEqual(b.bytes);
      }
      // the shaper really re-timed it: every uplink packet is a 1500 B cell
      for (let i = 0; i < shaped.length; i++) if (shaped.dir[i] === UP) expect(shaped.size[i]).toBe(1500);
    }
  });

  it("states what replay cannot re-time, in metrics.json and the report", () => {
    const notes = out.metrics.notes!;
    expect(notes.join("\n")).toMatch(/not causal/);
    expect(notes.join("\n")).toMatch(/same single access link/);
    expect(notes.join("\n")).toMatch(/only the link task/);
    const md = reportMarkdown(out.metrics);
    expect(md).toContain("## What this run cannot say");
    expect(md).toContain("replay is not causal");
  });

  it("gives the same scores run after run (the replay's shapers draw from named streams)", async () => {
    const again = await runRecordedArms(exp);
    const arms = again.arms.map((a) => a.scores[0].scores);
    expect(rocAuc(arms[0].positives, arms[0].negatives)).toBeGreaterThan(0.9);
    expect(canonicalJson((await runExperiment(exp)).metrics)).toBe(canonicalJson(out.metrics));
  });

  it("puts the users on one clock by their capture origins", () => {
    const p = loadRecorded(exp.recorded!, base);
    expect(p.aligned).toBe(true);
    const zero = Math.min(...pop.origins);
    for (const u of [0, 1, 23]) expect(p.traces[u].time[0]).toBe(pop.traces[u].time[0] + pop.origins[u] - zero);
  });

  it("reads pairs from a file, and refuses pairs naming users it does not have", () => {
    writeFileSync(join(base, "pairs.json"), JSON.stringify(pop.pairs));
    expect(loadRecorded({ dir: "traces", pairs: "pairs.json" }, base).pairs).toEqual(pop.pairs);
    expect(() => loadRecorded({ dir: "traces", pairs: [[0, 24]] }, base)).toThrow(/recorded.pairs\[0\] = \[0, 24\]: expected two different users from 0 to 23/);
    expect(() => loadRecorded({ dir: "nowhere", pairs: [] }, base)).toThrow(InputError);
  });

  it("refuses observers of tasks a capture cannot label", async () => {
    const e = await parseExperiment(raw("traces", { observers: [{ observer: "activity-detector" }] }));
    setRecordedBase(e, base);
    await expect(runExperiment(e)).rejects.toThrow(/not resolvable from a capture/);
  });
});

describe("the recorded section in the experiment schema", () => {
  it("is absent from an experiment that does not set it (existing experiments unchanged)", async () => {
    const e = await parseExperiment(JSON.parse(readFileSync(join(ROOT, "sim/experiment/builtin/default.json"), "utf8")));
    expect("recorded" in e).toBe(false);
  });

  it("the builtin example's folder is what recorded-traces.ts writes", () => {
    const dir = join(ROOT, "sim/experiment/builtin/recorded-example");
    const fresh = mkdtempSync(join(tmpdir(), "chaff-recorded-example-"));
    writeRecordedTraces(fresh, pop);
    const names = readdirSync(dir).sort();
    expect(names).toEqual(readdirSync(fresh).sort());
    for (const n of names) expect(readFileSync(join(dir, n), "utf8")).toBe(readFileSync(join(fresh, n), "utf8"));
  });

  it("the builtin example runs from the command line's loader, its folder relative to the file", async () => {
    const { loadExperiment } = await import("../../../sim/cli/load-experiment.ts");
    const { experiment } = await loadExperiment(join(ROOT, "sim/experiment/builtin/recorded-example.json"));
    const r = await runRecordedArms(experiment);
    expect(r.users).toBe(24);
    expect(r.arms.map((a) => a.arm.defense)).toEqual(["none", "constant-rate-both"]);
  });
});
