/**
 * Machines — maybenot-io/maybenot `crates/maybenot/src/machine.rs`.
 *
 * Rule: a machine is a probabilistic automaton of 1..100,000 states (state 0 starts)
 * plus its overhead limits: `allowedPaddingPackets` padding packets and
 * `allowedBlockedMicrosec` µs of blocking that no fraction limit applies to, then
 * `maxPaddingFrac` and `maxBlockingFrac` in [0, 1] (0: no cap). The two allowances
 * are u64, held as bigint so u64::MAX (DAITA) survives a round trip.
 */
import { STATE_MAX, U64_MAX } from "./constants.ts";
import { MachineError, show } from "./error.ts";
import { type State, validateState } from "./state.ts";

export interface Machine {
  allowedPaddingPackets: bigint;
  maxPaddingFrac: number;
  allowedBlockedMicrosec: bigint;
  maxBlockingFrac: number;
  states: State[];
}

function u64(name: string, v: bigint): void {
  if (typeof v !== "bigint" || v < 0n || v > U64_MAX) throw new MachineError(`${name} ${String(v)}: expected an integer in [0, 2^64 - 1]`);
}

/** Validates the machine as Maybenot's `Machine::validate` does; errors name the state and field. */
export function validateMachine(m: Machine): void {
  u64("allowedPaddingPackets", m.allowedPaddingPackets);
  u64("allowedBlockedMicrosec", m.allowedBlockedMicrosec);
  if (!(m.maxPaddingFrac >= 0 && m.maxPaddingFrac <= 1))
    throw new MachineError(`maxPaddingFrac ${show(m.maxPaddingFrac)}: expected a fraction in [0, 1]`);
  if (!(m.maxBlockingFrac >= 0 && m.maxBlockingFrac <= 1))
    throw new MachineError(`maxBlockingFrac ${show(m.maxBlockingFrac)}: expected a fraction in [0, 1]`);
  const n = m.states.length;
  if (n === 0) throw new MachineError("states: a machine must have at least one state");
  if (n > STATE_MAX) throw new MachineError(`states: ${n} states, expected at most ${STATE_MAX}`);
  for (let i = 0; i < n; i++) {
    try {
      validateState(m.states[i], n);
    } catch (e) {
      throw MachineError.within(`state ${i}`, e);
    }
  }
}
