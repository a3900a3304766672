/**
 * Padmé — Nikitin, Barman, Lueks, Underwood, Hubaux, Ford, "Reducing Metadata Leakage
 * from Encrypted Files and Communication with PURBs", PoPETs 2019(4), §4.
 *
 * Rule: for a length L >= 2, let E = ⌊log2 L⌋ and S = ⌊log2 E⌋ + 1; zero the low
 * z = E − S bits of L, rounding up: Padmé(L) = ⌈L / 2^z⌉·2^z. The padded length keeps
 * only as many mantissa bits as its exponent needs, so overhead is below 2^−S (at most
 * 11.63%, reached at L = 129) and a padded length leaks O(log log M) bits.
 * Lengths 0 and 1 are returned unchanged, as in the reference Go code (dedis/purb).
 *
 * Here the shaper pads each application record before MTU segmentation (the PURBs
 * setting: pad the ciphertext object), not the individual packets.
 *
 * Integer arithmetic only (bit lengths, exact power-of-two division), for any safe
 * integer length.
 *
 * @example
 * padme(9)   // => 10
 * padme(67)  // => 72
 * padme(129) // => 144
 */
import { z } from "zod";
import { RECORD_PADDING, RecordPadder } from "./record-padder.ts";
import type { ShaperDefinition } from "./shaper.ts";

/** Number of bits needed to write n (n a non-negative safe integer). */
function bitLength(n: number): number {
  return n < 0x1_0000_0000 ? 32 - Math.clz32(n) : 32 + bitLength(Math.floor(n / 0x1_0000_0000));
}

export function padme(length: number): number {
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new RangeError(`padme(${length}): expected an integer length from 0 to 2^53-1`);
  }
  if (length < 2) return length;
  const e = bitLength(length) - 1; // ⌊log2 L⌋
  const s = bitLength(e); // ⌊log2 E⌋ + 1
  const z = e - s;
  if (z <= 0) return length;
  // exact: dividing by a power of two loses nothing. A shift up to 2^30: V8 computes `**` with a pow() call
  const step = z <= 30 ? 1 << z : 2 ** z;
  return Math.ceil(length / step) * step;
}

export const definition: ShaperDefinition<Record<string, never>> = {
  name: "padme",
  summary: "pads each record to its Padmé length (≤ 11.63% overhead, O(log log M) leakage)",
  citation: "Nikitin et al., Reducing Metadata Leakage from Encrypted Files and Communication with PURBs, PoPETs 2019(4) §4",
  schema: z.object({}).strict(),
  declaration: RECORD_PADDING,
  create: () => new RecordPadder(padme),
};
