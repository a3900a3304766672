/**
 * What each vantage sees of the metadata world under a network policy: projects the true
 * records (sim/world/metadata.ts) onto the `MetaRecord`s (observers/meta-record.ts) a
 * vantage can read off the wire, every hidden field null, flow handles merged where a
 * tunnel or a proxy connection hides flow boundaries, the device −1 where the vantage
 * cannot tell whose record it is, sizes as seen (DNS transport framing, WireGuard framing
 * and pad-to-MTU from `transport.vpn`).
 *
 * Routing of a true record (policy.ts names the layers):
 * - tunnelled: `vpn.mode` always-on (everything, DNS included), or `on` and the record is
 *   the messenger's (messaging, media, calls), or a lookup with `dns.resolver: "vpn"`
 *   (the tunnel's resolver is reached through the tunnel);
 * - proxied: the record's class is in `proxy.separate`: the connection goes to that
 *   class's proxy (one connection per device and class, carrying all its flows), which
 *   resolves the name itself — the device makes no lookup of its own for it, so such
 *   lookups are seen nowhere.
 *
 * The rules, per vantage (a "−" field is null; device −1 is written "no"):
 *
 * | vantage | record | name | src | dst | port | device | handle | sizes |
 * |---|---|---|---|---|---|---|---|---|
 * | local, isp, global (the access link) | tunnelled (any) | − | device | VPN server (exit address) | 51820 | yes | the device's tunnel | WireGuard-framed |
 * | | lookup, plain DNS | qname | device | resolver | 53 | yes | own | UDP |
 * | | lookup, DoT / DoH | − (isp vantage with `resolver: "isp"`: qname, the ISP answers it) | device | resolver | 853 / 443 | yes | the device's resolver connection | padded (RFC 8467) + TLS (+ HTTP/2) |
 * | | proxied flow | − | device | the class's proxy | 443 | yes | the device's proxy connection for the class | as sent |
 * | | flow | SNI (− with ECH) | device | service address, or a CDN front under cdn-front | 443 | yes | own | as sent |
 * | isp only | tunnelled lookup with `resolver: "isp"` | qname (its resolver) | the exit | resolver | by mode | no | own | DNS transport |
 * | vpn-provider | tunnelled lookup | qname with plain DNS or `resolver: "vpn"`, else − | device (outer address) | resolver | by mode | yes | own (plain) / resolver connection | DNS transport |
 * | | tunnelled proxied flow | − | device | proxy | 443 | yes | proxy connection | as sent |
 * | | tunnelled flow | SNI (− with ECH) | device | service / front | 443 | yes | own | as sent |
 * | vpn-exit (upstream) | tunnelled lookup (not `resolver: "vpn"`: answered inside the provider) | qname with plain DNS, else − | the exit | resolver | by mode | no | own / resolver connection | DNS transport |
 * | | tunnelled proxied flow | − | the exit | proxy | 443 | no | proxy connection | as sent |
 * | | tunnelled flow | SNI (− with ECH) | the exit | service / front | 443 | no | own | as sent |
 * | server | the messenger's flows only (never DNS) | its own service name (it terminates TLS, ECH too) | device, or the exit when tunnelled, or the proxy when proxied | service / front | 443 | yes only from the device's own address | own | as sent |
 * | global | the union of the access links (as local, without the ISP's resolver), every exit's upstream and the server | | | | | | | |
 *
 * The policy is set up on every device (policy.ts), bystanders included: with an
 * always-on VPN their other apps' traffic is tunnelled too (bystanders are dealt to the
 * exits round-robin: bystander b on exit b mod exits), so a tunnel does not by itself
 * mark a device as the messenger's.
 *
 * Nothing else is seen: a record outside a vantage's scope (another access network,
 * ISP or exit), traffic that does not pass it (not tunnelled at the provider or an exit;
 * DNS and other apps at the server), a public resolver's reading of names (no vantage
 * runs it). Attacker-favouring choices: each device has its own public address (no NAT
 * shared between devices); an encrypted-DNS resolver is recognised by its address, so a
 * DoH lookup is a `dns` record at the link; the global observer's views are kept apart
 * (it may join them, as observers do, by time).
 *
 * @example
 * const seen = project(world.records, "local", "cafe", policy, placement, exp.transport);
 */
import type { MetaRecord } from "../../observers/meta-record.ts";
import type { VantageName } from "../../observers/observer.ts";
import { InputError, showValue } from "../core/validation.ts";
import type { TrueRecord } from "./metadata.ts";
import { TRAFFIC_CLASSES, type Policy, type TrafficClass } from "./policy.ts";
import {
  deviceAddress,
  exitAddress,
  ispResolver,
  proxyAddress,
  PUBLIC_RESOLVER,
  serviceAddress,
  VPN_RESOLVER,
  WIREGUARD_PORT,
} from "./services.ts";
import { scopeIndex, type Placement } from "./topology.ts";
import { WIREGUARD_OVERHEAD, type TransportSpec } from "./transport.ts";

/** One kind of view a record can give at a vantage (a row of the header's table). */
export interface FieldView {
  readonly kind: "dns" | "flow";
  /** The name (qname or SNI) is readable. */
  readonly name: boolean;
  readonly src: "device" | "exit" | "proxy";
  readonly dst: "service" | "resolver" | "vpn-server" | "proxy";
  readonly port: number;
  /** The vantage knows whose record it is. */
  readonly device: boolean;
  readonly handle: "own" | "tunnel" | "proxy-connection" | "resolver-connection";
  readonly sizes: "as-sent" | "dns-transport" | "tunnel";
}

type Part = "link" | "isp" | "provider" | "exit" | "server";

const PARTS: Record<VantageName, readonly Part[]> = {
  local: ["link"],
  isp: ["isp"],
  "vpn-provider": ["provider"],
  "vpn-exit": ["exit"],
  server: ["server"],
  global: ["link", "exit", "server"],
};

const MESSENGER = new Set<TrafficClass>(["messaging", "media", "calls"]);

function dnsPort(policy: Policy): number {
  return policy.dns.mode === "plain" ? 53 : policy.dns.mode === "dot" ? 853 : 443;
}

function route(kind: "dns" | "flow", cls: TrafficClass, policy: Policy): { tunnelled: boolean; proxied: boolean } {
  const vpn = policy.vpn.mode;
  const tunnelled = vpn === "always-on" || (vpn === "on" && (kind === "dns" ? policy.dns.resolver === "vpn" : MESSENGER.has(cls)));
  return { tunnelled, proxied: policy.proxy.separate.includes(cls) };
}

/** The views a record of `kind` and class `cls` gives at one part of a vantage (the header's table). */
function viewsAt(part: Part, kind: "dns" | "flow", cls: TrafficClass, policy: Policy): FieldView[] {
  const { tunnelled, proxied } = route(kind, cls, policy);
  if (kind === "dns" && proxied) return []; // the proxy resolves the name
  const plain = policy.dns.mode === "plain";
  const sni = policy.sni === "plain";
  const dnsHandle = plain ? "own" : "resolver-connection";
  switch (part) {
    case "link":
    case "isp": {
      const out: FieldView[] = [];
      if (tunnelled) {
        out.push({ kind: "flow", name: false, src: "device", dst: "vpn-server", port: WIREGUARD_PORT, device: true, handle: "tunnel", sizes: "tunnel" });
        if (part === "isp" && kind === "dns" && policy.dns.resolver === "isp") {
          out.push({ kind: "dns", name: true, src: "exit", dst: "resolver", port: dnsPort(policy), device: false, handle: "own", sizes: "dns-transport" });
        }
      } else if (kind === "dns") {
        const ispReads = part === "isp" && policy.dns.resolver === "isp";
        out.push({ kind: "dns", name: plain || ispReads, src: "device", dst: "resolver", port: dnsPort(policy), device: true, handle: dnsHandle, sizes: "dns-transport" });
      } else if (proxied) {
        out.push({ kind: "flow", name: false, src: "device", dst: "proxy", port: 443, device: true, handle: "proxy-connection", sizes: "as-sent" });
      } else {
        out.push({ kind: "flow", name: sni, src: "device", dst: "service", port: 443, device: true, handle: "own", sizes: "as-sent" });
      }
      return out;
    }
    case "provider":
      if (!tunnelled) return [];
      if (kind === "dns") {
        const reads = plain || policy.dns.resolver === "vpn";
        return [{ kind: "dns", name: reads, src: "device", dst: "resolver", port: dnsPort(policy), device: true, handle: dnsHandle, sizes: "dns-transport" }];
      }
      if (proxied) return [{ kind: "flow", name: false, src: "device", dst: "proxy", port: 443, device: true, handle: "proxy-connection", sizes: "as-sent" }];
      return [{ kind: "flow", name: sni, src: "device", dst: "service", port: 443, device: true, handle: "own", sizes: "as-sent" }];
    case "exit":
      if (!tunnelled) return [];
      if (kind === "dns") {
        if (policy.dns.resolver === "vpn") return [];
        return [{ kind: "dns", name: plain, src: "exit", dst: "resolver", port: dnsPort(policy), device: false, handle: dnsHandle, sizes: "dns-transport" }];
      }
      if (proxied) return [{ kind: "flow", name: false, src: "exit", dst: "proxy", port: 443, device: false, handle: "proxy-connection", sizes: "as-sent" }];
      return [{ kind: "flow", name: sni, src: "exit", dst: "service", port: 443, device: false, handle: "own", sizes: "as-sent" }];
    case "server":
      if (kind === "dns" || !MESSENGER.has(cls)) return [];
      return [{ kind: "flow", name: true, src: proxied ? "proxy" : tunnelled ? "exit" : "device", dst: "service", port: 443, device: !proxied && !tunnelled, handle: "own", sizes: "as-sent" }];
  }
}

export type VisibleFields = Record<"dns" | "flow", Record<TrafficClass, FieldView[]>>;

/**
 * Which fields a vantage sees of each kind of record under `policy`: per record kind and
 * traffic class, the views it gives there (empty: not seen at all). The header's table
 * as data, for tests and the exposure report.
 */
export function visibleFields(vantage: VantageName, policy: Policy): VisibleFields {
  const of = (kind: "dns" | "flow") =>
    Object.fromEntries(TRAFFIC_CLASSES.map((c) => [c, PARTS[vantage].flatMap((part) => viewsAt(part, kind, c, policy))])) as Record<TrafficClass, FieldView[]>;
  return { dns: of("dns"), flow: of("flow") };
}

/** Policy settings that need the transport or each other; an InputError naming each problem. */
export function checkPolicy(policy: Policy, transport: TransportSpec): void {
  const problems: string[] = [];
  if (policy.vpn.mode !== "off" && transport.vpn === undefined) {
    problems.push(`policy.vpn.mode = ${showValue(policy.vpn.mode)}: expected transport.vpn to be set (the tunnel's framing), or vpn.mode "off"`);
  }
  if (policy.dns.resolver === "vpn" && policy.vpn.mode === "off") {
    problems.push(`policy.dns.resolver = "vpn": expected policy.vpn.mode "on" or "always-on" (the provider's resolver is reached through the tunnel)`);
  }
  if (problems.length > 0) throw new InputError(problems);
}

/** Size on the access link of `inner` bytes sent through the tunnel: WireGuard framing per packet of at most the tunnel MTU (padded to 16, or to the MTU). */
export function tunnelBytes(inner: number, vpn: NonNullable<TransportSpec["vpn"]>): number {
  if (inner <= 0) return 0;
  const mtu = vpn.tunnelMtu;
  const packets = Math.ceil(inner / mtu);
  if (vpn.padToMtu) return packets * (mtu + WIREGUARD_OVERHEAD);
  const last = inner - (packets - 1) * mtu;
  const pad16 = (n: number) => (n + 15) & ~15;
  return (packets - 1) * (pad16(mtu) + WIREGUARD_OVERHEAD) + pad16(last) + WIREGUARD_OVERHEAD;
}

/**
 * A lookup's size with its DNS transport: plain, UDP + IPv4 (28 B); DoT and DoH pad the
 * query to a multiple of 128 B and the answer to 468 B (RFC 8467's recommended block
 * padding), add the 2-byte length (DoT) or ~60 B of HTTP/2 framing and headers (DoH,
 * an assumption), a TLS record (22 B) and TCP/IPv4 with timestamps (52 B).
 */
export function dnsTransportBytes(message: number, up: boolean, mode: Policy["dns"]["mode"]): number {
  if (mode === "plain") return message + 28;
  const block = up ? 128 : 468;
  const padded = Math.ceil(message / block) * block;
  return padded + (mode === "dot" ? 2 : 60) + 22 + 52;
}

/** Where device `d` is: its network, ISP and VPN exit (bystanders are dealt to exits round-robin). */
interface Where {
  network(d: number): number;
  isp(d: number): number;
  exit(d: number): number;
}

function whereOf(p: Placement): Where {
  const ispOf = p.networks.map((n) => p.isps.indexOf(n.isp));
  const network = (d: number) => (d < p.users ? p.network[d] : p.bystanderNetwork[d - p.users]);
  return {
    network,
    isp: (d) => (d < p.users ? p.isp[d] : ispOf[network(d)]),
    exit: (d) => (d < p.users ? p.exit[d] : p.exits > 0 ? (d - p.users) % p.exits : -1),
  };
}

/** A vantage's records and who really owns each of its flow handles. */
export interface VantageView {
  readonly records: MetaRecord[];
  /** owners[handle]: the device that opened every flow under the handle, or −1 when they are several devices'. */
  readonly owners: Int32Array;
}

/**
 * The records `vantage` (within `scope`) sees of the true `records` under `policy`, in
 * time order, and the true owner of each flow handle (for the `flow-link` labels).
 */
export function projectView(
  records: readonly TrueRecord[],
  vantage: VantageName,
  scope: string | undefined,
  policy: Policy,
  placement: Placement,
  transport: TransportSpec,
  where = "scope",
): VantageView {
  checkPolicy(policy, transport);
  const w = whereOf(placement);
  const s = scopeIndex(placement, vantage, scope, where);
  const inScope = s === null ? null : (d: number) => w[s.by](d) === s.k;
  const parts = PARTS[vantage];
  // views per part × kind × class, computed once
  const table = new Map<string, FieldView[]>();
  const viewsOf = (part: Part, kind: "dns" | "flow", cls: TrafficClass) => {
    const key = `${part}/${kind}/${cls}`;
    let v = table.get(key);
    if (!v) table.set(key, (v = viewsAt(part, kind, cls, policy)));
    return v;
  };
  const resolver = (isp: number) => (policy.dns.resolver === "isp" ? ispResolver(isp) : policy.dns.resolver === "public" ? PUBLIC_RESOLVER : VPN_RESOLVER);
  const out: { rec: Omit<MetaRecord, "flow">; key: string; owner: number }[] = [];
  for (const r of records) {
    const d = r.device;
    if (inScope !== null && !inScope(d)) continue;
    for (const part of parts) {
      for (const v of viewsOf(part, r.kind, r.class)) {
        const isp = w.isp(d);
        const exit = w.exit(d);
        if ((v.src === "exit" || v.dst === "vpn-server") && exit < 0) {
          throw new InputError(`placement: device ${d} is tunnelled but has no VPN exit: expected transport.vpn to be set`);
        }
        const src = v.src === "device" ? deviceAddress(d, isp) : v.src === "exit" ? exitAddress(exit) : proxyAddress(r.class);
        const dst = v.dst === "service" ? serviceAddress(r.name, policy.addressing) : v.dst === "resolver" ? resolver(isp) : v.dst === "vpn-server" ? exitAddress(exit) : proxyAddress(r.class);
        let up = r.bytesUp;
        let down = r.bytesDown;
        if (r.kind === "dns") {
          up = dnsTransportBytes(up, true, policy.dns.mode);
          down = dnsTransportBytes(down, false, policy.dns.mode);
        }
        if (v.sizes === "tunnel") {
          const vpn = transport.vpn as NonNullable<TransportSpec["vpn"]>;
          up = tunnelBytes(up, vpn);
          down = tunnelBytes(down, vpn);
        }
        const key =
          v.handle === "own" ? `${part}/f${r.flow}` : v.handle === "tunnel" ? `${part}/t${d}` : v.handle === "proxy-connection" ? `${part}/p${d}/${r.class}` : `${part}/r${d}`;
        out.push({
          key,
          owner: d,
          rec: { kind: v.kind, device: v.device ? d : -1, time: r.time, end: r.end, name: v.name ? r.name : null, src, dst, port: v.port, bytesUp: up, bytesDown: down },
        });
      }
    }
  }
  // `records` are in time order and each expands in a fixed order, so `out` is in time order already
  const handles = new Map<string, number>();
  const owners: number[] = [];
  const result: MetaRecord[] = out.map((e) => {
    let h = handles.get(e.key);
    if (h === undefined) {
      h = owners.length;
      handles.set(e.key, h);
      owners.push(e.owner);
    } else if (owners[h] !== e.owner) owners[h] = -1;
    return { ...e.rec, flow: h };
  });
  return { records: result, owners: Int32Array.from(owners) };
}

/** The records `vantage` (within `scope`) sees of the true `records` under `policy`, in time order (see the file header). */
export function project(
  records: readonly TrueRecord[],
  vantage: VantageName,
  scope: string | undefined,
  policy: Policy,
  placement: Placement,
  transport: TransportSpec,
): MetaRecord[] {
  return projectView(records, vantage, scope, policy, placement, transport).records;
}
