/**
 * The one error the capture readers and trace-format parsers throw for bad input.
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

export class CaptureError extends Error {
  override readonly name = "CaptureError";
  /** Byte offset in the file (captures) or 1-based line number (text traces), -1 when none. */
  readonly offset: number;
  /** "byte" for binary captures, "line" for text traces. */
  readonly unit: "byte" | "line";

  constructor(source: string, offset: number, expected: string, found?: string, unit: "byte" | "line" = "byte") {
    const where = offset >= 0 ? `at ${unit} ${offset}: ` : "";
    super(`${source}: ${where}expected ${expected}${found !== undefined ? `, found ${found}` : ""}`);
    this.offset = offset;
    this.unit = unit;
  }
}

/** The input-error types a capture command turns into one line and exit code 2. */
export function isInputError(e: unknown): e is Error {
  return e instanceof CaptureError;
}
