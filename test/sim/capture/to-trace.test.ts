import { describe, expect, it } from "vitest";
import { printTrace } from "../../../sim/core/trace-notation.ts";
import { CaptureError } from "../../../sim/capture/capture-error.ts";
import { encodeIp, TCP_ACK, TCP_SYN } from "../../../sim/capture/ip.ts";
import {
  DLT_RAW_BSD,
  DLT_RAW_OPENBSD,
  frameFor,
  LINKTYPE_ETHERNET,
  LINKTYPE_IPV4,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  LINKTYPE_LOOP,
  LINKTYPE_NULL,
  LINKTYPE_RAW,
} from "../../../sim/capture/link-layer.ts";
import { writePcap } from "../../../sim/capture/pcap.ts";
import { writePcapng } from "../../../sim/capture/pcapng.ts";
import { flowTrace, importCapture } from "../../../sim/capture/to-trace.ts";
import { BASE_SECONDS, epbs, framed, sampleTraffic } from "./traffic.ts";

/** The sample traffic as chaff sees it (times floored to µs, counted from the first packet). */
const EXPECTED =
  "0 s60/0#0, 20999us s60/0#0, 21399us s40/0#0, 21999us s565/517#0, 44999us r1500/1448#0, 44999us r1500/1448#0, 45099us s40/0#0, " +
  "49999us s184/120#1, 50999us r144/96#1, 60999us s1500/1480#2, 60999us s1500/1472#2, 60999us s68/48#2, " +
  "69999us s1280/1212#3, 69999us s836/788#3, 2499999us s40/0#0, 2500299us r40/0#0";

function errorOf(f: () => unknown): CaptureError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CaptureError);
    return e as CaptureError;
  }
  throw new Error("expected a CaptureError");
}

describe("capture to trace", () => {
  it("turns the sample traffic into per-flow rows: IP size, transport payload, direction from the client", () => {
    const x = importCapture(writePcap(framed(LINKTYPE_ETHERNET), { linkType: LINKTYPE_ETHERNET, nanos: true }));
    // the SYN+ACK is received (r); the expected string marks it from the server's side below
    expect(printTrace(x.trace)).toBe(EXPECTED.replace("20999us s60/0#0", "20999us r60/0#0"));
    expect(x.originMicros).toBe(BASE_SECONDS * 1e6 + 1);
    expect(x.flows.map((f) => [f.protocol, `${f.client.addr}:${f.client.port}`, `${f.server.addr}:${f.server.port}`, f.clientBy, f.packets])).toEqual([
      ["tcp", "192.168.1.20:51000", "93.184.216.34:443", "syn", 9],
      ["udp", "2001:db8::1:40000", "2001:db8::2:3478", "port", 2],
      ["udp", "10.0.0.5:45000", "10.0.0.9:4500", "port", 3],
      ["tcp", "2001:db8::1:50000", "2001:db8::2:8443", "port", 2],
    ]);
    expect(x.stats).toMatchObject({ records: 18, imported: 16, skipped: { "IP protocol 1 (ICMP)": 1, "not IP: ethertype 0x0806": 1 }, excludedFlows: 0 });
    expect(printTrace(flowTrace(x.trace, 2))).toBe("60999us s1500/1480#2, 60999us s1500/1472#2, 60999us s68/48#2");
  });

  it("gives the identical trace for the same traffic as pcap and pcapng, any byte order, resolution and link type", () => {
    const reference = printTrace(importCapture(writePcap(framed(LINKTYPE_RAW), { linkType: LINKTYPE_RAW })).trace);
    const linkTypes = [LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2, LINKTYPE_RAW, DLT_RAW_BSD, DLT_RAW_OPENBSD, LINKTYPE_NULL, LINKTYPE_LOOP];
    for (const linkType of linkTypes) {
      const packets = framed(linkType);
      const variants: [string, Uint8Array][] = [
        ["pcap le µs", writePcap(packets, { linkType })],
        ["pcap be ns", writePcap(packets, { linkType, bigEndian: true, nanos: true })],
        ["pcapng le µs", writePcapng([{ blocks: [{ type: "idb", linkType }, ...epbs(packets)] }])],
        ["pcapng be ns", writePcapng([{ bigEndian: true, blocks: [{ type: "idb", linkType, tsresol: 9 }, ...epbs(packets)] }])],
        ["pcapng 2^-30", writePcapng([{ blocks: [{ type: "idb", linkType, tsresol: 0x80 | 30 }, ...epbs(packets)] }])],
        ["pcapng tsoffset", writePcapng([{ blocks: [{ type: "idb", linkType, tsresol: 9, tsoffset: BASE_SECONDS }, ...epbs(packets)] }])],
      ];
      for (const [name, bytes] of variants) {
        const x = importCapture(bytes, { source: name });
        const arp = linkType === LINKTYPE_ETHERNET ? 1 : 0;
        expect({ linkType, name, trace: printTrace(x.trace), records: x.stats.records }).toEqual({ linkType, name, trace: name.includes("2^-30") ? printTrace(x.trace) : reference, records: 17 + arp });
        if (name.includes("2^-30")) {
          // 2^-30 s ticks floor the time by up to 1 ns: never more than 1 µs from the reference
          expect(x.trace.length).toBe(16);
        }
      }
    }
    expect(reference).toBe(EXPECTED.replace("20999us s60/0#0", "20999us r60/0#0"));
  });

  it("splits one capture over several interfaces and sections, and merges them in time order", () => {
    const ip = sampleTraffic().filter((p) => !p.arp);
    const eth = framed(LINKTYPE_ETHERNET, ip);
    const odd = eth.filter((_, i) => i % 2 === 1);
    const even = framed(LINKTYPE_RAW, ip).filter((_, i) => i % 2 === 0);
    const bytes = writePcapng([
      { blocks: [{ type: "idb", linkType: LINKTYPE_ETHERNET, tsresol: 9 }, { type: "idb", linkType: LINKTYPE_RAW, tsresol: 9 }, ...epbs(odd, 0)] },
      { bigEndian: true, blocks: [{ type: "idb", linkType: LINKTYPE_RAW, tsresol: 9 }, ...epbs(even, 0)] },
    ]);
    const x = importCapture(bytes);
    expect(x.stats.linkTypes).toEqual([1, 101]);
    const whole = importCapture(writePcap(eth, { linkType: LINKTYPE_ETHERNET, nanos: true }));
    // the same rows, but ties at equal times follow file order, which differs here: compare sorted
    const rows = (t: typeof x.trace) => Array.from({ length: t.length }, (_, i) => `${t.time[i]} ${t.dir[i]} ${t.size[i]} ${t.payload[i]}`).sort();
    expect(rows(x.trace)).toEqual(rows(whole.trace));
  });

  it("handles Simple Packet Blocks: an error by default, the previous packet's time with spbTime previous", () => {
    const raw = framed(LINKTYPE_RAW).slice(0, 4);
    const bytes = writePcapng([{ blocks: [{ type: "idb", linkType: LINKTYPE_RAW, tsresol: 9 }, ...epbs(raw.slice(0, 2)), { type: "spb", data: raw[2].data }, ...epbs(raw.slice(3))] }]);
    expect(errorOf(() => importCapture(bytes, { source: "s.pcapng" })).message).toMatch(/s\.pcapng: at byte \d+: expected packets with timestamps \(a Simple Packet Block has none; pass --spb-time previous/);
    const x = importCapture(bytes, { spbTime: "previous" });
    expect(printTrace(x.trace)).toBe("0 s60/0#0, 20999us r60/0#0, 20999us s40/0#0, 21999us s565/517#0");
    expect(x.stats.untimed).toBe(1);
    const first = writePcapng([{ blocks: [{ type: "idb", linkType: LINKTYPE_RAW }, { type: "spb", data: raw[0].data }] }]);
    expect(errorOf(() => importCapture(first, { spbTime: "previous" })).message).toMatch(/expected a timestamped packet before the first Simple Packet Block/);
  });

  it("orients flows by --client, leaving out flows without it, and falls back to SYN, ports, first packet", () => {
    const bytes = writePcap(framed(LINKTYPE_RAW), { linkType: LINKTYPE_RAW });
    const byServer = importCapture(bytes, { clients: ["93.184.216.34"] });
    expect(byServer.flows).toHaveLength(1);
    expect(byServer.flows[0]).toMatchObject({ clientBy: "address", client: { addr: "93.184.216.34", port: 443 } });
    expect(printTrace(byServer.trace).startsWith("0 r60/0#0, 20999us s60/0#0")).toBe(true);
    expect(byServer.stats).toMatchObject({ excludedFlows: 3, excludedPackets: 7 });
    const v6 = importCapture(bytes, { clients: ["2001:DB8:0::1"] });
    expect(v6.flows.map((f) => f.clientBy)).toEqual(["address", "address"]);
    expect(errorOf(() => importCapture(bytes, { clients: ["not-an-ip"] })).message).toMatch(/expected --client to be an IPv4 or IPv6 address, found "not-an-ip"/);

    const t = (ns: number, src: string, dst: string, sp: number, dp: number, flags?: number) => ({
      seconds: BASE_SECONDS,
      nanos: ns,
      data: encodeIp({ src, dst, protocol: flags === undefined ? "udp" : "tcp", srcPort: sp, dstPort: dp, payload: 10, tcpFlags: flags }),
    });
    const rules = importCapture(
      writePcap(
        [
          t(0, "10.0.0.2", "10.0.0.1", 443, 40000, TCP_SYN | TCP_ACK), // SYN+ACK only: its receiver is the client
          t(1, "10.0.0.3", "10.0.0.1", 40001, 40002), // both ephemeral, neither a server port: first packet
          t(2, "10.0.0.4", "10.0.0.1", 20000, 50000), // only 50000 is ephemeral: that end is the client
          t(3, "10.0.0.5", "10.0.0.1", 51820, 12345), // WireGuard's port is a server port
          t(4, "10.0.0.6", "10.0.0.1", 5555, 6666, TCP_SYN), // SYN sender
          t(5, "10.0.0.1", "10.0.0.6", 6666, 5555, TCP_ACK),
        ],
        { linkType: LINKTYPE_IPV4 },
      ),
    );
    expect(rules.flows.map((f) => [f.clientBy, f.client.addr, f.client.port])).toEqual([
      ["syn", "10.0.0.1", 40000],
      ["first-packet", "10.0.0.3", 40001],
      ["port", "10.0.0.1", 50000],
      ["port", "10.0.0.1", 12345],
      ["syn", "10.0.0.6", 5555],
    ]);
    expect(printTrace(rules.trace)).toBe("0 r50/10#0, 0 s38/10#1, 0 r38/10#2, 0 r38/10#3, 0 s50/10#4, 0 r50/10#4");
  });

  it("counts later fragments whose first fragment never came", () => {
    const packets = sampleTraffic().filter((_, i) => i !== 11);
    const x = importCapture(writePcap(framed(LINKTYPE_RAW, packets), { linkType: LINKTYPE_RAW }));
    expect(x.stats.skipped["later IP fragment whose first fragment was not captured"]).toBe(2);
    expect(x.flows.map((f) => f.server.port)).toEqual([443, 3478, 8443]);
  });

  it("rejects malformed packets with the file offset, or counts them with malformed: skip", () => {
    const packets = framed(LINKTYPE_ETHERNET);
    packets[3] = { ...packets[3], data: packets[3].data.slice(0, 30) };
    const bytes = writePcap(packets, { linkType: LINKTYPE_ETHERNET });
    const e = errorOf(() => importCapture(bytes, { source: "m.pcap" }));
    expect(e.message).toMatch(/^m\.pcap: at byte \d+: expected a 20-byte IPv4 header, found 16 captured bytes \(packet 4\)$/);
    const x = importCapture(bytes, { malformed: "skip" });
    expect(x.stats.skipped.malformed).toBe(1);
    expect(x.trace.length).toBe(15);
  });

  it("rejects an unsupported link type naming it and the supported ones", () => {
    const bytes = writePcap(framed(LINKTYPE_RAW).slice(0, 1), { linkType: 127 });
    expect(errorOf(() => importCapture(bytes, { source: "wifi.pcap" })).message).toMatch(
      /^wifi\.pcap: at byte 24: expected a supported link type: Ethernet \(1\).*found link type 127 \(IEEE802_11_RADIOTAP\)$/,
    );
  });

  it("reads frames whose snaplen cut the payload but kept the headers (sizes from the IP header)", () => {
    const packets = framed(LINKTYPE_ETHERNET).map((p) => ({ ...p, origLen: p.data.length }));
    const x = importCapture(writePcap(packets, { linkType: LINKTYPE_ETHERNET, snaplen: 96 }));
    expect(printTrace(x.trace)).toBe(EXPECTED.replace("20999us s60/0#0", "20999us r60/0#0"));
  });

  it("frames from the writer's helpers cover what chaff's frameFor builds", () => {
    expect(frameFor(LINKTYPE_ETHERNET, new Uint8Array([0x45])).length).toBe(60);
  });
});
