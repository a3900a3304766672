/**
 * Next-power-of-two padding — the classic bucket family PURBs compares Padmé against
 * (Nikitin et al., "Reducing Metadata Leakage from Encrypted Files and Communication
 * with PURBs", PoPETs 2019(4)).
 *
 * Rule: pad(L) = 2^⌈log₂ L⌉ for L ≥ 1 (0 stays 0). A padded length leaks only
 * O(log log M) bits, ⌈log₂(log₂ M + 1)⌉, at up to ~100% overhead (L = 2^k + 1).
 * Integer arithmetic only. Applied to records before MTU segmentation.
 *
 * @example
 * nextPowerOfTwo(1)    // => 1
 * nextPowerOfTwo(129)  // => 256
 * nextPowerOfTwo(1024) // => 1024
 */
import { z } from "zod";
import { checkLength, RECORD_PADDING, RecordPadder } from "./record-padder.ts";
import type { ShaperDefinition } from "./shaper.ts";

export function nextPowerOfTwo(length: number): number {
  checkLength("nextPowerOfTwo", length);
  if (length <= 1) return length;
  if (length <= 0x4000_0000) return 1 << (32 - Math.clz32(length - 1)); // a shift, not a pow() call
  if (length <= 0x8000_0000) return 0x8000_0000;
  let p = 0x1_0000_0000;
  while (p < length) p *= 2;
  return p;
}

export const definition: ShaperDefinition<Record<string, never>> = {
  name: "power-of-two",
  summary: "pads each record to the next power of two (O(log log M) leakage, ≤ 100% overhead)",
  citation: "Nikitin et al., PURBs, PoPETs 2019(4) (next-power-of-two baseline)",
  schema: z.object({}).strict(),
  declaration: RECORD_PADDING,
  create: () => new RecordPadder(nextPowerOfTwo),
};
