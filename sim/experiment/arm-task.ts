/**
 * One defense arm as a worker task: runs `runDefense` and returns its result (entry,
 * scores, extras) in a form
 * that survives structured cloning (timeline traces as plain columns). `runExperiment`
 * sends arms here when it runs them on several cores.
 */
import type { Experiment } from "./schema.ts";
import { runDefense, type ArmExtras, type ArmRun } from "./run-arm.ts";
import { SECOND } from "../core/time.ts";
import { Trace } from "../core/trace.ts";

export interface ArmTask {
  experiment: Experiment;
  index: number;
}

/** A Trace's columns, as structured clone carries them. */
export type TraceColumns = Pick<Trace, "time" | "size" | "payload" | "dir" | "kind" | "flow">;

export interface ClonedArm {
  arm: ArmRun["arm"];
  scores: ArmRun["scores"];
  extra: Omit<ArmExtras, "timelines"> & { timelines: { user: number; trace: TraceColumns }[] };
}

export default async function armTask({ experiment, index }: ArmTask): Promise<ClonedArm> {
  const { arm, scores, extra } = await runDefense(experiment, experiment.defenses[index], Math.round(experiment.durationSeconds * SECOND));
  const timelines = extra.timelines.map(({ user, trace }) => {
    const v = trace.view(0, trace.length);
    return { user, trace: { time: v.time.slice(), size: v.size.slice(), payload: v.payload.slice(), dir: v.dir.slice(), kind: v.kind.slice(), flow: v.flow.slice() } };
  });
  return { arm, scores, extra: { ...extra, timelines } };
}

/** Rebuilds the Trace objects of a cloned arm. */
export function unclone(c: ClonedArm): ArmRun {
  return { arm: c.arm, scores: c.scores, extra: { ...c.extra, timelines: c.extra.timelines.map(({ user, trace }) => ({ user, trace: new Trace(0, trace) })) } };
}
