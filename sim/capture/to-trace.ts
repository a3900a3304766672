/**
 * A capture file becomes chaff traces: one row per TCP or UDP packet, with its time
 * (integer µs since the capture's earliest packet record), direction (uplink `s` when
 * the flow's client sent it), wire size (the IP datagram), payload (transport payload
 * bytes) and flow id (flows numbered by first appearance, after any left out by
 * `--client`). Every packet is REAL: a capture cannot tell padding from data.
 *
 * What is not a TCP/UDP packet (ARP, ICMP, LLC, …) is skipped and counted by reason in
 * `stats.skipped`; nothing is dropped without a count. Packets that are malformed inside
 * a well-formed file (a header cut by the snaplen, a length field past the frame) are an
 * error by default (`malformed: "skip"` counts them instead). Container problems (a cut
 * or corrupt record or block) are always errors: the import never returns a partial
 * trace.
 *
 * pcapng Simple Packet Blocks have no timestamp; by default they are an error, or with
 * `spbTime: "previous"` they take the time of the packet record before them in the file
 * (their order is kept; their gaps are lost).
 *
 * @example
 * const imported = importCapture(readFileSync("call.pcapng"), { source: "call.pcapng", clients: ["192.168.1.20"] });
 * printTrace(imported.trace) // => "0 s74/0#0, 21ms r74/0#0, 21ms s66/0#0, …"
 */
import type { Micros } from "../core/time.ts";
import { Trace } from "../core/trace.ts";
import { DOWN, REAL, UP } from "../core/kinds.ts";
import { CaptureError } from "./capture-error.ts";
import { openCapture } from "./capture-file.ts";
import { packetMicros } from "./captured-packet.ts";
import { FlowTable, type ClientRule, type Endpoint, type ResolvedFlow } from "./flows.ts";
import { formatIp, parseIp } from "./ip-address.ts";
import { decodeIp, IP_FRAGMENT, IP_MALFORMED, IP_OK, newIpInfo } from "./ip.ts";
import { decodeLink, isSupportedLinkType, newLinkResult, unsupportedLinkType } from "./link-layer.ts";

export interface CaptureImportOptions {
  /** Name for messages (the file name). */
  source?: string;
  /** The device's addresses: flows are oriented by them, flows without them left out. */
  clients?: readonly string[];
  /** Time of pcapng Simple Packet Blocks: "error" (default) or the previous record's time. */
  spbTime?: "error" | "previous";
  /** Malformed packets in a well-formed file: "error" (default) or "skip" and count. */
  malformed?: "error" | "skip";
}

export interface ImportedFlow {
  readonly id: number;
  readonly protocol: "tcp" | "udp";
  readonly client: Endpoint;
  readonly server: Endpoint;
  readonly clientBy: ClientRule;
  readonly packets: number;
  readonly upBytes: number;
  readonly downBytes: number;
}

export interface ImportStats {
  /** Packet records in the file. */
  records: number;
  /** Rows in the trace. */
  imported: number;
  /** Records left out, by reason. */
  skipped: Record<string, number>;
  /** Flows (and their packets) left out because no end is a `--client` address. */
  excludedFlows: number;
  excludedPackets: number;
  /** Packets whose IP length field was 0 (TSO, jumbogram): size taken from the frame. */
  sizeFromFrame: number;
  /** Simple Packet Blocks given the previous record's time. */
  untimed: number;
  linkTypes: number[];
}

export interface ImportedCapture {
  readonly format: "pcap" | "pcapng";
  readonly source: string;
  /** µs since the epoch of the earliest packet record; trace times count from it. */
  readonly originMicros: Micros;
  /** All kept flows merged in time order (ties in file order); the flow column is the flow id. */
  readonly trace: Trace;
  readonly flows: ImportedFlow[];
  readonly stats: ImportStats;
}

function count(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

export function importCapture(bytes: Uint8Array, opts: CaptureImportOptions = {}): ImportedCapture {
  const source = opts.source ?? "capture";
  let clients: Set<string> | null = null;
  if (opts.clients && opts.clients.length > 0) {
    clients = new Set();
    for (const c of opts.clients) {
      const b = parseIp(c);
      if (!b) throw new CaptureError(source, -1, `--client to be an IPv4 or IPv6 address`, JSON.stringify(c));
      clients.add(formatIp(b));
    }
  }
  const file = openCapture(bytes, source);
  const table = new FlowTable();
  const link = newLinkResult();
  const ip = newIpInfo();
  const skipped: Record<string, number> = {};
  const linkTypes = new Set<number>();
  let records = 0;
  let origin = Infinity;
  let previous: number | null = null;
  let sizeFromFrame = 0;
  let untimed = 0;
  const strict = opts.malformed !== "skip";
  for (const p of file.packets()) {
    records++;
    let time: number;
    if (p.seconds === null) {
      if (opts.spbTime !== "previous" || previous === null) {
        throw new CaptureError(
          source,
          p.offset,
          opts.spbTime === "previous" ? "a timestamped packet before the first Simple Packet Block" : "packets with timestamps (a Simple Packet Block has none; pass --spb-time previous to give it the previous packet's time)",
          `a Simple Packet Block (packet ${p.index + 1})`,
        );
      }
      time = previous;
      untimed++;
    } else {
      time = packetMicros(p);
      previous = time;
    }
    if (time < origin) origin = time;
    if (!linkTypes.has(p.linkType)) {
      if (!isSupportedLinkType(p.linkType)) unsupportedLinkType(source, p.offset, p.linkType);
      linkTypes.add(p.linkType);
    }
    if (!decodeLink(p.linkType, p.data, link)) {
      if (link.malformed) {
        if (strict) throw new CaptureError(source, p.dataOffset, `${link.reason} (packet ${p.index + 1})`);
        count(skipped, "malformed");
      } else {
        count(skipped, `not IP: ${link.reason}`);
      }
      continue;
    }
    const onWire = p.origLen - link.offset - p.fcsBytes;
    const status = decodeIp(p.data, link.offset, link.version, onWire, ip);
    if (status === IP_OK) {
      if (ip.sizeFromFrame) sizeFromFrame++;
      table.add(time, p.index, ip);
    } else if (status === IP_FRAGMENT) {
      table.addFragment(time, p.index, ip);
    } else if (status === IP_MALFORMED) {
      if (strict) throw new CaptureError(source, p.dataOffset + ip.at, `${ip.reason} (packet ${p.index + 1})`);
      count(skipped, "malformed");
    } else {
      count(skipped, ip.reason);
    }
  }
  if (table.unmatchedFragments > 0) skipped["later IP fragment whose first fragment was not captured"] = table.unmatchedFragments;
  const { flows: resolved, excluded } = table.resolve(clients);
  const originMicros = Number.isFinite(origin) ? origin : 0;
  const { trace, flows } = buildTrace(table, resolved, originMicros);
  return {
    format: file.format,
    source,
    originMicros,
    trace,
    flows,
    stats: {
      records,
      imported: trace.length,
      skipped,
      excludedFlows: excluded.length,
      excludedPackets: excluded.reduce((s, f) => s + f.packets, 0),
      sizeFromFrame,
      untimed,
      linkTypes: [...linkTypes].sort((a, b) => a - b),
    },
  };
}

function buildTrace(table: FlowTable, resolved: ResolvedFlow[], origin: number): { trace: Trace; flows: ImportedFlow[] } {
  // flow order → kept flow id (-1: left out), and whether its client is end a
  const idOf = new Int32Array(table.flows.length).fill(-1);
  const clientIsA = new Uint8Array(table.flows.length);
  resolved.forEach((r, id) => {
    idOf[r.flow.order] = id;
    clientIsA[r.flow.order] = r.clientIsA ? 1 : 0;
  });
  const up = new Float64Array(resolved.length);
  const down = new Float64Array(resolved.length);
  let kept = 0;
  for (let i = 0; i < table.length; i++) if (idOf[table.flow[i]] >= 0) kept++;
  let rows: ArrayLike<number>;
  if (table.inOrder) {
    rows = { length: table.length } as ArrayLike<number>;
  } else {
    const idx = new Uint32Array(table.length);
    for (let i = 0; i < idx.length; i++) idx[i] = i;
    rows = Array.from(idx).sort((x, y) => table.time[x] - table.time[y] || table.index[x] - table.index[y]);
  }
  const trace = new Trace(Math.max(1, kept));
  for (let k = 0; k < table.length; k++) {
    const i = table.inOrder ? k : rows[k];
    const order = table.flow[i];
    const id = idOf[order];
    if (id < 0) continue;
    const dir = (table.fromA[i] === 1) === (clientIsA[order] === 1) ? UP : DOWN;
    if (dir === UP) up[id] += table.size[i];
    else down[id] += table.size[i];
    trace.push(table.time[i] - origin, table.size[i], table.payload[i], dir, REAL, id);
  }
  const flows: ImportedFlow[] = resolved.map((r, id) => ({
    id,
    protocol: r.flow.protocol,
    client: r.client,
    server: r.server,
    clientBy: r.clientBy,
    packets: r.flow.packets,
    upBytes: up[id],
    downBytes: down[id],
  }));
  return { trace, flows };
}

/** The rows of flow `id` (a copy, in time order). */
export function flowTrace(trace: Trace, id: number): Trace {
  const out = new Trace();
  for (let i = 0; i < trace.length; i++) {
    if (trace.flow[i] === id) out.push(trace.time[i], trace.size[i], trace.payload[i], trace.dir[i] as 0 | 1, trace.kind[i] as 0 | 1 | 2, id);
  }
  return out;
}
