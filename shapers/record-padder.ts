/**
 * The runtime shared by record-level size padders (fixed buckets, powers of two, Signal
 * padding): a shaper that only answers `padRecord` with a pure length function and
 * leaves packets and timing alone. The transport calls `padRecord` on each application
 * record before MTU segmentation (see `shapers/shaper.ts`).
 *
 * @example
 * const s = new RecordPadder((n) => 512 * Math.ceil(n / 512));
 * s.padRecord(513) // => 1024
 */
import { BaseShaper, type ShaperDeclaration, declare } from "./shaper.ts";

/** Grows records, nothing else. */
export const RECORD_PADDING: ShaperDeclaration = declare({ pads: true });

export class RecordPadder extends BaseShaper {
  readonly declaration = RECORD_PADDING;
  private readonly rule: (length: number) => number;

  constructor(rule: (length: number) => number) {
    super();
    this.rule = rule;
  }

  padRecord(length: number): number {
    return this.rule(length);
  }
}

/** Throws unless `length` is a non-negative safe integer (the domain of every size rule). */
export function checkLength(rule: string, length: number): void {
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new RangeError(`${rule}(${length}): expected an integer length from 0 to 2^53-1`);
  }
}
