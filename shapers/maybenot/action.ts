/**
 * Actions a Maybenot state takes on entry — maybenot-io/maybenot
 * `crates/maybenot/src/action.rs` (the spec form, with distributions) and the sampled
 * form the framework hands the integrator (`TriggerAction`).
 *
 * Rule: four actions.
 * - Cancel{timer}: cancel the machine's action timer, internal timer, or both;
 * - SendPadding{bypass, replace, timeout, limit?}: after `timeout` µs queue one padding
 *   packet; replaces any pending action timer of the machine;
 * - BlockOutgoing{bypass, replace, timeout, duration, limit?}: after `timeout` µs block
 *   all outgoing traffic of the framework for `duration` µs (replace: this duration
 *   wins; otherwise the longer remaining one); replaces any pending action timer;
 * - UpdateTimer{replace, duration, limit?}: set the internal timer (replace: this
 *   duration wins; otherwise the longer one).
 * `limit`, sampled on entering the state, caps how often the action repeats while the
 * machine stays there; no limit means u64::MAX. Timeouts and durations are rounded to
 * whole µs after capping at one day.
 */
import { type Dist, validateDist } from "./dist.ts";
import { MachineError } from "./error.ts";

/** Which timer a Cancel applies to (serialized order). */
export const TIMERS = ["Action", "Internal", "All"] as const;
export type Timer = (typeof TIMERS)[number];

export type Action =
  | { kind: "Cancel"; timer: Timer }
  | { kind: "SendPadding"; bypass: boolean; replace: boolean; timeout: Dist; limit: Dist | null }
  | { kind: "BlockOutgoing"; bypass: boolean; replace: boolean; timeout: Dist; duration: Dist; limit: Dist | null }
  | { kind: "UpdateTimer"; replace: boolean; duration: Dist; limit: Dist | null };

export type ActionKind = Action["kind"];

/** Serialized variant order. */
export const ACTION_KINDS: readonly ActionKind[] = ["Cancel", "SendPadding", "BlockOutgoing", "UpdateTimer"];

function field(name: string, d: Dist): void {
  try {
    validateDist(d);
  } catch (e) {
    throw MachineError.within(name, e);
  }
}

/** Validates every distribution of the action; errors name the action and field. */
export function validateAction(a: Action): void {
  try {
    switch (a.kind) {
      case "Cancel":
        if (!TIMERS.includes(a.timer)) throw new MachineError(`timer ${String(a.timer)}: expected one of ${TIMERS.join(", ")}`);
        return;
      case "SendPadding":
        field("timeout", a.timeout);
        if (a.limit) field("limit", a.limit);
        return;
      case "BlockOutgoing":
        field("timeout", a.timeout);
        field("duration", a.duration);
        if (a.limit) field("limit", a.limit);
        return;
      case "UpdateTimer":
        field("duration", a.duration);
        if (a.limit) field("limit", a.limit);
        return;
      default:
        throw new MachineError(`unknown action kind ${String((a as { kind: unknown }).kind)}`);
    }
  } catch (e) {
    throw MachineError.within(`action ${a.kind}`, e);
  }
}
