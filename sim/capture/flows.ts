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
 *
 * Speed: a packet costs one short binary string key (the raw address bytes and ports as
 * 16-bit char codes, not dotted text) and one Map lookup; packets are stored in typed
 * columns in arrival order. Addresses are formatted once per flow.
 */
import { grown } from "../core/grown.ts";
import { formatIp } from "./ip-address.ts";
import { PROTO_TCP, TCP_ACK, TCP_SYN, type IpInfo } from "./ip.ts";

export type ClientRule = "address" | "syn" | "port" | "first-packet";

export interface Endpoint {
  readonly addr: string;
  readonly port: number;
}

/** One flow: its ends and what decides its client. Its packets are in the table's columns. */
export interface FlowInfo {
  /** Order of first appearance in the file (0-based), before any flow is left out. */
  readonly order: number;
  readonly protocol: "tcp" | "udp";
  /** The end that sent the first packet seen. */
  readonly a: Endpoint;
  readonly b: Endpoint;
  /** `a` as a binary endpoint key (to tell directions apart per packet). */
  readonly aKey: string;
  packets: number;
  firstSynFromA: boolean | null;
  firstSynAckFromA: boolean | null;
}

export interface ResolvedFlow {
  readonly flow: FlowInfo;
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

/** An address and port as a string of 16-bit char codes (3 for IPv4, 9 for IPv6). */
function endpointKey(addr: Uint8Array, port: number): string {
  if (addr.length === 4) return String.fromCharCode((addr[0] << 8) | addr[1], (addr[2] << 8) | addr[3], port);
  let s = "";
  for (let i = 0; i < 16; i += 2) s += String.fromCharCode((addr[i] << 8) | addr[i + 1]);
  return s + String.fromCharCode(port);
}

function addrKey(addr: Uint8Array): string {
  return endpointKey(addr, 0).slice(0, -1);
}

interface PendingFragment {
  time: number;
  size: number;
  payload: number;
  index: number;
}

export class FlowTable {
  private readonly byKey = new Map<string, FlowInfo>();
  readonly flows: FlowInfo[] = [];
  /** Packet columns in arrival order. */
  time = new Float64Array(1024);
  size = new Int32Array(1024);
  payload = new Int32Array(1024);
  /** The flow's `order`. */
  flow = new Int32Array(1024);
  fromA = new Uint8Array(1024);
  /** File index of each packet (ties at equal times keep file order). */
  index = new Float64Array(1024);
  length = 0;
  /** True while rows were added in (time, file index) order. */
  inOrder = true;
  private readonly firstFragments = new Map<string, { flow: FlowInfo; fromA: boolean }>();
  private readonly pending = new Map<string, PendingFragment[]>();

  private push(flow: FlowInfo, time: number, size: number, payload: number, fromA: boolean, index: number): void {
    if (this.length === this.time.length) {
      this.time = grown(this.time);
      this.size = grown(this.size);
      this.payload = grown(this.payload);
      this.flow = grown(this.flow);
      this.fromA = grown(this.fromA);
      this.index = grown(this.index);
    }
    const i = this.length++;
    if (i > 0 && (time < this.time[i - 1] || (time === this.time[i - 1] && index < this.index[i - 1]))) this.inOrder = false;
    this.time[i] = time;
    this.size[i] = size;
    this.payload[i] = payload;
    this.flow[i] = flow.order;
    this.fromA[i] = fromA ? 1 : 0;
    this.index[i] = index;
    flow.packets++;
  }

  /** Adds a decoded TCP/UDP packet (IP_OK). */
  add(time: number, index: number, ip: IpInfo): void {
    const s = endpointKey(ip.src, ip.srcPort);
    const d = endpointKey(ip.dst, ip.dstPort);
    const key = s < d ? `${ip.protocol === PROTO_TCP ? "t" : "u"}${s}${d}` : `${ip.protocol === PROTO_TCP ? "t" : "u"}${d}${s}`;
    let flow = this.byKey.get(key);
    if (flow === undefined) {
      flow = {
        order: this.flows.length,
        protocol: ip.protocol === PROTO_TCP ? "tcp" : "udp",
        a: { addr: formatIp(ip.src), port: ip.srcPort },
        b: { addr: formatIp(ip.dst), port: ip.dstPort },
        aKey: s,
        packets: 0,
        firstSynFromA: null,
        firstSynAckFromA: null,
      };
      this.byKey.set(key, flow);
      this.flows.push(flow);
    }
    const fromA = s === flow.aKey;
    this.push(flow, time, ip.wireSize, ip.payload, fromA, index);
    if (ip.protocol === PROTO_TCP && (ip.tcpFlags & TCP_SYN) !== 0) {
      if ((ip.tcpFlags & TCP_ACK) === 0) {
        if (flow.firstSynFromA === null) flow.firstSynFromA = fromA;
      } else if (flow.firstSynAckFromA === null) {
        flow.firstSynAckFromA = fromA;
      }
    }
    if (ip.fragment === 1) {
      const fk = fragmentKey(ip);
      this.firstFragments.set(fk, { flow, fromA });
      const waiting = this.pending.get(fk);
      if (waiting) {
        for (const w of waiting) this.push(flow, w.time, w.size, w.payload, fromA, w.index);
        this.pending.delete(fk);
      }
    }
  }

  /** Adds a later fragment (IP_FRAGMENT): it joins its first fragment's flow, now or when that arrives. */
  addFragment(time: number, index: number, ip: IpInfo): void {
    const fk = fragmentKey(ip);
    const first = this.firstFragments.get(fk);
    if (first) {
      this.push(first.flow, time, ip.wireSize, ip.payload, first.fromA, index);
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

  /**
   * Decides each flow's client. With `clients` (canonical address strings), flows that
   * do not involve one are left out and returned in `excluded`.
   */
  resolve(clients: ReadonlySet<string> | null): { flows: ResolvedFlow[]; excluded: FlowInfo[] } {
    const flows: ResolvedFlow[] = [];
    const excluded: FlowInfo[] = [];
    for (const flow of this.flows) {
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

function fragmentKey(ip: IpInfo): string {
  return `${ip.protocol}|${addrKey(ip.src)}|${addrKey(ip.dst)}|${ip.fragmentId}`;
}

/** Which end of `flow` is the client, and by which rule; null when `clients` rules it out. */
export function decideClient(flow: FlowInfo, clients: ReadonlySet<string> | null): { clientIsA: boolean; by: ClientRule } | null {
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
