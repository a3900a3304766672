/**
 * Signal's padding rules, as shipped in Signal-Android's libsignal-service
 * (`PushTransportDetails.java` for message content, `PaddingInputStream.getPaddedSize`
 * for attachments; see defenses.md §2.3).
 *
 * Rules:
 * - content (mode "content"): append a 0x80 terminator and zeros so the padded
 *   plaintext is one byte short of a multiple of the block B (the last byte is left for
 *   the cipher's own padding): padded(L) = B·⌈(L + 2)/B⌉ − 1. B = 80 in current
 *   Signal-Android; B = 160 in libsignal-service-java, Signal-Desktop and older clients.
 * - attachments (mode "attachment"): geometric buckets of ratio 1.05 with a 541-byte
 *   floor: padded(n) = max(541, ⌊1.05^⌈ln n / ln 1.05⌉⌋). The original computes this in
 *   floating point; here the exponent is bumped until padded(n) ≥ n, so float error can
 *   never shrink a record.
 * Applied to records before MTU segmentation.
 *
 * @example
 * signalContentLength(0, 80)     // => 79
 * signalContentLength(79, 80)    // => 159
 * signalContentLength(159, 160)  // => 319
 * signalAttachmentLength(1000)   // => 1020
 */
import { z } from "zod";
import { bytes, choice } from "./params.ts";
import { checkLength, RECORD_PADDING, RecordPadder } from "./record-padder.ts";
import type { ShaperDefinition } from "./shaper.ts";

/** Signal attachment buckets: floor and ratio (PaddingInputStream, defenses.md §2.3 [R]). */
export const ATTACHMENT_FLOOR = 541;
export const ATTACHMENT_RATIO = 1.05;
const LN_RATIO = Math.log(ATTACHMENT_RATIO);

export function signalContentLength(length: number, block: number): number {
  checkLength("signalContentLength", length);
  return block * Math.ceil((length + 2) / block) - 1;
}

export function signalAttachmentLength(length: number): number {
  checkLength("signalAttachmentLength", length);
  if (length <= ATTACHMENT_FLOOR) return ATTACHMENT_FLOOR;
  let k = Math.ceil(Math.log(length) / LN_RATIO);
  let padded = Math.floor(Math.pow(ATTACHMENT_RATIO, k));
  while (padded < length) padded = Math.floor(Math.pow(ATTACHMENT_RATIO, ++k));
  return padded;
}

const schema = z
  .object({
    mode: choice(["content", "attachment"] as const).default("content").describe('"content": message bodies padded to blocks of blockBytes; "attachment": media padded to buckets max(541, ⌊1.05^k⌋) bytes'),
    blockBytes: bytes({ min: 1, max: 65_535 }).default(80).describe("B: content block size, bytes: 80 (current Signal-Android) or 160 (older clients, Desktop)"),
  })
  .strict();

export type SignalPaddingParams = z.infer<typeof schema>;

export const definition: ShaperDefinition<SignalPaddingParams> = {
  name: "signal-padding",
  summary: "Signal's content padding B·⌈(L+2)/B⌉−1 (B = 80) or attachment buckets max(541, 1.05^k)",
  citation: "Signal-Android libsignal-service: PushTransportDetails (content), PaddingInputStream (attachments)",
  schema,
  declaration: RECORD_PADDING,
  create: (p) =>
    new RecordPadder(p.mode === "attachment" ? signalAttachmentLength : (n) => signalContentLength(n, p.blockBytes)),
};
