/**
 * Feeds the metadata world to the observers that read it: after a run, when the
 * experiment has a `policy` and at least one observer has a `meta` tap, generates the
 * run's true metadata records (metadata.ts, stream `metadata` of the run's seed) and
 * hands each such observer, in time order, the records its vantage and scope see
 * (visibility.ts). Returns, per observer, who really owns each of its flow handles (the
 * `flow-link` labels) and the number of devices (the `service` labels).
 *
 * @example
 * const fed = feedMetadata(setup.observers, result.truth, setup.placement, exp.policy, exp.transport, duration, exp.seed);
 */
import type { Observer, VantageName } from "../../observers/observer.ts";
import { stream, type Seed } from "../core/rng.ts";
import type { Micros } from "../core/time.ts";
import { generateMetadata, type MetadataParams } from "./metadata.ts";
import type { Policy } from "./policy.ts";
import type { Placement } from "./topology.ts";
import type { TransportSpec } from "./transport.ts";
import type { Truth } from "./truth.ts";
import { checkPolicy, projectView } from "./visibility.ts";

export interface MetaObserverUse {
  readonly index: number;
  readonly vantage: VantageName;
  readonly scope?: string;
  readonly observer: Observer;
}

export interface MetadataFed {
  /** Devices of the metadata world: users, then bystanders. */
  readonly devices: number;
  /** By observer index: owners[handle] at that observer's vantage and scope (−1: several devices). */
  readonly owners: Map<number, Int32Array>;
}

/** Generates the run's metadata and feeds every observer with a `meta` tap (see the header); null without a policy. */
export function feedMetadata(
  uses: readonly MetaObserverUse[],
  truth: Truth,
  placement: Placement,
  policy: Policy | undefined,
  transport: TransportSpec,
  duration: Micros,
  seed: Seed,
  params: Partial<MetadataParams> = {},
): MetadataFed | null {
  if (policy === undefined) return null;
  checkPolicy(policy, transport);
  const devices = placement.users + placement.bystanders;
  const owners = new Map<number, Int32Array>();
  const readers = uses.filter((o) => o.observer.meta !== undefined);
  if (readers.length === 0) return { devices, owners };
  const world = generateMetadata(truth, placement, duration, stream(seed, "metadata"), params);
  for (const o of readers) {
    const view = projectView(world.records, o.vantage, o.scope, policy, placement, transport, `observers[${o.index}].scope`);
    const tap = o.observer.meta!;
    for (const r of view.records) tap.record(r);
    owners.set(o.index, view.owners);
  }
  return { devices, owners };
}
