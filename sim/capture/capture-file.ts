/**
 * Opens a capture file of either kind by its magic number: classic pcap (`pcap.ts`) or
 * pcapng (`pcapng.ts`). The file name's extension is not trusted.
 *
 * @example
 * const file = openCapture(readFileSync("trace.pcapng"), "trace.pcapng");
 * for (const p of file.packets()) console.log(p.seconds, p.origLen);
 */
import { hex32 } from "./byte-view.ts";
import { CaptureError } from "./capture-error.ts";
import { isPcap, readPcap, type PcapFile } from "./pcap.ts";
import { isPcapng, readPcapng, type PcapngFile } from "./pcapng.ts";

export type CaptureFile = PcapFile | PcapngFile;

/** "pcap", "pcapng", or null when the bytes start with neither magic. */
export function captureFormat(bytes: Uint8Array): "pcap" | "pcapng" | null {
  if (isPcapng(bytes)) return "pcapng";
  if (isPcap(bytes)) return "pcap";
  return null;
}

export function openCapture(bytes: Uint8Array, source = "capture"): CaptureFile {
  const format = captureFormat(bytes);
  if (format === "pcapng") return readPcapng(bytes, source);
  if (format === "pcap") return readPcap(bytes, source);
  const found = bytes.length < 4 ? `${bytes.length} bytes` : hex32(((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0);
  throw new CaptureError(source, 0, "a pcap (0xa1b2c3d4, 0xa1b23c4d) or pcapng (0x0a0d0d0a) magic number", found);
}
