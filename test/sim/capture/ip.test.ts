import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatIp, parseIp } from "../../../sim/capture/ip-address.ts";
import { decodeIp, encodeIp, fragmentIp, IP_FRAGMENT, IP_MALFORMED, IP_OK, IP_SKIP, newIpInfo } from "../../../sim/capture/ip.ts";
import {
  decodeLink,
  DLT_RAW_BSD,
  DLT_RAW_OPENBSD,
  frameFor,
  LINKTYPE_ETHERNET,
  LINKTYPE_IPV4,
  LINKTYPE_IPV6,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  LINKTYPE_LOOP,
  LINKTYPE_NULL,
  LINKTYPE_RAW,
  newLinkResult,
} from "../../../sim/capture/link-layer.ts";

function decode(ip: Uint8Array, onWire = ip.length) {
  const out = newIpInfo();
  const status = decodeIp(ip, 0, 0, onWire, out);
  return { status, out: { ...out, src: formatIp(out.src.length ? out.src : new Uint8Array(4)), dst: formatIp(out.dst.length ? out.dst : new Uint8Array(4)) } };
}

describe("IP addresses", () => {
  it("format IPv6 canonically (RFC 5952) and parse every spelling back", () => {
    const cases: [string, string][] = [
      ["2001:DB8:0:0:0:0:0:1", "2001:db8::1"],
      ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
      ["0:0:0:0:0:0:0:1", "::1"],
      ["::", "::"],
      ["2001:db8:1:1:1:1:1:1", "2001:db8:1:1:1:1:1:1"],
      ["2001:0:0:1:0:0:0:1", "2001:0:0:1::1"],
      ["::ffff:192.0.2.1", "::ffff:c000:201"],
      ["fe80::1:2", "fe80::1:2"],
      ["10.0.0.7", "10.0.0.7"],
    ];
    for (const [text, canonical] of cases) expect(formatIp(parseIp(text)!)).toBe(canonical);
    for (const bad of ["1.2.3", "1.2.3.256", "::1::", "1:2:3:4:5:6:7:8:9", "g::1", "", "1.2.3.4.5"]) expect(parseIp(bad)).toBeNull();
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (b) => {
        expect(parseIp(formatIp(b))).toEqual(b);
      }),
    );
  });
});

describe("IPv4 and IPv6 with TCP and UDP", () => {
  it("reads sizes through IPv4 options and TCP options", () => {
    const { status, out } = decode(encodeIp({ src: "10.0.0.1", dst: "10.0.0.2", protocol: "tcp", srcPort: 5, dstPort: 443, payload: 100, ipOptions: 12, tcpOptions: 20 }));
    expect(status).toBe(IP_OK);
    expect(out).toMatchObject({ version: 4, src: "10.0.0.1", dst: "10.0.0.2", srcPort: 5, dstPort: 443, wireSize: 32 + 40 + 100, payload: 100, fragment: 0 });
  });

  it("walks IPv6 extension headers (hop-by-hop, routing, destination options) to the transport", () => {
    const { status, out } = decode(encodeIp({ src: "2001:db8::1", dst: "2001:db8::2", protocol: "udp", srcPort: 1, dstPort: 2, payload: 33, extensionHeaders: [0, 43, 60] }));
    expect(status).toBe(IP_OK);
    expect(out).toMatchObject({ version: 6, protocol: 17, wireSize: 40 + 24 + 8 + 33, payload: 33 });
  });

  it("skips what is not TCP or UDP, by protocol", () => {
    const p = encodeIp({ src: "10.0.0.1", dst: "10.0.0.2", protocol: "udp", srcPort: 1, dstPort: 2, payload: 10 });
    p[9] = 1;
    expect(decode(p)).toMatchObject({ status: IP_SKIP, out: { reason: "IP protocol 1 (ICMP)" } });
    const q = encodeIp({ src: "::1", dst: "::2", protocol: "udp", srcPort: 1, dstPort: 2, payload: 10 });
    q[6] = 59;
    expect(decode(q)).toMatchObject({ status: IP_SKIP, out: { reason: "IPv6 no next header (59)" } });
  });

  it("takes the size from the frame when the length field is 0 (TSO)", () => {
    const p = encodeIp({ src: "10.0.0.1", dst: "10.0.0.2", protocol: "tcp", srcPort: 1, dstPort: 2, payload: 3000 });
    p[2] = 0;
    p[3] = 0;
    expect(decode(p)).toMatchObject({ status: IP_OK, out: { wireSize: 3040, payload: 3000, sizeFromFrame: true } });
  });

  it("decodes the first fragment normally and reports later fragments with their identification (IPv4 and IPv6)", () => {
    for (const [src, dst, id] of [
      ["10.0.0.5", "10.0.0.9", 0x1234],
      ["2001:db8::5", "2001:db8::9", 0xdeadbeef],
    ] as const) {
      const whole = encodeIp({ src, dst, protocol: "udp", srcPort: 7, dstPort: 9, payload: 3000 });
      const frags = fragmentIp(whole, 1480, id);
      expect(frags).toHaveLength(3);
      const first = decode(frags[0]);
      expect(first).toMatchObject({ status: IP_OK, out: { fragment: 1, fragmentId: id, srcPort: 7, dstPort: 9 } });
      const later = frags.slice(1).map((f) => decode(f));
      for (const l of later) expect(l).toMatchObject({ status: IP_FRAGMENT, out: { fragment: 2, fragmentId: id, protocol: 17 } });
      const headers = src.includes(":") ? 48 : 20;
      expect(first.out.payload + 8 + later.reduce((s, l) => s + l.out.payload, 0)).toBe(3008);
      expect([first, ...later].map((x) => x.out.wireSize)).toEqual(frags.map((f) => f.length));
      expect(frags.every((f) => f.length <= 1480 + headers)).toBe(true);
    }
  });

  it("reports malformed headers with what was expected and where", () => {
    const good = encodeIp({ src: "10.0.0.1", dst: "10.0.0.2", protocol: "tcp", srcPort: 1, dstPort: 2, payload: 10 });
    const mut = (f: (b: Uint8Array) => void) => {
      const b = good.slice();
      f(b);
      return b;
    };
    expect(decode(good.slice(0, 10))).toMatchObject({ status: IP_MALFORMED, out: { reason: "a 20-byte IPv4 header, found 10 captured bytes" } });
    expect(decode(mut((b) => (b[0] = 0x44)))).toMatchObject({ status: IP_MALFORMED, out: { reason: "an IPv4 header length (IHL) of at least 5 words, found 4" } });
    expect(decode(mut((b) => (b[3] = 200)))).toMatchObject({ status: IP_MALFORMED, out: { at: 2, reason: "an IPv4 total length within the 50 bytes the frame carried, found 200" } });
    expect(decode(mut((b) => (b[32] = 0x20)))).toMatchObject({ status: IP_MALFORMED, out: { at: 32, reason: "a TCP data offset of at least 5 words, found 2" } });
    expect(decode(mut((b) => (b[0] = 0x75)))).toMatchObject({ status: IP_MALFORMED, out: { reason: "an IP version nibble 4 or 6, found 7" } });
    expect(decode(good.slice(0, 30), good.length)).toMatchObject({ status: IP_MALFORMED, out: { reason: "a 20-byte TCP header, found 10 captured bytes (the snaplen cut it)" } });
    const udp = encodeIp({ src: "::1", dst: "::2", protocol: "udp", srcPort: 1, dstPort: 2, payload: 10 });
    udp[45] = 99; // UDP length 99 > 18
    expect(decode(udp)).toMatchObject({ status: IP_MALFORMED, out: { reason: "a UDP length between 8 and the 18-byte IP payload, found 99" } });
  });

  it("never throws, whatever the bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), fc.integer({ min: 0, max: 200 }), fc.constantFrom(0, 4, 6), (bytes, onWire, v) => {
        const out = newIpInfo();
        const s = decodeIp(bytes, 0, v as 0 | 4 | 6, onWire, out);
        expect([IP_OK, IP_FRAGMENT, IP_SKIP, IP_MALFORMED]).toContain(s);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("link layers", () => {
  const ip4 = encodeIp({ src: "10.0.0.1", dst: "10.0.0.2", protocol: "udp", srcPort: 1, dstPort: 2, payload: 4 });
  const ip6 = encodeIp({ src: "::1", dst: "::2", protocol: "udp", srcPort: 1, dstPort: 2, payload: 4 });

  it("finds the IP packet in every supported link type, VLAN tags and both loopback byte orders included", () => {
    const out = newLinkResult();
    const cases: [number, Uint8Array, number, number][] = [
      [LINKTYPE_ETHERNET, frameFor(LINKTYPE_ETHERNET, ip4), 14, 4],
      [LINKTYPE_ETHERNET, frameFor(LINKTYPE_ETHERNET, ip6, { vlan: [100] }), 18, 6],
      [LINKTYPE_ETHERNET, frameFor(LINKTYPE_ETHERNET, ip4, { vlan: [10, 20] }), 22, 4],
      [LINKTYPE_LINUX_SLL, frameFor(LINKTYPE_LINUX_SLL, ip6), 16, 6],
      [LINKTYPE_LINUX_SLL2, frameFor(LINKTYPE_LINUX_SLL2, ip4), 20, 4],
      [LINKTYPE_RAW, ip6, 0, 0],
      [DLT_RAW_BSD, ip4, 0, 0],
      [DLT_RAW_OPENBSD, ip4, 0, 0],
      [LINKTYPE_IPV4, ip4, 0, 4],
      [LINKTYPE_IPV6, ip6, 0, 6],
      [LINKTYPE_NULL, frameFor(LINKTYPE_NULL, ip4), 4, 4],
      [LINKTYPE_NULL, frameFor(LINKTYPE_NULL, ip6, { littleEndian: false }), 4, 6],
      [LINKTYPE_LOOP, frameFor(LINKTYPE_LOOP, ip6), 4, 6],
    ];
    for (const [type, frame, offset, version] of cases) {
      expect(decodeLink(type, frame, out)).toBe(true);
      expect({ type, offset: out.offset, version: out.version }).toEqual({ type, offset, version });
    }
    const arp = frameFor(LINKTYPE_ETHERNET, ip4);
    arp[13] = 0x06;
    expect(decodeLink(LINKTYPE_ETHERNET, arp, out)).toBe(false);
    expect(out).toMatchObject({ reason: "ethertype 0x0806", malformed: false });
    arp[12] = 0x00;
    arp[13] = 0x40;
    expect(decodeLink(LINKTYPE_ETHERNET, arp, out)).toBe(false);
    expect(out.reason).toBe("802.3 LLC frame");
    expect(decodeLink(LINKTYPE_LINUX_SLL2, new Uint8Array(10), out)).toBe(false);
    expect(out).toMatchObject({ malformed: true, reason: "a 20-byte Linux cooked (SLL2) header, found 10 captured bytes" });
    const cut = frameFor(LINKTYPE_ETHERNET, ip4, { vlan: [1, 2] }).slice(0, 16);
    expect(decodeLink(LINKTYPE_ETHERNET, cut, out)).toBe(false);
    expect(out.malformed).toBe(true);
  });
});
