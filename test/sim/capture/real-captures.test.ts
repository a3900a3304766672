/**
 * Captures written by the real tools. The committed files (made by
 * `fixtures/make-loopback.sh`) are always checked; the cross-checks that run tshark,
 * editcap, text2pcap or tcpdump skip when those are not installed (Debian: tshark,
 * wireshark-common, tcpdump).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Trace } from "../../../sim/core/trace.ts";
import { printTrace } from "../../../sim/core/trace-notation.ts";
import { LINKTYPE_ETHERNET, LINKTYPE_RAW } from "../../../sim/capture/link-layer.ts";
import { writePcap } from "../../../sim/capture/pcap.ts";
import { writePcapng } from "../../../sim/capture/pcapng.ts";
import { importCapture } from "../../../sim/capture/to-trace.ts";
import { epbs, framed } from "./traffic.ts";

const FIXTURES = join(import.meta.dirname, "fixtures");
const load = (name: string) => importCapture(readFileSync(join(FIXTURES, name)), { source: name });
const has = (tool: string) => spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0;

/** dumpcap's live loopback capture: TCP over IPv4, TCP over IPv6, UDP over IPv4. */
const LOOPBACK =
  "0 s60/0#0, 204us r60/0#0, 219us s52/0#0, 1513us s172/120#0, 1525us r52/0#0, 2282us r292/240#0, 2289us s52/0#0, 32277us s752/700#0, " +
  "32400us r1452/1400#0, 63071us s92/40#0, 63183us r132/80#0, 94001us s52/0#0, 94625us r52/0#0, 94646us s52/0#0, 153630us s80/0#1, " +
  "153669us r80/0#1, 153689us s72/0#1, 154234us s192/120#1, 154246us r72/0#1, 154691us r312/240#1, 154700us s72/0#1, 184604us s772/700#1, " +
  "184744us r1472/1400#1, 214350us s112/40#1, 214541us r152/80#1, 245084us s72/0#1, 245361us r72/0#1, 245386us s72/0#1, 297831us s88/60#2, " +
  "299474us r88/60#2, 318261us s528/500#2, 318458us r228/200#2";

function absolute(t: Trace, origin: number): number[] {
  return Array.from(t.time, (x) => x + origin);
}

describe("captures written by tcpdump, dumpcap, editcap", () => {
  it("dumpcap's pcapng and tcpdump's pcap of the same packets (µs and ns) import to identical traces", () => {
    const ng = load("lo.dumpcap.pcapng");
    expect(ng.format).toBe("pcapng");
    expect(printTrace(ng.trace)).toBe(LOOPBACK);
    expect(ng.flows.map((f) => [f.protocol, f.client.addr, f.server.port, f.clientBy])).toEqual([
      ["tcp", "127.0.0.1", 47001, "syn"],
      ["tcp", "::1", 47002, "syn"],
      ["udp", "127.0.0.1", 47003, "first-packet"],
    ]);
    for (const name of ["lo.tcpdump.pcap", "lo.tcpdump-nano.pcap"]) {
      const p = load(name);
      expect(p.format).toBe("pcap");
      expect(printTrace(p.trace)).toBe(LOOPBACK);
      expect(p.originMicros).toBe(ng.originMicros);
      expect(p.flows).toEqual(ng.flows);
    }
  });

  it("simultaneous live captures (tcpdump on lo, tcpdump on any as SLL2 and SLL, editcap's pcapng) agree row for row, times within 1 µs", () => {
    const ref = load("lo.dumpcap.pcapng");
    const refTimes = absolute(ref.trace, ref.originMicros);
    for (const name of ["lo.tcpdump-live.pcap", "lo.editcap.pcapng", "any.tcpdump.pcap", "any-sll.tcpdump.pcap"]) {
      const x = load(name);
      const strip = (t: Trace) => printTrace(t).replace(/\d+us |^0 /g, "").split(", ");
      expect(strip(x.trace)).toEqual(strip(ref.trace));
      const times = absolute(x.trace, x.originMicros);
      const worst = Math.max(...times.map((t, i) => Math.abs(t - refTimes[i])));
      expect({ name, worst: worst <= 1 }).toEqual({ name, worst: true });
    }
    expect(load("any.tcpdump.pcap").stats.linkTypes).toEqual([276]);
    expect(load("any-sll.tcpdump.pcap").stats.linkTypes).toEqual([113]);
  });

  it.skipIf(!has("tshark"))("agrees with tshark's dissection on every packet's time, IP size and transport payload", () => {
    for (const name of ["lo.dumpcap.pcapng", "lo.tcpdump.pcap", "any.tcpdump.pcap", "any-sll.tcpdump.pcap", "hand-built-be-nanos.pcap", "hand-built-le.pcapng"]) {
      const out = execFileSync("tshark", ["-r", join(FIXTURES, name), "-T", "fields", "-E", "separator=,", "-e", "frame.time_epoch", "-e", "ip.len", "-e", "ipv6.plen", "-e", "tcp.len", "-e", "udp.length"], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      });
      const theirs = out
        .trim()
        .split("\n")
        .map((line) => {
          const [t, ipLen, plen, tcpLen, udpLen] = line.split(",");
          const [s, frac] = t.split(".");
          const us = Number(s) * 1e6 + Number((frac ?? "").padEnd(9, "0").slice(0, 6));
          const size = ipLen ? Number(ipLen) : 40 + Number(plen);
          const payload = tcpLen ? Number(tcpLen) : Number(udpLen) - 8;
          return `${us} ${size} ${payload}`;
        })
        .sort();
      const x = load(name);
      const ours = Array.from({ length: x.trace.length }, (_, i) => `${x.trace.time[i] + x.originMicros} ${x.trace.size[i]} ${x.trace.payload[i]}`).sort();
      expect({ name, rows: ours }).toEqual({ name, rows: theirs });
    }
  });

  it.skipIf(!has("editcap") || !has("tcpdump"))("chaff's own pcapng, rewritten by editcap (pcap, pcapng) and tcpdump (pcap), imports to the same trace", () => {
    const dir = mkdtempSync(join(tmpdir(), "chaff-editcap-"));
    const ng = join(dir, "ours.pcapng");
    writeFileSync(ng, writePcapng([{ blocks: [{ type: "idb", linkType: LINKTYPE_ETHERNET, tsresol: 9 }, ...epbs(framed(LINKTYPE_ETHERNET))] }]));
    const reference = importCapture(readFileSync(ng));
    execFileSync("editcap", ["-F", "pcap", ng, join(dir, "editcap.pcap")]);
    execFileSync("editcap", ["-F", "nsecpcap", ng, join(dir, "editcap-ns.pcap")]);
    execFileSync("editcap", ["-F", "pcapng", ng, join(dir, "editcap.pcapng")]);
    execFileSync("tcpdump", ["-r", ng, "-w", join(dir, "tcpdump.pcap")], { stdio: "ignore" });
    for (const name of ["editcap.pcap", "editcap-ns.pcap", "editcap.pcapng", "tcpdump.pcap"]) {
      const x = importCapture(readFileSync(join(dir, name)), { source: name });
      expect({ name, trace: printTrace(x.trace), origin: x.originMicros }).toEqual({ name, trace: printTrace(reference.trace), origin: reference.originMicros });
    }
  });

  it.skipIf(!has("text2pcap"))("text2pcap's pcap and pcapng of a hex dump import like chaff's writer's file of the same frames", () => {
    const dir = mkdtempSync(join(tmpdir(), "chaff-text2pcap-"));
    for (const linkType of [LINKTYPE_ETHERNET, LINKTYPE_RAW]) {
      const packets = framed(linkType);
      const dump = packets
        .map((p) => {
          const hex = Array.from(p.data, (b) => b.toString(16).padStart(2, "0")).join(" ");
          return `${p.seconds}.${String(Math.floor(p.nanos / 1000)).padStart(6, "0")}\n000000 ${hex}\n`;
        })
        .join("");
      writeFileSync(join(dir, "dump.txt"), dump);
      const reference = printTrace(importCapture(writePcap(packets, { linkType })).trace);
      for (const format of ["pcap", "pcapng"]) {
        const out = join(dir, `t.${format}`);
        execFileSync("text2pcap", ["-q", "-F", format, "-l", String(linkType), "-t", "%s.%f", join(dir, "dump.txt"), out]);
        const x = importCapture(readFileSync(out), { source: `text2pcap ${format}` });
        expect({ linkType, format, trace: printTrace(x.trace) }).toEqual({ linkType, format, trace: reference });
      }
    }
  });
});
