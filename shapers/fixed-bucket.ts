/**
 * Fixed-block padding — the simplest bucket family in the PURBs analysis (Nikitin et
 * al., "Reducing Metadata Leakage from Encrypted Files and Communication with PURBs",
 * PoPETs 2019(4)), and what TLS stacks offer as block padding (OpenSSL
 * `SSL_CTX_set_block_padding`; RFC 8467 pads DNS queries to multiples of 128).
 *
 * Rule: pad(L) = b·⌈L/b⌉, each application record rounded up to a multiple of the block
 * size b (default 512 B, the PURBs comparison point). Overhead is below b/L; a padded
 * length leaks ⌈log₂⌈M/b⌉⌉ bits over lengths up to M, O(log M).
 * Applied to records before MTU segmentation; packets and timing are untouched.
 *
 * @example
 * padToBlock(1, 512)   // => 512
 * padToBlock(512, 512) // => 512
 * padToBlock(513, 512) // => 1024
 */
import { z } from "zod";
import { bytes } from "./params.ts";
import { checkLength, RECORD_PADDING, RecordPadder } from "./record-padder.ts";
import type { ShaperDefinition } from "./shaper.ts";

export function padToBlock(length: number, block: number): number {
  checkLength("padToBlock", length);
  const r = length % block;
  return r === 0 ? length : length + (block - r);
}

const schema = z
  .object({
    /** Default 512, the PURBs comparison point (defenses.md §2.2, §5). */
    blockBytes: bytes({ min: 1, max: 1 << 24 }).default(512).describe("b: each record is padded up to a multiple of this block size, bytes"),
  })
  .strict();

export type FixedBucketParams = z.infer<typeof schema>;

export const definition: ShaperDefinition<FixedBucketParams> = {
  name: "fixed-bucket",
  summary: "pads each record to a multiple of b bytes (default 512)",
  citation: "Nikitin et al., PURBs, PoPETs 2019(4) (fixed-size blocks as a baseline); RFC 8467 block-length padding",
  schema,
  declaration: RECORD_PADDING,
  create: (p) => new RecordPadder((n) => padToBlock(n, p.blockBytes)),
};
