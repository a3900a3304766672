import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CaptureError } from "../../../sim/capture/capture-error.ts";
import { LINKTYPE_ETHERNET, LINKTYPE_RAW } from "../../../sim/capture/link-layer.ts";
import { readPcap, writePcap } from "../../../sim/capture/pcap.ts";
import { HAND_PCAP_BE_NANOS } from "./hand-built.ts";
import { framed } from "./traffic.ts";

const FIXTURES = join(import.meta.dirname, "fixtures");

function errorOf(f: () => unknown): CaptureError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CaptureError);
    return e as CaptureError;
  }
  throw new Error("expected a CaptureError");
}

function readAll(bytes: Uint8Array) {
  return [...readPcap(bytes, "t.pcap").packets()];
}

describe("classic pcap", () => {
  it("reads the hand-built big-endian nanosecond file byte for byte as the draft lays it out", () => {
    expect(new Uint8Array(readFileSync(join(FIXTURES, "hand-built-be-nanos.pcap")))).toEqual(HAND_PCAP_BE_NANOS);
    const f = readPcap(HAND_PCAP_BE_NANOS, "hand.pcap");
    expect(f.header).toMatchObject({ littleEndian: false, nanos: true, versionMajor: 2, versionMinor: 4, snaplen: 65535, linkType: 1, fcsBytes: 0 });
    const [p] = [...f.packets()];
    expect(p).toMatchObject({ index: 0, offset: 24, dataOffset: 40, seconds: 1_700_000_000, nanos: 1001, origLen: 60 });
    expect(p.data.length).toBe(60);
    expect(p.data[12]).toBe(0x08);
  });

  it("writes and reads back every byte order and resolution (microsecond files floor the nanoseconds)", () => {
    const packets = framed(LINKTYPE_ETHERNET);
    for (const bigEndian of [false, true]) {
      for (const nanos of [false, true]) {
        const back = readAll(writePcap(packets, { linkType: LINKTYPE_ETHERNET, bigEndian, nanos }));
        expect(back).toHaveLength(packets.length);
        back.forEach((p, i) => {
          expect(p.seconds).toBe(packets[i].seconds);
          expect(p.nanos).toBe(nanos ? packets[i].nanos : Math.floor(packets[i].nanos / 1000) * 1000);
          expect(p.data).toEqual(packets[i].data);
          expect(p.origLen).toBe(packets[i].data.length);
        });
      }
    }
  });

  it("keeps the original length when the snaplen cut the packet", () => {
    const packets = framed(LINKTYPE_RAW);
    const back = readAll(writePcap(packets, { linkType: LINKTYPE_RAW, snaplen: 64 }));
    back.forEach((p, i) => {
      expect(p.data.length).toBe(Math.min(64, packets[i].data.length));
      expect(p.origLen).toBe(packets[i].data.length);
    });
  });

  it("reads the FCS length from the link-type word", () => {
    const bytes = writePcap([], { linkType: LINKTYPE_ETHERNET });
    new DataView(bytes.buffer).setUint32(20, 0x10000000 | (2 << 29) | 1, true);
    expect(readPcap(bytes).header).toMatchObject({ linkType: 1, fcsBytes: 4 });
  });

  it("an empty capture (header only) has no packets", () => {
    expect(readAll(writePcap([], { linkType: 1 }))).toEqual([]);
  });

  it("rejects bad files with the byte offset and what was expected", () => {
    const good = writePcap(framed(LINKTYPE_ETHERNET).slice(0, 2), { linkType: LINKTYPE_ETHERNET });
    const mut = (f: (b: Uint8Array, dv: DataView) => void) => {
      const b = good.slice();
      f(b, new DataView(b.buffer));
      return b;
    };
    expect(errorOf(() => readPcap(new Uint8Array([1, 2, 3, 4]))).message).toMatch(/at byte 0: expected a pcap magic number/);
    expect(errorOf(() => readPcap(mut((_, dv) => dv.setUint32(0, 0xa1b2cd34, false)))).message).toMatch(/Kuznetsov/);
    expect(errorOf(() => readPcap(good.slice(0, 20))).message).toMatch(/at byte 0: expected a 24-byte pcap file header, found only 20 bytes left/);
    expect(errorOf(() => readPcap(mut((_, dv) => dv.setUint16(4, 3, true)))).message).toMatch(/at byte 4: expected pcap version 2.x, found version 3.4/);
    expect(errorOf(() => readAll(good.slice(0, 30))).message).toMatch(/at byte 24: expected a 16-byte record header for packet 1, found only 6 bytes left/);
    const cut = good.length - 5;
    expect(errorOf(() => readAll(good.slice(0, cut))).offset).toBeGreaterThan(24);
    expect(errorOf(() => readAll(mut((_, dv) => dv.setUint32(28, 1_000_000, true)))).message).toMatch(/at byte 28: expected a fraction of a second below 1000000/);
    expect(errorOf(() => readAll(mut((_, dv) => dv.setUint32(32, 1000, true)))).message).toMatch(/at byte 32: expected a captured length no larger than the original length/);
    expect(errorOf(() => readAll(mut((_, dv) => (dv.setUint32(32, 300_000, true), dv.setUint32(36, 300_000, true))))).message).toMatch(/at most 262144/);
  });

  it("every truncation either reads whole records (a cut on a record boundary is a shorter file) or throws a CaptureError", () => {
    const good = writePcap(framed(LINKTYPE_ETHERNET), { linkType: LINKTYPE_ETHERNET });
    const boundaries = new Set<number>([24]);
    for (const p of readAll(good)) boundaries.add(p.dataOffset + p.data.length);
    for (let n = 0; n < good.length; n++) {
      const cut = good.slice(0, n);
      if (boundaries.has(n)) expect(() => readAll(cut)).not.toThrow();
      else expect(errorOf(() => readAll(cut)).message).toMatch(/at byte \d+: expected/);
    }
  });
});
