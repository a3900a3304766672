/**
 * Constructed metadata for the network-metadata observers' tests: records written by
 * hand (or drawn from a named seeded stream), and `Labels` that answer only the metadata
 * tasks (`service`, `flow-link`) and the activity task, so each test knows its answer
 * before the observer runs.
 */
import type { Labels } from "../../observers/labels.ts";
import type { MetaRecord } from "../../observers/meta-record.ts";
import type { Observer, ObserverDefinition, TaskScores } from "../../observers/observer.ts";
import { stream } from "../../sim/core/rng.ts";
import type { Micros } from "../../sim/core/time.ts";
import { validateObserverParams } from "../../sim/experiment/registries.ts";

/** A record with every field visible unless `r` says otherwise. */
export function rec(r: Partial<MetaRecord> & Pick<MetaRecord, "kind" | "device" | "time">): MetaRecord {
  return { end: r.time, flow: 0, name: null, src: null, dst: null, port: null, bytesUp: 100, bytesDown: 100, ...r };
}

export interface MetaLabelOptions {
  readonly users: number;
  readonly devices: number;
  /** Which devices run the service (default: ids below `users`). */
  readonly runsService?: (device: number) => boolean;
  /** The owner of each flow handle (default: −1 for every handle). */
  readonly owners?: ReadonlyMap<number, number>;
  /** active[u · windows + w], for the activity task. */
  readonly active?: Uint8Array;
}

export function metaLabels(o: MetaLabelOptions): Labels {
  return {
    users: o.users,
    devices: o.devices,
    runsService: o.runsService ?? ((d) => d < o.users),
    flowOwner: (f) => o.owners?.get(f) ?? -1,
    pairs: () => {
      throw new Error("not a pair task");
    },
    activeWindows: (_start, _window, windows) => {
      if (o.active === undefined) throw new Error("no activity labels");
      if (o.active.length !== o.users * windows) throw new Error(`activity labels for ${o.active.length / o.users} windows; asked for ${windows}`);
      return o.active;
    },
    carried: () => 0,
  };
}

/** Creates `def` with `params`, feeds `records` (sorted by time) to its metadata tap. */
export function feedMeta(def: ObserverDefinition, params: Record<string, unknown>, records: readonly MetaRecord[], users: number, start: Micros, end: Micros): Observer {
  const obs = def.create(validateObserverParams(def, params), { users, start, end, rng: stream(1, `test/${def.name}`) });
  if (obs.meta === undefined) throw new Error(`${def.name} has no metadata tap`);
  for (const r of [...records].sort((a, b) => a.time - b.time)) obs.meta.record(r);
  return obs;
}

/** Every score of a result, sorted: what stays when only the labels change. */
export const allScores = (s: TaskScores): number[] => [...s.positives, ...s.negatives].sort((a, b) => a - b);
