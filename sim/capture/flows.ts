/**
 * Flows: packets grouped by 5-tuple (protocol, both addresses, both ports, in either
 * direction), and which end of each flow is the client — the device, whose packets are
 * uplink (`s`) in chaff's traces.
 *
 * The client is decided per flow, first rule that applies:
 * 1. `address`: the `--client` addresses given; exactly one end matches. A flow where
 *    neither end matches is not the device's and is left out (counted); one where both do
 *    (traffic to itself) falls through to the next rule.
 * 2. `syn`: TCP whose handshake was captured — the end that sent the first SYN without
 *    ACK, or else the end that received the first SYN+ACK (RFC 9293 §3.5).
 * 3. `port`: exactly one end uses a server port (below 1024, or one of a few well-known
 *    higher ones: 1194 OpenVPN, 3478/5349 STUN/TURN, 4500 IPsec NAT-T, 5222/5223 XMPP and
 *    push, 8080/8443, 51820 WireGuard, 19302–19309 Google STUN): the other end is the
 *    client; or else exactly one end uses an ephemeral port (32768–65535, the range Linux,
 *    Android and the IANA suggestion of RFC 6335 §6 overlap on): that end is the client.
 * 4. `first-packet`: the end that sent the flow's first captured packet.
 *
 * Later IP fragments (no ports) join the flow of the first fragment with the same
 * source, destination, protocol and identification, whichever order they arrive in;
 * fragments whose first fragment was never captured are counted and left out.
 */
import { formatIp } from "./ip-address.ts";
import { PROTO_TCP, TCP_ACK, TCP_SYN, type IpInfo } from "./ip.ts";

export type ClientRule = "address" | "syn" | "port" | "first-packet";

export interface Endpoint {
  readonly addr: string;
  readonly port: number;
}

/** One flow's packets, in file order, before times are made relative. */
export interface FlowPackets {
  /** Order of first appearance in the file (0-based), before any flow is left out. */
  readonly order: number;
  readonly protocol: "tcp" | "udp";
  /** The end that sent the first packet seen. */
  readonly a: Endpoint;
  readonly b: Endpoint;
  readonly time: number[];
  readonly size: number[];
  readonly payload: number[];
  /** 1 when the packet was sent by end `a`. */
  readonly fromA: number[];
  /** File index of each packet (ties at equal times keep file order). */
  readonly index: number[];
  firstSynFromA: boolean | null;
  firstSynAckFromA: boolean | null;
}

export interface ResolvedFlow {
  readonly flow: FlowPackets;
  readonly client: Endpoint;
  readonly server: Endpoint;
  readonly clientIsA: boolean;
  readonly clientBy: ClientRule;
}

const SERVER_PORTS = new Set([1194, 3478, 4500, 5222, 5223, 5349, 8080, 8443, 51820, 19302, 19303, 19304, 19305, 19306, 19307, 19308, 19309]);

function isServerPort(p: number): boolean {
  return (p > 0 && p < 1024) || SERVER_PORTS.has(p);
}

function isEphemeral(p: number): boolean {
  return p >= 32768;
}

interface PendingFragment {
  time: number;
  size: number;
  payload: number;
  index: number;
}

export class FlowTable {
  private readonly flows = new Map<string, FlowPackets>();
  private readonly list: FlowPackets[] = [];
  /** First fragments seen: fragment key → flow and direction. */
  private readonly firstFragments = new Map<string, { flow: FlowPackets; fromA: boolean }>();
  /** Later fragments waiting for their first fragment. */
  private readonly pending = new Map<string, PendingFragment[]>();

  /** Adds a decoded TCP/UDP packet (IP_OK). */
  add(time: number, index: number, ip: IpInfo): void {
    const src = formatIp(ip.src);
    const dst = formatIp(ip.dst);
    const protocol = ip.protocol === PROTO_TCP ? "tcp" : "udp";
    const s = `${src}|${ip.srcPort}`;
    const d = `${dst}|${ip.dstPort}`;
    const key = s < d ? `${protocol}|${s}|${d}` : `${protocol}|${d}|${s}`;
    let flow = this.flows.get(key);
    if (flow === undefined) {
      flow = {
        order: this.list.length,
        protocol,
        a: { addr: src, port: ip.srcPort },
        b: { addr: dst, port: ip.dstPort },
        time: [],
        size: [],
        payload: [],
        fromA: [],
        index: [],
        firstSynFromA: null,
        firstSynAckFromA: null,
      };
      this.flows.set(key, flow);
      this.list.push(flow);
    }
    const fromA = flow.a.addr === src && flow.a.port === ip.srcPort;
    push(flow, time, ip.wireSize, ip.payload, fromA, index);
    if (ip.protocol === PROTO_TCP && (ip.tcpFlags & TCP_SYN) !== 0) {
      if ((ip.tcpFlags & TCP_ACK) === 0) {
        if (flow.firstSynFromA === null) flow.firstSynFromA = fromA;
      } else if (flow.firstSynAckFromA === null) {
        flow.firstSynAckFromA = fromA;
      }
    }
    if (ip.fragment === 1) {
      const fk = fragmentKey(src, dst, ip.protocol, ip.fragmentId);
      this.firstFragments.set(fk, { flow, fromA });
      const waiting = this.pending.get(fk);
      if (waiting) {
        for (const w of waiting) push(flow, w.time, w.size, w.payload, fromA, w.index);
        this.pending.delete(fk);
      }
    }
  }

  /** Adds a later fragment (IP_FRAGMENT): it joins its first fragment's flow, now or when that arrives. */
  addFragment(time: number, index: number, ip: IpInfo): void {
    const fk = fragmentKey(formatIp(ip.src), formatIp(ip.dst), ip.protocol, ip.fragmentId);
    const first = this.firstFragments.get(fk);
    if (first) {
      push(first.flow, time, ip.wireSize, ip.payload, first.fromA, index);
      return;
    }
    const waiting = this.pending.get(fk);
    const w = { time, size: ip.wireSize, payload: ip.payload, index };
    if (waiting) waiting.push(w);
    else this.pending.set(fk, [w]);
  }

  /** Later fragments whose first fragment never came. */
  get unmatchedFragments(): number {
    let n = 0;
    for (const w of this.pending.values()) n += w.length;
    return n;
  }

  get all(): readonly FlowPackets[] {
    return this.list;
  }

  /**
   * Decides each flow's client. With `clients` (canonical address strings), flows that
   * do not involve one are left out and returned in `excluded`.
   */
  resolve(clients: ReadonlySet<string> | null): { flows: ResolvedFlow[]; excluded: FlowPackets[] } {
    const flows: ResolvedFlow[] = [];
    const excluded: FlowPackets[] = [];
    for (const flow of this.list) {
      const decided = decideClient(flow, clients);
      if (decided === null) {
        excluded.push(flow);
        continue;
      }
      const clientIsA = decided.clientIsA;
      flows.push({ flow, clientIsA, clientBy: decided.by, client: clientIsA ? flow.a : flow.b, server: clientIsA ? flow.b : flow.a });
    }
    return { flows, excluded };
  }
}

function push(flow: FlowPackets, time: number, size: number, payload: number, fromA: boolean, index: number): void {
  flow.time.push(time);
  flow.size.push(size);
  flow.payload.push(payload);
  flow.fromA.push(fromA ? 1 : 0);
  flow.index.push(index);
}

function fragmentKey(src: string, dst: string, protocol: number, id: number): string {
  return `${protocol}|${src}|${dst}|${id}`;
}

/** Which end of `flow` is the client, and by which rule; null when `clients` rules it out. */
export function decideClient(flow: FlowPackets, clients: ReadonlySet<string> | null): { clientIsA: boolean; by: ClientRule } | null {
  if (clients !== null) {
    const aIs = clients.has(flow.a.addr);
    const bIs = clients.has(flow.b.addr);
    if (aIs !== bIs) return { clientIsA: aIs, by: "address" };
    if (!aIs) return null;
  }
  if (flow.firstSynFromA !== null) return { clientIsA: flow.firstSynFromA, by: "syn" };
  if (flow.firstSynAckFromA !== null) return { clientIsA: !flow.firstSynAckFromA, by: "syn" };
  const pa = flow.a.port;
  const pb = flow.b.port;
  if (isServerPort(pa) !== isServerPort(pb)) return { clientIsA: isServerPort(pb), by: "port" };
  if (isEphemeral(pa) !== isEphemeral(pb)) return { clientIsA: isEphemeral(pa), by: "port" };
  return { clientIsA: true, by: "first-packet" };
}
