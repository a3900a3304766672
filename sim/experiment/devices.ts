/**
 * The resampling units of a run: its users, and with a `policy` also the bystanders of
 * its `topology` (device ids users … devices − 1, the negatives of the `service` task).
 * The run's scoring and the workers that bootstrap an arm where it ran draw their user
 * weights over this many ids, so both draw the same replicates.
 *
 * @example
 * metadataDevices(exp); // 200 without a policy; 200 + 40 with 40 bystanders and a policy
 */
import type { Experiment } from "./schema.ts";

export function metadataDevices(exp: Experiment): number {
  const users = (exp.population as { users: number }).users;
  if (exp.policy === undefined || exp.topology === undefined) return users;
  let bystanders = 0;
  for (const n of exp.topology.networks) bystanders += n.bystanders;
  return users + bystanders;
}
