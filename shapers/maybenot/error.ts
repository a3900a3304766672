/**
 * The one error type of the Maybenot codec and validation — mirrors `Error::Machine`
 * in maybenot-io/maybenot `crates/maybenot/src/error.rs`, with chaff's rule for bad
 * input: the message names where (machine, state, field), the value and what was
 * expected, e.g. `machine 2: state 3: transition to state 9 but the machine has 4 states`.
 */
export class MachineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MachineError";
  }

  /** The same error with `where: ` in front (used to add the machine or state it is in). */
  static within(where: string, e: unknown): unknown {
    if (e instanceof MachineError) return new MachineError(`${where}: ${e.message}`);
    return e;
  }
}

/** Formats a number for an error message the way a reader expects (NaN, -0, 1e300 as such). */
export function show(x: number | bigint): string {
  if (typeof x === "bigint") return x.toString();
  if (Object.is(x, -0)) return "-0";
  return String(x);
}
