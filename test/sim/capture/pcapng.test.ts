import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CaptureError } from "../../../sim/capture/capture-error.ts";
import { LINKTYPE_ETHERNET, LINKTYPE_RAW } from "../../../sim/capture/link-layer.ts";
import { readPcapng, writePcapng, type SectionToWrite } from "../../../sim/capture/pcapng.ts";
import { HAND_PCAPNG_LE } from "./hand-built.ts";
import { epbs, framed } from "./traffic.ts";

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

const readAll = (bytes: Uint8Array) => [...readPcapng(bytes, "t.pcapng").packets()];

const oneEpb = (tsresol?: number, extra: Partial<SectionToWrite> = {}): Uint8Array =>
  writePcapng([{ blocks: [{ type: "idb", linkType: LINKTYPE_RAW, tsresol }, { type: "epb", iface: 0, seconds: 1_700_000_000, nanos: 123_456_789, data: new Uint8Array(40) }], ...extra }]);

/** 123,456,789 ns written at `units` per second and read back: floor(floor(ns·u/1e9)·1e9/u). */
function roundTrip(units: bigint): number {
  return Number((((123_456_789n * units) / 1_000_000_000n) * 1_000_000_000n) / units);
}

describe("pcapng", () => {
  it("reads the hand-built little-endian file: SHB, IDB with if_tsresol 9, an unknown block skipped, EPB", () => {
    expect(new Uint8Array(readFileSync(join(FIXTURES, "hand-built-le.pcapng")))).toEqual(HAND_PCAPNG_LE);
    const f = readPcapng(HAND_PCAPNG_LE, "hand.pcapng");
    const [p] = [...f.packets()];
    expect(p).toMatchObject({ offset: 76, dataOffset: 104, linkType: 101, seconds: 1_700_000_000, nanos: 1001, origLen: 36, iface: 0, section: 0 });
    expect(f.sections[0].interfaces[0]).toMatchObject({ linkType: 101, snaplen: 262144, resolution: { pow2: false, exp: 9 } });
    expect(f.skippedBlocks.get("0x0badbeef")).toBe(1);
  });

  it("converts timestamps exactly at every resolution: 10^-k and 2^-k, with if_tsoffset", () => {
    const cases: [number | undefined, number][] = [
      [undefined, 123_456_000], // default 10^-6
      [6, 123_456_000],
      [9, 123_456_789],
      [3, 123_000_000],
      [0, 0],
      [10, 123_456_789],
      [0x80 | 10, roundTrip(1024n)],
      [0x80 | 30, roundTrip(1n << 30n)],
      [0x80 | 32, roundTrip(1n << 32n)],
    ];
    for (const [tsresol, nanos] of cases) {
      const [p] = readAll(oneEpb(tsresol));
      expect({ tsresol, seconds: p.seconds, nanos: p.nanos }).toEqual({ tsresol, seconds: 1_700_000_000, nanos });
    }
    const withOffset = writePcapng([{ blocks: [{ type: "idb", linkType: 101, tsoffset: 1_600_000_000 }, { type: "epb", iface: 0, seconds: 1_700_000_000, nanos: 5000, data: new Uint8Array(20) }] }]);
    const f = readPcapng(withOffset);
    const [p] = [...f.packets()];
    expect(p).toMatchObject({ seconds: 1_700_000_000, nanos: 5000 });
    expect(f.sections[0].interfaces[0].tsoffset).toBe(1_600_000_000);
  });

  it("reads several sections in both byte orders, interface ids restarting per section, SPB and the obsolete Packet Block", () => {
    const eth = framed(LINKTYPE_ETHERNET);
    const raw = framed(LINKTYPE_RAW);
    const bytes = writePcapng([
      { blocks: [{ type: "idb", linkType: LINKTYPE_ETHERNET, tsresol: 9 }, ...epbs(eth.slice(0, 3)), { type: "raw", blockType: 5, body: new Uint8Array(12) }] },
      {
        bigEndian: true,
        blocks: [
          { type: "idb", linkType: LINKTYPE_RAW, snaplen: 64 },
          { type: "idb", linkType: LINKTYPE_ETHERNET, tsresol: 9 },
          ...epbs(eth.slice(3, 5), 1),
          { type: "pb", iface: 1, seconds: eth[5].seconds, nanos: eth[5].nanos, data: eth[5].data },
          { type: "spb", data: raw[6].data },
          { type: "epb", iface: 0, seconds: raw[7].seconds, nanos: raw[7].nanos, data: raw[7].data, comment: "options are skipped" },
        ],
      },
    ]);
    const f = readPcapng(bytes);
    const got = [...f.packets()];
    expect(f.sections.map((s) => [s.littleEndian, s.interfaces.map((i) => i.linkType)])).toEqual([
      [true, [1]],
      [false, [101, 1]],
    ]);
    expect(got.map((p) => [p.section, p.iface, p.linkType])).toEqual([
      [0, 0, 1],
      [0, 0, 1],
      [0, 0, 1],
      [1, 1, 1],
      [1, 1, 1],
      [1, 1, 1],
      [1, 0, 101],
      [1, 0, 101],
    ]);
    got.slice(0, 6).forEach((p, i) => {
      expect(p.data).toEqual(eth[i].data);
      expect(p.seconds).toBe(eth[i].seconds);
      expect(p.nanos).toBe(i === 5 ? Math.floor(eth[i].nanos / 1000) * 1000 : eth[i].nanos);
    });
    // the SPB: no time, interface 0's snaplen cuts it
    expect(got[6]).toMatchObject({ seconds: null, origLen: raw[6].data.length });
    expect(got[6].data).toEqual(raw[6].data.subarray(0, 64));
    expect(got[7].data).toEqual(raw[7].data.subarray(0, 64));
    expect(f.skippedBlocks.get("0x00000005")).toBe(1);
  });

  it("rejects bad files with the byte offset and what was expected", () => {
    const good = oneEpb(9);
    const idb = new DataView(good.buffer).getUint32(4, true); // the IDB follows the SHB
    const mut = (f: (dv: DataView) => void) => {
      const b = good.slice();
      f(new DataView(b.buffer));
      return b;
    };
    expect(errorOf(() => readAll(writePcapng([{ blocks: [] }]).slice(0, 10))).message).toMatch(/at byte 0: expected a section header block's byte-order magic/);
    expect(errorOf(() => readAll(mut((dv) => dv.setUint32(8, 0x01020304, true)))).message).toMatch(/at byte 8: expected the byte-order magic 0x1a2b3c4d/);
    expect(errorOf(() => readAll(mut((dv) => dv.setUint16(12, 2, true)))).message).toMatch(/at byte 12: expected pcapng major version 1, found version 2.0/);
    expect(errorOf(() => readAll(good.slice(idb)))).toMatchObject({ offset: 0 });
    expect(errorOf(() => readAll(good.slice(idb))).message).toMatch(/expected a Section Header Block \(type 0x0a0d0d0a\) first/);
    expect(errorOf(() => readAll(mut((dv) => dv.setUint32(idb + 4, 30, true)))).message).toMatch(new RegExp(`at byte ${idb + 4}: expected a block total length that is a multiple of 4`));
    expect(errorOf(() => readAll(mut((dv) => dv.setUint32(idb + 4, 8, true)))).message).toMatch(/multiple of 4 and at least 12, found 8/);
    expect(errorOf(() => readAll(mut((dv) => dv.setUint32(idb + 4, 1 << 30, true)))).message).toMatch(/at most 16777216 bytes/);
    expect(errorOf(() => readAll(mut((dv) => dv.setUint32(idb + 4, 4096, true)))).message).toMatch(new RegExp(`at byte ${idb}: expected a block of 4096 bytes \\(its total length field\\), found only \\d+ bytes left`));
    const idbLen = new DataView(good.buffer).getUint32(idb + 4, true);
    expect(errorOf(() => readAll(mut((dv) => dv.setUint32(idb + idbLen - 4, 99, true)))).message).toMatch(/expected the trailing block total length to repeat the leading one/);
    const epb = idb + idbLen;
    expect(errorOf(() => readAll(mut((dv) => dv.setUint32(epb + 8, 3, true)))).message).toMatch(new RegExp(`at byte ${epb + 8}: expected an interface id below 1`));
    expect(errorOf(() => readAll(mut((dv) => dv.setUint32(epb + 20, 400, true)))).message).toMatch(/expected a captured length no larger than the original length 40, found 400/);
    expect(errorOf(() => readAll(mut((dv) => (dv.setUint32(epb + 20, 4000, true), dv.setUint32(epb + 24, 4000, true))))).message).toMatch(/expected a captured length whose data fits the block \(at most 40 bytes\), found 4000/);
    // the if_tsresol option: code 9 at idb + 16
    expect(errorOf(() => readAll(mut((dv) => dv.setUint16(idb + 18, 2, true)))).message).toMatch(/expected if_tsresol of length 1/);
    expect(errorOf(() => readAll(mut((dv) => dv.setUint8(idb + 20, 19)))).message).toMatch(/if_tsresol of at most 10\^-18/);
    expect(errorOf(() => readAll(mut((dv) => dv.setUint16(idb + 18, 200, true)))).message).toMatch(/expected an option length that fits the block/);
    // a timestamp beyond 2^53 µs
    expect(errorOf(() => readAll(mut((dv) => (dv.setUint8(idb + 20, 0), dv.setUint32(epb + 12, 0xffffffff, true))))).message).toMatch(/a timestamp whose microseconds fit a JS integer/);
    const spbFirst = writePcapng([{ blocks: [] }]);
    const spb = new Uint8Array([...spbFirst, 3, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0, 0]);
    expect(errorOf(() => readAll(spb)).message).toMatch(/expected an Interface Description Block before a Simple Packet Block/);
  });

  it("every truncation either ends on a block boundary or throws a CaptureError", () => {
    const good = writePcapng([{ blocks: [{ type: "idb", linkType: LINKTYPE_ETHERNET, tsresol: 9 }, ...epbs(framed(LINKTYPE_ETHERNET))] }]);
    const boundaries = new Set<number>();
    const f = readPcapng(good);
    const packets = [...f.packets()];
    for (const p of packets) boundaries.add(p.offset);
    boundaries.add(good.length);
    boundaries.add(new DataView(good.buffer).getUint32(4, true)); // after the SHB
    for (let n = 1; n < good.length; n++) {
      const cut = good.slice(0, n);
      if (boundaries.has(n)) expect(() => readAll(cut)).not.toThrow();
      else expect(errorOf(() => readAll(cut)).message).toMatch(/at byte \d+: expected/);
    }
  });
});
