/**
 * The error the capture readers and trace-format parsers throw for bad input: the
 * project's `InputError` (one line; the CLI prints it and exits 2) with the position.
 *
 * Every message names where the problem is (a byte offset in a capture file, or a line
 * number in a text trace) and what was expected there, in one line, so the CLI can print
 * it as is and exit 2. Anything else escaping a reader (a RangeError from a DataView, a
 * TypeError) is a bug in the reader, and the fuzz script (`bench/fuzz/capture.ts`) fails
 * on it.
 *
 * @example
 * throw new CaptureError("capture.pcap", 24, "a 16-byte packet record header", "4 bytes left");
 * // message: "capture.pcap: at byte 24: expected a 16-byte packet record header, found 4 bytes left"
 */
import { InputError } from "../core/validation.ts";

export class CaptureError extends InputError {
  /** Byte offset in the file (captures) or 1-based line number (text traces), -1 when none. */
  readonly offset: number;
  /** "byte" for binary captures, "line" for text traces. */
  readonly unit: "byte" | "line";

  constructor(source: string, offset: number, expected: string, found?: string, unit: "byte" | "line" = "byte") {
    const where = offset >= 0 ? `at ${unit} ${offset}: ` : "";
    super(`${source}: ${where}expected ${expected}${found !== undefined ? `, found ${found}` : ""}`);
    this.name = "CaptureError";
    this.offset = offset;
    this.unit = unit;
  }
}
