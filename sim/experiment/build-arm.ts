/**
 * Builds the world of one defense arm from an experiment: the population, the
 * conversation models, transport and network, the shaper on each side with its budget,
 * the users' placement on access networks, ISPs and VPN exits, the observers' taps at
 * their vantages and scopes, and (unless told not to) the radio fleet.
 * Every part draws from its own named stream of the experiment seed, so arms share the
 * same people and conversations (common random numbers) and differ only by defense.
 *
 * @example
 * const { world, observers } = await buildArm(exp, exp.defenses[1], duration);
 * const result = world.run();
 */
import type { Observer, ObserverDefinition, VantageName } from "../../observers/observer.ts";
import { stream } from "../core/rng.ts";
import { createPairPool } from "../parallel/pair-pool.ts";
import type { Micros } from "../core/time.ts";
import { budgetFrom } from "../engine/budget.ts";
import { planNetwork } from "../world/network.ts";
import { buildPopulation, type Population } from "../world/population.ts";
import { RadioFleet, radioPreset } from "../world/radio.ts";
import { placeUsers, scopeUsers, type Placement } from "../world/topology.ts";
import { Transport } from "../world/transport.ts";
import { World } from "../world/world.ts";
import { getConversationModel, getObserver, getShaper } from "./registries.ts";
import type { Defense, Experiment } from "./schema.ts";

/** The experiment's observers, created for one run of `population.users` users under `seed`. */
async function buildArmObservers(exp: Experiment, duration: Micros, seed: number) {
  const users = (exp.population as { users: number }).users;
  return Promise.all(
    exp.observers.map(async (o, index) => {
      const def = await getObserver(o.observer);
      const observer = def.create(o.params as never, { users, start: 0, end: duration, rng: stream(seed, `observer/${index}/${o.observer}`), pairPools: createPairPool });
      return { index, def, vantage: (o.vantage ?? def.vantage) as VantageName, scope: o.scope, observer };
    }),
  );
}

/** Everything one defense arm runs with, built from the experiment. */
export interface ArmSetup {
  population: Population;
  observers: { index: number; def: ObserverDefinition; vantage: VantageName; scope: string | undefined; observer: Observer }[];
  /** Where the users sit: access network, ISP, VPN exit (from the experiment's `topology` stream, shared by every arm). */
  placement: Placement;
  radio: RadioFleet | null;
  world: World;
}

/**
 * Builds the world for one defense arm: population, conversation models, transport,
 * network, shapers, observers' taps and (unless `radio: false`) the radio fleet.
 * Exported for the benchmarks, which run the world without scoring.
 */
export async function buildArm(
  exp: Experiment,
  defense: Defense,
  duration: Micros,
  opts: { radio?: boolean; onProgress?: (fraction: number) => void } = {},
): Promise<ArmSetup> {
  const seed = exp.seed;
  const population: Population = buildPopulation(exp.population, stream(seed, "population"));
  const models = await Promise.all(
    exp.conversations.map(async (c, i) => {
      const def = await getConversationModel(c.model);
      return { name: c.model, model: def.create(c.params as never, stream(seed, `conversation/${i}/${c.model}`)) };
    }),
  );
  const observers = await buildArmObservers(exp, duration, seed);
  const placement = placeUsers(exp.topology, population.size, exp.transport.vpn !== undefined, stream(seed, "topology"));
  const radio = opts.radio === false ? null : new RadioFleet(population.size, radioPreset(exp.radio));
  const onProgress = opts.onProgress;
  const world = new World({
    seed,
    duration,
    population,
    models,
    transport: new Transport(exp.transport),
    network: planNetwork(exp.network),
    device: {
      name: defense.device.shaper,
      definition: await getShaper(defense.device.shaper),
      params: defense.device.params,
      budget: budgetFrom(defense.device.budget),
    },
    server: {
      name: defense.server.shaper,
      definition: await getShaper(defense.server.shaper),
      params: defense.server.params,
      budget: budgetFrom(defense.server.budget),
    },
    taps: observers.map((o) => ({ vantage: o.vantage, tap: o.observer.tap, scope: scopeUsers(placement, o.vantage, o.scope, `observers[${o.index}].scope`) })),
    placement,
    // packets still in flight at the end of the run fall outside its books
    deviceFeed: radio ? (device, time, size, dir) => (time <= duration ? radio.packet(device, time, size, dir) : undefined) : undefined,
    traceUsers: exp.traceUsers,
    maxEvents: exp.limits.maxEvents,
    onProgress: onProgress ? (now) => onProgress(now / duration) : undefined,
  });
  return { population, observers, placement, radio, world };
}

